"""The dashboard in a real browser: a Streamlit server per module, headless Chromium per test.

Add a test by asking for `page` and a server fixture (`demo_server`: demo data loaded;
`dashboard_server`: empty database), opening a page with `goto`, and asserting with Playwright's
auto-retrying `expect`. Wrap clicks and uploads in `with expect_rerun(page):`.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from evaluation.framework import load_framework
from evaluation.services import store as stored
from evaluation.storage import submissions as submission_store
from tests.browser_support import (
    PASSWORD,
    RUN_TIMEOUT_MS,
    Server,
    expect_rerun,
    goto,
    screenshot,
    sign_in,
    start_server,
    wait_for_app,
)
from tests.conftest import ROOT, run_cli

pytest_plugins = ["tests.browser_support"]
pytestmark = pytest.mark.browser


def test_framework_page_shows_the_framework_name(page: Page, demo_server: Server) -> None:
    """The Framework page opens and shows the name from indicators.yaml as a heading."""
    sign_in(page, demo_server, "cora")
    name = load_framework(ROOT / "indicators.yaml").name
    goto(page, demo_server, "framework")
    # Any heading level: the page may use st.title or st.header for the name.
    heading = page.get_by_role("heading", name=name)
    expect(heading).to_be_visible()
    expect(heading).to_have_text(name)
    screenshot(page, "framework")


UPLOADS = ROOT / "tests" / "data" / "uploads"


def grid_rows(page: Page) -> int:
    """Data rows of the first table on the page, from the grid's accessibility attributes."""
    grid = page.get_by_test_id("stDataFrame").first.get_by_role("grid", include_hidden=True)
    expect(grid).to_have_attribute("aria-rowcount", re.compile(r"\d+"))
    return int(grid.get_attribute("aria-rowcount") or 0) - 1  # the header is a row too


def test_first_run_offers_and_loads_the_demo(page: Page, tmp_path: Path) -> None:
    with start_server(tmp_path / "evaluation.db") as server:
        goto(page, server)
        expect(page.get_by_role("heading", name="Create the first administrator")).to_be_visible()
        page.get_by_label("Username", exact=True).fill("ada")
        page.get_by_label("Password (at least 12 characters)", exact=True).fill(PASSWORD)
        page.get_by_label("Repeat the password", exact=True).fill(PASSWORD)
        with expect_rerun(page):
            page.get_by_role("button", name="Create and sign in").click()
        expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
        screenshot(page, "welcome")
        with expect_rerun(page):
            page.get_by_role("button", name="Load the demo data").click()
        expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        expect(
            page.get_by_text("Demo data: every agency and figure here is synthetic")
        ).to_be_visible()
        expect(page.get_by_text("passwords are shown only now")).to_be_visible()
        screenshot(page, "demo-loaded")


def test_rankings_show_every_agency(page: Page, demo_server: Server) -> None:
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, "rankings")
    expect(page.get_by_role("heading", name="Rankings")).to_be_visible()
    assert grid_rows(page) == 30


def test_a_row_of_the_rankings_opens_the_agency_profile(page: Page, demo_server: Server) -> None:
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, "rankings")
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_contain_text("Lianliao")  # the leader of the last month of the demo
    box = table.bounding_box()
    assert box is not None
    # Canvas grid: the first column is the row selector; rows are 35 px under a 35 px header.
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 * 2 + 17)
    # The selection reruns the rankings, which switch to the profile page: a second run.
    # The profile opens on the period the rankings showed, and says so in its address.
    expect(page).to_have_url(
        re.compile(r"/agency\?agency=[A-Z0-9]+&period=\d{4}-\d{2}$"), timeout=RUN_TIMEOUT_MS
    )
    wait_for_app(page)
    code = parse_qs(urlsplit(page.url).query)["agency"][0]
    names = pd.read_csv(ROOT / "data" / "demo" / "agencies.csv").set_index("code")["name"]
    expect(page.get_by_role("heading", level=1)).to_have_text(names[code])
    expect(page.get_by_text("Submission history")).to_be_visible()
    screenshot(page, "agency-from-rankings")


def test_a_good_upload_is_previewed_and_stored(page: Page, demo_server: Server) -> None:
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, "upload")
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    with expect_rerun(page):
        uploader.set_input_files(str(UPLOADS / "good.csv"))
    expect(page.get_by_text("What changes: 2 agency-month(s)")).to_be_visible()
    with expect_rerun(page):
        page.get_by_role("button", name="Store this upload").click()
    expect(page.get_by_text("Stored good.csv: 2 agency-month(s) as new versions.")).to_be_visible()
    screenshot(page, "upload-stored")


def test_a_bad_upload_is_refused_with_rows_and_columns(page: Page, demo_server: Server) -> None:
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, "upload")
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    with expect_rerun(page):
        uploader.set_input_files(str(UPLOADS / "bad.csv"))
    expect(
        page.get_by_text("bad.csv is refused: 8 problem(s). Nothing was stored.")
    ).to_be_visible()
    problems = page.get_by_test_id("stDataFrame").first
    expect(problems).to_contain_text('unknown agency code "XX99"')
    expect(problems).to_contain_text("amount_returned (50) is above amount_frozen (10)")
    expect(page.get_by_role("button", name="Store this upload")).to_have_count(0)
    screenshot(page, "upload-refused")


def test_the_rankings_download_as_csv(page: Page, demo_server: Server) -> None:
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, "rankings")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download CSV").click()
    download = waiting.value
    assert download.suggested_filename.startswith(
        "rankings-"
    ) and download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    # A download for people: headings in the reader's words (English here), one row an agency.
    assert lines[0].startswith("Agency code,Agency,Type,Period,Score,Rank")
    assert len(lines) == 31


@pytest.mark.parametrize(
    "path",
    ["", "rankings", "agency", "indicators", "submissions", "upload", "framework", "publish"],
)
def test_every_page_renders_in_the_browser(page: Page, demo_server: Server, path: str) -> None:
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, f"page-{path or 'overview'}")


def test_an_agency_user_uploads_its_own_figures_and_sees_only_what_is_published(
    page: Page, demo_server: Server, tmp_path: Path
) -> None:
    engine = stored.open_store(f"sqlite:///{demo_server.database_path}")
    newest = max(submission_store.current_figures(engine)["period"])  # the demo ends last month
    engine.dispose()
    published = run_cli("publish", newest, "--user", "cora", database=demo_server.database_path)
    assert published.returncode == 0, published.stderr
    sign_in(page, demo_server, "bank1")
    own = tmp_path / "bk01.csv"
    own.write_text(
        "\n".join((UPLOADS / "good.csv").read_text(encoding="utf-8").splitlines()[:2]) + "\n",
        encoding="utf-8",
    )
    goto(page, demo_server, "upload")
    with expect_rerun(page):
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(own))
    with expect_rerun(page):
        page.get_by_role("button", name="Store this upload").click()
    expect(page.get_by_text("Stored bk01.csv: 1 agency-month(s) as new versions.")).to_be_visible()
    # Another agency's figures are refused for this user, row by row.
    with expect_rerun(page):
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            str(UPLOADS / "good.csv")
        )
    expect(page.get_by_text("good.csv is refused: 1 problem(s).")).to_be_visible()
    problems = page.get_by_test_id("stDataFrame").filter(has_text="may not submit")
    expect(problems).to_contain_text("you may not submit figures for agency BK02")
    # Another agency's profile cannot be reached by its address.
    goto(page, demo_server, "agency?agency=BK02")
    expect(page.get_by_text('There is no agency "BK02" you may see')).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Huaxia Commerce Bank, Y City Branch")
    # The league table is the published one: rank, agency, type, tier, score and nothing else.
    goto(page, demo_server)  # Rankings is an agency user's first page
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_contain_text("Lianliao")
    headers = table.get_by_role("columnheader", include_hidden=True)
    expect(headers).to_have_text(["rank", "agency", "type", "tier", "score"])
    expect(page.get_by_role("button", name="Download CSV")).to_have_count(0)
    # Pages for coordinators are not there for this user.
    expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("Overview")
    screenshot(page, "agency-user-rankings")


def test_changing_one_weight_moves_a_rank(page: Page, demo_server: Server) -> None:
    sign_in(page, demo_server, "cora")
    goto(page, demo_server, "weights")
    expect(page.get_by_text("0 agencies change rank, 0 change tier")).to_be_visible()
    weight = page.get_by_label(re.compile(r"^Information sharing")).first
    weight.fill("100")
    with expect_rerun(page):
        weight.press("Enter")
    caption = page.get_by_text(re.compile(r"[1-9]\d* agencies change rank"))
    expect(caption).to_be_visible()
    screenshot(page, "weights-what-if")
