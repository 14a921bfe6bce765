"""Pages the Overview links to that links.py does not declare yet."""

from __future__ import annotations

import streamlit as st

from evaluation.i18n import N_
from evaluation.ui import submissions_page

# The same title, url path and icon as the Submissions entry of evaluation/ui/pages.py, so the
# link resolves to the page the menu registers.
SUBMISSIONS = (
    submissions_page.render,
    N_("Submissions"),
    "submissions",
    ":material/event_available:",
)


def submissions() -> st.Page:
    """The Submissions page (linked to from the Overview's late and missing agencies)."""
    render, title, url_path, icon = SUBMISSIONS
    return st.Page(render, title=str(title), url_path=url_path, icon=icon)
