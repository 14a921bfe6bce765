"""The dashboard's pages and who sees which (used by dashboard.py and by links between pages)."""

from __future__ import annotations

import streamlit as st

from evaluation.permissions import Actor
from evaluation.ui import (
    account_pages,
    admin_page,
    audit_page,
    framework_page,
    indicators_page,
    links,
    overview_page,
    publish_page,
    rankings_page,
    submissions_page,
    upload_page,
    weights_page,
    welcome_page,
)

PAGES = (
    (overview_page.render, "Overview", "overview", ":material/dashboard:"),
    (rankings_page.render, "Rankings", "rankings", ":material/leaderboard:"),
    links.PROFILE,
    (indicators_page.render, "Indicators", "indicators", ":material/grid_on:"),
    (submissions_page.render, "Submissions", "submissions", ":material/event_available:"),
    (upload_page.render, "Upload", "upload", ":material/upload_file:"),
    (framework_page.render, "Framework", "framework", ":material/account_tree:"),
    (publish_page.render, "Publish", "publish", ":material/campaign:"),
    (weights_page.render, "Weights", "weights", ":material/tune:"),
    (audit_page.render, "Audit", "audit", ":material/policy:"),
    (admin_page.render, "Administration", "admin", ":material/admin_panel_settings:"),
)
ADMIN_PAGES = {"audit", "admin"}
AGENCY_PAGES = {"rankings", "agency", "upload", "framework"}


def allowed_paths(viewer: Actor) -> list[str]:
    """The url paths of the pages a viewer may open, in menu order."""
    return [
        p[2]
        for p in PAGES
        if (viewer.role == "admin" or p[2] not in ADMIN_PAGES)
        and (viewer.sees_everything or p[2] in AGENCY_PAGES)
    ]


def visible(viewer: Actor | None, has_users: bool, empty: bool) -> list[st.Page]:
    """The pages this viewer may open: set-up and sign-in first, the welcome page while empty."""
    if not has_users:
        return [st.Page(account_pages.first_admin_page, title="Set up", default=True)]
    if viewer is None:
        return [st.Page(account_pages.sign_in_page, title="Sign in", default=True)]
    if empty:
        return [st.Page(welcome_page.render, title="Welcome", url_path="welcome", default=True)]
    allowed = [p for p in PAGES if p[2] in allowed_paths(viewer)]
    return [
        st.Page(render, title=title, url_path=url_path, icon=icon, default=k == 0)
        for k, (render, title, url_path, icon) in enumerate(allowed)
    ]
