"""Time the dashboard on the Y-city demo data: server-side page and period switches, and the
cold start of a real server to a rendered rankings table in headless Chromium.

    python benchmarks/bench_dashboard.py [--repeat 5] [--no-browser]

Server-side: each page's script run in Streamlit's AppTest (the same script run a browser
session triggers) for a signed-in coordinator, timed after the first load, which fills the
caches; then switching the period of the rankings page between months. Cold start: from
launching `streamlit run dashboard.py` on a fresh process to the sign-in form, and on through
signing in to the rankings table showing its rows in Chromium (Debian's /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.permissions import console  # noqa: E402
from evaluation.services import demo, sessions, users  # noqa: E402
from evaluation.services import store as stored  # noqa: E402

PAGES = (
    "overview",
    "rankings",
    "profile",
    "indicators",
    "submissions",
    "upload",
    "framework",
    "publish",
    "weights",
)
USERNAME, PASSWORD = "bench-coordinator", "a long enough password"


def demo_database(folder: Path) -> str:
    """A SQLite file with the demo data; returns its URL."""
    url = f"sqlite:///{folder / 'evaluation.db'}"
    engine = stored.open_store(url)
    framework = stored.framework_status(ROOT / "indicators.yaml").framework
    assert framework is not None
    demo.load_demo(console(), engine, framework, date.today(), with_accounts=False)
    users.create_user(console(), engine, USERNAME, "coordinator", PASSWORD)
    engine.dispose()
    return url


def signed_in(at, url: str):  # type: ignore[no-untyped-def]
    """The AppTest with a fresh session of the benchmark's coordinator."""
    engine = stored.open_store(url)
    token, _viewer = sessions.sign_in(engine, USERNAME, PASSWORD, datetime.now(UTC))
    engine.dispose()
    at.session_state["session_token"] = token
    return at


def timed_run(at) -> float:  # type: ignore[no-untyped-def]
    """Seconds one script run takes."""
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"the page raised: {at.exception[0].value}")
    return elapsed


def server_side(url: str, repeat: int) -> None:
    """Median script-run time of every page after the first load, and of period switches."""
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    os.chdir(ROOT)
    print("| page | first load | after (median) |")
    print("|---|---|---|")
    for name in PAGES:
        at = signed_in(
            AppTest.from_string(
                f"from evaluation.ui import {name}_page\n{name}_page.render()\n",
                default_timeout=120,
            ),
            url,
        )
        first = timed_run(at)
        warm = statistics.median(timed_run(at) for _ in range(repeat))
        print(f"| {name} | {first * 1000:.0f} ms | {warm * 1000:.0f} ms |")
    at = signed_in(
        AppTest.from_string(
            "from evaluation.ui import rankings_page\nrankings_page.render()\n",
            default_timeout=120,
        ),
        url,
    )
    timed_run(at)
    months = at.sidebar.selectbox[0].options
    times, first_views = [], []
    for month in months[1 : repeat + 1]:
        at.sidebar.selectbox[0].select(month)
        first_views.append(timed_run(at))  # first view of this month: scored, then cached
        at.sidebar.selectbox[0].select(months[-1])
        timed_run(at)
        at.sidebar.selectbox[0].select(month)
        times.append(timed_run(at))  # switching back to a month seen before
    print(
        f"\nswitching the rankings period to a month not viewed yet: median "
        f"{statistics.median(first_views) * 1000:.0f} ms over {len(first_views)} switches"
    )
    print(
        f"switching the rankings period back to a month seen before: median "
        f"{statistics.median(times) * 1000:.0f} ms over {len(times)} switches"
    )


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cold_start(url: str) -> tuple[float, float]:
    """Seconds from starting the server to the sign-in form, and to a rendered rankings table
    after signing in, in Chromium."""
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            health = f"http://127.0.0.1:{port}/_stcore/health"
            while True:
                try:
                    with urllib.request.urlopen(health, timeout=1) as answer:
                        if answer.read() == b"ok":
                            break
                except OSError:
                    time.sleep(0.05)
            page.goto(f"http://127.0.0.1:{port}/")
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=120_000)
            form = time.perf_counter() - start
            page.get_by_label("Username", exact=True).fill(USERNAME)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text(f"Signed in as {USERNAME}")).to_be_visible(timeout=120_000)
            page.get_by_test_id("stSidebarNav").get_by_text("Rankings", exact=True).click()
            rows = page.get_by_test_id("stDataFrame").first
            expect(rows).to_be_visible(timeout=120_000)
            expect(page.get_by_text("Download CSV")).to_be_visible(timeout=120_000)
            return form, time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)
            browser.close()


def main() -> None:
    """Print the figures as Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        url = demo_database(Path(folder))
        if not args.no_browser:
            runs = [cold_start(url) for _ in range(args.repeat)]
            forms, starts = [r[0] for r in runs], [r[1] for r in runs]
            print(
                f"cold start to the sign-in form in Chromium: median "
                f"{statistics.median(forms):.2f} s of {len(forms)} "
                f"(min {min(forms):.2f} s, max {max(forms):.2f} s)"
            )
            print(
                f"cold start, sign-in and a rendered rankings table: median "
                f"{statistics.median(starts):.2f} s of {len(starts)} "
                f"(min {min(starts):.2f} s, max {max(starts):.2f} s)\n"
            )
        server_side(url, args.repeat)


if __name__ == "__main__":
    main()
