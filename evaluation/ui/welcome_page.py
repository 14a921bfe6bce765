"""First run: an empty database offers the synthetic demo or the city's own agencies."""

from __future__ import annotations

import streamlit as st

from evaluation import display, i18n
from evaluation.errors import EvaluationError
from evaluation.framework import Framework
from evaluation.i18n import _, _n
from evaluation.permissions import Permission
from evaluation.services import admin
from evaluation.services import demo as demo_data
from evaluation.ui import components, state

# Who the welcome page is for: those who can load the demo or register agencies.
PERMISSIONS = (Permission.LOAD_DEMO, Permission.MANAGE_AGENCIES)


def _types(framework: Framework) -> str:
    """The agency type ids a file may name (with their labels for a Chinese reader)."""
    if i18n.is_chinese():
        return "、".join(f"{t}（{display.type_label(framework, t)}）" for t in framework.type_ids())
    return ", ".join(framework.type_ids())


def render() -> None:
    """Load the demo, or register the agencies from a file."""
    actor = state.actor()
    framework = state.current_framework()
    if framework is None or actor is None:
        return
    st.title(_("Welcome"))
    st.write(
        _(
            "The database is empty. Load the Y-city demo to look around, or start with your own "
            "agencies."
        )
    )
    demo, own = st.columns(2, border=True)
    demo.subheader(_("Y-city demo"))
    demo.write(
        _(
            "About 30 agencies of every type with 36 months of figures, late and missing "
            "submissions, revisions and a red-line event. Everything is synthetic and marked so."
        )
    )
    if demo.button(_("Load the demo data"), type="primary", icon=":material/science:"):
        with st.status(_("Loading the demo data…"), expanded=True) as progress:
            st.write(_("Generating 36 months of figures from a fixed seed…"))
            made = demo_data.load_demo(actor, state.engine(), framework, i18n.today()).accounts
            progress.update(label=_("Demo data loaded"), state="complete")
        st.session_state[components.DEMO_PASSWORDS] = [
            (a.username, a.password, a.role, a.agency or "") for a in made
        ]
        st.rerun()
    own.subheader(_("Start with your agencies"))
    own.write(
        _(
            "Upload a CSV or XLSX with the columns `code`, `name`, `name_zh` (optional) and "
            "`type` (one of: {types}).",
            types=_types(framework),
        )
    )
    own.download_button(
        _("Download an agencies template (CSV)"),
        admin.agencies_template(framework),
        file_name="agencies.csv",
        mime="text/csv",
        on_click="ignore",
    )
    agencies = own.file_uploader(_("Agencies file"), type=["csv", "xlsx"], key="agencies_file")
    if agencies is not None and own.button(_("Register these agencies")):
        try:
            added = admin.register_agencies(
                actor, state.engine(), framework, agencies.getvalue(), agencies.name
            )
        except EvaluationError as exc:
            own.error(str(exc))
            return
        st.toast(_n("{count} agency registered", "{count} agencies registered", added))
        st.rerun()
