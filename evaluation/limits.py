"""The longest text each stored value may hold: checked before anything is stored, with the same
message on SQLite and PostgreSQL, and the column widths of the tables."""

from __future__ import annotations

from evaluation.errors import InputError

AGENCY_CODE = 40
AGENCY_NAME = 200
AGENCY_TYPE = 60
FILE_NAME = 255
EMAIL = 200
ACTOR = 120


def check_length(value: str, limit: int, what: str) -> str:
    """`value` when it has at most `limit` characters; else an InputError saying so."""
    if len(value) > limit:
        raise InputError(
            f'{what}: expected at most {limit:,} characters, got {len(value):,} ("{value[:40]}…")'
        )
    return value
