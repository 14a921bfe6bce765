"""Exports of an evaluation as CSV or formatted XLSX, safe against formula injection."""

from __future__ import annotations

import pandas as pd

from evaluation.engine import Evaluation
from evaluation.framework import Framework
from evaluation.workbooks import fit_columns, workbook_bytes

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BASE_COLUMNS = (
    "agency_code",
    "agency_name",
    "agency_type",
    "period",
    "score",
    "rank",
    "rank_in_type",
    "rank_change",
    "tier",
    "flags",
)


def score_columns(framework: Framework) -> list[str]:
    """The CSV columns of `score`, in their documented order."""
    return (
        list(BASE_COLUMNS)
        + [f"dim.{d.id}" for d in framework.dimensions]
        + [f"ind.{i.id}" for i in framework.indicators]
        + [f"raw.{i.id}" for i in framework.indicators]
    )


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_frame(evaluation: Evaluation, columns: list[str]) -> pd.DataFrame:
    """The chosen columns, ranked, with every text cell made safe."""
    table = evaluation.table.sort_values(["rank", "agency_code"], na_position="last")[columns]
    return table.apply(
        lambda col: (
            col.map(safe_cell) if col.dtype == object or pd.api.types.is_string_dtype(col) else col
        )
    )


def to_csv(evaluation: Evaluation, columns: list[str]) -> bytes:
    """CSV with a byte-order mark so that Excel opens Chinese names correctly."""
    return export_frame(evaluation, columns).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(evaluation: Evaluation, columns: list[str]) -> bytes:
    """A formatted workbook: bold frozen header, two-decimal scores, cells stored as values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    frame = export_frame(evaluation, columns)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = evaluation.period.label
    sheet.append(list(frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    for column_cells in sheet.iter_cols(min_row=2):
        for cell in column_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(cell.value, float):
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    fit_columns(sheet, 8, 60)
    return workbook_bytes(book)
