"""The dashboard as the office first meets it: a server with the default settings (no LANGUAGE,
no TIMEZONE), signed in through the Chinese form; every page is in Chinese, times in Beijing
time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import (
    PASSWORD,
    Server,
    add_accounts,
    expect_rerun,
    goto,
    screenshot,
    seed_demo,
    start_server,
    wait_for_session_cookie,
)
from tests.conftest import run_cli

pytest_plugins = ["tests.browser_support"]
pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"\b[A-Za-z]{2,}\b(?:[ ,'-]+\b[A-Za-z]{2,}\b){2,}")
# Latin words that stay in Chinese usage: formats, methods, the demo's account names and codes.
KEPT = re.compile(
    r"CSV|XLSX|YAML|PDF|DOCX|CRITIC|Sobol|APP|demo-[a-z-]+|[A-Z]{2}\d{2}|indicators\.yaml|"
    r"python -m evaluation[ a-z-]*"
)
COORDINATOR_PAGES = (
    "overview",
    "rankings",
    "agency",
    "indicators",
    "submissions",
    "upload",
    "framework",
    "publish",
    "weights",
)
BEIJING = ZoneInfo("Asia/Shanghai")
TABLES = ("rankings", "submissions")  # pages that open on a table


@pytest.fixture(scope="module")
def default_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo with the settings' defaults: LANGUAGE and TIMEZONE unset."""
    folder = tmp_path_factory.mktemp("default")
    database = folder / "evaluation.db"
    seed_demo(database)
    add_accounts(database)
    result = run_cli("users", "add", "otto", "--role", "auditor", database=database, stdin=PASSWORD)
    assert result.returncode == 0, result.stderr
    with start_server(database, without=("LANGUAGE", "TIMEZONE")) as server:
        yield server


def sign_in_chinese(page: Page, server: Server, username: str) -> None:
    """Sign in through the form as the office first sees it: in Chinese."""
    goto(page, server)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    with expect_rerun(page):
        page.get_by_role("button", name="登录").click()
    wait_for_session_cookie(page)
    expect(page.get_by_text(f"当前用户：{username}")).to_be_visible()


def english_on(page: Page) -> list[str]:
    """Lines of the page's text (main area and sidebar) that hold an English phrase."""
    text = page.get_by_test_id("stMain").inner_text() + "\n"
    text += page.get_by_test_id("stSidebar").inner_text()
    return [line for line in text.splitlines() if ENGLISH.search(KEPT.sub(" ", line))]


# The words of each visible button as drawn: its text and generated content, not its icon's
# name (a ligature) nor text a style sheet hides.
_BUTTON_WORDS = """() => [...document.querySelectorAll('button')]
    .filter((b) => b.checkVisibility())
    .map((b) => {
        let words = '';
        for (const el of [b, ...b.querySelectorAll('*')]) {
            if (el.closest('[data-testid="stIconMaterial"]') || !el.checkVisibility()) continue;
            for (const node of el.childNodes) if (node.nodeType === 3) words += node.textContent;
            const after = getComputedStyle(el, '::after').content;
            if (after && after !== 'none' && after !== 'normal') words += after.slice(1, -1);
        }
        return words.trim();
    })
    .filter((w) => w)"""


def button_words(page: Page) -> list[str]:
    """What each visible button says."""
    return list(page.evaluate(_BUTTON_WORDS))


def column_headers(page: Page) -> list[str]:
    """The column titles of every table on the page (the grids' accessible headers)."""
    headers = page.get_by_role("columnheader", include_hidden=True)
    return [h for h in headers.all_inner_texts() if h.strip()]


@pytest.mark.parametrize(
    ("path", "username"),
    [(p, "cora") for p in COORDINATOR_PAGES] + [("admin", "ada"), ("audit", "otto")],
)
def test_every_page_is_in_chinese_by_default(
    page: Page, default_server: Server, path: str, username: str
) -> None:
    sign_in_chinese(page, default_server, username)
    goto(page, default_server, path)
    heading = page.get_by_role("heading", level=1).first
    expect(heading).to_have_text(CJK)
    menu = page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
    # An auditor has one page, and Streamlit draws no menu for a single page.
    assert (menu or username == "otto") and all(CJK.search(m) for m in menu), menu
    buttons = [b for b in button_words(page) if LETTERS.search(KEPT.sub("", b))]
    assert all(CJK.search(b) for b in buttons), buttons
    if path in TABLES:  # the grids draw their headers once their data has arrived
        expect(page.get_by_role("columnheader", include_hidden=True).first).to_be_attached()
    headers = column_headers(page)
    english = [h for h in headers if LETTERS.search(KEPT.sub("", h))]
    assert not english, f"column titles in English: {english}"
    assert not english_on(page), english_on(page)
    screenshot(page, f"zh-{path}")


LETTERS = re.compile(r"[A-Za-z]{2,}")


def test_times_are_in_beijing_time(page: Page, default_server: Server) -> None:
    before = datetime.now(BEIJING)
    sign_in_chinese(page, default_server, "otto")
    goto(page, default_server, "audit")
    main = page.get_by_test_id("stMain")
    expect(main).not_to_contain_text("UTC")
    stamps = {
        f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"
        for t in (before - timedelta(minutes=1), before, before + timedelta(minutes=2))
    }
    # The auditor's own sign-in is the newest entry of the log, at Beijing's time of day.
    expect(page.get_by_role("gridcell", include_hidden=True).first).to_be_attached()
    cells = page.get_by_role("gridcell", include_hidden=True).all_inner_texts()
    assert stamps & {c.strip() for c in cells}, (sorted(stamps), cells[:12])


def test_the_sign_in_page_switches_the_tab_to_english(page: Page, default_server: Server) -> None:
    goto(page, default_server)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    with expect_rerun(page):
        page.get_by_test_id("stButtonGroup").get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username", exact=True).fill("ada")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with expect_rerun(page):
        page.get_by_role("button", name="Sign in").click()
    wait_for_session_cookie(page)
    # The choice made before signing in becomes the account's own.
    expect(page.get_by_text("Signed in as ada")).to_be_visible()
    goto(page, default_server, "rankings")
    expect(page.get_by_role("heading", name="Rankings", level=1)).to_be_visible()
    screenshot(page, "en-rankings")
