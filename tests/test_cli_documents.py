"""`bulletin` and `letters` on the command line, run as a user would: a demo database with a
publication, real files read back (pypdf, python-docx, zipfile) and compared with the snapshot."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pypdf
import pytest

from evaluation import i18n
from evaluation.periods import add_months, last_complete_month
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Published:
    """A demo database with one publication of PERIOD."""

    database: Path
    folder: Path
    period: str
    id: int
    results: list[dict[str, object]]

    def run(self, *args: str) -> tuple[int, str, str]:
        """Run a command on this database: exit status, standard output and error."""
        done = run_cli(*args, database=self.database, timeout=300)
        return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The demo data loaded by `demo` and the month before its last published by `publish`."""
    from evaluation.services.store import open_store
    from evaluation.storage import publications as publication_store

    folder = tmp_path_factory.mktemp("documents")
    database = folder / "evaluation.db"
    period = add_months(last_complete_month(i18n.today()), -1)
    for command in (("demo",), ("publish", period)):
        done = run_cli(*command, database=database, timeout=300)
        assert done.returncode == 0, done.stderr
    engine = open_store(f"sqlite:///{database}")
    row = publication_store.published(engine, period).iloc[0]
    engine.dispose()
    return Published(database, folder, period, int(row["id"]), json.loads(str(row["results"])))


def pdf_text(data: bytes) -> tuple[int, str]:
    """The pages of a PDF and its text, every run of white space one space."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_the_bulletin_pdf_lists_every_agency_once_with_its_rank_and_tier(
    published: Published,
) -> None:
    out = published.folder / "bulletin.pdf"
    status, stdout, stderr = published.run("bulletin", published.period, "--out", str(out))
    assert status == 0, stderr
    pages, text = pdf_text(out.read_bytes())
    assert stdout.strip() == (
        f"wrote {out}: the bulletin of {published.period} from publication {published.id}, "
        f"{pages} pages"
    )
    assert 1 < pages <= 8
    assert f"From publication no. {published.id} of" in text
    league = text[text.index("2. League table") : text.index("3. Agencies by tier")]
    for row in published.results:
        name = str(row["agency_name"])
        assert league.count(f" {name} ") == 1, name
        tier = re.escape(str(row["tier"]))
        shown = rf"(?<!\d){row['rank']} \S+ {re.escape(name)} \D*? \d+\.\d {tier} "
        assert re.search(shown, league), name


def test_the_bulletin_in_word_in_chinese_with_its_number_and_marking(
    published: Published,
) -> None:
    out = published.folder / "bulletin.docx"
    status, stdout, stderr = published.run(
        "bulletin",
        published.period,
        "--format",
        "docx",
        "--lang",
        "zh",
        "--number",
        "Y反诈联办〔2026〕12号",
        "--marking",
        "内部资料 请勿外传",
        "--out",
        str(out),
    )
    assert status == 0, stderr
    assert stdout.strip() == (
        f"wrote {out}: the bulletin of {published.period} from publication {published.id}"
    )
    document = docx.Document(str(out))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Y反诈联办〔2026〕12号" in paragraphs and "内部资料 请勿外传" in paragraphs
    assert "成员单位绩效考评通报" in paragraphs
    agencies = len(published.results)
    league = next(t for t in document.tables if len(t.rows) == agencies + 1)
    names = [row.cells[2].text for row in league.rows[1:]]
    assert sorted(names) == sorted(str(r["agency_name_zh"]) for r in published.results)
    ranks = {row.cells[2].text: row.cells[0].text for row in league.rows[1:]}
    assert all(ranks[str(r["agency_name_zh"])] == str(r["rank"]) for r in published.results)


def test_the_bulletin_is_named_after_its_period_and_never_replaces_a_file_unasked(
    published: Published, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from evaluation.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{published.database}")
    monkeypatch.chdir(published.folder)
    monkeypatch.setenv("INDICATORS_FILE", str(ROOT / "indicators.yaml"))
    named = published.folder / f"bulletin-{published.period}.docx"
    assert main(["bulletin", published.period, "--format", "docx"]) == 0
    assert named.stat().st_size > 0
    assert capsys.readouterr().out.startswith(f"wrote {named.name}: ")
    named.write_bytes(b"kept")
    assert main(["bulletin", published.period, "--format", "docx"]) == 2
    assert "already exists; add --force to replace it" in capsys.readouterr().err
    assert named.read_bytes() == b"kept"
    link = published.folder / "link.docx"
    link.symlink_to(named)
    assert main(["bulletin", published.period, "--format", "docx", "--out", str(link)]) == 2
    assert main(["bulletin", published.period, "--out", str(link), "--force"]) == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert named.read_bytes() == b"kept"
    assert main(["bulletin", published.period, "--format", "docx", "--force"]) == 0
    assert named.read_bytes().startswith(b"PK")


def test_the_letters_to_a_directory_and_to_a_zip_one_file_per_agency(
    published: Published,
) -> None:
    codes = sorted(str(r["agency_code"]) for r in published.results)
    expected = [f"letter-{published.period}-{code}.pdf" for code in codes]
    folder = published.folder / "letters"
    status, stdout, stderr = published.run("letters", published.period, "--out", str(folder))
    assert status == 0, stderr
    assert sorted(p.name for p in folder.iterdir()) == expected
    assert stdout.strip() == (
        f"wrote {len(codes)} feedback letters of {published.period} from publication "
        f"{published.id} to {folder}, one file per agency"
    )
    again = published.run("letters", published.period, "--out", str(folder))
    assert again[0] == 2 and "add --force to replace them" in again[2]

    archive = published.folder / "letters.zip"
    status, stdout, stderr = published.run(
        "letters", published.period, "--lang", "en", "--out", str(archive)
    )
    assert status == 0, stderr
    assert f"{len(codes)} feedback letters" in stdout and str(archive) in stdout
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist()) == expected
        row = published.results[0]
        pages, text = pdf_text(zipped.read(f"letter-{published.period}-{row['agency_code']}.pdf"))
    assert pages >= 1 and f"{row['agency_name']}:" in text and "1. Result" in text
    assert not CJK.search(text.replace(str(row["agency_name_zh"]), ""))


def test_a_letter_is_in_its_agency_users_language_unless_lang_is_given(
    published: Published,
) -> None:
    from evaluation.services.store import open_store
    from evaluation.storage import accounts

    engine = open_store(f"sqlite:///{published.database}")
    users = accounts.users(engine)
    chooser = users[users["role"] == "agency"].iloc[0]
    code = str(chooser["agency_code"])
    accounts.set_language(engine, str(chooser["username"]), "zh_CN")
    try:
        assert accounts.agency_languages(engine) == {code: "zh_CN"}
        for lang, chinese in (((), True), (("--lang", "en"), False)):
            folder = published.folder / f"letters-{len(lang)}"
            status, _out, stderr = published.run(
                "letters", published.period, "--format", "docx", *lang, "--out", str(folder)
            )
            assert status == 0, stderr
            letters = {
                p.name: "\n".join(x.text for x in docx.Document(str(p)).paragraphs)
                for p in folder.iterdir()
            }
            own = letters.pop(f"letter-{published.period}-{code}.docx")
            assert ("考评结果反馈单" in own) is chinese
            assert all("考评结果反馈单" not in text for text in letters.values())
    finally:
        accounts.set_language(engine, str(chooser["username"]), None)
        engine.dispose()


def test_a_period_without_a_publication_or_an_unknown_number_exits_2(
    published: Published,
) -> None:
    unpublished = add_months(published.period, -1)
    out = published.folder / "none.pdf"
    status, stdout, stderr = published.run("bulletin", unpublished, "--out", str(out))
    assert status == 2 and stdout == ""
    assert stderr.strip() == f"error: {unpublished} has not been published"
    assert not out.exists()
    archive = published.folder / "none.zip"
    status, _stdout, stderr = published.run(
        "letters", published.period, "--publication", "999", "--out", str(archive)
    )
    assert status == 2
    assert stderr.strip() == f"error: {published.period} has no publication 999"
    assert not archive.exists()


def test_agency_languages_are_what_most_active_agency_users_chose(db_url: str) -> None:
    from evaluation.services.store import open_store
    from evaluation.storage import accounts

    engine = open_store(db_url)
    people = [
        ("a1", "agency", "BK01", "en", True),
        ("a2", "agency", "BK01", "zh_CN", True),
        ("a3", "agency", "BK01", "en", True),
        ("a4", "agency", "TC01", "zh_CN", False),  # disabled: not counted
        ("a5", "agency", "TC01", None, True),  # no choice: the office's language
        ("a6", "coordinator", None, "en", True),
        ("a7", "agency", "PF01", "zh_CN", True),
    ]
    for name, role, agency, language, active in people:
        record = {"username": name, "role": role, "agency_code": agency, "password_hash": "x"}
        accounts.add_user(engine, {**record, "active": active, "language": language}, "test")
    assert accounts.agency_languages(engine) == {"BK01": "en", "PF01": "zh_CN"}
    engine.dispose()
