"""Reading cells of an upload: months written any accepted way, numbers with separators,
full-width digits or percent signs, headers by id or label, and figures shown as people read
them. A cell that two readings fit (`9,1`, a month `2026.1`) is refused, naming both."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date

import numpy as np
import pandas as pd

from evaluation.framework import Framework
from evaluation.i18n import N_, Message
from evaluation.ingest.words import fixed_headers, header_key
from evaluation.periods import month_label, month_of_date

PERCENT_UNITS = ("ratio", "share", "%", "percent")
_PERIOD_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
)
# Excel keeps a typed 2026.10 as the number 2026.1, so a month written with a dot is refused.
_DOTTED = re.compile(r"^(\d{4})\.(\d+)$")
# A date cell (Excel turns a typed 2026-10 into 1 October 2026) or a date written as text.
_DATE_FORM = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DECIMAL = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
# Commas that can only separate thousands: 1,234 or 12,345,678.9 (spaces already removed).
_GROUPED = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?%?"
_SPACES = r"[ \t\r\n]"
IDENTITY_HEADERS = {
    "agency_code": "agency_code",
    "period": "period",
    "agency code": "agency_code",  # i18n: not text (a heading the importer accepts)
    "机构代码": "agency_code",
    "月份": "period",
    "期间": "period",
}


@functools.cache
def identity_headers() -> dict[str, str]:
    """Every accepted heading of the agency-code and period columns (comparison keys): the
    ids, the usual Chinese words and the column names the templates write in each language."""
    return {**IDENTITY_HEADERS, **fixed_headers()}


def parse_month(text: str) -> str | None:
    """`2026-10`, `2026/10`, `202610`, `2026年10月`, or a date in that month -> `2026-10`."""
    value = unicodedata.normalize("NFKC", text).strip()
    if m := _DATE_FORM.match(value):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return month_of_date(day)
    for form in _PERIOD_FORMS:
        if m := form.match(value):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return month_label(int(m.group(1)), month)
    return None


def not_a_month(text: str) -> Message:
    """Why a period cell is not a month, in plain words."""
    value = unicodedata.normalize("NFKC", text).strip()
    if (m := _DOTTED.match(value)) and (months := dotted_months(m.group(2))):
        year, last = int(m.group(1)), months[-1]
        month = month_label(year, last)
        if len(months) > 1:
            return N_(
                '"{text}" could be {first} or {second}; write the month as {month} or '
                "{year}年{last}月, or format the cell as text",
                text=text,
                first=month_label(year, months[0]),
                second=month_label(year, months[1]),
                month=month,
                year=year,
                last=last,
            )
        return N_(
            '"{text}" is a month written as a number, which Excel may have changed (a typed '
            "{year}.10 becomes {year}.1, read as January); write the month as {month} or "
            "{year}年{last}月, or format the cell as text",
            text=text,
            year=year,
            month=month,
            last=last,
        )
    return N_(
        'expected a month like 2026-10, 2026/10, 202610 or 2026年10月, got "{text}"', text=text
    )


def dotted_months(digits: str) -> list[int]:
    """The months a number `year.digits` can have been typed as: `.1` from .1 or .10."""
    kept = digits.rstrip("0")  # 2026.10 and 2026.1 are the same number
    typed = [kept] if 0 < len(kept) <= 2 else []
    if len(kept) == 1:
        typed.append(kept + "0")
    return [int(t) for t in typed if 1 <= int(t) <= 12]


def format_number(value: float) -> str:
    """A figure as people read it: `1,294,700`, `6.5`, `0.45`; `1e+308` past 16 digits."""
    if abs(value) >= 1e16:
        return f"{value:.3g}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def header_map(framework: Framework) -> dict[str, str]:
    """Every accepted header (id, English label, Chinese label; case-insensitive) -> field id."""
    names = dict(identity_headers())
    for f in framework.fields:
        for name in (f.id, f.label, f.label_zh):
            if name:
                names[header_key(name)] = f.id
    return names


def parse_numbers(cells: pd.Series, percent_allowed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of a column (NaN where empty) and where a non-empty cell is not a number.

    Thousands separators, spaces and full-width digits are accepted; `45%` is 0.45 where
    `percent_allowed`. A comma that cannot separate thousands (`9,1`) makes the cell unreadable.
    """
    text = cells.fillna("").astype(str)
    # NFKC is slow per cell; only cells with a non-ASCII character (full-width digits) need it.
    wide = text.str.contains(r"[^\x00-\x7f]", regex=True).to_numpy(dtype=bool)
    if wide.any():
        text = text.where(~wide, text.str.normalize("NFKC"))
    text = text.str.replace(_SPACES, "", regex=True)
    misplaced = misplaced_commas(text)
    text = text.str.replace(",", "", regex=False)
    empty = (text == "").to_numpy(dtype=bool)
    scale = np.ones(len(text))
    if percent_allowed:
        percent = text.str.endswith("%").to_numpy(dtype=bool)
        text = text.str.removesuffix("%")
        scale = np.where(percent, 0.01, 1.0)
    text = text.mask(empty)
    if text.str.fullmatch(_DECIMAL).fillna(True).all():
        values = text.astype("float64").to_numpy()
    else:
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~empty & (~np.isfinite(values) | misplaced)
    return np.where(bad | empty, np.nan, values * scale), bad


def misplaced_commas(text: pd.Series) -> np.ndarray:
    """Where a cell (spaces removed) holds a comma that cannot separate thousands (`9,1`)."""
    comma = text.str.contains(",", regex=False).to_numpy(dtype=bool)
    out = np.zeros(len(text), dtype=bool)
    if comma.any():  # most files have none, so the cost is one scan per column
        out[comma] = ~text[comma].str.fullmatch(_GROUPED).to_numpy(dtype=bool)
    return out


def comma_readings(cell: str) -> tuple[str, str] | None:
    """A cell read with a decimal comma and with its commas as thousands separators, when both
    readings are numbers and the commas cannot be thousands separators; else None."""
    text = re.sub(_SPACES, "", unicodedata.normalize("NFKC", cell))
    if "," not in text or re.fullmatch(_GROUPED, text):
        return None
    thousands = text.replace(",", "")
    head, _, tail = text.replace(".", "").rpartition(",")
    decimal = f"{head.replace(',', '')}.{tail}"
    if all(re.fullmatch(_DECIMAL, r.removesuffix("%")) for r in (decimal, thousands)):
        return decimal, thousands
    return None


def not_a_number(cell: str, percent_allowed: bool) -> Message:
    """Why a cell is not a figure, in plain words."""
    if readings := comma_readings(cell):
        decimal, thousands = readings
        return N_(
            '"{cell}" is ambiguous: a decimal comma would read {decimal}, but commas separate '
            "thousands here; write {decimal} or {thousands}",
            cell=cell,
            decimal=decimal,
            thousands=thousands,
        )
    if not percent_allowed and unicodedata.normalize("NFKC", cell).strip().endswith("%"):
        return N_(
            'expected a number, got "{cell}"; a percent sign is allowed only for ratio fields',
            cell=cell,
        )
    return N_('expected a number, got "{cell}"', cell=cell)
