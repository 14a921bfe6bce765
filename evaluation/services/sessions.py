"""Signing in and out: passwords with lockout, single sign-on by email, and the actor behind a
session token. Stored password hashes are upgraded at sign-in when the parameters change."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from evaluation import accounts, limits
from evaluation.audit import AuditAction
from evaluation.errors import AuthenticationError
from evaluation.i18n import N_
from evaluation.permissions import Actor, Permission
from evaluation.storage import accounts as account_store
from evaluation.storage import agencies as agency_store
from evaluation.storage import audit
from evaluation.storage import locks as lock_store
from evaluation.storage.db import Engine
from evaluation.storage.models import aware

SESSION_TOUCH = timedelta(minutes=1)  # idle time is tracked to the minute, not every rerun
# The actor recorded for a sign-in with no such account (data in the audit log).
UNKNOWN_USER = "(unknown username)"  # i18n: not text
UNKNOWN_SOURCE = "unknown"  # the source of a sign-in whose client address is not known
# The browser exchanges a new session's first token for the cookie at once; a token older than
# this can no longer be exchanged.
EXCHANGE_WINDOW = timedelta(minutes=2)
# The pages that take a file need one of these; the server refuses uploads from anyone else.
SENDS_FILES = frozenset(
    {Permission.UPLOAD_FIGURES, Permission.MANAGE_AGENCIES, Permission.MANAGE_FRAMEWORK}
)


@cache
def _unknown_user_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as known ones."""
    return accounts.hash_password("never-a-password-of-anyone")  # i18n: not text


def has_users(engine: Engine) -> bool:
    """True once the first account exists."""
    return account_store.count_users(engine) > 0


def _actor_of(account: dict[str, object]) -> Actor:
    """The actor of a stored account."""
    return Actor(
        str(account["username"]),
        account["role"],  # type: ignore[arg-type]
        account["agency_code"],  # type: ignore[arg-type]
        account.get("language"),  # type: ignore[arg-type]
    )


def sign_in(
    engine: Engine, username: str, password: str, now: datetime, source: str = UNKNOWN_SOURCE
) -> tuple[str, Actor]:
    """Check a username and password; a session token and the actor, or AuthenticationError.

    Attempts are counted per account and `source` (the client's address) before the password
    is checked, so concurrent guesses cannot outrun the limit, and failures from one address
    do not lock the owner out from another.
    """
    account = account_store.user(engine, username.strip())
    if account is None:
        accounts.verify_password(_unknown_user_hash(), password)  # same time as a real check
        # What was typed is never recorded: a password typed into the username field often
        # looks like a username (generated passwords do), and would land in the audit log.
        audit.record(engine, UNKNOWN_USER, AuditAction.LOGIN_FAILED, {"reason": "unknown"})
        raise AuthenticationError(accounts.SIGN_IN_FAILED)
    user_id = int(str(account["id"]))
    source = source[:64] or UNKNOWN_SOURCE
    limit, lockout = accounts.MAX_FAILED_LOGINS, accounts.LOCKOUT
    allowed = lock_store.begin_attempt(engine, user_id, source, now, limit, lockout)
    stored_hash = str(account["password_hash"])
    good = accounts.verify_password(stored_hash, password)
    name = str(account["username"])
    # Demo accounts sign in only while the database holds nothing but the synthetic demo.
    demo_out = good and bool(account["demo"]) and not agency_store.only_synthetic(engine)
    if not allowed or not account["active"] or not good or demo_out:
        reason = (
            "locked"
            if not allowed
            else "disabled"
            if not account["active"]
            else "password"
            if not good
            else "demo account in a database with real data"  # i18n: not text (audit data)
        )
        details: dict[str, object] = {"reason": reason, "source": source}
        if reason == "password" and lock_store.attempt_failed(
            engine, user_id, source, now, limit, lockout
        ):
            details["locked_until"] = (now + lockout).isoformat()
        audit.record(engine, name, AuditAction.LOGIN_FAILED, details)
        raise AuthenticationError(accounts.SIGN_IN_FAILED)
    lock_store.attempt_succeeded(engine, user_id, source)
    if accounts.needs_rehash(stored_hash):
        # The hashing parameters were raised since this password was set: store it anew.
        upgraded: dict[str, object] = {"password_hash": accounts.hash_password(password)}
        account_store.change_user(engine, name, upgraded, name, AuditAction.USER_REHASH)
    token, digest = accounts.new_token()
    account_store.start_session(engine, user_id, digest, now)
    audit.record(engine, name, AuditAction.LOGIN, {"source": source})
    return token, _actor_of(account)


def sign_in_by_email(engine: Engine, email: str, now: datetime) -> tuple[str, Actor]:
    """Single sign-on: the identity provider vouched for `email`; map it to an active account."""
    wanted = email.strip().lower()
    table = account_store.users(engine)
    match = table[(table["email"].str.lower() == wanted) & table["active"].astype(bool)]
    if not wanted or len(match) != 1:
        shown = wanted[: limits.ACTOR] or "?"
        audit.record(engine, shown, AuditAction.LOGIN_FAILED, {"method": "sso"})
        if len(match) > 1:
            raise AuthenticationError(
                N_(
                    "Single sign-on worked, but {count} active accounts share this email "
                    "address, so it cannot tell which one is yours. Ask an administrator to keep "
                    "the address on one account only.",
                    count=len(match),
                )
            )
        raise AuthenticationError(
            N_(
                "Single sign-on worked, but no active account has this email address. "
                "Ask an administrator to add it to your account."
            )
        )
    username = str(match["username"].iloc[0])
    account = account_store.user(engine, username)
    assert account is not None
    token, digest = accounts.new_token()
    account_store.start_session(engine, int(str(account["id"])), digest, now)
    audit.record(engine, username, AuditAction.LOGIN, {"method": "sso"})
    return token, _actor_of(account)


def actor_for(engine: Engine, token: str | None, now: datetime) -> Actor | None:
    """The actor of a session token; None when it is unknown, ended, idle too long or disabled."""
    if not token:
        return None
    digest = accounts.token_digest(token)
    row = account_store.session(engine, digest)
    if row is None or row["ended_at"] is not None or not row["active"]:
        return None
    if row["demo"] and not agency_store.only_synthetic(engine):
        account_store.end_session(engine, digest, now)
        return None
    started, last_seen = aware(row["created_at"]), aware(row["last_seen"])  # type: ignore[arg-type]
    if accounts.expired(started, last_seen, now):
        account_store.end_session(engine, digest, now)
        audit.record(engine, str(row["username"]), AuditAction.SESSION_EXPIRED, {})
        return None
    if now - last_seen > SESSION_TOUCH:
        account_store.touch_session(engine, digest, now)
    return _actor_of(row)


def sign_out(engine: Engine, token: str, now: datetime) -> None:
    """End a session."""
    digest = accounts.token_digest(token)
    row = account_store.session(engine, digest)
    account_store.end_session(engine, digest, now)
    if row is not None:
        audit.record(engine, str(row["username"]), AuditAction.LOGOUT, {})


def exchange(engine: Engine, token: str, now: datetime) -> str | None:
    """The token of a session just started, exchanged once for a new one that only the
    HttpOnly cookie will hold; None when the token is unknown, ended, used or too old."""
    if not token:
        return None
    new_token, new_digest = accounts.new_token()
    rotated = account_store.rotate_session(
        engine, accounts.token_digest(token), new_digest, now - EXCHANGE_WINDOW
    )
    return new_token if rotated else None


def may_send_files(engine: Engine, token: str | None, now: datetime) -> bool:
    """Whether the session of `token` belongs to someone a page with a file upload serves."""
    actor = actor_for(engine, token, now)
    return actor is not None and any(actor.may(p) for p in SENDS_FILES)
