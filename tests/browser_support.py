"""Browser tests: a real Streamlit server, headless Debian Chromium through Playwright, helpers.

Load it from a test module with `pytest_plugins = ["tests.browser_support"]`: that registers the
fixtures below and the hooks that mark browser tests and attach the server log and a screenshot
to every failing one. It fails tests with pytest.fail rather than assert, so pytest need not
rewrite it (PYTEST_DONT_REWRITE), which it could not do anyway once a test module imported it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import ROOT, run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
# The first script run imports pandas, plotly and the store; generous limits keep a loaded 2-core
# machine from failing tests that are merely slow (a healthy run takes a few seconds).
HEALTH_TIMEOUT_S = 60.0
RUN_TIMEOUT_MS = 60_000
# Auto-retrying assertions run after wait_for_app, but some widgets (dataframes) still fill in
# asynchronously; 5 s is tight on a loaded CI machine.
expect.set_options(timeout=15_000)

# Streamlit 1.67 mirrors its script-run and connection state onto the app root, which is exact;
# the status widget appears only after a delay, so it alone would report "idle" too early.
_SCRIPT_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && ["notRunning", "compilationError"].includes(app.dataset.testScriptState)
        && app.dataset.testConnectionState === "CONNECTED"
        && document.querySelector('[data-testid="stStatusWidget"]') === null;
}"""
_SCRIPT_STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app === null ? "no stApp element"
        : `script ${app.dataset.testScriptState}, connection ${app.dataset.testConnectionState}`;
}"""
# Counts how often the script state leaves "notRunning", so a rerun that starts and ends between
# two polls is still seen.
_WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (window.__stRunWatcher) window.__stRunWatcher.disconnect();
    window.__stRunsStarted = 0;
    window.__stRunWatcher = new MutationObserver((records) => {
        for (const r of records) if (r.oldValue === "notRunning") window.__stRunsStarted += 1;
    });
    window.__stRunWatcher.observe(app, {
        attributes: true, attributeOldValue: true, attributeFilter: ["data-test-script-state"],
    });
}"""
_CONTENT_HEIGHT = """() => Math.max(
    document.documentElement.clientHeight,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
        .map((e) => e.scrollHeight),
)"""
_TWO_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
# `undefined` means the document was replaced (a full reload), which also starts a new run.
_RUN_STARTED = "() => window.__stRunsStarted !== 0"


# -- the server ---------------------------------------------------------------------------------
@dataclass
class Server:
    """A running `streamlit run dashboard.py` and where its output goes."""

    port: int
    database_path: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """Everything the server printed so far."""
        if not self.log_path.exists():
            return "(no output)"
        return self.log_path.read_text(encoding="utf-8", errors="replace") or "(no output)"


def free_port() -> int:
    """A TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(port: int) -> list[str]:
    """The command line that serves the dashboard on `port`."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


def _healthy(url: str) -> bool:
    """Whether Streamlit's health endpoint answers "ok"."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.read().strip() == b"ok")
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the process; kill it if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def start_server(
    database_path: Path,
    env: Mapping[str, str] | None = None,
    log_path: Path | None = None,
    without: tuple[str, ...] = (),
) -> Iterator[Server]:
    """Serve the dashboard on DATABASE_URL=sqlite:///`database_path` until the block ends;
    the settings named in `without` are left unset (their defaults apply)."""
    port = free_port()
    log_path = log_path or database_path.with_name(f"streamlit-{port}.log")
    environment = {
        **{k: v for k, v in os.environ.items() if k not in without},
        "DATABASE_URL": f"sqlite:///{database_path}",
        # Without this the log file lags behind, and a failure report would miss the last lines.
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            server_command(port), cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(port, database_path, log_path, process)
    try:
        _wait_until_healthy(server)
    except BaseException:
        _stop(process)
        raise
    try:
        yield server
    except pytest.skip.Exception:
        raise
    except BaseException:
        # A fixture's failing tests get the output from the hook below; this covers direct use.
        print(f"--- streamlit server output ({server.url}) ---\n{server.output()}")
        raise
    finally:
        _stop(process)


def _wait_until_healthy(server: Server) -> None:
    """Poll the health endpoint; fail with the server's output if it dies or takes too long."""
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while not _healthy(server.url):
        if time.monotonic() > deadline:
            pytest.fail(
                f"Streamlit was not healthy after {HEALTH_TIMEOUT_S:g} s on {server.url}.\n"
                f"--- server output ---\n{server.output()}",
                pytrace=False,
            )
        # Waiting on the process doubles as the poll interval and notices a crash at once.
        try:
            code = server.process.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(
            f"Streamlit exited with status {code} before it was healthy.\n"
            f"--- server output ---\n{server.output()}",
            pytrace=False,
        )


def seed_demo(database_path: Path) -> None:
    """Load the synthetic demo data into a new SQLite database with `python -m evaluation demo`."""
    result = run_cli("demo", database=database_path)
    if result.returncode != 0:
        pytest.fail(
            f"`python -m evaluation demo` failed with status {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


PASSWORD = "browser test password"
ACCOUNTS = (("ada", "admin", None), ("cora", "coordinator", None), ("bank1", "agency", "BK01"))


def add_accounts(database_path: Path) -> None:
    """An administrator, a coordinator and an agency user of BK01, all with PASSWORD."""
    for username, role, agency in ACCOUNTS:
        extra = ["--agency", agency] if agency else []
        result = run_cli(
            "users", "add", username, "--role", role, *extra, database=database_path, stdin=PASSWORD
        )
        if result.returncode != 0:
            pytest.fail(f"could not add {username}: {result.stderr}", pytrace=False)


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The dashboard on an empty SQLite database, shared by the tests of one module."""
    folder = tmp_path_factory.mktemp("dashboard")
    with start_server(folder / "evaluation.db") as server:
        yield server


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The dashboard on a SQLite database holding the synthetic demo data, shared per module."""
    folder = tmp_path_factory.mktemp("demo")
    seed_demo(folder / "evaluation.db")
    add_accounts(folder / "evaluation.db")
    with start_server(folder / "evaluation.db") as server:
        yield server


# -- the browser --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (Playwright's own build cannot be downloaded here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed ({CHROMIUM} is missing). `make test` installs the Debian "
            "`chromium` package (target `make chromium`); browser tests need it.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        except PlaywrightError as exc:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab in its own context (no cookies or session shared between tests)."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


# -- helpers ------------------------------------------------------------------------------------
def wait_for_app(page: Page, allow_exception: bool = False) -> None:
    """Wait until Streamlit has finished the current script run; fail if the script raised."""
    try:
        page.wait_for_function(_SCRIPT_SETTLED, timeout=RUN_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        state = page.evaluate(_SCRIPT_STATE)
        pytest.fail(
            f"Streamlit did not finish running {page.url} within {RUN_TIMEOUT_MS // 1000} s "
            f"({state}).",
            pytrace=False,
        )
    # Widgets whose code is loaded lazily show a placeholder until their chunk arrives.
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=RUN_TIMEOUT_MS)
    exceptions = page.get_by_test_id("stException")
    if not allow_exception and exceptions.count():
        shown = "\n\n".join(exceptions.all_inner_texts())
        pytest.fail(f"The script raised on {page.url}:\n{shown}", pytrace=False)


@contextmanager
def expect_rerun(page: Page, allow_exception: bool = False) -> Iterator[None]:
    """Around a click or upload: wait for the script run it triggers to start and finish."""
    page.wait_for_function(_SCRIPT_SETTLED, timeout=RUN_TIMEOUT_MS)
    page.evaluate(_WATCH_RUNS)
    yield
    # Right after the interaction the old run's "notRunning" is still showing; wait_for_app alone
    # would return before the rerun even started.
    page.wait_for_function(_RUN_STARTED, timeout=RUN_TIMEOUT_MS)
    wait_for_app(page, allow_exception=allow_exception)


def goto(page: Page, server: Server, path: str = "") -> None:
    """Open `path` of the dashboard (`""` is the default page) and wait for the script run."""
    page.goto(f"{server.url}/{path.lstrip('/')}")
    wait_for_app(page)
    # Streamlit quietly runs the default page for an unknown or hidden url_path.
    if page.get_by_role("dialog", name="Page not found").count():
        pytest.fail(
            f"Streamlit has no page at /{path.lstrip('/')} (it showed 'Page not found' and ran "
            "the default page instead); pages may be hidden for this database or viewer.",
            pytrace=False,
        )


def sign_in(page: Page, server: Server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form; the server then sets the HttpOnly session cookie, which keeps
    the sign-in across page loads."""
    goto(page, server)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with expect_rerun(page):
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()
    wait_for_session_cookie(page)
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def wait_for_session_cookie(page: Page) -> None:
    """After the sign-in form: wait until the server has set the session cookie and brought the
    browser back to the page, then for that new script run."""
    cookie = "evaluation_session"
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while not any(c["name"] == cookie for c in page.context.cookies()):
        if time.monotonic() > deadline:
            pytest.fail(f"the {cookie} cookie was never set after signing in", pytrace=False)
        page.wait_for_timeout(100)
    page.wait_for_load_state()
    wait_for_app(page)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to tests/artifacts/`name`.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside stMain, not the document, so `full_page` alone stops at the
    # viewport; grow the viewport to the content for the shot, then put it back.
    size = page.viewport_size or VIEWPORT
    height = page.evaluate(_CONTENT_HEIGHT)
    page.set_viewport_size({"width": size["width"], "height": min(int(height), 16_000)})
    try:
        # Canvases (dataframes, charts) redraw on resize in the next animation frame.
        page.evaluate(_TWO_FRAMES)
        page.screenshot(path=path, full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


# -- hooks --------------------------------------------------------------------------------------
BROWSER_FIXTURES = frozenset({"browser", "page", "dashboard_server", "demo_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a browser fixture `browser`, so `-m "not browser"` skips them."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On a failing browser test, attach the server's output and a screenshot to the report."""
    report: pytest.TestReport = yield
    if not report.failed or report.when != "call":
        return report
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, Server):
            report.sections.append((f"streamlit server output ({value.url})", value.output()))
        elif isinstance(value, Page) and not value.is_closed():
            name = "failure-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
            try:
                shot = screenshot(value, name)
            except PlaywrightError as exc:
                report.sections.append(("failure screenshot", f"not taken: {exc}"))
            else:
                report.sections.append(("failure screenshot", f"{shot} (page {value.url})"))
    return report
