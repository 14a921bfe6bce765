"""The upload checks, one function each, and the lists that run them: every problem of every row
at once as (row, column, message), and the warnings that do not block an upload.

Each check reads an `Upload`: the file's cells read once (agency codes, months, numbers) and
what the checks compare them with (known agencies, who may upload for which, stored figures).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from evaluation.framework import Framework
from evaluation.ingest.parsing import format_number, not_a_month, not_a_number
from evaluation.periods import add_months, month_of_date

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
class Upload:
    """An upload's cells, read once, and what its checks compare them with."""

    framework: Framework
    rows: np.ndarray  # file row numbers
    by_field: dict[str, str]  # field id (and agency_code, period) -> the file's column header
    codes: np.ndarray  # agency codes, "" when empty
    months: np.ndarray  # `YYYY-MM`, None when unreadable
    raw_periods: np.ndarray  # the period cells as written
    values: dict[str, np.ndarray]  # per field, the numbers read (NaN where empty or unreadable)
    unreadable: dict[str, np.ndarray]  # per field, where a non-empty cell is not a number
    cells: dict[str, pd.Series]  # per field given in the file, its cells as written
    agency_types: Mapping[str, str]
    allowed: Collection[str] | None
    today: date
    previous: pd.DataFrame | None
    percent_allowed: dict[str, bool] = field(default_factory=dict)
    earliest: str = "2000-01"  # the first month accepted
    largest: float = 1e15  # the largest figure accepted

    def column(self, field_id: str) -> str:
        """The header of a field's column, or the field id when the file has none."""
        return self.by_field.get(field_id, field_id)

    def issues(
        self, positions: np.ndarray, column: str, message: Callable[[int], str]
    ) -> list[Issue]:
        """One issue per flagged row."""
        flagged: list[int] = np.flatnonzero(positions).tolist()
        return [Issue(int(self.rows[i]), column, message(i)) for i in flagged]

    # -- what several checks share --------------------------------------------------------------
    @cached_property
    def has_code(self) -> np.ndarray:
        """Rows with an agency code."""
        return self.codes != ""

    @cached_property
    def known(self) -> np.ndarray:
        """Rows whose agency is registered."""
        return np.fromiter((c in self.agency_types for c in self.codes), bool, len(self.codes))

    @cached_property
    def permitted(self) -> np.ndarray:
        """Rows the uploader may submit (every row when no limit is set)."""
        if self.allowed is None:
            return np.ones(len(self.codes), bool)
        allowed = self.allowed
        return np.fromiter((c in allowed for c in self.codes), bool, len(self.codes))

    @cached_property
    def has_month(self) -> np.ndarray:
        """Rows with a readable month."""
        return np.fromiter((m is not None for m in self.months), bool, len(self.months))

    @cached_property
    def ended(self) -> np.ndarray:
        """Rows whose month is over."""
        this_month = month_of_date(self.today)
        return np.fromiter(
            (m is not None and m < this_month for m in self.months), bool, len(self.months)
        )

    @cached_property
    def in_window(self) -> np.ndarray:
        """Rows whose month is not before the first month accepted."""
        earliest = self.earliest
        return np.fromiter(
            (m is None or m >= earliest for m in self.months), bool, len(self.months)
        )

    @cached_property
    def first_rows(self) -> dict[int, int]:
        """For each row repeating an agency-month, the file row where it first appears."""
        keyed = pd.DataFrame({"code": self.codes, "month": self.months, "row": self.rows})[
            self.has_code & self.has_month
        ]
        repeated = keyed.duplicated(["code", "month"], keep="first")
        first = keyed.groupby(["code", "month"], sort=False)["row"].transform("first")
        return dict(zip(keyed.index[repeated].tolist(), first[repeated].tolist(), strict=True))

    @cached_property
    def repeated(self) -> np.ndarray:
        """Rows repeating an agency-month of an earlier row."""
        out = np.zeros(len(self.codes), bool)
        out[list(self.first_rows)] = True
        return out

    @cached_property
    def valid(self) -> np.ndarray:
        """Rows whose agency and month raise no problem."""
        return (
            self.has_code
            & self.known
            & self.permitted
            & self.has_month
            & self.ended
            & self.in_window
            & ~self.repeated
        )

    def refused_value(self, field_id: str) -> np.ndarray:
        """Where a field's number is refused: below zero or above the largest figure."""
        values = self.values[field_id]
        return (values < 0) | (values > self.largest)

    @cached_property
    def figures(self) -> pd.DataFrame:
        """agency_code, period and every field (NaN where empty, unreadable or negative)."""
        fields = list(self.framework.field_ids())
        numbers = pd.DataFrame(
            {f: np.where(self.refused_value(f), np.nan, self.values[f]) for f in fields},
            columns=fields,
            dtype=float,
        )
        identity = pd.DataFrame(
            {
                "agency_code": pd.Series(self.codes, dtype=object),
                "period": pd.Series(self.months, dtype=object),
            }
        )
        return pd.concat([identity, numbers], axis=1)


def empty_code(u: Upload) -> list[Issue]:
    """Every row names an agency."""
    return u.issues(~u.has_code, u.column("agency_code"), lambda i: "the agency code is empty")


def unknown_agency(u: Upload) -> list[Issue]:
    """The agency is registered."""
    return u.issues(
        u.has_code & ~u.known,
        u.column("agency_code"),
        lambda i: f'unknown agency code "{u.codes[i]}"',
    )


def not_permitted(u: Upload) -> list[Issue]:
    """The uploader may submit for the agency."""
    return u.issues(
        u.known & ~u.permitted,
        u.column("agency_code"),
        lambda i: f"you may not submit figures for agency {u.codes[i]}",
    )


def unreadable_month(u: Upload) -> list[Issue]:
    """The period is a month written an accepted way (never as a number like 2026.1)."""
    return u.issues(~u.has_month, u.column("period"), lambda i: not_a_month(u.raw_periods[i]))


def month_not_over(u: Upload) -> list[Issue]:
    """Figures are for completed months only."""
    return u.issues(
        u.has_month & ~u.ended,
        u.column("period"),
        lambda i: (
            f"{u.months[i]} has not ended yet; figures can be uploaded for completed months only"
        ),
    )


def month_too_early(u: Upload) -> list[Issue]:
    """Figures are for months from the first month accepted (setting EARLIEST_MONTH)."""
    return u.issues(
        ~u.in_window,
        u.column("period"),
        lambda i: f"{u.months[i]} is before {u.earliest}, the first month figures are accepted for",
    )


def repeated_row(u: Upload) -> list[Issue]:
    """One row per agency and month."""
    firsts = u.first_rows
    return u.issues(
        u.repeated,
        u.column("period"),
        lambda i: f"agency {u.codes[i]} and month {u.months[i]} already appear in row {firsts[i]}",
    )


def not_a_figure(u: Upload) -> list[Issue]:
    """Every non-empty cell of a field is a number."""
    out: list[Issue] = []
    for field_id, cells in u.cells.items():
        allowed = u.percent_allowed[field_id]
        out += u.issues(
            u.unreadable[field_id],
            u.column(field_id),
            lambda i, c=cells, p=allowed: not_a_number(str(c.iloc[i]), p),  # type: ignore[misc]
        )
    return out


def negative(u: Upload) -> list[Issue]:
    """Figures are never below zero."""
    out: list[Issue] = []
    for field_id in u.cells:
        values = u.values[field_id]
        out += u.issues(
            values < 0,
            u.column(field_id),
            lambda i, v=values: f"expected a number >= 0, got {format_number(v[i])}",  # type: ignore[misc]
        )
    return out


def too_large(u: Upload) -> list[Issue]:
    """No figure is above the largest accepted (setting LARGEST_FIGURE): a larger one is a
    typing mistake, and sums of such figures would overflow."""
    out: list[Issue] = []
    for field_id in u.cells:
        values = u.values[field_id]
        out += u.issues(
            values > u.largest,
            u.column(field_id),
            lambda i, v=values: (  # type: ignore[misc]
                f"expected a number of at most {format_number(u.largest)}, "
                f"got {format_number(v[i])}"
            ),
        )
    return out


def above_its_bound(u: Upload) -> list[Issue]:
    """A field with `at_most` never exceeds the field it names, in the same row."""
    figures = u.figures
    out: list[Issue] = []
    for f in u.framework.fields:
        if f.at_most is None:
            continue
        value = figures[f.id].to_numpy(dtype=float)
        bound = figures[f.at_most].to_numpy(dtype=float)
        out += u.issues(
            value > bound,
            u.column(f.id),
            lambda i, v=value, b=bound, f=f: (  # type: ignore[misc]
                f"{f.id} ({format_number(v[i])}) is above {f.at_most} "
                f"({format_number(b[i])}); it cannot exceed it"
            ),
        )
    return out


# Problems refuse the whole file; every check runs on every row.
CHECKS: tuple[Callable[[Upload], list[Issue]], ...] = (
    empty_code,
    unknown_agency,
    not_permitted,
    unreadable_month,
    month_not_over,
    month_too_early,
    repeated_row,
    not_a_figure,
    negative,
    too_large,
    above_its_bound,
)


def previous_months(months: np.ndarray) -> np.ndarray:
    """The month before each `YYYY-MM`."""
    return np.array([add_months(m, -1) for m in months.tolist()], dtype=object)


def month_on_month(u: Upload) -> list[Issue]:
    """Warnings: a figure over 10x (or under a tenth of) last month's; a rate newly at 0.

    Only rows with a valid agency and month are compared, so a row refused for its agency
    never reveals that agency's stored figures. Last month is this file's row when it has
    one, else the stored figure.
    """
    framework, figures, valid, rows = u.framework, u.figures, u.valid, u.rows
    previous, by_field = u.previous, u.by_field
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
        [mine["agency_code"].to_numpy(object), previous_months(mine["period"].to_numpy(object))]
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
    return out  # check_upload sorts every warning by row and column


def ratio_above_one(u: Upload) -> list[Issue]:
    """Warning: a ratio that may exceed 1 does so in a row (it scores as full marks)."""
    figures, valid = u.figures, u.valid
    out: list[Issue] = []
    for ind in u.framework.indicators:
        if not ind.may_exceed_one or ind.numerator not in u.cells:
            continue
        top = figures[str(ind.numerator)].to_numpy(dtype=float)
        bottom = figures[str(ind.denominator)].to_numpy(dtype=float)
        out += u.issues(
            valid & (top > bottom),
            u.column(str(ind.numerator)),
            lambda i, t=top, b=bottom, ind=ind: (  # type: ignore[misc]
                f"{ind.numerator} ({format_number(t[i])}) is above {ind.denominator} "
                f"({format_number(b[i])}), so {ind.id} is above 1 this month and scores "
                "as full marks; please check it"
            ),
        )
    return out


# Warnings do not block an upload; the uploader confirms them.
WARNINGS: tuple[Callable[[Upload], list[Issue]], ...] = (month_on_month, ratio_above_one)
