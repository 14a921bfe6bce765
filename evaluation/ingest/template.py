"""Upload templates: an XLSX per agency type with only that type's fields."""

from __future__ import annotations

from evaluation.framework import Framework
from evaluation.io.workbooks import fit_columns, workbook_bytes

TEXT_FORMAT = "@"
TEMPLATE_ROWS = 1000
EXAMPLE_VALUES = {"CNY": 250000, "count": 120, "minutes": 12.5, "hours": 6, "persons": 50000}


def template_xlsx(framework: Framework, agency_type: str, agency_code: str, month: str) -> bytes:
    """A workbook: `figures` (header only, to fill in), `example` (one filled row), `fields`."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    if agency_type not in framework.type_ids():
        raise KeyError(
            f"unknown agency type {agency_type!r}; valid: {', '.join(framework.type_ids())}"
        )
    fields = [f for f in framework.fields if f.id in framework.fields_for_type(agency_type)]
    header = ["agency_code", "period", *[f.id for f in fields]]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "figures"
    sheet.append(header)
    for cell, f in zip(sheet[1][2:], fields, strict=True):
        cell.comment = Comment(f"{f.label} {f.label_zh} ({f.unit})".strip(), "template")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    # Text cells, so Excel keeps a typed 2026-10 as written instead of making it a date.
    for column in ("A", "B"):
        sheet.column_dimensions[column].number_format = TEXT_FORMAT
        for (cell,) in sheet.iter_rows(
            min_row=2, max_row=TEMPLATE_ROWS + 1, min_col=ord(column) - 64, max_col=ord(column) - 64
        ):
            cell.number_format = TEXT_FORMAT
    example = book.create_sheet("example")
    example.append(header)
    example.append([agency_code, month, *[EXAMPLE_VALUES.get(f.unit, 100) for f in fields]])
    for cell in (example["A2"], example["B2"]):
        cell.number_format = TEXT_FORMAT
    example.column_dimensions["B"].number_format = TEXT_FORMAT
    described = book.create_sheet("fields")
    described.append(["field", "label", "label_zh", "unit", "at most", "description"])
    for f in fields:
        described.append([f.id, f.label, f.label_zh, f.unit, f.at_most or "", f.description])
    for ws in (sheet, example, described):
        fit_columns(ws, 10, 50)
    return workbook_bytes(book)
