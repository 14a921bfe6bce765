"""Every page in both languages (Streamlit AppTest): Chinese by default, English on request,
each account with its own language and the sign-in page with a switch."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from evaluation import i18n
from evaluation.services import sessions, users
from evaluation.services import store as stored
from tests.test_ui import PAGES, ROOT, demo_url, empty_url, page, signed_in  # noqa: F401 (fixtures)


@pytest.fixture
def demo(demo_url: str) -> str:  # noqa: F811
    """The demo database of tests/test_ui.py."""
    return demo_url


@pytest.fixture
def empty(empty_url: str) -> str:  # noqa: F811
    """An empty database with accounts, as in tests/test_ui.py."""
    return empty_url


CJK = re.compile(r"[\u4e00-\u9fff]")
# Three English words in a row make a sentence or a phrase a Chinese reader should not meet.
ENGLISH = re.compile(r"\b[A-Za-z]{2,}\b(?:[ ,'-]+\b[A-Za-z]{2,}\b){2,}")
# Words that stay in Latin letters in Chinese official usage: names of formats and methods,
# units, the demo's synthetic agency codes and the names of the demo's accounts.
KEPT = re.compile(
    r"CSV|XLSX|YAML|PDF|DOCX|CRITIC|Sobol|APP|ID|demo-[a-z-]+|[A-Z]{2}\d{2}|"
    r"indicators\.yaml|python -m evaluation[ a-z-]*|evaluation\.db|sqlite[^ ]*|postgresql[^ ]*"
)


def texts(at: AppTest) -> list[str]:
    """Every text the run drew that people read: titles, captions, messages, labels."""
    shown: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning"):
        shown += [str(e.value) for e in getattr(at, kind)]
    shown += [str(e.value) for e in [*at.error, *at.success]]
    for kind in ("button", "text_input", "selectbox", "multiselect", "radio", "checkbox"):
        shown += [str(e.label) for e in getattr(at, kind)]
    for kind in ("number_input", "toggle", "expander", "tabs", "metric"):
        shown += [str(e.label) for e in getattr(at, kind)]
    for table in at.dataframe:  # the words in tables: types, statuses, reasons, notes
        frame = table.value
        for column in frame.columns:
            if frame[column].dtype == object:
                shown += list(frame[column].dropna().astype(str).unique())
    return [s for s in shown if s]


def english_sentences(at: AppTest) -> list[str]:
    """Texts of the run that hold an English phrase (three words or more)."""
    return [t for t in texts(at) if ENGLISH.search(KEPT.sub(" ", t))]


def chinese_page(name: str, url: str, monkeypatch: pytest.MonkeyPatch, who: str) -> AppTest:
    """One page rendered with the default language setting."""
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    return page(name, url, monkeypatch, who).run()


@pytest.mark.parametrize(
    ("name", "who"),
    [(p, "cora") for p in PAGES] + [("audit", "otto"), ("admin", "ada")],
)
def test_every_page_reads_in_chinese_by_default(
    name: str, who: str, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = chinese_page(name, demo, monkeypatch, who)
    assert not at.exception, at.exception
    assert at.title and CJK.search(at.title[0].value), "the title is Chinese"
    assert not english_sentences(at), english_sentences(at)
    assert all(CJK.search(b.label) for b in at.button if b.label), [b.label for b in at.button]


@pytest.mark.parametrize(
    ("name", "who"),
    [(p, "cora") for p in PAGES] + [("audit", "otto"), ("admin", "ada")],
)
def test_every_page_reads_in_english_when_asked(
    name: str, who: str, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    at = page(name, demo, monkeypatch, who).run()
    assert not at.exception, at.exception
    assert at.title and not CJK.search(at.title[0].value)
    chinese = [t for t in texts(at) if CJK.search(t)]
    # Agency names keep their Chinese name beside the English one where a table shows both;
    # no sentence or label of the interface is Chinese.
    assert not [t for t in chinese if len(CJK.findall(t)) > 12], chinese


def test_the_empty_pages_read_in_chinese(empty: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PAGES:
        at = chinese_page(name, empty, monkeypatch, "cora")
        assert not at.exception, (name, at.exception)
        assert not english_sentences(at), (name, english_sentences(at))


def dashboard(url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The whole dashboard with the default language setting."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def test_the_sign_in_page_is_chinese_with_a_switch_to_english(
    demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dashboard(demo, monkeypatch).run()
    assert at.title[0].value == "登录"
    assert not english_sentences(at)
    switch = at.get("button_group")[0]
    switch.set_value("en").run()
    assert at.title[0].value == "Sign in"
    at.text_input(key="sign_in_user").input("cora")
    at.text_input(key="sign_in_password").input("not the password")
    at.button[0].click().run()
    assert "Sign-in failed" in at.error[0].value, "the refusal follows the switch"
    at.text_input(key="sign_in_password").input("a long enough password")
    at.button[0].click().run()
    engine = stored.open_store(demo)
    token, actor = sessions.sign_in(engine, "cora", "a long enough password", datetime.now(UTC))
    assert actor.language == "en", "the language chosen before signing in is the account's"
    users.set_language(actor, engine, None)
    sessions.sign_out(engine, token, datetime.now(UTC))
    engine.dispose()


def test_an_account_keeps_its_own_language(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = signed_in(dashboard(demo, monkeypatch), demo, "cora").run()
    assert at.title[0].value == "总览"
    at.sidebar.radio(key="account_language").set_value("en").run()
    assert at.title[0].value == "Overview"
    engine = stored.open_store(demo)
    token, actor = sessions.sign_in(engine, "cora", "a long enough password", datetime.now(UTC))
    assert actor.language == "en", "kept with the account, for the next sign-in"
    again = signed_in(dashboard(demo, monkeypatch), demo, "cora").run()
    assert again.title[0].value == "Overview"
    # AppTest formats the other widgets' values in this thread: in the language they were drawn.
    with i18n.reading("en"):
        again.sidebar.radio(key="account_language").set_value("zh_CN").run()
    assert again.title[0].value == "总览"
    sessions.sign_out(engine, token, datetime.now(UTC))
    engine.dispose()


def test_times_are_shown_in_beijing_time(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = chinese_page("audit", demo, monkeypatch, "otto")
    shown = " ".join(texts(at)) + " ".join(str(d.value) for d in at.dataframe)
    assert "UTC" not in shown


def test_the_timezone_setting_moves_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2026, 10, 31, 17, 30, tzinfo=UTC)
    with i18n.reading("zh_CN"):
        assert i18n.when(moment) == "2026年11月1日 01:30", "Beijing is 8 hours ahead"
        monkeypatch.setenv("TIMEZONE", "UTC")
        assert i18n.when(moment) == "2026年10月31日 17:30"


def test_formats_follow_the_language() -> None:
    with i18n.reading("zh_CN"):
        assert i18n.period_name("2026-10") == "2026年10月"
        assert i18n.period_name("2026-Q3") == "2026年第三季度"
        assert i18n.money(14_912_000) == "1,491.2万元"
        assert i18n.money(132_000_000) == "1.32亿元"
        assert i18n.points_change(1.5) == "上升1.5个百分点"
        assert i18n.rank(3) == "第3名"
    with i18n.reading("en"):
        assert i18n.period_name("2026-10") == "Oct 2026"
        assert i18n.money(14_912_000) == "¥14.91 m"
        assert i18n.rank(3) == "no. 3"


def test_an_unknown_language_setting_falls_back_to_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "fr")
    assert i18n.default_language() == "zh_CN"
