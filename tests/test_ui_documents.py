"""The bulletin and the feedback letters on the dashboard (issue 13), Streamlit AppTest: the
Publish page offers each publication's documents in the reader's language, an agency user gets
its own letter of a published period, and the buttons' deferred files are the documents."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from evaluation.permissions import Actor
from evaluation.services import publication
from evaluation.services import store as stored
from evaluation.storage import audit as audit_store
from tests.test_ui import ROOT, demo_url, page  # noqa: F401 (demo_url is a fixture)
from tests.test_ui_language import english_sentences

COORDINATOR = Actor("cora", "coordinator")
OFFICE_LABELS = {
    "zh_CN": [
        "考评通报（PDF）",
        "考评通报（Word）",
        "全部反馈单（PDF，ZIP）",
        "全部反馈单（Word，ZIP）",
    ],
    "en": [
        "Bulletin (PDF)",
        "Bulletin (Word)",
        "All letters (PDF, ZIP)",
        "All letters (Word, ZIP)",
    ],
}
LETTER_LABELS = {
    "zh_CN": ["考评结果反馈单（PDF）", "考评结果反馈单（Word）"],
    "en": ["Feedback letter (PDF)", "Feedback letter (Word)"],
}
Deferred = dict[str, list[Callable[[], bytes]]]  # by file name, in the order drawn


@pytest.fixture
def published(demo_url: str, tmp_path: Path) -> tuple[str, str, int]:  # noqa: F811
    """A copy of the demo database whose newest month is published: url, month, publication."""
    target = tmp_path / "published.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), target)
    url = f"sqlite:///{target}"
    engine = stored.open_store(url)
    framework = stored.framework_status(ROOT / "indicators.yaml").framework
    assert framework is not None
    month = max(stored.load_dataset(engine).months)
    number = publication.publish(COORDINATOR, engine, framework, month)
    engine.dispose()
    return url, month, number


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> Iterator[Deferred]:
    """The callables behind the download buttons drawn, by the file name they offer."""
    found: Deferred = {}
    original = MediaFileManager.add_deferred

    def keep(
        self: MediaFileManager, data: Callable[[], bytes], *args: object, **kwargs: object
    ) -> str:
        found.setdefault(str(kwargs.get("file_name")), []).append(data)
        return original(self, data, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    yield found


def drawn(
    name: str, url: str, month: str, monkeypatch: pytest.MonkeyPatch, who: str, language: str
) -> AppTest:
    """A page of `month` drawn for `who` in `language`."""
    monkeypatch.setenv("LANGUAGE", language)
    at = page(name, url, monkeypatch, who)
    at.query_params["period"] = month
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def download_labels(at: AppTest) -> list[str]:
    """The labels of the page's download buttons, in order."""
    return [str(b.label) for b in at.get("download_button")]


def audit_details(url: str, action: str) -> list[dict[str, object]]:
    """What the audit log recorded of one action, oldest first."""
    engine = stored.open_store(url)
    log = audit_store.audit_log(engine, [action])
    engine.dispose()
    return [d if isinstance(d, dict) else json.loads(str(d)) for d in log["details"]]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_publish_page_offers_the_documents_in_the_readers_language(
    language: str, published: tuple[str, str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, month, _number = published
    at = drawn("publish", url, month, monkeypatch, "cora", language)
    assert download_labels(at) == OFFICE_LABELS[language]
    assert at.radio(key=f"documents_language_{_number}").value == language
    marking = next(t for t in at.text_input if t.key.startswith("documents_marking_"))
    assert marking.value == ("内部资料" if language == "zh_CN" else "Internal")
    number = at.text_input(key=f"documents_number_{_number}")
    assert number.label == ("发文字号" if language == "zh_CN" else "Document number")
    if language == "zh_CN":
        assert not english_sentences(at), english_sentences(at)


def test_the_publish_page_says_documents_come_once_published(
    demo_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = stored.open_store(demo_url)
    month = max(stored.load_dataset(engine).months)
    engine.dispose()
    at = drawn("publish", demo_url, month, monkeypatch, "cora", "en")
    assert not download_labels(at)
    assert any("Once the period is published" in c.value for c in at.caption)


def test_the_buttons_make_the_bulletin_and_the_letters_as_chosen(
    published: tuple[str, str, int], deferred: Deferred, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, month, number = published
    at = drawn("publish", url, month, monkeypatch, "cora", "en")
    at.radio(key=f"documents_language_{number}").set_value("zh_CN")
    at.text_input(key=f"documents_number_{number}").input("Y反诈联办〔2026〕12号")
    deferred.clear()  # only the buttons of the run with these choices
    at.run()
    assert not at.exception, at.exception
    assert deferred[f"bulletin-{month}.pdf"][0]().startswith(b"%PDF")
    assert deferred[f"bulletin-{month}.docx"][0]().startswith(b"PK")
    for fmt in ("pdf", "docx"):
        letters = deferred[f"letters-{month}-{fmt}.zip"][0]()
        assert letters.startswith(b"PK")
        with zipfile.ZipFile(io.BytesIO(letters)) as archive:
            names = archive.namelist()
            first = archive.read(names[0])
        assert len(names) == 30 and all(n.endswith(f".{fmt}") for n in names)
        assert first.startswith(b"%PDF" if fmt == "pdf" else b"PK")
    # Made outside the page's run (here, where the reader's language is the office's English),
    # the documents keep the choices made on the page.
    made = audit_details(url, "document.bulletin")
    assert [m["format"] for m in made] == ["pdf", "docx"]
    assert {m["language"] for m in made} == {"zh_CN"}
    assert {m["number"] for m in made} == {"Y反诈联办〔2026〕12号"}
    assert {m["publication"] for m in made} == {number}
    assert [m["format"] for m in audit_details(url, "document.letters")] == ["pdf", "docx"]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_an_agency_user_downloads_its_own_letter_of_a_published_period(
    language: str,
    published: tuple[str, str, int],
    deferred: Deferred,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, month, number = published
    at = drawn("profile", url, month, monkeypatch, "bank1", language)
    assert download_labels(at) == LETTER_LABELS[language]
    if language == "zh_CN":
        assert not english_sentences(at), english_sentences(at)
    assert deferred[f"letter-{month}-BK01.pdf"][0]().startswith(b"%PDF")
    assert deferred[f"letter-{month}-BK01.docx"][0]().startswith(b"PK")
    made = audit_details(url, "document.letter")
    assert [(m["agency"], m["language"], m["publication"]) for m in made] == [
        ("BK01", language, number),
        ("BK01", language, number),
    ]


def test_no_letter_before_the_period_is_published(
    demo_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = stored.open_store(demo_url)
    month = max(stored.load_dataset(engine).months)
    engine.dispose()
    at = drawn("profile", demo_url, month, monkeypatch, "bank1", "en")
    assert not download_labels(at)
