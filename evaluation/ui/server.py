"""The HTTP side of signing in, beside Streamlit's own routes: the session cookie is set and
cleared by the server with HttpOnly and SameSite=Strict (page scripts never see it), and file
uploads are accepted only from a signed-in user whom a page with a file upload serves.

Streamlit's script talks to the browser over a websocket and cannot set headers, so a new
session's first token is exchanged here, once, within minutes, for the one the cookie holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from evaluation import accounts, i18n
from evaluation.i18n import N_, Message
from evaluation.services import sessions
from evaluation.settings import setting

COOKIE = "evaluation_session"
OPEN_PATH = "/session/open"  # POST code=<new session's token>, next=<where to go>
CLOSE_PATH = "/session/close"  # POST: clear the cookie
UPLOAD_PREFIX = "/_stcore/upload_file/"
MAX_FORM_BYTES = 4096
# Refusals, read by whoever sent the request: in the office's language (LANGUAGE), since the
# server does not know the reader's.
REFUSED_UPLOAD = N_(
    "Files are accepted only from a signed-in user who may upload them. "
    "Reload the page and sign in again."
)
REFUSED_ORIGIN = N_("This sign-in request did not come from this dashboard's own pages.")


def _now() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def _engine() -> sessions.Engine:
    """The store this process serves."""
    # Imported here: the caches are declared once Streamlit's runtime exists, after this
    # module is first imported to build the app.
    from evaluation.ui import cache

    return cache.store(setting("DATABASE_URL"))


def refusal(reason: Message) -> PlainTextResponse:
    """A 403 answer giving `reason` in the office's language."""
    with i18n.reading(i18n.default_language()):
        return PlainTextResponse(str(reason), status_code=403)


def _https(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (directly, or through a trusted proxy)."""
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return setting("TRUST_FORWARDED_FOR") == "1" and forwarded.split(",")[-1].strip() == "https"


def same_origin(request: Request) -> bool:
    """Whether a request came from one of our own pages (no sign-in forged by another site):
    the browser's fetch metadata says so, or, from a browser that sends none, the Origin."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host", "")


def safe_next(target: str) -> str:
    """A path on this server to go on to; anything else (another host, a scheme) is `/`."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


async def _form(request: Request) -> dict[str, str] | None:
    """The small form of a sign-in request; None when it is too big to be one."""
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        return None
    form = await request.form(max_files=0, max_fields=4)
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def open_session(request: Request) -> Response:
    """Exchange a new session's token for the HttpOnly cookie, then go on to the page."""
    form = await _form(request)
    if form is None or not same_origin(request):
        return refusal(REFUSED_ORIGIN)
    token = await run_in_threadpool(sessions.exchange, _engine(), form.get("code", ""), _now())
    response = RedirectResponse(safe_next(form.get("next", "/")), status_code=303)
    if token is not None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(accounts.LIFETIME.total_seconds()),
            path="/",
            httponly=True,
            secure=_https(request),
            samesite="strict",
        )
    return response


async def close_session(request: Request) -> Response:
    """Clear the cookie after signing out (the session itself ended in the database)."""
    form = await _form(request)
    if form is None or not same_origin(request):
        return refusal(REFUSED_ORIGIN)
    response = RedirectResponse(safe_next(form.get("next", "/")), status_code=303)
    response.delete_cookie(
        COOKIE, path="/", httponly=True, secure=_https(request), samesite="strict"
    )
    return response


class UploadGuard:
    """Refuse file uploads, before their body is read, from anyone whose session cookie does
    not name a signed-in user whom a page with a file upload serves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the request through, or answer 403."""
        if scope["type"] == "http" and scope["method"] in ("PUT", "POST"):
            if str(scope["path"]).startswith(UPLOAD_PREFIX):
                token = Request(scope).cookies.get(COOKIE)
                allowed = await run_in_threadpool(sessions.may_send_files, _engine(), token, _now())
                if not allowed:
                    await refusal(REFUSED_UPLOAD)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def routes() -> list[Route]:
    """The routes served beside Streamlit's."""
    return [
        Route(OPEN_PATH, open_session, methods=["POST"]),
        Route(CLOSE_PATH, close_session, methods=["POST"]),
    ]


def middleware() -> list[Middleware]:
    """The middleware run before Streamlit's."""
    return [Middleware(UploadGuard)]
