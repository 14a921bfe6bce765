"""Sign-in locks: failed attempts counted per account and source, atomically and before the
password is checked, so that concurrent guesses cannot outrun the limit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from evaluation.audit import AuditAction
from evaluation.storage.audit import append
from evaluation.storage.models import SignInLock, User, aware


def begin_attempt(
    engine: Engine, user_id: int, source: str, now: datetime, limit: int, lockout: timedelta
) -> bool:
    """Count a sign-in attempt before its password is checked; False when the account is
    locked for this source, or when this attempt passes the limit (which locks it)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(SignInLock).values(user_id=user_id, source=source, failures=1)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "source"],
        set_={"failures": SignInLock.failures + 1},
    ).returning(SignInLock.failures, SignInLock.locked_until)
    with engine.begin() as conn:
        failures, locked_until = conn.execute(statement).one()
        until = None if locked_until is None else aware(locked_until)
        if until is not None and until > now:
            return False
        if failures > limit:
            conn.execute(
                update(SignInLock)
                .where(SignInLock.user_id == user_id, SignInLock.source == source)
                .values(failures=0, locked_until=now + lockout)
            )
            return False
    return True


def attempt_failed(
    engine: Engine, user_id: int, source: str, now: datetime, limit: int, lockout: timedelta
) -> bool:
    """The counted attempt failed; lock the source out when it used the last try. True when
    it locked."""
    with engine.begin() as conn:
        locked = conn.execute(
            update(SignInLock)
            .where(
                SignInLock.user_id == user_id,
                SignInLock.source == source,
                SignInLock.failures >= limit,
            )
            .values(failures=0, locked_until=now + lockout)
        ).rowcount
    return bool(locked)


def attempt_succeeded(engine: Engine, user_id: int, source: str) -> None:
    """A good password clears the count of this source."""
    with engine.begin() as conn:
        conn.execute(
            update(SignInLock)
            .where(SignInLock.user_id == user_id, SignInLock.source == source)
            .values(failures=0, locked_until=None)
        )


def locks(engine: Engine, now: datetime) -> pd.DataFrame:
    """The locks in force: username, source, locked_until."""
    query = (
        select(User.username, SignInLock.source, SignInLock.locked_until)
        .join(User, User.id == SignInLock.user_id)
        .where(SignInLock.locked_until.is_not(None))
        .order_by(User.username, SignInLock.source)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    live = [(u, s, aware(t)) for u, s, t in rows if aware(t) > now]
    return pd.DataFrame(live, columns=["username", "source", "locked_until"])


def unlock(engine: Engine, username: str, actor: str) -> int:
    """Lift every lock of an account; returns how many sources were locked."""
    owner = select(User.id).where(User.username == username).scalar_subquery()
    mine = SignInLock.user_id == owner
    with engine.begin() as conn:
        locked = conn.execute(
            select(func.count()).where(mine, SignInLock.locked_until.is_not(None))
        ).scalar_one()
        conn.execute(delete(SignInLock).where(mine))
        append(conn, actor, AuditAction.USER_UNLOCK, {"username": username, "sources": locked})
    return int(locked)
