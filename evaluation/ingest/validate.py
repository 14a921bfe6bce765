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


def _number(cell: str, percent_allowed: bool) -> float | None:
    """Read a number written with thousands separators, full-width digits or (if allowed) %."""
    text = unicodedata.normalize("NFKC", cell).strip().replace(",", "").replace(" ", "")
    scale = 1.0
    if text.endswith("%") and percent_allowed:
        text, scale = text[:-1], 0.01
    try:
        value = float(text)
    except ValueError:
        return None
    return value * scale if np.isfinite(value) else None


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
    out = pd.DataFrame(
        index=range(len(table)), columns=["agency_code", "period", *fields], dtype=object
    )
    seen: dict[tuple[str, str], int] = {}
    for i, record in enumerate(table.to_dict("records")):
        row = i + 2
        code = str(record.get(by_field["agency_code"]) or "").strip()
        raw_period = str(record.get(by_field["period"]) or "").strip()
        if not code:
            errors.append(Issue(row, by_field["agency_code"], "empty agency code"))
        elif code not in agency_types:
            errors.append(Issue(row, by_field["agency_code"], f'unknown agency code "{code}"'))
        elif allowed is not None and code not in allowed:
            errors.append(
                Issue(row, by_field["agency_code"], f"you may not submit figures for agency {code}")
            )
        month = parse_month(raw_period)
        if month is None:
            errors.append(
                Issue(
                    row,
                    by_field["period"],
                    f"expected a month like 2026-10, "
                    f'2026/10, 202610 or 2026年10月, got "{raw_period}"',
                )
            )
        elif month >= this_month:
            errors.append(
                Issue(
                    row,
                    by_field["period"],
                    f"{month} has not ended yet; figures can be uploaded for completed months only",
                )
            )
        if code and month:
            if (code, month) in seen:
                errors.append(
                    Issue(
                        row,
                        by_field["period"],
                        f"agency {code} and month {month} "
                        f"already appear in row {seen[(code, month)]}",
                    )
                )
            else:
                seen[(code, month)] = row
        out.at[i, "agency_code"], out.at[i, "period"] = code, month
        for field_id in fields:
            column = by_field.get(field_id)
            cell = record.get(column) if column else None
            if cell is None or str(cell).strip() == "":
                continue
            value = _number(str(cell), units[field_id] in PERCENT_UNITS)
            if value is None:
                errors.append(Issue(row, column or field_id, f'expected a number, got "{cell}"'))
            elif value < 0:
                errors.append(
                    Issue(row, column or field_id, f"expected a number >= 0, got {value:g}")
                )
            else:
                out.at[i, field_id] = value
    numbers = out[list(fields)].apply(pd.to_numeric, errors="coerce").astype(float)
    figures = pd.concat([out[["agency_code", "period"]], numbers], axis=1)
    for f in framework.fields:
        if f.at_most is None:
            continue
        over = (figures[f.id] > figures[f.at_most]).to_numpy()
        for k in np.flatnonzero(over):
            i = int(k)
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
        if not record["period"]:
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
