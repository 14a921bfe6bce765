"""The session cookie is the server's: HttpOnly, SameSite=Strict, set by exchanging a new
session's token once; and files reach the server only from signed-in users who may send them.
Against a real `streamlit run dashboard.py`, in Chromium and over plain HTTP."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from evaluation.services import sessions
from evaluation.storage.db import make_engine
from evaluation.ui.server import CLOSE_PATH, COOKIE, OPEN_PATH, REFUSED_UPLOAD, safe_next
from tests.browser_support import PASSWORD, Server, goto, sign_in, wait_for_app
from tests.conftest import run_cli

pytest_plugins = ["tests.browser_support"]

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand back a redirect instead of following it, so its headers can be read."""

    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


def _request(
    server: Server,
    method: str,
    path: str,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    """Status, headers and body of one request to the server (redirects not followed)."""
    body = urllib.parse.urlencode(form).encode() if form is not None else b""
    request = urllib.request.Request(
        server.url + path, data=body, method=method, headers=headers or {}
    )
    if form is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def _token(server: Server, username: str) -> str:
    """A new session's token for `username`, signed in directly on the server's database."""
    engine = make_engine(f"sqlite:///{server.database_path}")
    try:
        token, _actor = sessions.sign_in(engine, username, PASSWORD, datetime.now(UTC), "tests")
    finally:
        engine.dispose()
    return token


def _alive(server: Server, token: str) -> bool:
    """Whether a token names a live session."""
    engine = make_engine(f"sqlite:///{server.database_path}")
    try:
        return sessions.actor_for(engine, token, datetime.now(UTC)) is not None
    finally:
        engine.dispose()


def test_the_session_cookie_is_httponly_strict_and_hidden_from_page_scripts(
    page: Page, demo_server: Server
) -> None:
    sign_in(page, demo_server, "cora")
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False  # plain HTTP here; over HTTPS the server adds Secure
    assert COOKIE not in page.evaluate("document.cookie")
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Signed in as cora")).to_be_visible()


def test_signing_out_ends_the_session_and_clears_the_cookie(
    page: Page, demo_server: Server
) -> None:
    sign_in(page, demo_server, "cora")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
    page.get_by_role("button", name="Sign out").click()
    deadline = datetime.now(UTC) + timedelta(seconds=30)
    while any(c["name"] == COOKIE for c in page.context.cookies()):
        assert datetime.now(UTC) < deadline, "the cookie was never cleared after signing out"
        page.wait_for_timeout(100)
    assert not _alive(demo_server, token)
    # The server cleared the cookie and brings the browser back: the sign-in form is drawn
    # only after that reload, so nothing typed into it is thrown away.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    wait_for_app(page)
    goto(page, demo_server)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_new_sessions_token_is_exchanged_for_the_cookie_once(demo_server: Server) -> None:
    token = _token(demo_server, "cora")
    form = {"code": token, "next": "/rankings?period=2026-Q3"}
    status, headers, _ = _request(demo_server, "POST", OPEN_PATH, form, SAME_ORIGIN)
    assert status == 303 and headers["location"] == "/rankings?period=2026-Q3"
    set_cookie = headers["set-cookie"]
    assert set_cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie
    cookie_token = set_cookie.split(";")[0].split("=", 1)[1]
    assert cookie_token != token
    assert _alive(demo_server, cookie_token) and not _alive(demo_server, token)
    again = _request(demo_server, "POST", OPEN_PATH, form, SAME_ORIGIN)
    assert again[0] == 303 and "set-cookie" not in again[1]


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "http://x.cn"}],
)
def test_a_sign_in_forged_by_another_site_is_refused(
    demo_server: Server, headers: dict[str, str]
) -> None:
    token = _token(demo_server, "cora")
    status, response, body = _request(demo_server, "POST", OPEN_PATH, {"code": token}, headers)
    assert status == 403 and "set-cookie" not in response
    assert "did not come from this dashboard" in body
    assert _alive(demo_server, token)  # nothing was exchanged
    assert _request(demo_server, "POST", CLOSE_PATH, {}, headers)[0] == 403


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/rankings?period=2026-Q3", "/rankings?period=2026-Q3"),
        ("https://x.cn/", "/"),
        ("//x.cn/", "/"),
        ("/\\x.cn", "/"),
        ("javascript:alert(1)", "/"),
        ("rankings", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_after_signing_in_the_browser_goes_only_to_a_page_of_this_server(
    target: str, expected: str
) -> None:
    assert safe_next(target) == expected


def test_files_reach_the_server_only_from_users_who_may_send_them(demo_server: Server) -> None:
    result = run_cli(
        "users", "add", "audrey", "--role", "auditor",
        database=demo_server.database_path, stdin=PASSWORD,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    upload = "/_stcore/upload_file/no-such-session/no-such-file"
    body = b"x" * 1024
    for who, refused in ((None, True), ("audrey", True), ("bank1", False), ("ada", False)):
        headers = {} if who is None else {"Cookie": f"{COOKIE}={_token(demo_server, who)}"}
        request = urllib.request.Request(
            demo_server.url + upload, data=body, method="PUT", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode()
        if refused:
            assert (status, text) == (403, str(REFUSED_UPLOAD)), who
        else:  # past the guard: Streamlit's own checks (XSRF, the session) answer
            assert text != str(REFUSED_UPLOAD), (who, status)
