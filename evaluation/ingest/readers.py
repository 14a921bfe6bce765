"""Reading CSV and XLSX files into string tables (cells as written, empty = not reported).

The table's index, named `row`, holds the row numbers a person sees in Excel or a text editor:
the header is row 1 (or the row below a title, see `layout`), blank rows are skipped but still
counted, and totals rows are left out, listed in the table's `TOTALS_ROWS` attribute.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from io import BytesIO, StringIO
from pathlib import Path

import pandas as pd

from evaluation import limits
from evaluation.errors import InputError, UploadError
from evaluation.i18n import N_, Message, Text
from evaluation.ingest.layout import TOTALS_ROWS, find_header, totals_column, totals_columns
from evaluation.ingest.words import FileSize, Listing, in_every_language
from evaluation.ingest.workbook_limits import Limits, check_workbook
from evaluation.limits import check_length

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
ZIP_MAGIC = b"PK\x03\x04"
ROW_INDEX = "row"
HEADER_ROW = "header_row"
FIGURES_SHEET = N_("figures")  # the templates' sheet of figures, named in the reader's language


def read_table(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX file as text cells."""
    file = Path(path)
    if not file.is_file():
        raise InputError(N_("{file}: file not found", file=str(file)))
    return read_table_bytes(file.read_bytes(), file.name, sheet)


def read_table_bytes(
    raw: bytes,
    name: str,
    sheet: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> pd.DataFrame:
    """Read the bytes of a CSV or XLSX file named `name` as text cells, within the limits."""
    check_length(name, limits.FILE_NAME, N_("file name"))
    suffix = Path(name).suffix.lower()
    if len(raw) > max_bytes:
        raise InputError(
            N_(
                "{name}: the file is {size}; files of at most {limit} are accepted. Split it "
                "into smaller files",
                name=name,
                size=FileSize(len(raw)),
                limit=FileSize(max_bytes),
            )
        )
    if suffix == ".xlsx" and not raw.startswith(ZIP_MAGIC):
        raise InputError(
            N_("{name}: the name says XLSX but the content is not an Excel workbook", name=name)
        )
    if suffix == ".csv" and (raw.startswith(ZIP_MAGIC) or b"\x00" in raw[:4096]):
        raise InputError(
            N_(
                "{name}: the name says CSV but the content is binary (an Excel workbook saved "
                "with the wrong extension?)",
                name=name,
            )
        )
    if suffix == ".csv":
        return _table(_csv_rows(raw, name), name, max_rows, "csv")
    if suffix == ".xlsx":
        check_workbook(raw, name, Limits.from_settings())  # before any row is parsed
        return _xlsx(BytesIO(raw), name, sheet, max_rows)
    if not suffix:
        raise InputError(N_("{name}: expected a .csv or .xlsx file, got no extension", name=name))
    raise InputError(
        N_("{name}: expected a .csv or .xlsx file, got {suffix}", name=name, suffix=suffix)
    )


def file_size(size: int) -> str:
    """A byte count as people read it: `850 bytes`, `12.5 KB`, `10 MB`."""
    return str(FileSize(size))


def _csv_rows(raw: bytes, name: str) -> Iterator[list[str]]:
    """Decode and split CSV text into records; a blank line is an empty record."""
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise InputError(N_("{name}: expected UTF-8 or GBK text, found neither", name=name))
    reader = csv.reader(StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for record in reader:
            yield record
            start = reader.line_num + 1
    except csv.Error:
        raise InputError(
            N_(
                "{name}: the text from line {line} on cannot be read as CSV: a cell's quotes "
                '(") are not closed or are followed by more text, or a cell is longer than '
                "{limit:,} characters. Put quotes only around a whole cell",
                name=name,
                line=start,
                limit=csv.field_size_limit(),
            )
        ) from None


def _xlsx(data: BytesIO, name: str, sheet: str | None, max_rows: int) -> pd.DataFrame:
    """Read the named sheet, else `figures`, else the first; formulas are not evaluated."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(data, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken archive
        raise InputError(
            N_(
                "{name}: the file cannot be opened as an Excel workbook; it is damaged, "
                "protected by a password, or not an .xlsx file. Open it in Excel and save it as "
                '"Excel Workbook (*.xlsx)"',
                name=name,
            )
        ) from None
    try:
        names = book.sheetnames
        figures = [n for n in in_every_language(FIGURES_SHEET) if n in names]
        wanted = sheet or (figures[0] if figures else names[0])
        if wanted not in names:
            raise InputError(
                N_(
                    '{name}: no sheet named "{sheet}"; found {sheets}',
                    name=name,
                    sheet=wanted,
                    sheets=Listing(names),
                )
            )
        worksheet = book[wanted]
        # The stored dimension can be wrong (too small cuts rows, too large pads every row).
        worksheet.reset_dimensions()
        rows = ([_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True))
        try:
            where = N_("{name}, sheet {sheet}", name=name, sheet=wanted)
            return _table(rows, where, max_rows, "xlsx")
        except (InputError, UploadError):
            raise
        except Exception:  # a damaged sheet fails while its rows are read, in many ways
            raise InputError(
                N_(
                    "{name}: the sheet {sheet} is damaged and cannot be read. Open the file in "
                    'Excel and save it again as "Excel Workbook (*.xlsx)"',
                    name=name,
                    sheet=wanted,
                )
            ) from None
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as text; a date shows as `2026-10-01` (its month is what a period means)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _blank(cells: Sequence[str]) -> bool:
    """True when every cell is empty or spaces."""
    return not any(c.strip() for c in cells)


def _heading(cells: list[str]) -> list[str]:
    """The header row's cells, trimmed, without the empty ones at its end."""
    header = [c.strip() for c in cells]
    while header and not header[-1]:
        header.pop()
    return header


def _table(rows: Iterable[list[str]], name: Text, max_rows: int, kind: str) -> pd.DataFrame:
    """Header and body rows as a text table indexed by file row number, within the row limit;
    titles above the header are passed over and totals rows set aside (`TOTALS_ROWS`)."""
    found, rest = find_header((n, c) for n, c in enumerate(rows, start=1) if not _blank(c))
    if found is None:
        raise InputError(N_("{name}: the file is empty", name=name))
    header_row, header = found[0], _heading(found[1])
    named_totals = totals_columns(header)
    numbers: list[int] = []
    body: list[list[str]] = []
    totals: list[tuple[int, str, str]] = []
    for number, cells in rest:
        if (at := totals_column(cells, named_totals)) is not None:
            totals.append((number, header[at] or _letter(at), cells[at].strip()))
            continue
        if len(body) == max_rows:
            raise InputError(
                N_(
                    "{name}: more than {rows:,} rows of figures; a file may hold at most "
                    "{rows:,}. Split it into smaller files",
                    name=name,
                    rows=max_rows,
                )
            )
        numbers.append(number)
        body.append(cells)
    problems = _shape_problems(header, header_row, numbers, body, kind)
    if problems:
        raise UploadError(str(name), problems)
    width = len(header)
    columns = list(zip(*(r[:width] + [""] * (width - len(r)) for r in body), strict=True))
    index = pd.Index(numbers, dtype="int64", name=ROW_INDEX)
    frame = pd.DataFrame(
        {
            heading: pd.Series(
                [c.strip() or None for c in columns[i]] if columns else [], index=index, dtype=str
            )
            for i, heading in enumerate(header)
            if heading
        },
        index=index,
    )
    frame.attrs[HEADER_ROW] = header_row
    frame.attrs[TOTALS_ROWS] = tuple(totals)
    return frame


def _shape_problems(
    header: list[str], header_row: int, numbers: list[int], body: list[list[str]], kind: str
) -> list[object]:
    """Cells outside a headed column, and headings that repeat."""
    problems: list[object] = []
    message: Message
    width = len(header)
    seen: dict[str, int] = {}
    for i, heading in enumerate(header):
        if heading and heading in seen:
            message = N_(
                'row {row}: the heading "{heading}" appears in column {first} and again in '
                "column {again}; each column needs its own heading",
                row=header_row,
                heading=heading,
                first=_letter(seen[heading]),
                again=_letter(i),
            )
            problems.append(message)
        seen.setdefault(heading, i)
    unnamed = [i for i, h in enumerate(header) if not h]
    for number, cells in zip(numbers, body, strict=True):
        used = len(cells)
        while used and not cells[used - 1].strip():
            used -= 1
        if used > width:
            first = next(i for i in range(width, used) if cells[i].strip())
            extra = cells[first]
            if kind == "csv":
                message = N_(
                    "row {row} has {used} cells but the header has {width} columns; the extra "
                    'cell holds "{extra}". A number written with commas, like 1,200, must be in '
                    'quotes ("1,200") or written without them',
                    row=number,
                    used=used,
                    width=width,
                    extra=extra.strip(),
                )
            else:
                message = N_(
                    'row {row}, column {column}: "{extra}" is in a column without a heading; '
                    "give the column a heading or clear the cell",
                    row=number,
                    column=_letter(first),
                    extra=extra.strip(),
                )
            problems.append(message)
        for i in unnamed:
            if i < len(cells) and cells[i].strip():
                message = N_(
                    'row {row}, column {column}: "{cell}" is in a column without a heading (row '
                    "{header_row}); give the column a heading or clear the cell",
                    row=number,
                    column=_letter(i),
                    cell=cells[i].strip(),
                    header_row=header_row,
                )
                problems.append(message)
    return problems


def _letter(index: int) -> str:
    """Excel's column letters for a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
