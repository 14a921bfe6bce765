"""Tables printed for people: columns aligned for Chinese characters, which take two columns
of a terminal."""

from __future__ import annotations

import pandas as pd


def table_text(table: pd.DataFrame) -> str:
    """The table as aligned text without its index (wide characters counted as two columns)."""
    with pd.option_context("display.unicode.east_asian_width", True):  # i18n: not text
        return table.to_string(index=False)
