"""Exports never carry a live formula, and keep Chinese names readable."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from evaluation import evaluate
from evaluation.framework import Framework
from evaluation.io.cells import safe_cell
from evaluation.io.export import score_columns, to_csv, to_xlsx
from tests.conftest import agencies_frame, run_cli

ROOT = Path(__file__).resolve().parent.parent


def hostile_evaluation(small: Framework):  # type: ignore[no-untyped-def]
    """An evaluation whose agency names try to be formulas."""
    agencies = agencies_frame([("B1", "bank"), ("B2", "bank")])
    agencies["name"] = ['=HYPERLINK("http://x","click")', "@SUM(1,2)"]
    agencies["name_zh"] = ["一行", "二行"]
    figures = pd.DataFrame(
        [
            {"agency_code": "B1", "period": "2026-10", "orders": 10.0},
            {"agency_code": "B2", "period": "2026-10", "orders": 20.0},
        ]
    )
    return evaluate(small, figures, agencies, "2026-10")


def test_safe_cell() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-5 apples") == "'-5 apples"
    assert safe_cell("+x") == "'+x" and safe_cell("@x") == "'@x"
    assert safe_cell("Bank") == "Bank" and safe_cell(-5.0) == -5.0


def test_csv_escapes_formulas(small: Framework) -> None:
    data = to_csv(hostile_evaluation(small), score_columns(small))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert ",=" not in text and ",@" not in text


def test_xlsx_holds_values_not_formulas(small: Framework) -> None:
    data = to_xlsx(hostile_evaluation(small), score_columns(small))
    sheet = load_workbook(BytesIO(data)).active
    assert sheet is not None
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(names) == {'\'=HYPERLINK("http://x","click")', "'@SUM(1,2)"}
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    assert sheet.freeze_panes == "A2"


def test_cli_export_from_the_store(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, database=tmp_path / "e.db", timeout=300)

    assert run("demo").returncode == 0
    out = tmp_path / "ranked.xlsx"
    result = run("export", "2026-10", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row == 31
    # A download for people: headed in the reader's words (English here), not by ids.
    assert [c.value for c in sheet[1]][:5] == ["Agency code", "Agency", "Type", "Period", "Score"]
    ranks = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ranks == sorted(ranks)
