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

PERCENT_UNITS = ("ratio", "share", "%", "percent")
_PERIOD_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
)
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
    """`2026-10`, `2026/10`, `202610`, `2026年10月` -> `2026-10`; None when not a month."""
    value = unicodedata.normalize("NFKC", text).strip()
    for form in _PERIOD_FORMS:
        if m := form.match(value):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return f"{int(m.group(1)):04d}-{month:02d}"
    return None


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


def _parse_column(cells: pd.Series, percent_allowed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of a column (NaN where empty) and where a non-empty cell is not a number."""
    text = cells.fillna("").astype(str).str.normalize("NFKC").str.strip()
    text = text.str.replace(",", "", regex=False).str.replace(" ", "", regex=False)
    empty = (text == "").to_numpy()
    scale = np.ones(len(text))
    if percent_allowed:
        percent = text.str.endswith("%").to_numpy()
        text = text.str.rstrip("%")
        scale = np.where(percent, 0.01, 1.0)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~empty & ~np.isfinite(values)
    return np.where(bad | empty, np.nan, values * scale), bad


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
    month-on-month warnings.
    """
    errors: list[Issue] = []
    warnings: list[Issue] = []
    fields = framework.field_ids()
    empty = pd.DataFrame(columns=["agency_code", "period", *fields])
    if table.shape[0] == 0:
        return Checked(empty, (Issue(None, "", "the file has no figures rows"),))
    names = header_map(framework)
    mapping: dict[str, str] = {}
    for header in table.columns:
        target = names.get(_key(header))
        if target is None:
            errors.append(
                Issue(
                    1,
                    str(header),
                    f'unknown column "{header}"; expected '
                    "agency_code, period and field ids or labels of the framework",
                )
            )
        elif target in mapping.values():
            errors.append(Issue(1, str(header), f'column for "{target}" appears twice'))
        else:
            mapping[str(header)] = target
    for required in ("agency_code", "period"):
        if required not in mapping.values():
            errors.append(Issue(1, required, f'missing column "{required}"'))
    if errors and not {"agency_code", "period"} <= set(mapping.values()):
        return Checked(empty, tuple(errors))
    by_field = {v: k for k, v in mapping.items()}
    units = {f.id: f.unit.lower() for f in framework.fields}
    this_month = f"{today.year:04d}-{today.month:02d}"
    codes = table[by_field["agency_code"]].fillna("").astype(str).str.strip().tolist()
    raw_periods = table[by_field["period"]].fillna("").astype(str).str.strip()
    month_of = {p: parse_month(p) for p in raw_periods.unique()}
    months = [month_of[p] for p in raw_periods.tolist()]
    code_column, period_column = by_field["agency_code"], by_field["period"]
    seen: dict[tuple[str, str], int] = {}
    for i, (code, raw_period, month) in enumerate(
        zip(codes, raw_periods.tolist(), months, strict=True)
    ):
        row = i + 2
        if not code:
            errors.append(Issue(row, code_column, "empty agency code"))
        elif code not in agency_types:
            errors.append(Issue(row, code_column, f'unknown agency code "{code}"'))
        elif allowed is not None and code not in allowed:
            errors.append(Issue(row, code_column, f"you may not submit figures for agency {code}"))
        if month is None:
            errors.append(
                Issue(
                    row,
                    period_column,
                    "expected a month like 2026-10, 2026/10, "
                    f'202610 or 2026年10月, got "{raw_period}"',
                )
            )
        elif month >= this_month:
            errors.append(
                Issue(
                    row,
                    period_column,
                    f"{month} has not ended yet; figures can be uploaded for completed months only",
                )
            )
        if code and month:
            if (code, month) in seen:
                errors.append(
                    Issue(
                        row,
                        period_column,
                        f"agency {code} and month {month} "
                        f"already appear in row {seen[(code, month)]}",
                    )
                )
            else:
                seen[(code, month)] = row
    parsed: dict[str, np.ndarray] = {}
    for field_id in fields:
        column = by_field.get(field_id)
        if column is None:
            parsed[field_id] = np.full(len(table), np.nan)
            continue
        cells = table[column]
        values, bad = _parse_column(cells, units[field_id] in PERCENT_UNITS)
        for k in np.flatnonzero(bad).tolist():
            errors.append(Issue(k + 2, column, f'expected a number, got "{cells.iloc[k]}"'))
        for i in np.flatnonzero(values < 0).tolist():
            errors.append(Issue(int(i) + 2, column, f"expected a number >= 0, got {values[i]:g}"))
        parsed[field_id] = np.where(values < 0, np.nan, values)
    numbers = pd.DataFrame(parsed, columns=list(fields), dtype=float)
    out = pd.DataFrame(
        {"agency_code": pd.Series(codes, dtype=object), "period": pd.Series(months, dtype=object)}
    )
    figures = pd.concat([out[["agency_code", "period"]], numbers], axis=1)
    for f in framework.fields:
        if f.at_most is None:
            continue
        over = (figures[f.id] > figures[f.at_most]).to_numpy()
        for i in np.flatnonzero(over).tolist():
            errors.append(
                Issue(
                    int(i) + 2,
                    by_field.get(f.id, f.id),
                    f"{f.id} ({figures[f.id].iloc[i]:g}) is above {f.at_most} "
                    f"({figures[f.at_most].iloc[i]:g}); it cannot exceed it",
                )
            )
    if previous is not None and not previous.empty:
        warnings.extend(_jumps(framework, figures, previous, by_field))
    errors.sort(key=lambda e: (e.row or 0, e.column))
    return Checked(figures, tuple(errors), tuple(warnings))


def _previous_month(month: str) -> str:
    """The month before `YYYY-MM`."""
    year, m = int(month[:4]), int(month[5:])
    return f"{year - 1:04d}-12" if m == 1 else f"{year:04d}-{m - 1:02d}"


def _jumps(
    framework: Framework, figures: pd.DataFrame, previous: pd.DataFrame, by_field: dict[str, str]
) -> list[Issue]:
    """Warnings: a figure over 10x (or under a tenth of) last month's; a rate newly at 0."""
    before = previous.set_index(["agency_code", "period"])
    numerators = {i.numerator: i.denominator for i in framework.indicators if i.is_ratio}
    out: list[Issue] = []
    for i, record in enumerate(figures.to_dict("records")):
        if record["period"] is None or pd.isna(record["period"]):
            continue
        key = (record["agency_code"], _previous_month(record["period"]))
        if key not in before.index:
            continue
        last = before.loc[key]
        for field_id in framework.field_ids():
            now, then = record.get(field_id), last.get(field_id)
            if now is None or then is None or pd.isna(now) or pd.isna(then):
                continue
            column = by_field.get(field_id, field_id)
            if then > 0 and now > 0 and (now > JUMP_FACTOR * then or then > JUMP_FACTOR * now):
                out.append(
                    Issue(
                        i + 2,
                        column,
                        f"{now:g} is more than {JUMP_FACTOR:g} times "
                        f"away from last month's {then:g}; please check it",
                    )
                )
            if field_id in numerators and now == 0 and then > 0:
                out.append(
                    Issue(
                        i + 2,
                        column,
                        f"0 this month after {then:g} last month; "
                        "please check it is not a blank cell",
                    )
                )
    return out
