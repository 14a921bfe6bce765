"""Account commands: `users add`, `list`, `disable` and `reset-password`, run as the console."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime

import numpy as np
import pandas as pd

from evaluation import i18n
from evaluation.cli.tables import table_text
from evaluation.errors import InputError
from evaluation.i18n import N_, Message, _
from evaluation.permissions import console, role_word
from evaluation.services import users
from evaluation.services.store import open_store


def read_password() -> str:
    """A new password: asked twice at a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(_("Password (at least 12 characters): "))
        if getpass.getpass(_("Repeat the password: ")) != first:
            raise InputError(N_("password: the two entries differ"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users_add(args: argparse.Namespace) -> int:
    """Create an account."""
    users.create_user(
        console(),
        open_store(),
        args.username,
        args.role,
        read_password(),
        agency=args.agency,
        email=args.email,
    )
    role = role_word(args.role)
    if args.agency:
        print(
            _(
                "created {role} {username} of {agency}",
                role=role,
                username=args.username,
                agency=args.agency,
            )
        )
    else:
        print(_("created {role} {username}", role=role, username=args.username))
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    """Print every account."""
    table = users.list_users(console(), open_store())
    print(table_text(_accounts_for_people(table)) if len(table) else _("no accounts yet"))
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    """Disable an account."""
    users.set_user_active(console(), open_store(), args.username, False)
    print(_("disabled {username}", username=args.username))
    return 0


def cmd_users_reset(args: argparse.Namespace) -> int:
    """Set a new password."""
    users.reset_password(console(), open_store(), args.username, read_password())
    print(_("new password set for {username}; the account is unlocked", username=args.username))
    return 0


def cmd_users_unlock(args: argparse.Namespace) -> int:
    """Lift an account's sign-in locks."""
    lifted = users.unlock(console(), open_store(), args.username)
    print(
        _("unlocked {username} ({count} locked address(es))", username=args.username, count=lifted)
    )
    return 0


# The columns of `users list` and the words people read for them (the English ones are the ids).
ACCOUNT_COLUMNS: dict[str, Message] = {
    "username": N_("username"),
    "role": N_("role"),
    "agency_code": N_("agency_code"),
    "email": N_("email"),
    "language": N_("language"),
    "active": N_("active"),
    "demo": N_("demo"),
    "created_at": N_("created_at"),
    "password_changed_at": N_("password_changed_at"),
}
# Yes, no and nothing as the account list shows them (in English, as Python prints them).
VALUE_WORDS: dict[object, Message] = {True: N_("True"), False: N_("False"), None: N_("None")}


def _accounts_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """The account list in the reader's words: headers, roles, yes and no."""
    shown = table.astype(object).copy()
    for column in shown.columns:
        shown[column] = shown[column].map(_value_word)
    if "role" in shown.columns:
        shown["role"] = [str(role_word(str(r))) for r in table["role"]]
    return shown.rename(columns={c: str(w) for c, w in ACCOUNT_COLUMNS.items()})


def _value_word(value: object) -> object:
    """True, False and None in the reader's words, times in the office's zone; any other
    value as it is."""
    if value is None or value is pd.NaT or isinstance(value, bool | np.bool_):
        return str(VALUE_WORDS[None if value is None or value is pd.NaT else bool(value)])
    if isinstance(value, datetime):
        return i18n.when(value)
    return value
