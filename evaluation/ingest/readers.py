"""Reading CSV and XLSX files into string tables (cells as written, empty = not reported)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pandas as pd

from evaluation.errors import InputError

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
ZIP_MAGIC = b"PK\x03\x04"


def read_table(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX file as text cells."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: file not found")
    return read_table_bytes(file.read_bytes(), file.name, sheet)


def read_table_bytes(
    raw: bytes,
    name: str,
    sheet: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> pd.DataFrame:
    """Read the bytes of a CSV or XLSX file named `name` as text cells, within the limits."""
    file = Path(name)
    suffix = file.suffix.lower()
    if len(raw) > max_bytes:
        raise InputError(
            f"{name}: the file is {len(raw) / 1048576:.1f} MB; the limit is "
            f"{max_bytes / 1048576:.0f} MB"
        )
    if suffix == ".xlsx" and not raw.startswith(ZIP_MAGIC):
        raise InputError(f"{name}: the name says XLSX but the content is not an Excel workbook")
    if suffix == ".csv" and (raw.startswith(ZIP_MAGIC) or b"\x00" in raw[:4096]):
        raise InputError(
            f"{name}: the name says CSV but the content is binary (an Excel "
            "workbook saved with the wrong extension?)"
        )
    table = _read(raw, file, suffix, sheet)
    if len(table) > max_rows:
        raise InputError(f"{name}: {len(table)} rows; the limit is {max_rows}")
    return table


def _read(raw: bytes, file: Path, suffix: str, sheet: str | None) -> pd.DataFrame:
    """Parse by extension."""
    if suffix == ".csv":
        for encoding in CSV_ENCODINGS:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            return _csv_text(text, file.name)
        raise InputError(f"{file.name}: expected UTF-8 or GBK text, found neither")
    if suffix == ".xlsx":
        return _xlsx(BytesIO(raw), file.name, sheet)
    raise InputError(f"{file.name}: expected a .csv or .xlsx file, got {suffix or 'no extension'}")


def _csv_text(text: str, name: str) -> pd.DataFrame:
    """Parse CSV text keeping every cell as a string."""
    from io import StringIO

    try:
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{name}: the file is empty") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{name}: not a readable CSV file ({exc})") from None
    return _clean(frame)


def _xlsx(data: BytesIO, name: str, sheet: str | None) -> pd.DataFrame:
    """Read the named sheet, else `figures`, else the first; formulas are not evaluated."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(data, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise InputError(f"{name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        names = book.sheetnames
        wanted = sheet or ("figures" if "figures" in names else names[0])
        if wanted not in names:
            raise InputError(f'{name}: no sheet named "{wanted}"; found {", ".join(names)}')
        rows = [
            ["" if v is None else str(v) for v in row]
            for row in book[wanted].iter_rows(values_only=True)
        ]
    finally:
        book.close()
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"{name}: the sheet {wanted} is empty")
    header, body = rows[0], rows[1:]
    width = len(header)
    return _clean(
        pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in body], columns=header, dtype=str)
    )


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim headers and cells; empty cells become missing."""
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    return frame.replace("", None)
