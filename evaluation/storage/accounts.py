"""Reading and writing accounts and sign-in sessions."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from evaluation.audit import AuditAction
from evaluation.errors import StorageError
from evaluation.i18n import N_
from evaluation.storage.audit import append
from evaluation.storage.models import User, UserSession

USER_COLUMNS = [
    "username",
    "role",
    "agency_code",
    "email",
    "active",
    "demo",
    "created_at",
    "password_changed_at",
    "language",
]


def count_users(engine: Engine) -> int:
    """How many accounts exist."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(User)).scalar_one())


def add_user(engine: Engine, record: dict[str, object], actor: str) -> int:
    """Create an account; a taken username is refused."""
    try:
        with engine.begin() as conn:
            new_id = conn.execute(insert(User).returning(User.id), record).scalar_one()
            append(
                conn,
                actor,
                AuditAction.USER_ADD,
                {k: record.get(k) for k in ("username", "role", "agency_code", "demo")},
            )
    except IntegrityError:
        raise StorageError(
            N_('the username "{username}" is already taken', username=record["username"])
        ) from None
    return int(new_id)


def user(engine: Engine, username: str) -> dict[str, object] | None:
    """One account with its password hash, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(User).where(User.username == username)).mappings().first()
    return None if row is None else dict(row)


def users(engine: Engine) -> pd.DataFrame:
    """Every account, without password hashes."""
    query = select(*(getattr(User, c) for c in USER_COLUMNS)).order_by(User.username)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=USER_COLUMNS)


def change_user(
    engine: Engine,
    username: str,
    values: dict[str, object],
    actor: str,
    action: AuditAction,
    end_sessions_at: datetime | None = None,
) -> None:
    """Update an account and record why; an unknown username is refused.

    With `end_sessions_at`, every open session of the account ends in the same transaction
    (a new password or a disabled account signs everyone out of it for good).
    """
    with engine.begin() as conn:
        changed = conn.execute(
            update(User).where(User.username == username).values(**values)
        ).rowcount
        if not changed:
            raise StorageError(N_('there is no account "{username}"', username=username))
        if end_sessions_at is not None:
            owner = select(User.id).where(User.username == username).scalar_subquery()
            conn.execute(
                update(UserSession)
                .where(UserSession.user_id == owner, UserSession.ended_at.is_(None))
                .values(ended_at=end_sessions_at)
            )
        shown = {k: v for k, v in values.items() if k != "password_hash"}
        append(
            conn,
            actor,
            action,
            {"username": username, **shown},
        )


def set_language(engine: Engine, username: str, language: str | None) -> None:
    """Keep an account's own language (None: the office's); a preference, not audited."""
    with engine.begin() as conn:
        changed = conn.execute(
            update(User).where(User.username == username).values(language=language)
        ).rowcount
    if not changed:
        raise StorageError(N_('there is no account "{username}"', username=username))


def start_session(engine: Engine, user_id: int, token_hash: str, now: datetime) -> None:
    """Record a successful sign-in: a new session."""
    with engine.begin() as conn:
        conn.execute(
            insert(UserSession).values(
                token_hash=token_hash, user_id=user_id, created_at=now, last_seen=now
            )
        )


def session(engine: Engine, token_hash: str) -> dict[str, object] | None:
    """A session with its account: username, role, agency_code, active, demo, language,
    last_seen, ended_at."""
    query = (
        select(
            UserSession.created_at,
            UserSession.last_seen,
            UserSession.ended_at,
            User.username,
            User.role,
            User.agency_code,
            User.active,
            User.demo,
            User.language,
        )
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash)
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def rotate_session(engine: Engine, token_hash: str, new_hash: str, started_after: datetime) -> bool:
    """Give a live session started after `started_after` a new token; False if there is none.

    One statement, so that of two exchanges of the same token at most one succeeds."""
    with engine.begin() as conn:
        done = conn.execute(
            update(UserSession)
            .where(
                UserSession.token_hash == token_hash,
                UserSession.ended_at.is_(None),
                UserSession.created_at > started_after,
            )
            .values(token_hash=new_hash)
        )
    return bool(done.rowcount == 1)


def touch_session(engine: Engine, token_hash: str, now: datetime) -> None:
    """Move a session's last activity to `now`."""
    with engine.begin() as conn:
        conn.execute(
            update(UserSession).where(UserSession.token_hash == token_hash).values(last_seen=now)
        )


def end_session(engine: Engine, token_hash: str, now: datetime) -> None:
    """End a session (sign-out or expiry)."""
    with engine.begin() as conn:
        conn.execute(
            update(UserSession)
            .where(UserSession.token_hash == token_hash, UserSession.ended_at.is_(None))
            .values(ended_at=now)
        )


def agency_languages(engine: Engine) -> dict[str, str]:
    """agency_code -> the language most of the agency's active agency users chose (on a tie,
    the first by its id); agencies none of whose active users chose one are left out."""
    query = (
        select(User.agency_code, User.language, func.count().label("users"))
        .where(
            User.role == "agency",
            User.active.is_(True),
            User.agency_code.is_not(None),
            User.language.is_not(None),
            User.language != "",
        )
        .group_by(User.agency_code, User.language)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    chosen: dict[str, tuple[int, str]] = {}
    for agency, language, count in sorted(rows, key=lambda r: (str(r[0]), str(r[1]))):
        if agency not in chosen or int(count) > chosen[agency][0]:
            chosen[str(agency)] = (int(count), str(language))
    return {agency: language for agency, (_count, language) in chosen.items()}
