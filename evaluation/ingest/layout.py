"""Sheets as offices make them: a title above the header row, totals rows among the figures.

The header row is the first of the first non-blank rows that names both the agency-code and
the period column (rows above it are titles); in a table of figures, a row whose agency code or
first cell says 合计, 总计, 小计, Total or Sum is a totals row, set aside for a warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from itertools import chain, islice

from evaluation.ingest.parsing import identity_headers
from evaluation.ingest.words import header_key

HEADER_SEARCH = 10  # non-blank rows in which the header row is looked for
TOTALS_ROWS = "totals_rows"  # table attribute: (row, column heading, cell) of each totals row
TOTAL_WORDS = frozenset(
    {"合计", "总计", "小计", "全市合计", "total", "totals", "subtotal", "grandtotal", "sum"}
)
_REMARK = re.compile(r"\(.*\)$")  # `合计（全市）`: NFKC has made the brackets ASCII

Numbered = tuple[int, list[str]]


def identity_of(cell: str) -> str | None:
    """`agency_code` or `period` for a heading naming that column, else None."""
    return identity_headers().get(header_key(cell))


def names_identity(cells: Sequence[str]) -> bool:
    """True when the cells name both the agency-code and the period column."""
    return {"agency_code", "period"} <= {identity_of(c) for c in cells}


def find_header(rows: Iterator[Numbered]) -> tuple[Numbered | None, Iterator[Numbered]]:
    """The header among the first non-blank rows (else the first of them), and the rows after."""
    first = list(islice(rows, HEADER_SEARCH))
    if not first:
        return None, iter(())
    at = next((i for i, (_, cells) in enumerate(first) if names_identity(cells)), 0)
    return first[at], chain(first[at + 1 :], rows)


def totals_columns(header: Sequence[str]) -> tuple[int, ...]:
    """Where a totals row says so: the agency-code column and the first; none unless figures."""
    if not names_identity(header):
        return ()
    code = next(i for i, h in enumerate(header) if identity_of(h) == "agency_code")
    return tuple(dict.fromkeys((code, 0)))


def is_totals_word(cell: str) -> bool:
    """True for 合计, 总计, 小计, Total, Sum in any case or width, spaced, with `:` or a remark."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell)).casefold().rstrip(":")
    return _REMARK.sub("", key).rstrip(":") in TOTAL_WORDS


def totals_column(cells: Sequence[str], columns: Sequence[int]) -> int | None:
    """The column whose cell makes a row a totals row, or None for a row of figures."""
    return next((i for i in columns if i < len(cells) and is_totals_word(cells[i])), None)
