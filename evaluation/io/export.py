"""Exports of an evaluation as CSV or formatted XLSX, safe against formula injection, in the
reader's language (headings, names, types, tiers, periods and flags: see `headings`).

`score_columns` names the columns by id: `score --format csv` writes them as they are.
"""

from __future__ import annotations

import pandas as pd

from evaluation import i18n
from evaluation.framework import Framework
from evaluation.io.cells import safe_csv_bytes, safe_frame
from evaluation.io.headings import readable
from evaluation.io.workbooks import fit_columns, workbook_bytes
from evaluation.scoring.result import Evaluation

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


def ranked(evaluation: Evaluation, columns: list[str]) -> pd.DataFrame:
    """The chosen columns in rank order (unranked agencies last, by code)."""
    return evaluation.table.sort_values(["rank", "agency_code"], na_position="last")[columns]


def for_people(evaluation: Evaluation, columns: list[str]) -> pd.DataFrame:
    """The chosen columns in rank order, in the reader's language (agency names too)."""
    names = "agency_name" in columns and "agency_name_zh" in evaluation.table.columns
    frame = ranked(evaluation, columns + (["agency_name_zh"] if names else []))
    return readable(evaluation.framework, frame)


def to_csv(evaluation: Evaluation, columns: list[str]) -> bytes:
    """Formula-safe CSV with a byte-order mark so that Excel opens Chinese names correctly."""
    return safe_csv_bytes(for_people(evaluation, columns))


def to_xlsx(evaluation: Evaluation, columns: list[str]) -> bytes:
    """A formatted workbook: bold frozen header, two-decimal scores, cells stored as values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    frame = safe_frame(for_people(evaluation, columns))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = i18n.period_name(evaluation.period.label)
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
