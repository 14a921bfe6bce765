"""The longest text each stored value may hold: checked before anything is stored, with the same
message on SQLite and PostgreSQL, and the column widths of the tables."""

from __future__ import annotations

from evaluation.errors import InputError
from evaluation.i18n import N_, Text

AGENCY_CODE = 40
AGENCY_NAME = 200
AGENCY_TYPE = 60
FILE_NAME = 255
EMAIL = 200
ACTOR = 120
LANGUAGE = 10


def check_length(value: str, limit: int, what: Text) -> str:
    """`value` when it has at most `limit` characters; else an InputError saying so. `what`
    names the value (`N_("email")`, `N_("agencies row {row}, {column}", ...)`)."""
    if len(value) > limit:
        raise InputError(
            N_(
                '{what}: expected at most {limit:,} characters, got {length:,} ("{start}…")',
                what=what,
                limit=limit,
                length=len(value),
                start=value[:40],
            )
        )
    return value
