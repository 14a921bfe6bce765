"""Administration: accounts, agencies and the framework file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from evaluation.errors import EvaluationError, FrameworkError
from evaluation.permissions import ROLES, Permission
from evaluation.services import admin, users
from evaluation.settings import setting
from evaluation.ui import cache, state


def _accounts(ctx: state.Context) -> None:
    """List, add, disable and reset accounts."""
    engine = state.engine()
    st.dataframe(users.list_users(ctx.actor, engine), hide_index=True, key="users")
    with st.form("add_user", clear_on_submit=True):
        st.write("**Add an account**")
        left, middle, right = st.columns(3)
        username = left.text_input("Username", key="new_user")
        role = middle.selectbox("Role", ROLES, index=1, key="new_role")
        agency = right.selectbox(
            "Agency (agency users)", [None, *ctx.data.agencies["code"]], key="new_agency"
        )
        email = left.text_input("Email (for single sign-on)", key="new_email")
        password = middle.text_input("Password", type="password", key="new_password")
        if st.form_submit_button("Add account"):
            try:
                users.create_user(
                    ctx.actor, engine, username, role, password, agency=agency, email=email
                )
            except EvaluationError as exc:
                st.error(str(exc))
            else:
                st.success(f"Added {role} {username}.")
    with st.form("change_user"):
        st.write("**Disable, enable or reset an account**")
        left, middle = st.columns(2)
        username = left.text_input("Username", key="change_user_name")
        password = middle.text_input(
            "New password (for a reset)", type="password", key="change_password"
        )
        disable, enable, reset = st.columns(3)
        action = None
        if disable.form_submit_button("Disable"):
            action = "disable"
        if enable.form_submit_button("Enable"):
            action = "enable"
        if reset.form_submit_button("Reset password"):
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
                st.success(f"{username}: {action} done.")
    _locks(ctx)


def _locks(ctx: state.Context) -> None:
    """Sign-in locks in force, per account and address, and lifting them."""
    engine = state.engine()
    locks = users.sign_in_locks(ctx.actor, engine, datetime.now(UTC))
    st.write("**Sign-in locks**")
    if locks.empty:
        st.caption("No account is locked.")
        return
    st.caption(
        f"{len(locks)} lock(s): five failed sign-ins from one address lock that address out of "
        "the account for 15 minutes; the account still opens from other addresses."
    )
    st.dataframe(locks, hide_index=True, key="locks")
    chosen = st.selectbox("Account", sorted(set(locks["username"])), key="unlock_user")
    if st.button("Unlock", key="unlock"):
        lifted = users.unlock(ctx.actor, engine, chosen)
        st.success(f"{chosen}: {lifted} locked address(es) unlocked.")


def _agencies(ctx: state.Context) -> None:
    """Register agencies from a file; take one out of the evaluation or back in."""
    st.dataframe(ctx.data.agencies, hide_index=True, key="agencies")
    file = st.file_uploader("Register agencies (code, name, name_zh, type)", type=["csv", "xlsx"])
    if file is not None and st.button("Register"):
        try:
            added = admin.register_agencies(
                ctx.actor, state.engine(), ctx.framework, file.getvalue(), file.name
            )
        except EvaluationError as exc:
            st.error(str(exc))
        else:
            st.success(f"{added} new agencies registered.")
    code = st.selectbox("Agency", list(ctx.data.agencies["code"]), key="agency_toggle")
    out, back = st.columns(2)
    for column, active, label in (
        (out, False, "Take out of the evaluation"),
        (back, True, "Bring back"),
    ):
        if code and column.button(label, key=f"agency_{active}"):
            admin.set_agency_active(ctx.actor, state.engine(), code, active)
            st.rerun()


def _framework(ctx: state.Context) -> None:
    """Reload the file, or replace it with a validated new one (the old one is backed up)."""
    path = Path(setting("INDICATORS_FILE"))
    st.write(f"In force: `{path}` · fingerprint `{ctx.framework.short_fingerprint}`")
    if st.button("Reload from disk", icon=":material/refresh:", key="reload_framework"):
        admin.reload_framework(ctx.actor, state.engine(), path)
        cache.framework_status.clear()
        cache.served_framework.clear()
        st.rerun()
    new = st.file_uploader("Replace with a new indicators.yaml", type=["yaml", "yml"])
    if new is not None and st.button("Validate and replace", type="primary"):
        try:
            text = new.getvalue().decode("utf-8")
        except UnicodeDecodeError:
            st.error(
                f"{new.name} is not UTF-8 text; save it as UTF-8 (the encoding of "
                "indicators.yaml) and upload it again. Nothing was written."
            )
            return
        try:
            framework, backup = admin.replace_framework(
                ctx.actor, state.engine(), path, text, datetime.now(UTC)
            )
        except FrameworkError as exc:
            st.error(f"{new.name} is invalid; nothing was written.")
            st.code("\n".join(str(p) for p in exc.problems), language="text")
        except EvaluationError as exc:
            st.error(f"{new.name}: {exc}")
        else:
            st.success(
                f"Replaced. New fingerprint `{framework.short_fingerprint}`; the previous file "
                f"is kept as `{backup}`."
            )


def render() -> None:
    """Accounts, agencies and the framework file, for administrators."""
    ctx = state.context()
    if ctx is None:
        return
    st.title("Administration")
    if not ctx.actor.may(Permission.MANAGE_ACCOUNTS):
        st.error("Only administrators manage accounts, agencies and the framework file.")
        return
    accounts, agencies, framework = st.tabs(["Accounts", "Agencies", "Framework file"])
    with accounts:
        _accounts(ctx)
    with agencies:
        _agencies(ctx)
    with framework:
        _framework(ctx)
