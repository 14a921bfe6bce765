"""Upload files as agencies send them: encodings, headers, number formats and every bad case."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from evaluation.errors import InputError, UploadError
from evaluation.framework import Framework, load_framework, parse_framework
from evaluation.ingest.parsing import format_number, parse_month, parse_numbers
from evaluation.ingest.readers import file_size, read_table, read_table_bytes
from evaluation.ingest.template import template_xlsx
from evaluation.ingest.validate import Checked, check_upload, comparison_months

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
    with pytest.raises(InputError, match="the file is 225 bytes; files of at most 10 bytes"):
        read_table_bytes(raw, "good.csv", max_bytes=10)
    with pytest.raises(InputError, match="more than 1 rows of figures; a file may hold at most 1"):
        read_table_bytes(raw, "good.csv", max_rows=1)


@pytest.mark.parametrize(
    ("size", "text"),
    [(10, "10 bytes"), (1536, "1.5 KB"), (200 * 1024, "200 KB"), (10 * 1048576, "10 MB")],
)
def test_sizes_are_shown_in_sensible_units(size: int, text: str) -> None:
    assert file_size(size) == text


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
    assert any(
        "row 2, loss_reported: 1,200,000 is more than 10 times away from last month's 100,000" in w
        for w in warnings
    ), warnings
    assert any("row 3, amount_frozen: 0 this month after 5,000 last month" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-10", "2026-10"),
        ("2026/1", "2026-01"),
        ("202610", "2026-10"),
        ("2026年10月", "2026-10"),
        ("２０２６年３月", "2026-03"),
        ("2026-10-01", "2026-10"),
        ("2026/9/1", "2026-09"),
        ("2026-09-01 00:00:00", "2026-09"),
        ("2026-13", None),
        ("2026-02-30", None),
        ("Oct", None),
    ],
)
def test_period_forms(text: str, month: str | None) -> None:
    assert parse_month(text) == month


def test_date_cells_in_the_period_column_are_that_month(framework: Framework) -> None:
    result = check(framework, "period_dates.xlsx")
    assert result.ok, messages(result)
    assert list(result.figures["period"]) == ["2026-09", "2026-10"]


def test_the_template_keeps_typed_periods_as_text(framework: Framework) -> None:
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(template_xlsx(framework, "bank", "BK01", "2026-10")))
    figures, example = book["figures"], book["example"]
    assert figures.column_dimensions["B"].number_format == "@"
    assert figures["B2"].number_format == "@" and figures["B500"].number_format == "@"
    assert example["B2"].value == "2026-10" and example["B2"].number_format == "@"


def test_trailing_commas_do_not_shift_columns(framework: Framework) -> None:
    result = check(framework, "trailing_comma.csv")
    assert result.ok, messages(result)
    assert list(result.figures["agency_code"]) == ["BK01", "BK02"]
    assert list(result.figures["loss_reported"]) == [1200, 900]
    assert list(result.figures["amount_frozen"]) == [300, 150]


def test_a_row_with_more_cells_than_the_header_is_refused_by_row() -> None:
    with pytest.raises(UploadError) as caught:
        read_table(UPLOADS / "extra_cell.csv")
    assert len(caught.value.problems) == 1
    assert str(caught.value.problems[0]).startswith(
        'row 5 has 4 cells but the header has 3 columns; the extra cell holds "200"'
    )


def test_a_cell_without_a_heading_in_a_workbook_is_refused_by_row_and_column() -> None:
    with pytest.raises(UploadError) as caught:
        read_table(UPLOADS / "unheaded_cell.xlsx")
    assert [str(p) for p in caught.value.problems] == [
        'row 3, column E: "1,200" is in a column without a heading; give the column a heading '
        "or clear the cell"
    ]


@pytest.mark.parametrize("name", ["blank_lines.csv", "blank_rows.xlsx"])
def test_rows_are_numbered_as_in_the_file_when_it_has_blank_rows(
    framework: Framework, name: str
) -> None:
    found = messages(check(framework, name))
    rows = {"blank_lines.csv": (4, 6), "blank_rows.xlsx": (4, 7)}[name]
    assert found == [
        f'row {rows[0]}, loss_reported: expected a number, got "lots"',
        f"row {rows[1]}, amount_frozen: expected a number >= 0, got -5",
    ]


def test_the_workbook_row_limit_stops_reading_early(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    seen: list[int] = []
    cells_by_row = ReadOnlyWorksheet._cells_by_row

    def counted(self: ReadOnlyWorksheet, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for row in cells_by_row(self, *args, **kwargs):
            seen.append(1)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counted)
    raw = (UPLOADS / "many_rows.xlsx").read_bytes()
    with pytest.raises(InputError, match="more than 10 rows of figures; a file may hold at most"):
        read_table_bytes(raw, "many_rows.xlsx", max_rows=10)
    assert 0 < len(seen) <= 12
    assert len(read_table_bytes(raw, "many_rows.xlsx", max_rows=60)) == 60


def test_a_damaged_workbook_is_described_in_plain_words() -> None:
    with pytest.raises(InputError) as caught:
        read_table(UPLOADS / "damaged.xlsx")
    text = str(caught.value)
    assert "damaged.xlsx: the file cannot be opened as an Excel workbook" in text
    assert "Error" not in text


def test_an_unclosed_quote_is_described_in_plain_words() -> None:
    with pytest.raises(InputError) as caught:
        read_table(UPLOADS / "unclosed_quote.csv")
    text = str(caught.value)
    assert "unclosed_quote.csv: the text from line 2 on cannot be read as CSV" in text
    assert "tokenizing" not in text and "C error" not in text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1_294_700.0, "1,294,700"), (6.5, "6.5"), (1234.567, "1,234.57"), (0.45, "0.45"), (0, "0")],
)
def test_numbers_in_messages_have_thousands_separators(value: float, text: str) -> None:
    assert format_number(value) == text


def test_warnings_are_never_given_for_rows_the_uploader_may_not_submit(
    framework: Framework,
) -> None:
    previous = (
        pd.DataFrame(
            [
                {"agency_code": "BK01", "period": "2026-08", "loss_reported": 100_000.0},
                {"agency_code": "BK02", "period": "2026-08", "loss_reported": 50_000.0},
                {"agency_code": "BK02", "period": "2026-08", "amount_frozen": 1_082_500.0},
            ]
        )
        .groupby(["agency_code", "period"], as_index=False)
        .first()
    )
    result = check(framework, "good.csv", allowed={"BK01"}, previous=previous)
    assert messages(result) == ["row 3, agency_code: you may not submit figures for agency BK02"]
    warnings = [str(w) for w in result.warnings]
    assert warnings and all(w.startswith("row 2,") for w in warnings), warnings
    assert not any("50,000" in w or "1,082,500" in w for w in warnings), warnings


def test_no_warnings_for_rows_with_a_bad_or_future_period(framework: Framework) -> None:
    previous = pd.DataFrame(
        [{"agency_code": "BK01", "period": "2098-12", "loss_reported": 5.0, "amount_frozen": 7.0}]
    )
    table = pd.DataFrame(
        [{"agency_code": "BK01", "period": "2099-01", "loss_reported": "900", "amount_frozen": "0"}]
    )
    result = check_upload(framework, table, TYPES, TODAY, previous=previous)
    assert not result.ok and result.warnings == ()


def test_jumps_inside_one_file_are_warnings_too(framework: Framework) -> None:
    table = pd.DataFrame(
        [
            {"agency_code": "BK01", "period": "2026-08", "loss_reported": "1000"},
            {"agency_code": "BK01", "period": "2026-09", "loss_reported": "50,000"},
        ]
    )
    result = check_upload(framework, table, TYPES, TODAY)
    assert [str(w) for w in result.warnings] == [
        "row 3, loss_reported: 50,000 is more than 10 times away from last month's 1,000; "
        "please check it"
    ]


def _wide_upload(rows: int, fields: int) -> tuple[Framework, pd.DataFrame, pd.DataFrame, dict]:
    """A framework of `fields` count fields, each but the last the numerator of a rate over the
    next one (`at_most` it), a text table of `rows` rows and stored figures for the month
    before each row; 20 figures of each field drop to a twentieth, for warnings."""
    names = "".join(
        f"  f{i}: {{label: Field {i}, unit: count"
        + (f", at_most: f{i + 1}" if i + 1 < fields else "")
        + "}\n"
        for i in range(fields)
    )
    indicators = "".join(
        f"      - {{id: i{i}, label: I{i}, numerator: f{i}, denominator: f{i + 1}, "
        "direction: higher, normalise: {method: minmax}, weight: 1}\n"
        for i in range(fields - 1)
    ) + (
        f"      - {{id: i{fields - 1}, label: I, field: f{fields - 1}, direction: higher, "
        "normalise: {method: minmax}, weight: 1}\n"
    )
    fw = parse_framework(
        "version: 1\nname: Wide\nagency_types:\n  bank: {label: Bank}\n"
        f"fields:\n{names}dimensions:\n  - id: d\n    label: D\n    weight: 1\n"
        f"    indicators:\n{indicators}tiers:\n  - {{id: A, label: A, min_score: 0}}\n"
    )
    rng = np.random.default_rng(42)
    agencies = rows // 12
    codes = np.repeat([f"B{i:04d}" for i in range(agencies)], 12)
    table = pd.DataFrame({"agency_code": codes, "period": np.tile(MONTHS_2025, agencies)})
    stored = pd.DataFrame({"agency_code": codes, "period": np.tile(MONTHS_BEFORE, agencies)})
    base = np.repeat(rng.lognormal(10, 1, agencies), 12)
    now = {}
    for i in range(fields):
        level = base * 2.0**i  # each field more than its numerator, whatever the jitter
        stored[f"f{i}"] = np.round(level * rng.uniform(0.7, 1.3, len(codes)))
        now[i] = np.round(level * rng.uniform(0.7, 1.3, len(codes)))
    for i in range(fields):
        # 20 rows drop to a twentieth in this field and the ones it bounds, so no bound breaks.
        drops = rng.choice(len(codes), 20, replace=False)
        for k in range(i + 1):
            now[k][drops] //= 20
    for i in range(fields):
        table[f"f{i}"] = [f"{v:,.0f}" for v in now[i]]
    return fw, table, stored, dict.fromkeys(codes, "bank")


MONTHS_2025 = [f"2025-{m:02d}" for m in range(1, 13)]
MONTHS_BEFORE = ["2024-12", *MONTHS_2025[:-1]]


def test_validating_ten_thousand_rows_with_warnings_is_fast() -> None:
    fw, table, stored, types = _wide_upload(10_008, 25)
    check_upload(fw, table.head(24), types, TODAY, previous=stored)
    start = time.perf_counter()
    result = check_upload(fw, table, types, TODAY, previous=stored)
    elapsed = time.perf_counter() - start
    assert result.ok and len(result.figures) == 10_008
    assert result.warnings
    assert elapsed < 1.5, f"{elapsed:.2f} s"


def test_percent_values_of_ratio_fields() -> None:
    cells = pd.Series(["45%", "４５％", " 12.5 % ", "0.45", "1,250", "", None, "lots", "%"])
    values, bad = parse_numbers(cells, percent_allowed=True)
    np.testing.assert_allclose(
        values, [0.45, 0.45, 0.125, 0.45, 1250, np.nan, np.nan, np.nan, np.nan]
    )
    assert bad.tolist() == [False, False, False, False, False, False, False, True, True]
    values, bad = parse_numbers(pd.Series(["45%", "45"]), percent_allowed=False)
    assert bad.tolist() == [True, False] and values[1] == 45


def test_a_percent_sign_is_accepted_only_in_a_ratio_field() -> None:
    fw = parse_framework(
        "version: 1\nname: Rates\nagency_types:\n  bank: {label: Bank}\n"
        "fields:\n  share_on_time: {label: Share on time, unit: ratio}\n"
        "  cases: {label: Cases, unit: count}\n"
        "dimensions:\n  - id: d\n    label: D\n    weight: 1\n    indicators:\n"
        "      - {id: s, label: S, field: share_on_time, direction: higher, "
        "normalise: {method: minmax}, weight: 1}\n"
        "      - {id: c, label: C, field: cases, direction: higher, "
        "normalise: {method: minmax}, weight: 1}\n"
        "tiers:\n  - {id: A, label: A, min_score: 0}\n"
    )
    table = pd.DataFrame(
        [{"agency_code": "BK01", "period": "2026-09", "share_on_time": "45%", "cases": "5%"}]
    )
    result = check_upload(fw, table, {"BK01": "bank"}, TODAY)
    assert result.figures.loc[0, "share_on_time"] == pytest.approx(0.45)
    assert messages(result) == [
        'row 2, cases: expected a number, got "5%"; a percent sign is allowed only for ratio fields'
    ]


def test_the_months_whose_stored_figures_validation_needs(framework: Framework) -> None:
    assert comparison_months(framework, read_table(UPLOADS / "blank_lines.csv")) == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]
    chinese = read_table(UPLOADS / "bom_chinese_headers.csv")
    assert comparison_months(framework, chinese) == ["2026-08", "2026-09"]
    assert comparison_months(framework, pd.DataFrame({"period": ["2026-01", "bad"]})) == [
        "2025-12",
        "2026-01",
    ]
