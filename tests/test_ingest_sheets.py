"""Sheets as offices make them: decimal commas, months typed as numbers, a title above the
header and a totals row below the figures, in real CSV and XLSX files."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.errors import UploadError
from evaluation.framework import Framework
from evaluation.ingest.parsing import parse_month, parse_numbers
from evaluation.ingest.readers import HEADER_ROW, read_table
from evaluation.ingest.validate import Checked, check_upload

TODAY = date(2026, 11, 25)
TYPES = {f"BK{i:02d}": "bank" for i in range(1, 20)}
HEADER = ["agency_code", "period", "minutes", "orders"]
TITLE = "Y市反诈成员单位月度数据报表（2026年10月）"


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    """A CSV file as Excel saves it (UTF-8 with BOM; cells with commas quoted)."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], merge: str | None = None) -> Path:
    """An XLSX file with one sheet holding `rows` as typed (numbers stay numbers)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def checked(small: Framework, path: Path) -> Checked:
    """Read and validate one file against the small framework."""
    return check_upload(small, read_table(path), TYPES, TODAY)


def texts(issues: tuple[object, ...]) -> list[str]:
    """Problems or warnings as text."""
    return [str(i) for i in issues]


# -- 1. decimal commas -------------------------------------------------------------------------

AMBIGUOUS = [
    ("9,1", "9.1", "91"),
    ("1,5", "1.5", "15"),
    ("12,34", "12.34", "1234"),
    ("1,2345", "1.2345", "12345"),
    ("1,234,5", "1234.5", "12345"),
    ("９，１", "9.1", "91"),  # full-width digits and comma
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_comma_that_cannot_separate_thousands_is_refused_naming_both_readings(
    small: Framework, tmp_path: Path, kind: str
) -> None:
    rows: list[list[object]] = [HEADER]
    rows += [[f"BK{i:02d}", "2026-10", cell, 5] for i, (cell, _, _) in enumerate(AMBIGUOUS, 1)]
    writer = write_csv if kind == "csv" else write_xlsx
    result = checked(small, writer(tmp_path / f"minutes.{kind}", rows))
    assert texts(result.errors) == [
        f'row {row}, minutes: "{cell}" is ambiguous: a decimal comma would read {decimal}, but '
        f"commas separate thousands here; write {decimal} or {thousands}"
        for row, (cell, decimal, thousands) in enumerate(AMBIGUOUS, 2)
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_thousands_separators_stay_accepted(small: Framework, tmp_path: Path, kind: str) -> None:
    cells = ["1,234", "12,345,678", "1,234.5", "１，２３４", " 1,000 ", "-"]
    rows: list[list[object]] = [HEADER]
    rows += [[f"BK{i:02d}", "2026-10", 5, cell] for i, cell in enumerate(cells[:-1], 1)]
    writer = write_csv if kind == "csv" else write_xlsx
    result = checked(small, writer(tmp_path / f"orders.{kind}", rows))
    assert result.ok, texts(result.errors)
    assert result.figures["orders"].tolist() == [1234, 12_345_678, 1234.5, 1234, 1000]


def test_decimal_commas_are_found_in_one_pass_over_the_column() -> None:
    cells = pd.Series(["9,1", "1,234", "1.234,5", "4,5%", "a,b", "", None, "12,345,678.25"])
    values, bad = parse_numbers(cells, percent_allowed=True)
    assert bad.tolist() == [True, False, True, True, True, False, False, False]
    np.testing.assert_allclose(
        values, [np.nan, 1234, np.nan, np.nan, np.nan, np.nan, np.nan, 12_345_678.25]
    )


def test_a_comma_after_a_decimal_point_is_ambiguous_too(small: Framework, tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER, ["BK01", "2026-10", "1.234,5", 5]]
    result = checked(small, write_csv(tmp_path / "european.csv", rows))
    assert texts(result.errors) == [
        'row 2, minutes: "1.234,5" is ambiguous: a decimal comma would read 1234.5, but commas '
        "separate thousands here; write 1234.5 or 1.2345"
    ]


# -- 2. months typed as numbers ----------------------------------------------------------------


def test_a_month_typed_as_a_number_in_a_workbook_is_refused(
    small: Framework, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["BK01", "2026-01", 5, 10],  # the real January figures
        ["BK01", 2026.1, 6, 20],  # Excel's number for a typed 2026.10
        ["BK02", "2026.10", 6, 20],
        ["BK03", "2026.1", 6, 20],
        ["BK04", 2026.02, 6, 20],
    ]
    result = checked(small, write_xlsx(tmp_path / "dotted.xlsx", rows))
    fix = "write the month as 2026-10 or 2026年10月, or format the cell as text"
    assert texts(result.errors) == [
        f'row 3, period: "2026.1" could be 2026-01 or 2026-10; {fix}',
        f'row 4, period: "2026.10" could be 2026-01 or 2026-10; {fix}',
        f'row 5, period: "2026.1" could be 2026-01 or 2026-10; {fix}',
        'row 6, period: "2026.02" is a month written as a number, which Excel may have changed '
        "(a typed 2026.10 becomes 2026.1, read as January); write the month as 2026-02 or "
        "2026年2月, or format the cell as text",
    ]


def test_a_dotted_month_in_a_csv_is_refused(small: Framework, tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER, ["BK01", "2026.1", 5, 10]]
    result = checked(small, write_csv(tmp_path / "dotted.csv", rows))
    assert texts(result.errors) == [
        'row 2, period: "2026.1" could be 2026-01 or 2026-10; write the month as 2026-10 or '
        "2026年10月, or format the cell as text"
    ]


def test_unambiguous_months_are_read_from_text_numbers_and_dates(
    small: Framework, tmp_path: Path
) -> None:
    periods: list[object] = [
        "2026-10",
        "2026/10",
        "202610",
        202610,  # a number, but yyyymm has one reading
        "2026年10月",
        datetime(2026, 10, 1),
        "2026-10-01",
        "2026.10.01",
    ]
    rows: list[list[object]] = [HEADER]
    rows += [[f"BK{i:02d}", period, 5, 10] for i, period in enumerate(periods, 1)]
    result = checked(small, write_xlsx(tmp_path / "months.xlsx", rows))
    assert result.ok, texts(result.errors)
    assert result.figures["period"].tolist() == ["2026-10"] * len(periods)


@pytest.mark.parametrize("text", ["2026.1", "2026.10", "2026.01", "２０２６.１０"])
def test_no_dotted_month_is_read(text: str) -> None:
    assert parse_month(text) is None


# -- 3. a title above the header, a totals row below the figures --------------------------------


def test_a_title_above_the_header_of_a_workbook(small: Framework, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [TITLE],
        [],
        ["机构代码", "月份", "Minutes", "Orders"],
        ["BK01", "2026-10", 5, 10],
        ["BK02", "2026-10", "lots", 10],
    ]
    path = write_xlsx(tmp_path / "titled.xlsx", rows, merge="A1:D1")
    table = read_table(path)
    assert table.attrs[HEADER_ROW] == 3
    assert list(table.columns) == ["机构代码", "月份", "Minutes", "Orders"]
    assert texts(checked(small, path).errors) == ['row 5, Minutes: expected a number, got "lots"']


def test_a_title_above_the_header_of_a_csv(small: Framework, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [TITLE, "", "", ""],
        ["填报单位：Y市反诈中心", "", "", ""],
        HEADER,
        ["BK01", "2026-10", 5, 10],
        ["BK02", "2026-10", 6, "-3"],
    ]
    result = checked(small, write_csv(tmp_path / "titled.csv", rows))
    assert texts(result.errors) == ["row 5, orders: expected a number >= 0, got -3"]


def test_the_header_is_looked_for_in_the_first_ten_rows_only(tmp_path: Path) -> None:
    rows: list[list[object]] = [[TITLE], *[[f"note {i}"] for i in range(10)], HEADER]
    with pytest.raises(UploadError) as caught:
        read_table(write_xlsx(tmp_path / "late_header.xlsx", rows))
    assert str(caught.value.problems[0]).startswith(
        'row 12, column B: "period" is in a column without a heading'
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_totals_row_is_skipped_with_a_warning(
    small: Framework, tmp_path: Path, kind: str
) -> None:
    rows: list[list[object]] = [[TITLE], HEADER]
    rows += [[f"BK{i:02d}", "2026-10", 5, 10] for i in range(1, 10)]
    rows += [["合计", "", 45, 90], ["Total", "2026-10", 45, 90]]
    writer = write_csv if kind == "csv" else write_xlsx
    result = checked(small, writer(tmp_path / f"totals.{kind}", rows))
    assert result.ok, texts(result.errors)
    assert len(result.figures) == 9 and "合计" not in result.figures["agency_code"].tolist()
    assert texts(result.warnings) == [
        "row 12, agency_code: a totals row (合计) was skipped; totals are computed by the "
        "dashboard",
        "row 13, agency_code: a totals row (Total) was skipped; totals are computed by the "
        "dashboard",
    ]


def test_a_totals_row_named_in_the_first_column(small: Framework, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["period", "agency_code", "minutes", "orders"],
        ["2026-10", "BK01", 5, 10],
        ["2026-10", "BK02", 5, 10],
        ["小 计：", "", 10, 20],
        ["SUM", "", 10, 20],
    ]
    result = checked(small, write_xlsx(tmp_path / "first_column.xlsx", rows))
    assert result.ok, texts(result.errors)
    assert [(w.row, w.column) for w in result.warnings] == [(4, "period"), (5, "period")]
    assert "a totals row (小 计：) was skipped" in str(result.warnings[0])


def test_a_table_that_is_not_figures_keeps_a_row_called_total(tmp_path: Path) -> None:
    rows: list[list[object]] = [["code", "name", "type"], ["Total", "Total Bank", "bank"]]
    table = read_table(write_csv(tmp_path / "agencies.csv", rows))
    assert table["code"].tolist() == ["Total"]
