"""Navigation in the browser: one address per page for every role, the period kept in the
address and across pages, and no request leaving the dashboard's own server."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from evaluation.permissions import Actor
from evaluation.services import store as stored
from evaluation.storage import submissions as submission_store
from evaluation.ui import pages
from tests.browser_support import Server, expect_rerun, goto, screenshot, sign_in, wait_for_app

pytest_plugins = ["tests.browser_support"]
pytestmark = pytest.mark.browser


def demo_months(server: Server) -> list[str]:
    """The months the demo holds figures for, newest first (it ends at the last complete one)."""
    engine = stored.open_store(f"sqlite:///{server.database_path}")
    months = sorted(set(submission_store.current_figures(engine)["period"]), reverse=True)
    engine.dispose()
    return [str(m) for m in months]


def path_of(page: Page) -> str:
    """The path of the address the browser shows."""
    return urlsplit(page.url).path


def test_an_agency_user_finds_the_rankings_at_their_address(
    page: Page, demo_server: Server
) -> None:
    sign_in(page, demo_server, "bank1")
    goto(page, demo_server, "rankings")  # fails on "Page not found"
    expect(page.get_by_role("heading", name="Rankings", level=1)).to_be_visible()
    assert path_of(page) == "/rankings"
    goto(page, demo_server, "overview")  # a coordinators' page: refused at its address
    expect(page.get_by_text("The Overview page is not open to agency accounts.")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    with expect_rerun(page):
        page.get_by_role("link", name="Go to Rankings").click()
    expect(page.get_by_role("heading", name="Rankings", level=1)).to_be_visible()
    assert path_of(page) == "/rankings"


def test_the_root_opens_a_coordinator_on_the_overview(page: Page, demo_server: Server) -> None:
    sign_in(page, demo_server, "cora")
    goto(page, demo_server)
    expect(page).to_have_url(re.compile(r"/overview\?period=\d{4}-\d{2}$"))
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()


def test_a_month_chosen_on_the_overview_is_kept_on_the_rankings(
    page: Page, demo_server: Server
) -> None:
    month = demo_months(demo_server)[2]
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, "overview")
    sidebar = page.get_by_test_id("stSidebar")
    with expect_rerun(page):
        sidebar.get_by_role("combobox", name="Which").click()
        page.get_by_role("option", name=month, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/overview\?period={month}$"))
    with expect_rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Rankings").click()
    expect(page.get_by_role("heading", name="Rankings", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/rankings\?period={month}$"))
    expect(sidebar.get_by_role("combobox", name="Which")).to_have_value(month)
    expect(page.get_by_text(re.compile(rf"^{month} · "))).to_be_visible()
    screenshot(page, "rankings-kept-month")


def test_a_link_with_a_quarter_opens_that_quarter(page: Page, demo_server: Server) -> None:
    month = demo_months(demo_server)[4]
    quarter = f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, f"rankings?period={quarter}")
    expect(page.get_by_role("heading", name="Rankings", level=1)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name="Which")).to_have_value(quarter)
    expect(page.get_by_text(re.compile(rf"^{quarter} · "))).to_be_visible()
    assert page.url.endswith(f"/rankings?period={quarter}")


def test_a_malformed_period_in_the_address_is_said_plainly(page: Page, demo_server: Server) -> None:
    newest = demo_months(demo_server)[0]
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, "rankings?period=2026-13")
    expect(page.get_by_text('"2026-13" in the address is not a period')).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/rankings\?period={newest}$"))


def test_no_request_leaves_the_dashboards_server(page: Page, demo_server: Server) -> None:
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    sign_in(page, demo_server, "cora")
    for path in pages.allowed_paths(Actor("cora", "coordinator")):
        goto(page, demo_server, path)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
    page.reload()
    wait_for_app(page)
    origin = urlsplit(demo_server.url).netloc
    outside = [
        url
        for url in requested
        if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != origin
    ]
    assert requested, "requests were recorded"
    assert outside == [], f"requests to other hosts than {origin}: {sorted(set(outside))}"
    icon = page.locator("link[rel~='icon']").first
    assert (icon.get_attribute("href") or "").startswith("data:image/svg+xml")
