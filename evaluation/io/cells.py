"""The one formula-safe cell writer: text a spreadsheet would run as a formula is escaped in
every table the product writes (exports, command-line CSV, audit extracts)."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell made safe; numbers stay numbers."""
    return table.apply(
        lambda col: (
            col.map(safe_cell) if col.dtype == object or pd.api.types.is_string_dtype(col) else col
        )
    )


def safe_csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as formula-safe CSV with a byte-order mark, so Excel opens Chinese text right."""
    return safe_frame(table).to_csv(index=False).encode("utf-8-sig")
