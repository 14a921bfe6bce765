"""First run: an empty database offers the synthetic demo or the city's own agencies."""

from __future__ import annotations

from datetime import date

import streamlit as st

from evaluation.errors import EvaluationError
from evaluation.permissions import Permission
from evaluation.services import admin
from evaluation.services import demo as demo_data
from evaluation.ui import components, state

# Who the welcome page is for: those who can load the demo or register agencies.
PERMISSIONS = (Permission.LOAD_DEMO, Permission.MANAGE_AGENCIES)


def render() -> None:
    """Load the demo, or register the agencies from a file."""
    actor = state.actor()
    framework = state.current_framework()
    if framework is None or actor is None:
        return
    st.title("Welcome")
    st.write(
        "The database is empty. Load the Y-city demo to look around, or start with your own "
        "agencies."
    )
    demo, own = st.columns(2, border=True)
    demo.subheader("Y-city demo")
    demo.write(
        "About 30 agencies of every type with 36 months of figures, late and missing "
        "submissions, revisions and a red-line event. Everything is synthetic and marked so."
    )
    if demo.button("Load the demo data", type="primary", icon=":material/science:"):
        with st.status("Loading the demo data…", expanded=True) as progress:
            st.write("Generating 36 months of figures from a fixed seed…")
            made = demo_data.load_demo(actor, state.engine(), framework, date.today()).accounts
            progress.update(label="Demo data loaded", state="complete")
        st.session_state[components.DEMO_PASSWORDS] = [
            (a.username, a.password, a.role, a.agency or "") for a in made
        ]
        st.rerun()
    own.subheader("Start with your agencies")
    own.write(
        "Upload a CSV or XLSX with the columns `code`, `name`, `name_zh` (optional) and "
        "`type` (one of: " + ", ".join(framework.type_ids()) + ")."
    )
    own.download_button(
        "Download an agencies template (CSV)",
        admin.agencies_template(framework),
        file_name="agencies.csv",
        mime="text/csv",
        on_click="ignore",
    )
    agencies = own.file_uploader("Agencies file", type=["csv", "xlsx"], key="agencies_file")
    if agencies is not None and own.button("Register these agencies"):
        try:
            added = admin.register_agencies(
                actor, state.engine(), framework, agencies.getvalue(), agencies.name
            )
        except EvaluationError as exc:
            own.error(str(exc))
            return
        st.toast(f"{added} agencies registered")
        st.rerun()
