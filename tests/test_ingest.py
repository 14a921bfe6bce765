"""Upload files as agencies send them: encodings, headers, number formats and every bad case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from evaluation.errors import InputError
from evaluation.framework import Framework, load_framework
from evaluation.ingest.readers import read_table, read_table_bytes
from evaluation.ingest.validate import Checked, check_upload, parse_month

ROOT = Path(__file__).resolve().parent.parent
UPLOADS = ROOT / "tests" / "data" / "uploads"
TODAY = date(2026, 11, 25)
TYPES = {"BK01": "bank", "BK02": "bank", "TC01": "telecom"}


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(ROOT / "indicators.yaml")


def check(framework: Framework, name: str, **kwargs: object) -> Checked:
    """Read and validate one test file."""
    return check_upload(framework, read_table(UPLOADS / name), TYPES, TODAY, **kwargs)  # type: ignore[arg-type]


def messages(result: Checked) -> list[str]:
    """Errors as text."""
    return [str(e) for e in result.errors]


def test_a_good_csv_with_separators_and_slashes(framework: Framework) -> None:
    result = check(framework, "good.csv")
    assert result.ok, messages(result)
    assert list(result.figures["period"]) == ["2026-09", "2026-09"]
    assert result.figures.loc[0, "loss_reported"] == 1_200_000


@pytest.mark.parametrize("name", ["gbk_chinese_headers.csv", "bom_chinese_headers.csv"])
def test_chinese_headers_gbk_and_bom(framework: Framework, name: str) -> None:
    result = check(framework, name)
    assert result.ok, messages(result)
    assert list(result.figures["period"]) == ["2026-09", "2026-09"]
    assert result.figures.loc[0, "loss_reported"] == 120_000  # full-width digits
    assert result.figures.loc[1, "amount_frozen"] == 8000


def test_every_problem_of_a_bad_file_at_once(framework: Framework) -> None:
    found = messages(check(framework, "bad.csv"))
    expected = [
        'row 1, colour: unknown column "colour"',
        'row 2, agency_code: unknown agency code "XX99"',
        "row 3, period: expected a month like 2026-10, 2026/10, 202610 or 2026年10月, got "
        '"2026-13"',
        "row 4, amount_frozen: expected a number >= 0, got -10",
        "row 4, period: 2099-01 has not ended yet",
        'row 5, loss_reported: expected a number, got "lots"',
        "row 5, amount_returned: amount_returned (50) is above amount_frozen (10)",
        "row 6, period: agency BK02 and month 2026-09 already appear in row 5",
    ]
    for text in expected:
        assert any(text in m for m in found), (text, found)


def test_an_agency_user_may_submit_only_for_its_agency(framework: Framework) -> None:
    result = check(framework, "good.csv", allowed={"BK01"})
    assert messages(result) == ["row 3, agency_code: you may not submit figures for agency BK02"]


def test_a_formula_cell_is_never_evaluated(framework: Framework) -> None:
    result = check(framework, "formula.xlsx")
    assert messages(result) == ['row 2, amount_frozen: expected a number, got "=SUM(1,2)"']


def test_the_figures_sheet_is_preferred(framework: Framework) -> None:
    result = check(framework, "figures_sheet_second.xlsx")
    assert result.ok and result.figures.loc[0, "amount_frozen"] == 200


def test_a_wrong_sheet_name_is_refused() -> None:
    with pytest.raises(InputError, match='no sheet named "data"; found notes, figures'):
        read_table(UPLOADS / "figures_sheet_second.xlsx", sheet="data")


def test_an_empty_file(framework: Framework) -> None:
    assert messages(check(framework, "empty.csv")) == ["file: the file has no figures rows"]


def test_a_file_that_is_not_what_its_extension_says() -> None:
    with pytest.raises(InputError, match="the name says XLSX but the content is not an Excel"):
        read_table(UPLOADS / "not_really.xlsx")
    with pytest.raises(InputError, match="the name says CSV but the content is binary"):
        read_table_bytes((UPLOADS / "formula.xlsx").read_bytes(), "figures.csv")


def test_size_and_row_limits() -> None:
    raw = (UPLOADS / "good.csv").read_bytes()
    with pytest.raises(InputError, match="the limit is 0 MB"):
        read_table_bytes(raw, "good.csv", max_bytes=10)
    with pytest.raises(InputError, match="2 rows; the limit is 1"):
        read_table_bytes(raw, "good.csv", max_rows=1)


def test_suspicious_values_are_warnings(framework: Framework) -> None:
    previous = pd.DataFrame(
        [
            {
                "agency_code": "BK01",
                "period": "2026-08",
                "loss_reported": 100_000.0,
                "amount_frozen": 5000.0,
            },
            {
                "agency_code": "BK02",
                "period": "2026-08",
                "loss_reported": 900_000.0,
                "amount_frozen": 5000.0,
            },
        ]
    )
    table = pd.DataFrame(
        [
            {
                "agency_code": "BK01",
                "period": "2026-09",
                "loss_reported": "1,200,000",
                "amount_frozen": "5000",
            },
            {
                "agency_code": "BK02",
                "period": "2026-09",
                "loss_reported": "900000",
                "amount_frozen": "0",
            },
        ]
    )
    result = check_upload(framework, table, TYPES, TODAY, previous=previous)
    assert result.ok
    warnings = [str(w) for w in result.warnings]
    assert any("row 2, loss_reported: 1.2e+06 is more than 10 times" in w for w in warnings)
    assert any("row 3, amount_frozen: 0 this month after 5000 last month" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-10", "2026-10"),
        ("2026/1", "2026-01"),
        ("202610", "2026-10"),
        ("2026年10月", "2026-10"),
        ("２０２６年３月", "2026-03"),
        ("2026-13", None),
        ("Oct", None),
    ],
)
def test_period_forms(text: str, month: str | None) -> None:
    assert parse_month(text) == month
