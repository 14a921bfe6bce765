"""Signing in and out, and creating the first administrator of a new database."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from evaluation import i18n
from evaluation.errors import AuthenticationError, EvaluationError
from evaluation.i18n import _
from evaluation.permissions import Actor
from evaluation.services import sessions, users
from evaluation.ui import admin_page, server, state


def _post(path: str, code: str = "") -> None:
    """Have the browser post to one of the server's session routes, which set or clear the
    HttpOnly cookie and bring it back to this page (a script cannot read that cookie)."""
    # The code is ours (URL-safe base64), never user input, so it is safe to embed.
    st.iframe(
        "<script>const d = parent.document, f = d.createElement('form');"
        f"f.method = 'post'; f.action = '{path}';"
        f"for (const [k, v] of [['code', '{code}'], "
        "['next', parent.location.pathname + parent.location.search]]) {"
        "const i = d.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;"
        "f.appendChild(i); }"
        "d.body.appendChild(f); f.submit();</script>",
        height=1,
    )


def sign_in_page() -> None:
    """Username and password; the same message for every failure."""
    if st.session_state.pop(state.CLOSE_KEY, None) and state.session_cookie():
        # The session the cookie named has ended: the browser clears it and reloads this
        # address, so no form is drawn that the reload would throw away half filled in.
        st.caption(_("Signing out…"))
        _post(server.CLOSE_PATH)
        return
    language_switch()
    st.title(_("Sign in"))
    if state.sso_configured():
        st.button(_("Sign in with single sign-on"), on_click=st.login, icon=":material/key:")
        st.caption(_("or with a username and password:"))
    with st.form("sign_in"):
        username = st.text_input(_("Username"), key="sign_in_user")
        password = st.text_input(_("Password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        try:
            token, who = sessions.sign_in(
                state.engine(), username, password, datetime.now(UTC), state.client_address()
            )
        except AuthenticationError as exc:
            st.error(str(exc))
            return
        _keep_chosen_language(who)
        state.signed_in(token)
        st.rerun()


def _keep_chosen_language(who: Actor) -> None:
    """A language switched to on the sign-in page becomes the account's own: the tab's choice
    would not outlive the reload that follows signing in."""
    chosen = state.tab_language()
    if chosen is not None and chosen != (who.language or i18n.default_language()):
        users.set_language(who, state.engine(), chosen)


def first_admin_page() -> None:
    """A new database has no accounts: create the first administrator."""
    language_switch()
    st.title(_("Create the first administrator"))
    st.write(
        _(
            "This database has no accounts yet. The first account is an administrator, who can "
            "then add coordinators and agency users (`python -m evaluation users add`)."
        )
    )
    with st.form("first_admin"):
        username = st.text_input(_("Username"), key="admin_user")
        email = st.text_input(_("Email (optional, for single sign-on)"), key="admin_email")
        password = st.text_input(
            _("Password (at least 12 characters)"), type="password", key="admin_password"
        )
        again = st.text_input(_("Repeat the password"), type="password", key="admin_again")
        submitted = st.form_submit_button(_("Create and sign in"), type="primary")
    if not submitted:
        return
    if password != again:
        st.error(_("The two passwords differ."))
        return
    try:
        users.create_first_admin(state.engine(), username, password, email)
        token, _actor = sessions.sign_in(
            state.engine(), username, password, datetime.now(UTC), state.client_address()
        )
    except EvaluationError as exc:
        st.error(str(exc))
        return
    state.signed_in(token)
    st.rerun()


def exchanging() -> bool:
    """Whether a new session's token waits to be exchanged for the cookie."""
    return st.session_state.get(state.EXCHANGE_KEY) is not None


def exchange_page() -> None:
    """Right after signing in: the browser exchanges the new session for its cookie and reloads
    this address, which then draws the page; drawing it now would only be thrown away (with
    anything typed or clicked meanwhile)."""
    st.caption(_("Signing in…"))
    if code := st.session_state.pop(state.EXCHANGE_KEY, None):
        _post(server.OPEN_PATH, code)


def language_switch() -> None:
    """Before signing in: the language of this tab (中文 / English), kept across its pages."""
    key = state.keep(state.LANGUAGE_KEY, i18n.language())
    st.segmented_control(
        _("Language"),
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=key,
        label_visibility="collapsed",
    )


def _own_language(actor: Actor) -> None:
    """Keep the language the signed-in person chose in the sidebar with their account."""
    users.set_language(actor, state.engine(), st.session_state.get("account_language"))


def sidebar(actor: Actor) -> None:
    """Who is signed in, their language and the sign-out button."""
    token = st.session_state.get(state.TOKEN_KEY, "")
    role = admin_page.role_word(actor.role)
    if actor.agency:
        who = _(
            "Signed in as **{name}** ({role}, {agency})",
            name=actor.name,
            role=role,
            agency=actor.agency,
        )
    else:
        who = _("Signed in as **{name}** ({role})", name=actor.name, role=role)
    st.sidebar.caption(who)
    languages = list(i18n.LANGUAGES)
    st.sidebar.radio(
        _("Language"),
        languages,
        index=languages.index(i18n.language()),
        format_func=i18n.LANGUAGES.__getitem__,
        key="account_language",
        on_change=_own_language,
        args=(actor,),
        horizontal=True,
    )
    if st.sidebar.button(_("Sign out"), icon=":material/logout:", key="sign_out"):
        sessions.sign_out(state.engine(), token, datetime.now(UTC))
        del st.session_state[state.TOKEN_KEY]
        st.session_state[state.SIGNED_OUT] = True
        st.session_state[state.CLOSE_KEY] = True
        if state.sso_configured() and st.user.get("is_logged_in", False):
            st.logout()
        st.rerun()
