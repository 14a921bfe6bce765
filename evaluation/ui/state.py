"""What every page needs first: the database, the framework in force, the actor, the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from evaluation import i18n
from evaluation.errors import AuthenticationError
from evaluation.framework import Framework
from evaluation.i18n import _
from evaluation.permissions import Actor
from evaluation.scoring.result import Evaluation
from evaluation.services import sessions, store
from evaluation.settings import setting
from evaluation.storage.db import Engine
from evaluation.ui import cache, server

TOKEN_KEY = "session_token"  # the only sign-in state in the browser session: a token
# A new session's token, waiting for the browser to exchange it for the HttpOnly cookie that
# keeps the sign-in across reloads and tabs (evaluation/ui/server.py); the database holds only
# the token's SHA-256 and decides whether the session is still alive.
EXCHANGE_KEY = "session_exchange"
SIGNED_OUT = "signed_out"  # the cookie of this tab is stale until the page reloads
CLOSE_KEY = "session_close"  # signed out: the browser is to clear the cookie once
LANGUAGE_KEY = "language"  # the language chosen on the sign-in page, for this tab
LANGUAGE_PARAM = "lang"  # ?lang=en opens the sign-in page in English


def database_url() -> str:
    """The database named by the settings."""
    return setting("DATABASE_URL")


def engine() -> Engine:
    """The store of this process."""
    return cache.store(database_url())


def client_address() -> str:
    """The browser's address: with TRUST_FORWARDED_FOR=1 (behind a reverse proxy) the last
    entry of X-Forwarded-For, which that proxy appends; else the connection's own address, so
    that a header a client writes itself never chooses its address."""
    if setting("TRUST_FORWARDED_FOR") == "1":
        forwarded = st.context.headers.get("X-Forwarded-For")
        if isinstance(forwarded, str):
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if hops:
                return hops[-1]
    address = st.context.ip_address
    return address if isinstance(address, str) and address else sessions.UNKNOWN_SOURCE


def session_cookie() -> str | None:
    """The session token the browser sent as a cookie, if any."""
    value = st.context.cookies.get(server.COOKIE)
    return value if isinstance(value, str) and value else None


def sso_configured() -> bool:
    """True when `[auth]` is set in .streamlit/secrets.toml (OIDC single sign-on)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def _sso_token() -> str | None:
    """A session for the identity the OIDC provider signed in, if it matches an account."""
    if not sso_configured() or not st.user.get("is_logged_in", False):
        return None
    try:
        token, _who = sessions.sign_in_by_email(
            engine(), str(st.user.get("email") or ""), datetime.now(UTC)
        )
    except AuthenticationError as exc:
        st.error(str(exc))
        return None
    return token


def actor() -> Actor | None:
    """Who is signed in to this browser session; None when nobody is (or the session ended)."""
    token = st.session_state.get(TOKEN_KEY)
    remembered = session_cookie()
    if token is None and remembered and not st.session_state.get(SIGNED_OUT):
        token = remembered
    if token is None and not st.session_state.get(SIGNED_OUT):
        token = _sso_token()
        if token is not None:
            st.session_state[EXCHANGE_KEY] = token
    found = sessions.actor_for(engine(), token, datetime.now(UTC))
    if found is None:
        if st.session_state.pop(TOKEN_KEY, None) is not None:
            st.toast(_("Your session has ended; please sign in again."))
        return None
    st.session_state[TOKEN_KEY] = token
    return found


def tab_language() -> str | None:
    """The language chosen for this tab before signing in (the sign-in page's switch, or
    ?lang= in its address), if any."""
    chosen = st.session_state.get(KEEP + LANGUAGE_KEY) or st.query_params.get(LANGUAGE_PARAM)
    return i18n.normalise(chosen)


def use_language(who: Actor | None) -> str:
    """Render this run in the reader's language: the account's own, else the tab's choice, else
    the office's (LANGUAGE). Called at the start of every run, before anything is drawn."""
    own = who.language if who is not None else None
    return i18n.set_language(i18n.normalise(own) or tab_language())


def signed_in(token: str) -> None:
    """Keep a new session's token for this tab, and have the browser exchange it for the
    cookie."""
    st.session_state[TOKEN_KEY] = token
    st.session_state[EXCHANGE_KEY] = token
    st.session_state.pop(SIGNED_OUT, None)


def has_users() -> bool:
    """True once the first account exists."""
    return sessions.has_users(engine())


def current_framework(show_problems: bool = False) -> Framework | None:
    """The framework in force; when the file is invalid, say so and serve the last valid one."""
    path = Path(setting("INDICATORS_FILE"))
    modified = path.stat().st_mtime if path.exists() else 0.0
    status = cache.framework_status(str(path), modified)
    framework, note = cache.served_framework(database_url(), str(path), modified)
    if status.error is not None:
        st.error(_("{file} is invalid: {note}.", file=path.name, note=note))
        if show_problems or framework is None:
            st.code("\n".join(str(p) for p in status.error.problems), language="text")
    return framework


@dataclass(frozen=True)
class Context:
    """The framework, actor and stored data a page renders from."""

    framework: Framework
    actor: Actor
    data: store.Dataset
    version: str


def context() -> Context | None:
    """Everything a page needs; None (with the reason shown) when nothing can be shown."""
    who = actor()
    if who is None:
        st.info(_("Please sign in."))
        return None
    framework = current_framework()
    if framework is None:
        return None
    version = store.data_version(engine())
    with st.spinner(_("Reading the figures…")):
        data = cache.dataset(database_url(), version)
    return Context(framework, who, data, version)


def evaluation_of(ctx: Context, period: str) -> Evaluation | None:
    """The cached evaluation of a period."""
    with st.spinner(_("Scoring…")):
        return cache.evaluation(database_url(), ctx.version, ctx.framework, period)


def store_is_empty() -> bool:
    """True while no agency is registered (the first-run screen is shown)."""
    return store.store_is_empty(engine())


def evaluation_of_framework(ctx: Context, framework: Framework, period: str) -> Evaluation:
    """The cached evaluation of a period under another framework (same data)."""
    result = cache.evaluation(database_url(), ctx.version, framework, period)
    assert result is not None
    return result


# Streamlit forgets a widget's state in the first run that does not draw it (another page, or
# another kind of period), and a widget drawn on two pages has a different id on each. A value
# the script itself wrote is kept and adopted by any widget with its key, so every run starts by
# writing back the widgets' state under keys made by keep().
KEEP = "keep."


def keep(key: str, default: object = None) -> str:
    """The widget key under which a choice lasts for the session, across pages; with a
    default, the first value, so that the widget is drawn without one of its own."""
    kept = KEEP + key
    if default is not None and kept not in st.session_state:
        st.session_state[kept] = default
    return kept


def keep_choices() -> None:
    """Write back every kept widget value (first thing in each run, before any widget)."""
    for key in [k for k in st.session_state.keys() if str(k).startswith(KEEP)]:
        st.session_state[key] = st.session_state[key]
