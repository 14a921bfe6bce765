"""The audit log: the one function that appends an event (in the caller's transaction), and
reading the log back filtered."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, insert, select

from evaluation.audit import AuditAction
from evaluation.storage.models import AuditEvent, utcnow


def append(conn, actor: str, action: AuditAction, details: dict[str, object]) -> None:
    """Append one audit event in the caller's transaction; the action must be of the
    vocabulary."""
    conn.execute(
        insert(AuditEvent).values(
            at=utcnow(),
            actor=actor,
            action=AuditAction(action).value,
            details=json.dumps(details, ensure_ascii=False, default=str),
        )
    )


def record(engine: Engine, actor: str, action: AuditAction, details: dict[str, object]) -> None:
    """Append one audit event on its own."""
    with engine.begin() as conn:
        append(conn, actor, action, details)


def audit_log(
    engine: Engine,
    actions: Iterable[str] | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> pd.DataFrame:
    """The audit log, oldest first, optionally only some actions, one actor, a time window."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if actions:
        query = query.where(AuditEvent.action.in_(list(actions)))
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at <= until)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame(rows, columns=["id", "at", "actor", "action", "details"])
