"""Pages other pages link to."""

from __future__ import annotations

import streamlit as st

from evaluation.ui import profile_page

PROFILE = (profile_page.render, "Agency profile", "agency", ":material/apartment:")


def profile() -> st.Page:
    """The agency profile page (linked to from tables)."""
    render, title, url_path, icon = PROFILE
    return st.Page(render, title=title, url_path=url_path, icon=icon)
