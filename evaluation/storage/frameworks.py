"""Framework versions served: every valid framework file kept, so a broken file can fall back
to the last valid one."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from evaluation.audit import SYSTEM, AuditAction
from evaluation.storage.audit import append
from evaluation.storage.models import FrameworkVersion, utcnow


def remember_framework(engine: Engine, fingerprint: str, text: str, source: str) -> bool:
    """Record that a valid framework is being served; True when it was not the last one served."""
    with engine.begin() as conn:
        last = conn.execute(
            select(FrameworkVersion.fingerprint)
            .order_by(FrameworkVersion.last_served.desc())
            .limit(1)
        ).scalar()
        if last == fingerprint:
            return False
        now = utcnow()
        moved = conn.execute(
            update(FrameworkVersion)
            .where(FrameworkVersion.fingerprint == fingerprint)
            .values(last_served=now)
        ).rowcount
        if not moved:
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(FrameworkVersion).values(
                            fingerprint=fingerprint,
                            text=text,
                            source=source,
                            first_seen=now,
                            last_served=now,
                        )
                    )
            except IntegrityError:  # another replica recorded it at the same moment
                return False
        details = {"fingerprint": fingerprint, "source": source}
        append(conn, SYSTEM, AuditAction.FRAMEWORK_SERVED, details)
    return True


def last_framework(engine: Engine) -> dict[str, object] | None:
    """The framework served most recently: fingerprint, text, source, first_seen, last_served."""
    query = select(FrameworkVersion).order_by(FrameworkVersion.last_served.desc()).limit(1)
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)
