"""The dashboard's pages, each declaring the permission that opens it; the menu of each actor is
derived from the same role -> permissions table the services check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from evaluation.permissions import Actor, Permission
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


@dataclass(frozen=True)
class PageSpec:
    """A page of the menu: what renders it, its title, url path, icon and the permission it
    needs."""

    render: Callable[[], None]
    title: str
    url_path: str
    icon: str
    permission: Permission


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        overview_page.render, "Overview", "overview", ":material/dashboard:", Permission.SEE_DRAFTS
    ),
    PageSpec(
        rankings_page.render,
        "Rankings",
        "rankings",
        ":material/leaderboard:",
        Permission.SEE_PUBLISHED,
    ),
    PageSpec(*links.PROFILE, Permission.SEE_AGENCY),
    PageSpec(
        indicators_page.render,
        "Indicators",
        "indicators",
        ":material/grid_on:",
        Permission.SEE_DRAFTS,
    ),
    PageSpec(
        submissions_page.render,
        "Submissions",
        "submissions",
        ":material/event_available:",
        Permission.SEE_DRAFTS,
    ),
    PageSpec(
        upload_page.render, "Upload", "upload", ":material/upload_file:", Permission.UPLOAD_FIGURES
    ),
    PageSpec(
        framework_page.render,
        "Framework",
        "framework",
        ":material/account_tree:",
        Permission.SEE_FRAMEWORK,
    ),
    PageSpec(publish_page.render, "Publish", "publish", ":material/campaign:", Permission.PUBLISH),
    PageSpec(
        weights_page.render, "Weights", "weights", ":material/tune:", Permission.ANALYSE_WEIGHTS
    ),
    PageSpec(audit_page.render, "Audit", "audit", ":material/policy:", Permission.READ_AUDIT),
    PageSpec(
        admin_page.render,
        "Administration",
        "admin",
        ":material/admin_panel_settings:",
        Permission.MANAGE_ACCOUNTS,
    ),
)


def allowed_pages(actor: Actor) -> list[PageSpec]:
    """The pages an actor may open, in menu order."""
    return [page for page in PAGES if actor.may(page.permission)]


def allowed_paths(actor: Actor) -> list[str]:
    """The url paths of the pages an actor may open, in menu order."""
    return [page.url_path for page in allowed_pages(actor)]


def visible(actor: Actor | None, has_users: bool, empty: bool) -> list[st.Page]:
    """The pages this actor may open: set-up and sign-in first, then, while no agency is
    registered, the welcome page for those who can set the data up."""
    if not has_users:
        return [st.Page(account_pages.first_admin_page, title="Set up", default=True)]
    if actor is None:
        return [st.Page(account_pages.sign_in_page, title="Sign in", default=True)]
    if empty and any(actor.may(p) for p in welcome_page.PERMISSIONS):
        return [st.Page(welcome_page.render, title="Welcome", url_path="welcome", default=True)]
    return [
        st.Page(
            page.render, title=page.title, url_path=page.url_path, icon=page.icon, default=k == 0
        )
        for k, page in enumerate(allowed_pages(actor))
    ]
