"""The dashboard's pages, each declaring the permission that opens it; the menu of each actor is
derived from the same role -> permissions table the services check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from evaluation.i18n import N_, Text, _
from evaluation.permissions import Actor, Permission, Role
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
    label: Text  # an N_ message, rendered when read: the menu is in each reader's language
    url_path: str
    icon: str
    permission: Permission

    @property
    def title(self) -> str:
        """The page's title in the reader's language."""
        return str(self.label)


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        overview_page.render,
        N_("Overview"),
        "overview",
        ":material/dashboard:",
        Permission.SEE_DRAFTS,
    ),
    PageSpec(
        rankings_page.render,
        N_("Rankings"),
        "rankings",
        ":material/leaderboard:",
        Permission.SEE_PUBLISHED,
    ),
    PageSpec(*links.PROFILE, Permission.SEE_AGENCY),
    PageSpec(
        indicators_page.render,
        N_("Indicators"),
        "indicators",
        ":material/grid_on:",
        Permission.SEE_DRAFTS,
    ),
    PageSpec(
        submissions_page.render,
        N_("Submissions"),
        "submissions",
        ":material/event_available:",
        Permission.SEE_DRAFTS,
    ),
    PageSpec(
        upload_page.render,
        N_("Upload"),
        "upload",
        ":material/upload_file:",
        Permission.UPLOAD_FIGURES,
    ),
    PageSpec(
        framework_page.render,
        N_("Framework"),
        "framework",
        ":material/account_tree:",
        Permission.SEE_FRAMEWORK,
    ),
    PageSpec(
        publish_page.render, N_("Publish"), "publish", ":material/campaign:", Permission.PUBLISH
    ),
    PageSpec(
        weights_page.render, N_("Weights"), "weights", ":material/tune:", Permission.ANALYSE_WEIGHTS
    ),
    PageSpec(audit_page.render, N_("Audit"), "audit", ":material/policy:", Permission.READ_AUDIT),
    PageSpec(
        admin_page.render,
        N_("Administration"),
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


HOME = "home"  # the root's page: it opens the actor's first page
ICON = Path(__file__).parent / "static" / "shield.svg"  # served by this server, not a CDN


def _page(spec: PageSpec) -> st.Page:
    """The menu entry of a page; its url path is the same for every role."""
    return st.Page(spec.render, title=spec.title, url_path=spec.url_path, icon=spec.icon)


def _home(first: PageSpec) -> st.Page:
    """The root address, hidden from the menu: it switches to the actor's first page and keeps
    the address's query parameters (/?period=2026-Q3 opens that page on 2026 Q3)."""
    target = _page(first)

    def home() -> None:
        st.switch_page(target, query_params=st.query_params.to_dict())

    return st.Page(home, title=first.title, url_path=HOME, default=True, visibility="hidden")


def _closed(spec: PageSpec, reason: str, instead: st.Page) -> st.Page:
    """A page this actor may not open now, at its usual address: the reason and a link to a
    page they may open, never another page's content."""

    def closed() -> None:
        st.title(spec.title)
        st.error(reason)
        st.page_link(instead, label=_("Go to {page}", page=instead.title), icon=instead.icon)

    return st.Page(
        closed, title=spec.title, url_path=spec.url_path, icon=spec.icon, visibility="hidden"
    )


def _signing_in(spec: PageSpec) -> st.Page:
    """Signed out, every page's address shows the sign-in form; once signed in, the same
    address shows the page (a link someone sent survives signing in)."""
    return st.Page(
        account_pages.sign_in_page, title=_("Sign in"), url_path=spec.url_path, visibility="hidden"
    )


def _exchanging() -> list[st.Page]:
    """Every address, while a new session is exchanged for its cookie, waits for the reload
    that follows (at the same address, which then shows its page)."""
    wait = account_pages.exchange_page
    return [
        st.Page(wait, title=_("Signing in"), url_path=HOME, default=True),
        st.Page(wait, title=_("Welcome"), url_path="welcome", visibility="hidden"),
        *(st.Page(wait, title=s.title, url_path=s.url_path, visibility="hidden") for s in PAGES),
    ]


def _not_open(page: Text, role: Role) -> str:
    """Why a page is closed to a role, in a sentence."""
    if role == "admin":
        return _("The {page} page is not open to admin accounts.", page=page)
    if role == "coordinator":
        return _("The {page} page is not open to coordinator accounts.", page=page)
    if role == "agency":
        return _("The {page} page is not open to agency accounts.", page=page)
    return _("The {page} page is not open to auditor accounts.", page=page)


def visible(actor: Actor | None, has_users: bool, empty: bool) -> list[st.Page]:
    """The pages this actor may open: set-up and sign-in first, then, while no agency is
    registered, the welcome page for those who can set the data up. Every page keeps its
    url path whoever looks; the root opens the actor's first page; the pages an actor may not
    open say so at their address."""
    if not has_users:
        return [st.Page(account_pages.first_admin_page, title=_("Set up"), default=True)]
    if actor is None:
        sign_in = st.Page(account_pages.sign_in_page, title=_("Sign in"), default=True)
        return [sign_in, *(_signing_in(spec) for spec in PAGES)]
    if account_pages.exchanging():
        return _exchanging()
    if empty and any(actor.may(p) for p in welcome_page.PERMISSIONS):
        welcome = st.Page(welcome_page.render, title=_("Welcome"), url_path="welcome", default=True)
        reason = _("Nothing is stored yet: load the demo or register the agencies first.")
        return [welcome, *(_closed(spec, reason, welcome) for spec in PAGES)]
    menu = allowed_pages(actor)  # every role opens at least one page
    closed = [
        _closed(spec, _not_open(spec.title, actor.role), _page(menu[0]))
        for spec in PAGES
        if not actor.may(spec.permission)
    ]
    return [_home(menu[0]), *(_page(spec) for spec in menu), *closed]
