"""The cheap checks an XLSX upload passes before any row is parsed: its unpacked size, its
highest row and column, how many rows it holds (blank ones included) and how many shared
strings, read by scanning the archive's XML, so that a small file cannot stall the server."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from evaluation.errors import InputError
from evaluation.i18n import N_
from evaluation.settings import setting

# A row (`<row r="12"`) or a cell (`<c r="AB12"`) with its reference: one pass reads both.
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)\b[^>]*?\br=\"([A-Z]*)(\d+)\"")
_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What an XLSX upload may hold."""

    unpacked_bytes: int
    rows: int  # rows present in a sheet, blank ones included, and the highest row number
    columns: int  # the highest column number
    shared_strings: int

    @classmethod
    def from_settings(cls) -> Limits:
        """The limits the settings declare."""
        return cls(
            unpacked_bytes=int(setting("XLSX_MAX_UNPACKED_MB")) * 1024 * 1024,
            rows=int(setting("XLSX_MAX_ROWS")),
            columns=int(setting("XLSX_MAX_COLUMNS")),
            shared_strings=int(setting("XLSX_MAX_SHARED_STRINGS")),
        )


def _column_number(letters: bytes) -> int:
    """`A` -> 1, `Z` -> 26, `AA` -> 27."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan(
    archive: zipfile.ZipFile, member: str, pattern: re.Pattern[bytes]
) -> Iterator[re.Match[bytes]]:
    """Every match of `pattern` in a member, read in chunks (a tag cut at a chunk's end is
    kept for the next)."""
    with archive.open(member) as stream:
        carry = b""
        while chunk := stream.read(_CHUNK):
            data = carry + chunk
            cut = data.rfind(b"<")
            body, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            yield from pattern.finditer(body)
        yield from pattern.finditer(carry)


def check_workbook(raw: bytes, name: str, limits: Limits) -> None:
    """Refuse, before any parsing, a workbook that would take too much time or memory."""
    try:
        archive = zipfile.ZipFile(BytesIO(raw))
    except zipfile.BadZipFile:
        return  # not an archive: the reader says so in its own words
    with archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > limits.unpacked_bytes:
            raise InputError(
                N_(
                    "{name}: the workbook unpacks to {size:,.0f} MB; at most {limit:,.0f} MB are "
                    "accepted. Save the sheet with the figures alone, or as CSV",
                    name=name,
                    size=unpacked / 1048576,
                    limit=limits.unpacked_bytes / 1048576,
                )
            )
        for member in (m.filename for m in members):
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                _check_sheet(archive, member, name, limits)
            elif member == "xl/sharedStrings.xml":
                count = 0
                for _ in _scan(archive, member, _STRING):
                    count += 1
                    if count > limits.shared_strings:
                        raise InputError(
                            N_(
                                "{name}: the workbook holds more than {limit:,} different "
                                "texts; save the sheet with the figures alone, or as CSV",
                                name=name,
                                limit=limits.shared_strings,
                            )
                        )


def _check_sheet(archive: zipfile.ZipFile, member: str, name: str, limits: Limits) -> None:
    """A sheet's rows (blank ones included), highest row and highest column within limits,
    read in one pass over its XML."""
    rows = 0
    for match in _scan(archive, member, _ROW_OR_CELL):
        if match.group(1) == b"row":
            rows += 1
            number = int(match.group(3))
            if rows > limits.rows or number > limits.rows:
                raise InputError(
                    N_(
                        "{name}: a sheet reaches row {row:,}; at most {limit:,} rows (blank ones "
                        "included) are accepted. Delete the empty rows below the figures, or "
                        "save as CSV",
                        name=name,
                        row=max(number, rows),
                        limit=limits.rows,
                    )
                )
            continue
        column = _column_number(match.group(2))
        if column > limits.columns:
            raise InputError(
                N_(
                    "{name}: a sheet has a cell in column {letters} (column {column:,}); at most "
                    "{limit:,} columns are accepted",
                    name=name,
                    letters=match.group(2).decode(),
                    column=column,
                    limit=limits.columns,
                )
            )
