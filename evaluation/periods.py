"""Evaluation periods (a month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`) and the one
place where months are counted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from evaluation.errors import InputError
from evaluation.i18n import N_

PeriodKind = Literal["month", "quarter", "year"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A period and the months (`YYYY-MM`) it covers."""

    kind: PeriodKind
    year: int
    index: int  # month 1..12, quarter 1..4, or 1 for a year

    @property
    def label(self) -> str:
        """The canonical text form, e.g. `2026-10`, `2026-Q4`, `2026`."""
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def months(self) -> tuple[str, ...]:
        """The months the period covers, oldest first."""
        if self.kind == "month":
            first, count = self.index, 1
        elif self.kind == "quarter":
            first, count = 3 * (self.index - 1) + 1, 3
        else:
            first, count = 1, 12
        return tuple(f"{self.year:04d}-{m:02d}" for m in range(first, first + count))

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == "year":
            return Period("year", self.year - 1, 1)
        last = 12 if self.kind == "month" else 4
        if self.index == 1:
            return Period(self.kind, self.year - 1, last)
        return Period(self.kind, self.year, self.index - 1)

    def __str__(self) -> str:
        return self.label


def parse_period(text: object) -> Period:
    """Read `YYYY-MM`, `YYYY-Qn` or `YYYY`; anything else is an InputError saying so."""
    raw = str(text).strip()
    if m := _MONTH.match(raw):
        month = int(m.group(2))
        if 1 <= month <= 12:
            return Period("month", int(m.group(1)), month)
    elif m := _QUARTER.match(raw):
        return Period("quarter", int(m.group(1)), int(m.group(2)))
    elif m := _YEAR.match(raw):
        return Period("year", int(m.group(1)), 1)
    raise InputError(
        N_(
            'period: expected a month "YYYY-MM", a quarter "YYYY-Qn" or a year "YYYY", '
            'got "{found}"',
            found=raw,
        )
    )


def month_of(text: object) -> str:
    """Check that `text` is a single month and return it as `YYYY-MM`."""
    period = parse_period(text)
    if period.kind != "month":
        raise InputError(N_('period: expected a month "YYYY-MM", got "{found}"', found=text))
    return period.label


def month_label(year: int, month: int) -> str:
    """`YYYY-MM` of a year and a month 1..12."""
    return f"{year:04d}-{month:02d}"


def month_of_date(day: date) -> str:
    """The month a date falls in, as `YYYY-MM`."""
    return month_label(day.year, day.month)


def year_and_month(month: str) -> tuple[int, int]:
    """(year, month 1..12) of `YYYY-MM`."""
    return int(month[:4]), int(month[5:7])


def add_months(month: str, count: int) -> str:
    """The month `count` months after (or, negative, before) `month`."""
    year, number = year_and_month(month)
    ordinal = year * 12 + number - 1 + count
    return month_label(ordinal // 12, ordinal % 12 + 1)


def last_complete_month(today: date) -> str:
    """The month before `today`'s month, as `YYYY-MM`."""
    return add_months(month_of_date(today), -1)


def months_ending(end: str, count: int) -> list[str]:
    """`count` months ending with `end`, oldest first."""
    return [add_months(end, k) for k in range(1 - count, 1)]


def label_of_kind(month: str, kind: PeriodKind) -> str:
    """The label of the month, quarter or year that contains `month`."""
    year, number = year_and_month(month)
    if kind == "quarter":
        return Period("quarter", year, (number - 1) // 3 + 1).label
    if kind == "year":
        return Period("year", year, 1).label
    return month_label(year, number)
