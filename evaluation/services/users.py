"""Accounts: creating them (the first administrator included), listing, disabling and enabling,
resetting passwords, and naming the console's actor."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from evaluation import accounts, i18n, limits
from evaluation.audit import AuditAction
from evaluation.errors import InputError, PermissionDeniedError
from evaluation.i18n import N_
from evaluation.limits import check_length
from evaluation.permissions import CONSOLE, Actor, Permission, console, require
from evaluation.services.sessions import has_users
from evaluation.storage import accounts as account_store
from evaluation.storage import agencies as agency_store
from evaluation.storage import locks as lock_store
from evaluation.storage.db import Engine
from evaluation.storage.models import utcnow


def console_actor(engine: Engine, name: str = CONSOLE) -> Actor:
    """The console as an actor, recorded as `console` or as an existing active account."""
    name = name.strip()
    if name == CONSOLE:
        return console()
    account = account_store.user(engine, name)
    if account is None or not account["active"]:
        raise InputError(
            N_(
                "--user: expected the username of an active account (or leave it out to record "
                '"{console}"), got "{name}"',
                console=CONSOLE,
                name=name,
            )
        )
    return console(name)


def new_account(
    username: str, role: str, password: str, agency: str | None, email: str, demo: bool
) -> dict[str, object]:
    """The stored record of a new account, its password hashed."""
    now = utcnow()
    return {
        "username": username,
        "role": role,
        "agency_code": agency,
        "email": email.strip(),
        "password_hash": accounts.hash_password(password),
        "active": True,
        "demo": demo,
        "failed_logins": 0,
        "created_at": now,
        "password_changed_at": now,
    }


def create_user(
    actor: Actor,
    engine: Engine,
    username: str,
    role: str,
    password: str,
    agency: str | None = None,
    email: str = "",
) -> int:
    """Create an account."""
    require(actor, Permission.MANAGE_ACCOUNTS, N_("manage accounts"))
    name = accounts.check_username(username)
    accounts.check_role(role, agency)
    if agency is not None and agency not in set(agency_store.agencies(engine)["code"]):
        raise InputError(N_('agency: no agency with code "{agency}"', agency=agency))
    check_length(email.strip(), limits.EMAIL, "email")
    taken = set(account_store.users(engine)["email"].str.strip().str.lower()) - {""}
    if email.strip().lower() in taken:
        raise InputError(
            N_(
                'email: "{email}" already belongs to another account; single sign-on maps '
                "an email to exactly one account",
                email=email.strip(),
            )
        )
    record = new_account(name, role, password, agency, email, demo=False)
    return account_store.add_user(engine, record, actor.name)


def create_first_admin(engine: Engine, username: str, password: str, email: str = "") -> int:
    """The first account, from the first-run screen; refused once any account exists."""
    if has_users(engine):
        raise PermissionDeniedError(N_("the first administrator already exists; sign in instead"))
    return create_user(console(), engine, username, "admin", password, email=email)


def list_users(actor: Actor, engine: Engine) -> pd.DataFrame:
    """Every account without its password hash."""
    require(actor, Permission.MANAGE_ACCOUNTS, N_("see the accounts"))
    return account_store.users(engine)


def set_user_active(actor: Actor, engine: Engine, username: str, active: bool) -> None:
    """Disable or enable an account; a disabled account cannot sign in."""
    require(actor, Permission.MANAGE_ACCOUNTS, N_("manage accounts"))
    action = AuditAction.USER_ENABLE if active else AuditAction.USER_DISABLE
    account_store.change_user(
        engine,
        username,
        {"active": active},
        actor.name,
        action,
        end_sessions_at=None if active else utcnow(),
    )


def reset_password(actor: Actor, engine: Engine, username: str, password: str) -> None:
    """Give an account a new password; it also unlocks the account."""
    require(actor, Permission.MANAGE_ACCOUNTS, N_("reset passwords"))
    values: dict[str, object] = {
        "password_hash": accounts.hash_password(password),
        "password_changed_at": utcnow(),
        "failed_logins": 0,
        "locked_until": None,
    }
    account_store.change_user(
        engine,
        username,
        values,
        actor.name,
        AuditAction.USER_RESET_PASSWORD,
        end_sessions_at=utcnow(),
    )
    lock_store.unlock(engine, username, actor.name)


def sign_in_locks(actor: Actor, engine: Engine, now: datetime) -> pd.DataFrame:
    """The sign-in locks in force: username, source (client address), locked_until."""
    require(actor, Permission.MANAGE_ACCOUNTS, N_("see sign-in locks"))
    return lock_store.locks(engine, now)


def unlock(actor: Actor, engine: Engine, username: str) -> int:
    """Lift every sign-in lock of an account; returns how many sources were locked."""
    require(actor, Permission.MANAGE_ACCOUNTS, N_("unlock accounts"))
    if account_store.user(engine, username) is None:
        raise InputError(N_('there is no account "{username}"', username=username))
    return lock_store.unlock(engine, username, actor.name)


def set_language(actor: Actor, engine: Engine, language: str | None) -> str | None:
    """Keep the actor's own language (None: the office's); anyone signed in may choose theirs."""
    if actor.role == CONSOLE:
        raise InputError(N_("the command line follows the LANGUAGE setting, not an account"))
    chosen = None if language is None else i18n.normalise(language)
    if language is not None and chosen is None:
        raise InputError(
            N_(
                'language: expected one of {valid}, got "{found}"',
                valid=", ".join(i18n.LANGUAGES),
                found=language,
            )
        )
    account_store.set_language(engine, actor.name, chosen)
    return chosen
