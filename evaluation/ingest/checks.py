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
from evaluation.i18n import N_, Text, _
from evaluation.ingest.parsing import format_number, not_a_month, not_a_number
from evaluation.ingest.words import ColumnName, ItemName, MonthName
from evaluation.periods import month_of_date


@dataclass(frozen=True)
class Issue:
    """One problem or warning, located by file row and column header; `str()` renders it in
    the reader's language: `row 5, loss_reported: expected a number, got "lots"` /
    `第5行，报案损失金额：应为数字，实为“lots”`."""

    row: int | None
    column: str  # the file's heading (the field id when the file has none): finds the cell
    message: Text
    named: ColumnName | None = None  # how the column is named to the reader (else `column`)

    @property
    def column_name(self) -> str:
        """The column as the reader reads it: the field's label for a Chinese reader."""
        return str(self.named) if self.named is not None else self.column

    def __str__(self) -> str:
        column, message = self.column_name, self.message
        if self.row is None:
            if column:
                return _("file, {column}: {message}", column=column, message=message)
            return _("file: {message}", message=message)
        if column:
            return _("row {row}, {column}: {message}", row=self.row, column=column, message=message)
        return _("row {row}: {message}", row=self.row, message=message)


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

    @cached_property
    def field_defs(self) -> dict[str, object]:
        """The framework's fields by id."""
        return {f.id: f for f in self.framework.fields}

    @cached_property
    def headings(self) -> dict[str, tuple[str, ColumnName]]:
        """Per field (and agency_code, period): its column's heading and how problems name it."""
        keys = ("agency_code", "period", *self.framework.field_ids())
        return {
            k: (self.column(k), ColumnName(self.by_field.get(k), k, self.field_defs.get(k)))
            for k in keys
        }

    def issue(self, row: int, field_id: str, message: Text) -> Issue:
        """A problem or warning of a row, in the column of a field (or agency_code, period)."""
        column, named = self.headings[field_id]
        return Issue(row, column, message, named)

    def issues(
        self, positions: np.ndarray, field_id: str, message: Callable[[int], Text]
    ) -> list[Issue]:
        """One issue per flagged row, in the column of a field (or agency_code, period)."""
        flagged: list[int] = np.flatnonzero(positions).tolist()
        return [self.issue(int(self.rows[i]), field_id, message(i)) for i in flagged]

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
    return u.issues(~u.has_code, "agency_code", lambda i: N_("the agency code is empty"))


def unknown_agency(u: Upload) -> list[Issue]:
    """The agency is registered."""
    return u.issues(
        u.has_code & ~u.known,
        "agency_code",
        lambda i: N_('unknown agency code "{code}"', code=u.codes[i]),
    )


def not_permitted(u: Upload) -> list[Issue]:
    """The uploader may submit for the agency."""
    return u.issues(
        u.known & ~u.permitted,
        "agency_code",
        lambda i: N_("you may not submit figures for agency {code}", code=u.codes[i]),
    )


def unreadable_month(u: Upload) -> list[Issue]:
    """The period is a month written an accepted way (never as a number like 2026.1)."""
    return u.issues(~u.has_month, "period", lambda i: not_a_month(u.raw_periods[i]))


def month_not_over(u: Upload) -> list[Issue]:
    """Figures are for completed months only."""
    return u.issues(
        u.has_month & ~u.ended,
        "period",
        lambda i: N_(
            "{month} has not ended yet; figures can be uploaded for completed months only",
            month=MonthName(u.months[i]),
        ),
    )


def month_too_early(u: Upload) -> list[Issue]:
    """Figures are for months from the first month accepted (setting EARLIEST_MONTH)."""
    return u.issues(
        ~u.in_window,
        "period",
        lambda i: N_(
            "{month} is before {earliest}, the first month figures are accepted for",
            month=MonthName(u.months[i]),
            earliest=MonthName(u.earliest),
        ),
    )


def repeated_row(u: Upload) -> list[Issue]:
    """One row per agency and month."""
    firsts = u.first_rows
    return u.issues(
        u.repeated,
        "period",
        lambda i: N_(
            "agency {code} and month {month} already appear in row {row}",
            code=u.codes[i],
            month=MonthName(u.months[i]),
            row=firsts[i],
        ),
    )


def not_a_figure(u: Upload) -> list[Issue]:
    """Every non-empty cell of a field is a number."""
    out: list[Issue] = []
    for field_id, cells in u.cells.items():
        allowed = u.percent_allowed[field_id]
        out += u.issues(
            u.unreadable[field_id],
            field_id,
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
            field_id,
            lambda i, v=values: N_(  # type: ignore[misc]
                "expected a number >= 0, got {value}", value=format_number(v[i])
            ),
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
            field_id,
            lambda i, v=values: N_(  # type: ignore[misc]
                "expected a number of at most {largest}, got {value}",
                largest=format_number(u.largest),
                value=format_number(v[i]),
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
            f.id,
            lambda i, v=value, b=bound, f=f: N_(  # type: ignore[misc]
                "{field} ({value}) is above {bound} ({limit}); it cannot exceed it",
                field=ItemName(f),
                value=format_number(v[i]),
                bound=ItemName(u.field_defs.get(f.at_most, f.at_most)),
                limit=format_number(b[i]),
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
