"""Upload templates: an XLSX per agency type with only that type's fields, in the reader's
language (a Chinese reader's template is headed 机构代码, 月份 and the fields' Chinese labels;
an English reader's by ids). Every heading it writes reads back."""

from __future__ import annotations

from evaluation import i18n
from evaluation.errors import InputError
from evaluation.framework import FieldDef, Framework
from evaluation.i18n import N_, _
from evaluation.ingest.parsing import header_map
from evaluation.ingest.readers import FIGURES_SHEET
from evaluation.ingest.words import FIXED_COLUMNS, Listing, header_key, unit_word
from evaluation.io.workbooks import fit_columns, workbook_bytes

TEXT_FORMAT = "@"
TEMPLATE_ROWS = 1000
EXAMPLE_VALUES = {"CNY": 250000, "count": 120, "minutes": 12.5, "hours": 6, "persons": 50000}
EXAMPLE_SHEET = N_("example")
FIELDS_SHEET = N_("fields")
# The `fields` sheet's columns: ids for an English reader, words for a Chinese one.
FIELDS_COLUMNS = (
    ("field", N_("Field code")),
    ("label", N_("English name")),
    ("label_zh", N_("Chinese name")),
    ("unit", N_("Unit")),
    ("at most", N_("At most")),  # i18n: not text (the English heading is the key itself)
    ("description", N_("Description")),
)


def template_headers(framework: Framework, fields: list[FieldDef]) -> list[str]:
    """The figures sheet's header: ids for an English reader; for a Chinese reader the fixed
    columns' Chinese names and each field's label (its id where the label would not read back
    as that field, say when two fields share a label)."""
    if not i18n.is_chinese():
        return ["agency_code", "period", *[f.id for f in fields]]
    names = header_map(framework)
    header = []
    for key, message in FIXED_COLUMNS.items():  # agency_code, period
        heading = str(message)
        header.append(heading if names.get(header_key(heading)) == key else key)
    for f in fields:
        label = i18n.label(f)
        taken = {header_key(h) for h in header}
        fits = names.get(header_key(label)) == f.id and header_key(label) not in taken
        header.append(label if label and fits else f.id)
    return header


def _comment(f: FieldDef) -> str:
    """The note on a field's heading: its names and unit (and, in Chinese, its code)."""
    if i18n.is_chinese():
        return _(
            "{name} ({unit}), field code: {field}",
            name=i18n.label(f),
            unit=unit_word(f.unit),
            field=f.id,
        )
    return _(
        "{label} {label_zh} ({unit})", label=f.label, label_zh=f.label_zh, unit=unit_word(f.unit)
    ).strip()


def _fields_rows(framework: Framework, fields: list[FieldDef]) -> list[list[object]]:
    """The `fields` sheet: a heading and one row per field, in the reader's language."""
    chinese = i18n.is_chinese()
    by_id = {f.id: f for f in framework.fields}
    rows: list[list[object]] = [[str(w) if chinese else c for c, w in FIELDS_COLUMNS]]
    for f in fields:
        bound = f.at_most or ""
        if chinese and f.at_most in by_id:
            bound = i18n.label(by_id[f.at_most])
        rows.append(
            [
                f.id,
                f.label,
                f.label_zh,
                unit_word(f.unit),
                bound,
                i18n.text_of(f, "description"),
            ]
        )
    return rows


def template_xlsx(framework: Framework, agency_type: str, agency_code: str, month: str) -> bytes:
    """A workbook: `figures` (header only, to fill in), `example` (one filled row), `fields`;
    sheets and headings in the reader's language."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    if agency_type not in framework.type_ids():
        raise InputError(
            N_(
                'agency type: expected one of {valid}, got "{found}"',
                valid=Listing(framework.type_ids()),
                found=agency_type,
            )
        )
    fields = [f for f in framework.fields if f.id in framework.fields_for_type(agency_type)]
    header = template_headers(framework, fields)
    chinese = i18n.is_chinese()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(FIGURES_SHEET) if chinese else "figures"
    sheet.append(header)
    for cell, f in zip(sheet[1][2:], fields, strict=True):
        cell.comment = Comment(_comment(f), "template")
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
    example = book.create_sheet(str(EXAMPLE_SHEET) if chinese else "example")
    example.append(header)
    example.append([agency_code, month, *[EXAMPLE_VALUES.get(f.unit, 100) for f in fields]])
    for cell in (example["A2"], example["B2"]):
        cell.number_format = TEXT_FORMAT
    example.column_dimensions["B"].number_format = TEXT_FORMAT
    described = book.create_sheet(str(FIELDS_SHEET) if chinese else "fields")
    for row in _fields_rows(framework, fields):
        described.append(row)
    for ws in (sheet, example, described):
        fit_columns(ws, 10, 50)
    return workbook_bytes(book)
