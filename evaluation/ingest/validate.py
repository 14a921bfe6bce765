"""Upload validation: every problem at once as (row, column, message), warnings kept apart.

Row numbers are those a person sees in Excel: the header is row 1, the first figures row 2.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from evaluation.framework import Framework
from evaluation.ingest.readers import HEADER_ROW, ROW_INDEX
from evaluation.periods import add_months, month_label, month_of_date

PERCENT_UNITS = ("ratio", "share", "%", "percent")
_PERIOD_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
)
# A date cell (Excel turns a typed 2026-10 into 1 October 2026) or a date written as text.
_DATE_FORM = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DECIMAL = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
JUMP_FACTOR = 10.0


@dataclass(frozen=True)
class Issue:
    """One problem or warning, located by file row and column header."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass(frozen=True)
class Checked:
    """The figures an upload would store, or why it cannot be stored."""

    figures: pd.DataFrame  # agency_code, period, framework fields (floats, NaN = empty)
    errors: tuple[Issue, ...] = field(default_factory=tuple)
    warnings: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when nothing blocks the upload."""
        return not self.errors


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


def format_number(value: float) -> str:
    """A figure as people read it: `1,294,700`, `6.5`, `0.45`."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def header_map(framework: Framework) -> dict[str, str]:
    """Every accepted header (id, English label, Chinese label; case-insensitive) -> field id."""
    names: dict[str, str] = {
        "agency_code": "agency_code",
        "period": "period",
        "agency code": "agency_code",
        "机构代码": "agency_code",
        "月份": "period",
        "期间": "period",
    }
    for f in framework.fields:
        for name in (f.id, f.label, f.label_zh):
            if name:
                names[_key(name)] = f.id
    return names


def _key(header: str) -> str:
    """Header comparison key: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(header)).strip().casefold()


def parse_numbers(cells: pd.Series, percent_allowed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of a column (NaN where empty) and where a non-empty cell is not a number.

    Thousands separators, spaces and full-width digits are accepted; `45%` is 0.45 where
    `percent_allowed`.
    """
    text = cells.fillna("").astype(str)
    # NFKC is slow per cell; only cells with a non-ASCII character (full-width digits) need it.
    wide = text.str.contains(r"[^\x00-\x7f]", regex=True).to_numpy(dtype=bool)
    if wide.any():
        text = text.where(~wide, text.str.normalize("NFKC"))
    text = text.str.replace(r"[, \t\r\n]", "", regex=True)
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
    bad = ~empty & ~np.isfinite(values)
    return np.where(bad | empty, np.nan, values * scale), bad


def comparison_months(framework: Framework, table: pd.DataFrame) -> list[str]:
    """The months of a table's period column and the month before each: the stored figures
    `check_upload` needs as `previous`."""
    names = header_map(framework)
    columns = [c for c in table.columns if names.get(_key(c)) == "period"]
    if not columns:
        return []
    months = {parse_month(p) for p in table[columns[0]].dropna().astype(str).unique()}
    found = np.array(sorted(m for m in months if m is not None), dtype=object)
    return sorted({*found.tolist(), *_previous_months(found).tolist()})


def row_numbers(table: pd.DataFrame) -> np.ndarray:
    """File row numbers: the reader's `row` index, else 2, 3, ... in order."""
    if table.index.name == ROW_INDEX and pd.api.types.is_integer_dtype(table.index):
        return table.index.to_numpy(dtype=np.int64)
    return np.arange(2, len(table) + 2, dtype=np.int64)


def check_upload(
    framework: Framework,
    table: pd.DataFrame,
    agency_types: Mapping[str, str],
    today: date,
    allowed: Collection[str] | None = None,
    previous: pd.DataFrame | None = None,
) -> Checked:
    """Validate a table read from a file against the framework and the known agencies.

    `agency_types` maps known agency codes to their type; `allowed` limits the codes the
    uploader may submit for (None = any); `previous` holds current stored figures used for the
    month-on-month warnings, which are given only for rows whose agency and month are valid.
    """
    errors: list[Issue] = []
    fields = framework.field_ids()
    empty = pd.DataFrame(columns=["agency_code", "period", *fields])
    if table.shape[0] == 0:
        return Checked(empty, (Issue(None, "", "the file has no figures rows"),))
    header_row = int(table.attrs.get(HEADER_ROW, 1))
    names = header_map(framework)
    mapping: dict[str, str] = {}
    for header in table.columns:
        target = names.get(_key(header))
        if target is None:
            errors.append(
                Issue(
                    header_row,
                    str(header),
                    f'unknown column "{header}"; expected '
                    "agency_code, period and field ids or labels of the framework",
                )
            )
        elif target in mapping.values():
            errors.append(Issue(header_row, str(header), f'column for "{target}" appears twice'))
        else:
            mapping[str(header)] = target
    for required in ("agency_code", "period"):
        if required not in mapping.values():
            errors.append(Issue(header_row, required, f'missing column "{required}"'))
    if errors and not {"agency_code", "period"} <= set(mapping.values()):
        return Checked(empty, tuple(errors))
    by_field = {v: k for k, v in mapping.items()}
    rows = row_numbers(table)
    codes = table[by_field["agency_code"]].fillna("").astype(str).str.strip().to_numpy(object)
    raw_periods = table[by_field["period"]].fillna("").astype(str).str.strip()
    month_of = {p: parse_month(p) for p in raw_periods.unique()}
    months = np.array([month_of[p] for p in raw_periods.tolist()], dtype=object)
    identity_errors, valid = _identity(
        codes, months, raw_periods.to_numpy(object), rows, agency_types, allowed, today
    )
    errors.extend(
        Issue(int(rows[i]), by_field[column], message) for i, column, message in identity_errors
    )
    units = {f.id: f.unit.lower() for f in framework.fields}
    parsed: dict[str, np.ndarray] = {}
    for field_id in fields:
        column = by_field.get(field_id)
        if column is None:
            parsed[field_id] = np.full(len(table), np.nan)
            continue
        cells = table[column]
        percent_allowed = units[field_id] in PERCENT_UNITS
        values, bad = parse_numbers(cells, percent_allowed)
        for k in np.flatnonzero(bad).tolist():
            errors.append(
                Issue(int(rows[k]), column, _not_a_number(str(cells.iloc[k]), percent_allowed))
            )
        for k in np.flatnonzero(values < 0).tolist():
            errors.append(
                Issue(
                    int(rows[k]),
                    column,
                    f"expected a number >= 0, got {format_number(values[k])}",
                )
            )
        parsed[field_id] = np.where(values < 0, np.nan, values)
    numbers = pd.DataFrame(parsed, columns=list(fields), dtype=float)
    figures = pd.concat(
        [
            pd.DataFrame(
                {
                    "agency_code": pd.Series(codes, dtype=object),
                    "period": pd.Series(months, dtype=object),
                }
            ),
            numbers,
        ],
        axis=1,
    )
    for f in framework.fields:
        if f.at_most is None:
            continue
        over = (figures[f.id] > figures[f.at_most]).to_numpy()
        for k in np.flatnonzero(over).tolist():
            errors.append(
                Issue(
                    int(rows[k]),
                    by_field.get(f.id, f.id),
                    f"{f.id} ({format_number(figures[f.id].iloc[k])}) is above {f.at_most} "
                    f"({format_number(figures[f.at_most].iloc[k])}); it cannot exceed it",
                )
            )
    warnings = _jumps(framework, figures, valid, rows, previous, by_field)
    errors.sort(key=lambda e: (e.row or 0, e.column))
    return Checked(figures, tuple(errors), tuple(warnings))


def _not_a_number(cell: str, percent_allowed: bool) -> str:
    """Why a cell is not a figure, in plain words."""
    if not percent_allowed and unicodedata.normalize("NFKC", cell).strip().endswith("%"):
        return f'expected a number, got "{cell}"; a percent sign is allowed only for ratio fields'
    return f'expected a number, got "{cell}"'


def _identity(
    codes: np.ndarray,
    months: np.ndarray,
    raw_periods: np.ndarray,
    rows: np.ndarray,
    agency_types: Mapping[str, str],
    allowed: Collection[str] | None,
    today: date,
) -> tuple[list[tuple[int, str, str]], np.ndarray]:
    """Problems with each row's agency and month as (position, column, message), and which
    rows have none."""
    this_month = month_of_date(today)
    has_code = codes != ""
    known = np.fromiter((c in agency_types for c in codes), bool, len(codes))
    permitted = (
        np.ones(len(codes), bool)
        if allowed is None
        else np.fromiter((c in allowed for c in codes), bool, len(codes))
    )
    has_month = np.fromiter((m is not None for m in months), bool, len(months))
    ended = np.fromiter((m is not None and m < this_month for m in months), bool, len(months))
    keyed = pd.DataFrame({"code": codes, "month": months, "row": rows})[has_code & has_month]
    repeated = keyed.duplicated(["code", "month"], keep="first")
    first_row = keyed.groupby(["code", "month"], sort=False)["row"].transform("first")
    firsts = dict(zip(keyed.index[repeated].tolist(), first_row[repeated].tolist(), strict=True))
    duplicate = np.zeros(len(codes), bool)
    duplicate[list(firsts)] = True
    problems: list[tuple[int, str, str]] = []
    for i in np.flatnonzero(~has_code).tolist():
        problems.append((i, "agency_code", "the agency code is empty"))
    for i in np.flatnonzero(has_code & ~known).tolist():
        problems.append((i, "agency_code", f'unknown agency code "{codes[i]}"'))
    for i in np.flatnonzero(known & ~permitted).tolist():
        problems.append((i, "agency_code", f"you may not submit figures for agency {codes[i]}"))
    for i in np.flatnonzero(~has_month).tolist():
        problems.append(
            (
                i,
                "period",
                "expected a month like 2026-10, 2026/10, "
                f'202610 or 2026年10月, got "{raw_periods[i]}"',
            )
        )
    for i in np.flatnonzero(has_month & ~ended).tolist():
        problems.append(
            (
                i,
                "period",
                f"{months[i]} has not ended yet; figures can be uploaded for completed months only",
            )
        )
    for i in np.flatnonzero(duplicate).tolist():
        problems.append(
            (
                i,
                "period",
                f"agency {codes[i]} and month {months[i]} already appear in row {firsts[i]}",
            )
        )
    valid = has_code & known & permitted & has_month & ended & ~duplicate
    return problems, valid


def _previous_months(months: np.ndarray) -> np.ndarray:
    """The month before each `YYYY-MM`."""
    return np.array([add_months(m, -1) for m in months.tolist()], dtype=object)


def _jumps(
    framework: Framework,
    figures: pd.DataFrame,
    valid: np.ndarray,
    rows: np.ndarray,
    previous: pd.DataFrame | None,
    by_field: dict[str, str],
) -> list[Issue]:
    """Warnings: a figure over 10x (or under a tenth of) last month's; a rate newly at 0.

    Only rows with a valid agency and month are compared, so a row refused for its agency
    never reveals that agency's stored figures. Last month is this file's row when it has
    one, else the stored figure.
    """
    fields = list(framework.field_ids())
    mine = figures[valid]
    if mine.empty:
        return []
    stored = (
        previous.reindex(columns=["agency_code", "period", *fields])
        if previous is not None and not previous.empty
        else None
    )
    before = pd.concat([stored, mine] if stored is not None else [mine], ignore_index=True)
    before = before.drop_duplicates(["agency_code", "period"], keep="last")
    lookup = pd.MultiIndex.from_arrays([before["agency_code"], before["period"]])
    wanted = pd.MultiIndex.from_arrays(
        [mine["agency_code"].to_numpy(object), _previous_months(mine["period"].to_numpy(object))]
    )
    at = lookup.get_indexer(wanted)
    found = at >= 0
    if not found.any():
        return []
    now = mine[fields].to_numpy(dtype=float)[found]
    then = before[fields].to_numpy(dtype=float)[at[found]]
    with np.errstate(invalid="ignore"):
        jump = (then > 0) & (now > 0) & ((now > JUMP_FACTOR * then) | (then > JUMP_FACTOR * now))
        numerators = {i.numerator for i in framework.indicators if i.is_ratio}
        rate = np.array([f in numerators for f in fields], dtype=bool)
        zero = rate[None, :] & (now == 0) & (then > 0)
    file_rows = rows[valid][found]
    out: list[Issue] = []
    for r, c in zip(*np.nonzero(jump), strict=True):
        out.append(
            Issue(
                int(file_rows[r]),
                by_field.get(fields[c], fields[c]),
                f"{format_number(now[r, c])} is more than {JUMP_FACTOR:g} times "
                f"away from last month's {format_number(then[r, c])}; please check it",
            )
        )
    for r, c in zip(*np.nonzero(zero), strict=True):
        out.append(
            Issue(
                int(file_rows[r]),
                by_field.get(fields[c], fields[c]),
                f"0 this month after {format_number(then[r, c])} last month; "
                "please check it is not a blank cell",
            )
        )
    out.sort(key=lambda w: (w.row or 0, w.column))
    return out
