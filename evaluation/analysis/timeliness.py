"""Whether each agency-month was submitted, on time, late or revised."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

import pandas as pd

from evaluation import i18n
from evaluation.periods import add_months, year_and_month

# Ids of the statuses (stored in tables that programs read; pages show them in words).
ON_TIME, LATE, MISSING, REVISED, LATE_REVISED, NOT_DUE = (
    "on time",  # i18n: not text
    "late",
    "missing",
    "revised",
    "late, revised",  # i18n: not text
    "not due yet",  # i18n: not text
)
STATUSES = (ON_TIME, REVISED, LATE, LATE_REVISED, MISSING, NOT_DUE)


def deadline(month: str, day: int) -> datetime:
    """End of the deadline day in the month after `month`, in the office's zone (`TIMEZONE`):
    an upload at 23:30 Beijing time on the 10th is on time, though it is the 10th 15:30 UTC."""
    year, number = year_and_month(add_months(month, 1))
    day = min(day, calendar.monthrange(year, number)[1])
    return datetime(year, number, day, 23, 59, 59, tzinfo=i18n.zone()).astimezone(UTC)


def submission_matrix(
    submissions: pd.DataFrame,
    agency_codes: list[str],
    months: list[str],
    deadline_day: int,
    now: datetime,
) -> pd.DataFrame:
    """One row per (agency, month): status, versions, first and last upload, who uploaded last.

    `submissions` has agency_code, period, version, uploaded_at (UTC), uploaded_by.
    """
    grid = pd.MultiIndex.from_product([agency_codes, months], names=["agency_code", "period"])
    subs = submissions[submissions["period"].isin(months)]
    grouped = subs.sort_values("version").groupby(["agency_code", "period"])
    stats = pd.DataFrame(
        {
            "versions": grouped["version"].max(),
            "first_upload": grouped["uploaded_at"].min(),
            "last_upload": grouped["uploaded_at"].max(),
            "last_uploaded_by": grouped["uploaded_by"].last(),
        }
    ).reindex(grid)
    due = {m: pd.Timestamp(deadline(m, deadline_day)) for m in months}
    month_due = stats.index.get_level_values("period").map(due)
    submitted = stats["versions"].notna().to_numpy()
    late = submitted & (stats["first_upload"].to_numpy() > month_due.to_numpy())
    revised = submitted & (stats["versions"].fillna(0).to_numpy() > 1)
    overdue = month_due.to_numpy() < pd.Timestamp(now)
    status = [
        (LATE_REVISED if lt and rv else LATE if lt else REVISED if rv else ON_TIME)
        if s
        else (MISSING if od else NOT_DUE)
        for s, lt, rv, od in zip(submitted, late, revised, overdue, strict=True)
    ]
    stats["status"] = status
    stats["versions"] = stats["versions"].fillna(0).astype(int)
    return stats.reset_index()
