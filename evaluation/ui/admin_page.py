"""Administration: accounts, agencies and the framework file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from evaluation import display, i18n
from evaluation.errors import EvaluationError, FrameworkError
from evaluation.i18n import N_, Message, _, _n
from evaluation.permissions import ROLES, Permission
from evaluation.services import admin, users
from evaluation.settings import setting
from evaluation.ui import cache, state

# The roles in words for people (the role ids stay in the database and the CLI).
ROLE_WORDS: dict[str, Message] = {
    "admin": N_("administrator"),
    "coordinator": N_("coordinator"),
    "agency": N_("agency user"),
    "auditor": N_("auditor"),
}


def role_word(role: object) -> str:
    """A role in the reader's words (`agency` -> agency user / 成员单位用户)."""
    word = ROLE_WORDS.get(str(role))
    return str(role) if word is None else str(word)


def time_text(moment: object) -> str:
    """A stored time as the reader writes it, in the office's zone; – when there is none."""
    if not isinstance(moment, datetime) or pd.isna(moment):
        return display.EMPTY
    return i18n.when(moment)


def _agency_names(ctx: state.Context) -> dict[str, str]:
    """Agency code -> name in the reader's language."""
    agencies = ctx.data.agencies
    return {
        str(code): i18n.name(en, zh)
        for code, en, zh in zip(
            agencies["code"], agencies["name"], agencies["name_zh"], strict=True
        )
    }


def _accounts_table(ctx: state.Context) -> None:
    """Every account, in words: roles, languages, times in the office's zone."""
    frame = users.list_users(ctx.actor, state.engine()).copy()
    names = _agency_names(ctx)
    frame["role"] = frame["role"].map(role_word)
    frame["agency_name"] = frame["agency_code"].map(lambda c: names.get(str(c), ""))
    frame["language"] = frame["language"].map(lambda v: i18n.LANGUAGES.get(str(v), display.EMPTY))
    for column in ("created_at", "password_changed_at"):
        frame[column] = frame[column].map(time_text)
    titles = {
        "username": _("Username"),
        "role": _("Role"),
        "agency_code": _("Agency code"),
        "agency_name": _("Agency"),
        "email": _("Email"),
        "language": _("Language"),
        "active": _("Active"),
        "demo": _("Demo account"),
        "created_at": _("Created"),
        "password_changed_at": _("Password changed"),
    }
    st.dataframe(
        frame,
        hide_index=True,
        key="users",
        column_order=[c for c in titles if c in frame.columns],
        column_config={c: st.column_config.Column(t) for c, t in titles.items()},
    )


def _add_account(ctx: state.Context) -> None:
    """The form adding an account."""
    engine = state.engine()
    names = _agency_names(ctx)
    with st.form(key="add_user", clear_on_submit=True):
        st.write(_("**Add an account**"))
        left, middle, right = st.columns(3)
        username = left.text_input(_("Username"), key="new_user")
        role = middle.selectbox(_("Role"), ROLES, index=1, format_func=role_word, key="new_role")
        agency = right.selectbox(
            _("Agency (agency users)"),
            [None, *ctx.data.agencies["code"]],
            format_func=lambda c: _("None") if c is None else f"{c} {names.get(str(c), '')}",
            key="new_agency",
        )
        email = left.text_input(_("Email (for single sign-on)"), key="new_email")
        password = middle.text_input(_("Password"), type="password", key="new_password")
        if st.form_submit_button(_("Add account")):
            try:
                users.create_user(
                    ctx.actor, engine, username, role, password, agency=agency, email=email
                )
            except EvaluationError as exc:
                st.error(str(exc))
            else:
                st.success(_("Added {role} {username}.", role=role_word(role), username=username))


def _done(action: str, username: str) -> str:
    """What was done to an account, in a sentence."""
    if action == "disable":
        return _("{username}: disable done.", username=username)
    if action == "enable":
        return _("{username}: enable done.", username=username)
    return _("{username}: reset done.", username=username)


def _change_account(ctx: state.Context) -> None:
    """The form disabling, enabling or resetting an account."""
    engine = state.engine()
    with st.form(key="change_user"):
        st.write(_("**Disable, enable or reset an account**"))
        left, middle = st.columns(2)
        username = left.text_input(_("Username"), key="change_user_name")
        password = middle.text_input(
            _("New password (for a reset)"), type="password", key="change_password"
        )
        disable, enable, reset = st.columns(3)
        action = None
        if disable.form_submit_button(_("Disable")):
            action = "disable"
        if enable.form_submit_button(_("Enable")):
            action = "enable"
        if reset.form_submit_button(_("Reset password")):
            action = "reset"
        if action:
            try:
                if action == "reset":
                    users.reset_password(ctx.actor, engine, username, password)
                else:
                    users.set_user_active(ctx.actor, engine, username, action == "enable")
            except EvaluationError as exc:
                st.error(str(exc))
            else:
                st.success(_done(action, username))


def _accounts(ctx: state.Context) -> None:
    """List, add, disable and reset accounts."""
    _accounts_table(ctx)
    _add_account(ctx)
    _change_account(ctx)
    _locks(ctx)


def _locks(ctx: state.Context) -> None:
    """Sign-in locks in force, per account and address, and lifting them."""
    engine = state.engine()
    locks = users.sign_in_locks(ctx.actor, engine, datetime.now(UTC))
    st.write(_("**Sign-in locks**"))
    if locks.empty:
        st.caption(_("No account is locked."))
        return
    st.caption(
        _(
            "{count} lock(s): five failed sign-ins from one address lock that address out of "
            "the account for 15 minutes; the account still opens from other addresses.",
            count=len(locks),
        )
    )
    shown = locks.copy()
    shown["locked_until"] = shown["locked_until"].map(time_text)
    st.dataframe(
        shown,
        hide_index=True,
        key="locks",
        column_config={
            "username": st.column_config.Column(_("Account")),
            "source": st.column_config.Column(_("Address")),
            "locked_until": st.column_config.Column(_("Locked until")),
        },
    )
    chosen = st.selectbox(_("Account"), sorted(set(locks["username"])), key="unlock_user")
    if st.button(_("Unlock"), key="unlock"):
        lifted = users.unlock(ctx.actor, engine, chosen)
        st.success(
            _("{username}: {count} locked address(es) unlocked.", username=chosen, count=lifted)
        )


def _agencies_table(ctx: state.Context) -> None:
    """The registered agencies: one name in the reader's language, types in words."""
    frame = ctx.data.agencies.rename(columns={"name": "agency_name", "name_zh": "agency_name_zh"})
    frame = display.agency_names(frame)
    frame["type"] = frame["type"].map(lambda t: display.type_label(ctx.framework, t))
    st.dataframe(
        frame,
        hide_index=True,
        key="agencies",
        column_config={
            "code": st.column_config.Column(_("Code")),
            "agency_name": st.column_config.Column(_("Agency")),
            "type": st.column_config.Column(_("Type")),
            "active": st.column_config.Column(_("In the evaluation")),
            "synthetic": st.column_config.Column(_("Synthetic")),
        },
    )


def _agencies(ctx: state.Context) -> None:
    """Register agencies from a file; take one out of the evaluation or back in."""
    _agencies_table(ctx)
    file = st.file_uploader(
        _("Register agencies (code, name, name_zh, type)"), type=["csv", "xlsx"]
    )
    if file is not None and st.button(_("Register")):
        try:
            added = admin.register_agencies(
                ctx.actor, state.engine(), ctx.framework, file.getvalue(), file.name
            )
        except EvaluationError as exc:
            st.error(str(exc))
        else:
            st.success(
                _n("{count} new agency registered.", "{count} new agencies registered.", added)
            )
    names = _agency_names(ctx)
    code = st.selectbox(
        _("Agency"),
        list(ctx.data.agencies["code"]),
        format_func=lambda c: f"{c} {names.get(str(c), '')}",
        key="agency_toggle",
    )
    out, back = st.columns(2)
    for column, active, label in (
        (out, False, _("Take out of the evaluation")),
        (back, True, _("Bring back")),
    ):
        if code and column.button(label, key=f"agency_{active}"):
            admin.set_agency_active(ctx.actor, state.engine(), code, active)
            st.rerun()


def _replace(ctx: state.Context, path: Path) -> None:
    """Validate an uploaded framework file and, when it is valid, put it in force."""
    new = st.file_uploader(_("Replace with a new indicators.yaml"), type=["yaml", "yml"])
    if new is None or not st.button(_("Validate and replace"), type="primary"):
        return
    try:
        text = new.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        st.error(
            _(
                "{file} is not UTF-8 text; save it as UTF-8 (the encoding of "
                "indicators.yaml) and upload it again. Nothing was written.",
                file=new.name,
            )
        )
        return
    try:
        framework, backup = admin.replace_framework(
            ctx.actor, state.engine(), path, text, datetime.now(UTC)
        )
    except FrameworkError as exc:
        st.error(_("{file} is invalid; nothing was written.", file=new.name))
        st.code("\n".join(str(p) for p in exc.problems), language="text")
    except EvaluationError as exc:
        st.error(_("{file}: {error}", file=new.name, error=str(exc)))
    else:
        st.success(
            _(
                "Replaced. New fingerprint `{fingerprint}`; the previous file is kept as "
                "`{backup}`.",
                fingerprint=framework.short_fingerprint,
                backup=backup,
            )
        )


def _framework(ctx: state.Context) -> None:
    """Reload the file, or replace it with a validated new one (the old one is backed up)."""
    path = Path(setting("INDICATORS_FILE"))
    st.write(
        _(
            "In force: `{path}` · fingerprint `{fingerprint}`",
            path=path,
            fingerprint=ctx.framework.short_fingerprint,
        )
    )
    if st.button(_("Reload from disk"), icon=":material/refresh:", key="reload_framework"):
        admin.reload_framework(ctx.actor, state.engine(), path)
        cache.framework_status.clear()
        cache.served_framework.clear()
        st.rerun()
    _replace(ctx, path)


def render() -> None:
    """Accounts, agencies and the framework file, for administrators."""
    ctx = state.context()
    if ctx is None:
        return
    st.title(_("Administration"))
    if not ctx.actor.may(Permission.MANAGE_ACCOUNTS):
        st.error(_("Only administrators manage accounts, agencies and the framework file."))
        return
    accounts, agencies, framework = st.tabs([_("Accounts"), _("Agencies"), _("Framework file")])
    with accounts:
        _accounts(ctx)
    with agencies:
        _agencies(ctx)
    with framework:
        _framework(ctx)
