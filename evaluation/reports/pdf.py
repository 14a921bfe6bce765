"""A document as PDF with ReportLab: A4 portrait, the Song face for text and the bold sans
face for titles embedded (subset) so that Chinese renders anywhere, tables that break across
pages with their header repeated, charts as 300-dpi images, and the same bytes for the same
content (ReportLab's invariant mode)."""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate

from evaluation.reports import charts
from evaluation.reports.content import Document, Section, Table
from evaluation.reports.fonts import BODY, TITLE, installed

MARGIN_SIDE, MARGIN_TOP = 2.6 * cm, 2.5 * cm
TEXT_WIDTH = A4[0] - 2 * MARGIN_SIDE
HEADER_GREY = colors.HexColor("#d9d9d9")


@cache
def _fonts() -> tuple[str, str]:
    """Register the body and title faces once; their ReportLab names."""
    for font in (BODY, TITLE):
        pdfmetrics.registerFont(TTFont(font.name, str(installed(font)), subfontIndex=font.index))
    return BODY.name, TITLE.name


Styles = dict[str, ParagraphStyle]


@cache
def _styles(chinese: bool) -> Styles:
    """The paragraph styles: body, cells, headings, title and the small print; Chinese text
    breaks between any two characters, English only between words."""
    body, title = _fonts()
    wrap = "CJK" if chinese else None  # i18n: not text
    base = ParagraphStyle("body", fontName=body, fontSize=10.5, leading=16, wordWrap=wrap)
    return {
        "body": base,
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", base, fontName=title, fontSize=8.5, leading=10.5),
        "h1": ParagraphStyle(
            "h1", base, fontName=title, fontSize=17, leading=24, alignment=TA_CENTER
        ),
        "h2": ParagraphStyle(
            "h2", base, fontName=title, fontSize=12.5, leading=18, spaceBefore=8, keepWithNext=1
        ),
        "small": ParagraphStyle("small", base, fontSize=8, leading=11, alignment=TA_CENTER),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
        "mark": ParagraphStyle("mark", base, fontName=title, fontSize=11),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped) in a style."""
    return Paragraph(escape(text), style)


def tint(colour: str, keep: float = 0.35) -> colors.Color:
    """A tier colour lightened towards white, so that black text on it reads in print."""
    c = colors.HexColor(colour)
    return colors.Color(*(keep * v + (1 - keep) for v in (c.red, c.green, c.blue)))


def table(content: Table, tier_colours: dict[str, str], styles: Styles) -> LongTable:
    """A table that breaks across pages with its header row repeated."""
    data = [[_p(c, styles["head"]) for c in content.columns]]
    data += [[_p(c, styles["cell"]) for c in row] for row in content.rows]
    style = [
        ("FONTNAME", (0, 0), (-1, -1), BODY.name),  # not Helvetica, never embedded
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for k, tier in enumerate(content.tiers):
        if tier in tier_colours and content.tier_column >= 0:
            cell = (content.tier_column, k + 1)
            style.append(("BACKGROUND", cell, cell, tint(tier_colours[tier])))
    widths = [w * TEXT_WIDTH for w in content.widths]
    return LongTable(data, colWidths=widths, repeatRows=1, style=TableStyle(style))


def section(part: Section, tier_colours: dict[str, str], styles: Styles) -> list[Flowable]:
    """A section's heading, paragraphs, table and charts."""
    flow: list[Flowable] = [_p(part.heading, styles["h2"])]
    flow += [_p(text, styles["body"]) for text in part.paragraphs]
    if part.table is not None:
        flow += [Spacer(1, 3), table(part.table, tier_colours, styles)]
    for k, chart in enumerate(part.charts):
        png = io.BytesIO(charts.image(chart))
        height = TEXT_WIDTH * charts.HEIGHT / charts.WIDTH
        image = [Spacer(1, 4), Image(png, width=TEXT_WIDTH, height=height)]
        if k == 0 and len(flow) == 1:  # a heading alone at the foot of a page: move it along
            flow = [KeepTogether([*flow, *image])]
        else:
            flow += image
    return flow


def _top(document: Document, styles: Styles) -> list[Flowable]:
    """The marking, the document number, the title, who it goes to and where it comes from."""
    flow: list[Flowable] = []
    if document.marking:
        flow.append(_p(document.marking, styles["mark"]))
    flow += [Spacer(1, 10), _p(document.title, styles["h1"])]
    if document.number:
        flow.append(_p(document.number, styles["small"]))
    flow += [
        _p(document.provenance, styles["small"]),
        Spacer(1, 8),
        _p(document.recipient, styles["body"]),
    ]
    return flow


def _closing(document: Document, styles: Styles) -> Flowable:
    """The block for the office's seal and the date, kept on one page."""
    return KeepTogether(
        [Spacer(1, 36), _p(document.office, styles["right"]), _p(document.date, styles["right"])]
    )


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """`— 3 —` at the foot of every page, as official documents number them."""
    canvas.saveState()
    canvas.setFont(BODY.name, 9)
    canvas.drawCentredString(A4[0] / 2, 1.4 * cm, f"— {doc.page} —")
    canvas.restoreState()


def render(document: Document) -> bytes:
    """The document as PDF bytes."""
    _fonts()
    buffer = io.BytesIO()
    colours = dict(document.tier_colours)
    styles = _styles(document.language.startswith("zh"))
    flow = _top(document, styles)
    for part in document.sections:
        flow += section(part, colours, styles)
    flow.append(_closing(document, styles))
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_SIDE,
        rightMargin=MARGIN_SIDE,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_TOP,
        title=document.title,
        author=document.office,
        subject=document.provenance,
        creator="evaluation",  # i18n: not text
        invariant=1,
        initialFontName=BODY.name,
        lang="zh-CN" if document.language.startswith("zh") else "en",
    )
    template.build(flow, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
