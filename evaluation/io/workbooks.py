"""Small helpers shared by every XLSX the product writes."""

from __future__ import annotations

from io import BytesIO
from typing import Any


def fit_columns(sheet: Any, narrowest: int, widest: int) -> None:
    """Size each column to its longest cell, within bounds."""
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(
            max(width + 2, narrowest), widest
        )


def workbook_bytes(book: Any) -> bytes:
    """The saved workbook as bytes."""
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
