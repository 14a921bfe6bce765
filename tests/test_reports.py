"""The bulletin and the feedback letters, read back from real PDF (pypdf) and Word
(python-docx) files and checked against the publication they come from."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from evaluation import i18n
from evaluation.audit import AuditAction
from evaluation.errors import PermissionDeniedError, StorageError
from evaluation.framework import Framework
from evaluation.i18n import _
from evaluation.permissions import Actor, console
from evaluation.reports.content import agency_name, tier_cell
from evaluation.services import bulletin as documents
from evaluation.services import store as stored
from evaluation.storage import audit as audit_store
from evaluation.storage import publications as publication_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine
from tests.report_support import demo_store, framework, large_store

NUMBER = "Y反诈联办〔2026〕12号"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, str, Path]:
    """The demo with its last three months published: engine, last month, database file."""
    path = tmp_path_factory.mktemp("reports") / "evaluation.db"
    engine, month = demo_store(f"sqlite:///{path}")
    return engine, month, path


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, str]:
    """Three hundred agencies with their last two months published."""
    path = tmp_path_factory.mktemp("large") / "evaluation.db"
    return large_store(f"sqlite:///{path}")


def snapshot(engine: Engine, month: str) -> list[dict[str, object]]:
    """The ranked rows of the month's latest publication."""
    latest = publication_store.published(engine, month).iloc[0]
    return [r for r in json.loads(str(latest["results"])) if r.get("rank") is not None]


def pdf_lines(data: bytes) -> tuple[int, list[str]]:
    """The page count and every line of text of a PDF."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), [line.strip() for line in text.splitlines() if line.strip()]


def league_lines(lines: list[str]) -> list[str]:
    """The lines of the league table section (Chinese headings)."""
    with i18n.reading("zh_CN"):
        start, end = _("2. League table"), _("3. Agencies by tier")
    return lines[lines.index(start) : lines.index(end)]


def check_league(lines: list[str], rows: list[dict[str, object]], fw: Framework) -> None:
    """Every agency once in the league table, with its published rank and tier beside it."""
    league = league_lines(lines)
    with i18n.reading("zh_CN"):
        for row in rows:
            name = agency_name(row)
            at = [k for k, line in enumerate(league) if line == name]
            assert len(at) == 1, f"{name} appears {len(at)} times"
            k = at[0]
            assert league[k - 2] == str(row["rank"]), name
            assert league[k + 3] == tier_cell(fw, row["tier"]), name


def test_the_pdf_bulletin_lists_every_agency_once_as_published(
    demo: tuple[Engine, str, Path],
) -> None:
    engine, month, _path = demo
    data = documents.bulletin(
        console(), engine, framework(), month, language="zh_CN", number=NUMBER
    )
    pages, lines = pdf_lines(data)
    assert data.startswith(b"%PDF") and pages <= 8
    rows = snapshot(engine, month)
    assert len(rows) == 30
    check_league(lines, rows, framework())
    text = "\n".join(lines)
    assert "Y市反诈联席办 " in text and "成员单位绩效考评通报" in text
    assert NUMBER in text and "内部资料" in text
    latest = publication_store.published(engine, month).iloc[0]
    assert str(latest["fingerprint"])[:12] in text
    assert f"第{int(latest['id'])}号" in text


def test_the_pdf_embeds_its_fonts(demo: tuple[Engine, str, Path]) -> None:
    engine, month, _path = demo
    reader = PdfReader(io.BytesIO(documents.bulletin(console(), engine, framework(), month)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:  # a composite font keeps it on its descendant
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        if descriptor is not None:
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_three_hundred_agencies_fit_twenty_pages(large: tuple[Engine, str]) -> None:
    engine, month = large
    data = documents.bulletin(console(), engine, framework(), month, language="zh_CN")
    pages, lines = pdf_lines(data)
    assert pages <= 20
    rows = snapshot(engine, month)
    assert len(rows) == 300
    check_league(lines, rows, framework())


def word_tables(data: bytes) -> docx.document.Document:
    """A DOCX file read back."""
    return docx.Document(io.BytesIO(data))


def test_the_word_bulletin_has_headings_and_the_published_table(
    demo: tuple[Engine, str, Path],
) -> None:
    engine, month, _path = demo
    word = word_tables(
        documents.bulletin(
            console(), engine, framework(), month, fmt="docx", language="zh_CN", number=NUMBER
        )
    )
    styles = {p.style.name for p in word.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles
    with i18n.reading("zh_CN"):
        header = (_("Rank"), _("Rank change"), _("Agency"), _("Type"), _("Score"), _("Tier"))
        league = next(t for t in word.tables if tuple(c.text for c in t.rows[0].cells) == header)
        found = {
            row.cells[2].text: (row.cells[0].text, row.cells[5].text) for row in league.rows[1:]
        }
        published = {
            agency_name(r): (str(r["rank"]), tier_cell(framework(), r["tier"]))
            for r in snapshot(engine, month)
        }
    assert len(league.rows) == 31 and found == published
    assert league.rows[0]._tr.xml.count("w:tblHeader") == 1
    normal = word.styles["Normal"].element.rPr.rFonts
    assert normal.get(docx.oxml.ns.qn("w:eastAsia")) == "SimSun"
    section = word.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert NUMBER in "\n".join(p.text for p in word.paragraphs)


def test_the_bulletin_reads_in_english_on_request(demo: tuple[Engine, str, Path]) -> None:
    engine, month, _path = demo
    _pages, lines = pdf_lines(
        documents.bulletin(console(), engine, framework(), month, language="en")
    )
    text = "\n".join(lines)
    assert "performance evaluation bulletin" in text and "League table" in text
    assert "Y City Joint Anti-Fraud Office" in text


def test_a_letter_has_the_agencys_published_standing(demo: tuple[Engine, str, Path]) -> None:
    engine, month, _path = demo
    row = snapshot(engine, month)[4]
    code = str(row["agency_code"])
    _pages, lines = pdf_lines(
        documents.letter(console(), engine, framework(), month, code, language="zh_CN")
    )
    text = "\n".join(lines)
    with i18n.reading("zh_CN"):
        assert agency_name(row) + "：" in text
        assert tier_cell(framework(), row["tier"]) in lines
        assert f"第{row['rank']}名（共30家）" in lines
        assert f"第{row['rank_in_type']}名" in text
    score = f"{int(float(str(row['score'])) * 10) / 10:.1f}"
    assert score in lines
    word = word_tables(
        documents.letter(console(), engine, framework(), month, code, fmt="docx", language="zh_CN")
    )
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert score in cells and f"第{row['rank']}名（共30家）" in cells


def test_letters_zip_holds_one_letter_per_agency(demo: tuple[Engine, str, Path]) -> None:
    engine, month, _path = demo
    data = documents.letters_zip(console(), engine, framework(), month, fmt="docx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == len(set(names)) == 30
        codes = {re.sub(rf"^letter-{month}-(.*)\.docx$", r"\1", n) for n in names}
        assert codes == {str(r["agency_code"]) for r in snapshot(engine, month)}
        docx.Document(io.BytesIO(archive.read(names[0])))


def test_an_agency_user_gets_its_own_letter_only(demo: tuple[Engine, str, Path]) -> None:
    engine, month, _path = demo
    user = Actor("bob", "agency", agency="BK01", language="en")
    own = documents.letter(user, engine, framework(), month, "BK01")
    assert "Huaxia Commerce Bank" in "\n".join(pdf_lines(own)[1])  # the account's language
    with pytest.raises(PermissionDeniedError):
        documents.letter(user, engine, framework(), month, "BK02")
    with pytest.raises(PermissionDeniedError):
        documents.bulletin(user, engine, framework(), month)
    with pytest.raises(PermissionDeniedError):
        documents.letters_zip(user, engine, framework(), month)


def test_an_unpublished_period_has_no_documents(demo: tuple[Engine, str, Path]) -> None:
    engine, _month, _path = demo
    with pytest.raises(StorageError, match="not been published"):
        documents.bulletin(console(), engine, framework(), "2024-01")
    with pytest.raises(StorageError, match="no publication 9999"):
        documents.letter(console(), engine, framework(), _month, "BK01", publication=9999)


def test_making_documents_is_recorded(demo: tuple[Engine, str, Path]) -> None:
    engine, month, _path = demo
    documents.bulletin(console("cora"), engine, framework(), month, fmt="docx", number=NUMBER)
    log = audit_store.audit_log(engine, actions=[AuditAction.BULLETIN_MADE], actor="cora")
    assert len(log) == 1
    details = json.loads(str(log.iloc[0]["details"]))
    assert details["period"] == month and details["format"] == "docx"
    assert details["number"] == NUMBER


def test_the_same_publication_gives_the_same_bytes_whatever_is_uploaded_later(
    demo: tuple[Engine, str, Path], tmp_path: Path
) -> None:
    _engine, month, path = demo
    copy = tmp_path / "copy.db"
    for part in path.parent.glob(path.name + "*"):  # the database and its write-ahead log
        shutil.copy(part, tmp_path / part.name.replace(path.name, copy.name))
    engine = stored.open_store(f"sqlite:///{copy}")
    made = [
        documents.bulletin(console(), engine, framework(), month, fmt=fmt, language="zh_CN")
        for fmt in ("pdf", "docx")
    ]
    letter = documents.letter(console(), engine, framework(), month, "BK01", language="zh_CN")
    figures = submission_store.current_figures(engine, [month])
    revised = figures[figures["agency_code"] == "BK01"].copy()
    numeric = [c for c in revised.columns if c not in ("agency_code", "period")]
    revised[numeric] = revised[numeric] * 0.5
    meta = submission_store.UploadMeta(uploaded_by="late", source_file="late.csv")
    submission_store.commit_figures(engine, revised, meta)
    again = [
        documents.bulletin(console(), engine, framework(), month, fmt=fmt, language="zh_CN")
        for fmt in ("pdf", "docx")
    ]
    assert again == made
    assert documents.letter(console(), engine, framework(), month, "BK01", language="zh_CN") == (
        letter
    )
    engine.dispose()
