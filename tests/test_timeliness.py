"""Submission status of each agency-month: on time, late, revised, missing, not due yet."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from evaluation.analysis.timeliness import deadline, submission_matrix


def at(text: str) -> pd.Timestamp:
    """A UTC timestamp."""
    return pd.Timestamp(text, tz="UTC")


def test_the_deadline_is_the_day_in_the_following_month() -> None:
    beijing = ZoneInfo("Asia/Shanghai")  # the office's zone in the tests (tests/conftest.py)
    assert deadline("2026-10", 10) == datetime(2026, 11, 10, 23, 59, 59, tzinfo=beijing)
    assert deadline("2026-12", 10) == datetime(2027, 1, 10, 23, 59, 59, tzinfo=beijing)
    assert deadline("2026-01", 31).day == 28  # February has no 31st


def test_the_deadline_day_ends_in_the_offices_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # 23:30 in Beijing on the 10th is 15:30 UTC: on time; 00:30 on the 11th is late.
    assert deadline("2026-10", 10) == datetime(2026, 11, 10, 15, 59, 59, tzinfo=UTC)
    subs = pd.DataFrame(
        [
            ("A", "2026-10", 1, at("2026-11-10 15:30"), "a"),
            ("B", "2026-10", 1, at("2026-11-10 16:30"), "b"),
        ],
        columns=["agency_code", "period", "version", "uploaded_at", "uploaded_by"],
    )
    now = datetime(2026, 12, 1, tzinfo=UTC)
    matrix = submission_matrix(subs, ["A", "B"], ["2026-10"], 10, now).set_index("agency_code")
    assert list(matrix["status"]) == ["on time", "late"]
    monkeypatch.setenv("TIMEZONE", "UTC")
    matrix = submission_matrix(subs, ["A", "B"], ["2026-10"], 10, now).set_index("agency_code")
    assert list(matrix["status"]) == ["on time", "on time"], "in UTC both are on the 10th"


def test_each_status_is_recognised() -> None:
    subs = pd.DataFrame(
        [
            ("A", "2026-09", 1, at("2026-10-05"), "a"),  # on time
            ("B", "2026-09", 1, at("2026-10-15"), "b"),  # late
            ("C", "2026-09", 1, at("2026-10-02"), "c"),  # revised after the deadline: on time
            ("C", "2026-09", 2, at("2026-10-20"), "coord"),
            ("D", "2026-09", 1, at("2026-10-12"), "d"),  # late and revised
            ("D", "2026-09", 2, at("2026-10-13"), "d"),
        ],
        columns=["agency_code", "period", "version", "uploaded_at", "uploaded_by"],
    )
    matrix = submission_matrix(
        subs,
        ["A", "B", "C", "D", "E"],
        ["2026-09", "2026-10"],
        10,
        datetime(2026, 11, 5, tzinfo=UTC),
    ).set_index(["agency_code", "period"])
    assert matrix.loc[("A", "2026-09"), "status"] == "on time"
    assert matrix.loc[("B", "2026-09"), "status"] == "late"
    assert matrix.loc[("C", "2026-09"), "status"] == "revised"
    assert matrix.loc[("C", "2026-09"), "last_uploaded_by"] == "coord"
    assert matrix.loc[("D", "2026-09"), "status"] == "late, revised"
    assert matrix.loc[("E", "2026-09"), "status"] == "missing"
    # October is due on 10 November; on 5 November nobody is late for it yet.
    assert matrix.loc[("E", "2026-10"), "status"] == "not due yet"
    assert matrix.loc[("D", "2026-09"), "versions"] == 2
    assert matrix.loc[("E", "2026-09"), "versions"] == 0
