"""Pages other pages link to."""

from __future__ import annotations

import streamlit as st

from evaluation.i18n import N_
from evaluation.ui import profile_page

# The title is an N_ message: str() renders it in the reader's language when the page is built.
PROFILE = (profile_page.render, N_("Agency profile"), "agency", ":material/apartment:")


def profile() -> st.Page:
    """The agency profile page (linked to from tables)."""
    render, title, url_path, icon = PROFILE
    return st.Page(render, title=str(title), url_path=url_path, icon=icon)
