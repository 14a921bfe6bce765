"""A document as Word (DOCX) with python-docx, for the office to edit in Word or WPS before
issuing it: A4 portrait, real headings (Heading 1 and 2), real tables whose header row repeats
on every page, East Asian fonts set on every style (宋体 for text, 黑体 for titles), charts as
300-dpi pictures, and the same bytes for the same content."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table as WordTable

from evaluation.reports import charts
from evaluation.reports.content import Document, Section, Table
from evaluation.reports.fonts import WORD_BODY, WORD_TITLE

TABLE_STYLE = "Table Grid"  # i18n: not text (the name of a built-in Word style)

TEXT_WIDTH_CM = 21.0 - 2 * 2.6
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # every part's time in the package: the same bytes each time


def _font(style: BaseStyle, face: str, size: float, bold: bool = False) -> None:
    """Set a style's Latin and East Asian faces, size and weight."""
    font = style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold = face, Pt(size), bold
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), face)


def _setup(word: WordDocument) -> None:
    """A4 portrait with official-document margins, and the styles' faces."""
    page = word.sections[0]
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)
    page.left_margin = page.right_margin = Cm(2.6)
    page.top_margin = page.bottom_margin = Cm(2.5)
    _font(word.styles["Normal"], WORD_BODY, 10.5)
    _font(word.styles["Title"], WORD_TITLE, 17, bold=True)
    _font(word.styles["Heading 1"], WORD_TITLE, 16, bold=True)
    _font(word.styles["Heading 2"], WORD_TITLE, 12.5, bold=True)
    _font(word.styles[TABLE_STYLE], WORD_BODY, 9)


def _repeat_header(table: WordTable) -> None:
    """Mark the first row as the header Word repeats on every page (`w:tblHeader`)."""
    row = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row.append(header)


def _shade(cell: object, colour: str) -> None:
    """Shade a cell lightly with a tier colour (the cell names the tier as well)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), _tint(colour))
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _tint(colour: str, keep: float = 0.35) -> str:
    """A colour lightened towards white, as hex without `#`."""
    rgb = [int(colour.lstrip("#")[k : k + 2], 16) for k in (0, 2, 4)]
    return "".join(f"{round(keep * v + (1 - keep) * 255):02X}" for v in rgb)


def table(word: WordDocument, content: Table, tier_colours: dict[str, str]) -> WordTable:
    """A Word table with a repeated header row and tier cells shaded."""
    grid = word.add_table(rows=1 + len(content.rows), cols=len(content.columns))
    grid.style = word.styles[TABLE_STYLE]
    for k, text in enumerate(content.columns):
        cell = grid.rows[0].cells[k]
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for r, row in enumerate(content.rows, start=1):
        cells = grid.rows[r].cells
        for k, text in enumerate(row):
            cells[k].text = text
    for r, tier in enumerate(content.tiers, start=1):
        if tier in tier_colours and content.tier_column >= 0:
            _shade(grid.rows[r].cells[content.tier_column], tier_colours[tier])
    for k, share in enumerate(content.widths):
        for cell in grid.columns[k].cells:
            cell.width = Cm(share * TEXT_WIDTH_CM)
    _repeat_header(grid)
    return grid


def section(word: WordDocument, part: Section, tier_colours: dict[str, str]) -> None:
    """A section's heading, paragraphs, table and charts."""
    word.add_heading(part.heading, level=2)
    for text in part.paragraphs:
        word.add_paragraph(text)
    if part.table is not None:
        table(word, part.table, tier_colours)
    for chart in part.charts:
        word.add_picture(io.BytesIO(charts.image(chart)), width=Cm(TEXT_WIDTH_CM))


def _top(word: WordDocument, document: Document) -> None:
    """The marking, the title, the document number, the provenance and the recipient."""
    if document.marking:
        word.add_paragraph(document.marking).runs[0].bold = True
    title = word.add_heading(document.title, level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in (document.number, document.provenance):
        if text:
            word.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(document.recipient)


def _closing(word: WordDocument, document: Document) -> None:
    """The block for the office's seal and the date, right-aligned."""
    word.add_paragraph()
    for text in (document.office, document.date):
        word.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def render(document: Document, when: datetime | None = None) -> bytes:
    """The document as DOCX bytes; `when` (the publication's time) dates its properties."""
    word = docx.Document()
    _setup(word)
    properties = word.core_properties
    properties.title, properties.author = document.title, document.office
    properties.subject, properties.comments = document.provenance, document.provenance
    properties.language = document.language
    moment = (when or datetime(2000, 1, 1)).replace(tzinfo=None)
    properties.created = properties.modified = moment
    properties.last_modified_by, properties.revision = document.office, 1
    _top(word, document)
    colours = dict(document.tier_colours)
    for part in document.sections:
        section(word, part, colours)
    _closing(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_times(buffer.getvalue())


def _fixed_times(package: bytes) -> bytes:
    """The package with every part dated alike, so that the same content gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                fixed = zipfile.ZipInfo(item.filename, FIXED_TIME)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(fixed, source.read(item.filename))
    return out.getvalue()
