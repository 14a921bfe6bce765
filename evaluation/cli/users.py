"""Account commands: `users add`, `list`, `disable` and `reset-password`, run as the console."""

from __future__ import annotations

import argparse
import getpass
import sys

from evaluation.errors import InputError
from evaluation.permissions import console
from evaluation.services import users
from evaluation.services.store import open_store


def read_password() -> str:
    """A new password: asked twice at a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password (at least 12 characters): ")
        if getpass.getpass("Repeat the password: ") != first:
            raise InputError("password: the two entries differ")
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
    print(f"created {args.role} {args.username}" + (f" of {args.agency}" if args.agency else ""))
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    """Print every account."""
    table = users.list_users(console(), open_store())
    print(table.to_string(index=False) if len(table) else "no accounts yet")
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    """Disable an account."""
    users.set_user_active(console(), open_store(), args.username, False)
    print(f"disabled {args.username}")
    return 0


def cmd_users_reset(args: argparse.Namespace) -> int:
    """Set a new password."""
    users.reset_password(console(), open_store(), args.username, read_password())
    print(f"new password set for {args.username}; the account is unlocked")
    return 0


def cmd_users_unlock(args: argparse.Namespace) -> int:
    """Lift an account's sign-in locks."""
    lifted = users.unlock(console(), open_store(), args.username)
    print(f"unlocked {args.username} ({lifted} locked address(es))")
    return 0
