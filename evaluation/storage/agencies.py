"""The agencies table: registering agencies, listing them, taking them out of the evaluation."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update

from evaluation.audit import AuditAction
from evaluation.errors import StorageError
from evaluation.i18n import N_
from evaluation.storage.audit import append
from evaluation.storage.models import Agency


def add_agencies(
    engine: Engine, agencies: pd.DataFrame, actor: str, synthetic: bool = False
) -> int:
    """Insert agencies whose code is new; returns how many were added."""
    with engine.begin() as conn:
        known = set(conn.execute(select(Agency.code)).scalars())
        rows = [
            {
                "code": str(r["code"]),
                "name": str(r["name"]),
                "name_zh": str(r.get("name_zh") or ""),
                "type": str(r["type"]),
                "active": True,
                "synthetic": synthetic,
            }
            for r in agencies.to_dict("records")
            if str(r["code"]) not in known
        ]
        if rows:
            conn.execute(insert(Agency), rows)
            append(conn, actor, AuditAction.AGENCIES_ADD, {"codes": [r["code"] for r in rows]})
    return len(rows)


def agencies(engine: Engine) -> pd.DataFrame:
    """Every agency: code, name, name_zh, type, active, synthetic."""
    query = select(
        Agency.code, Agency.name, Agency.name_zh, Agency.type, Agency.active, Agency.synthetic
    ).order_by(Agency.code)
    with engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(query).mappings().all(),
            columns=["code", "name", "name_zh", "type", "active", "synthetic"],
        )


def set_agency_active(engine: Engine, code: str, active: bool, actor: str) -> None:
    """Take an agency out of (or back into) the evaluation; its history stays."""
    with engine.begin() as conn:
        changed = conn.execute(
            update(Agency).where(Agency.code == code).values(active=active)
        ).rowcount
        if not changed:
            raise StorageError(N_('there is no agency "{code}"', code=code))
        action = AuditAction.AGENCY_ENABLE if active else AuditAction.AGENCY_DISABLE
        append(conn, actor, action, {"code": code})


def only_synthetic(engine: Engine) -> bool:
    """True while every registered agency is synthetic demo data (and there is one)."""
    query = select(func.count(), func.count().filter(Agency.synthetic.is_(False)))
    with engine.connect() as conn:
        total, real = conn.execute(query.select_from(Agency)).one()
    return bool(total) and not real
