"""The role -> permissions table, proved through the services: for every role and every
permission, the use case that needs it is refused exactly when the table says so."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from evaluation.errors import EvaluationError, PermissionDeniedError
from evaluation.framework import Framework
from evaluation.permissions import (
    ROLE_PERMISSIONS,
    ROLES,
    Actor,
    Permission,
    console,
    require,
    require_for,
)
from evaluation.services import (
    admin,
    analysis,
    bulletin,
    demo,
    pages,
    profile,
    publication,
    uploads,
    users,
)
from evaluation.services import store as stored
from evaluation.ui import pages as ui_pages

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
ACTORS = {
    "agency": Actor("bank1", "agency", "BK01"),
    "coordinator": Actor("cora", "coordinator"),
    "admin": Actor("ada", "admin"),
    "auditor": Actor("otto", "auditor"),
    "console": console(),
}


class World:
    """A demo store and what the probes need from it."""

    def __init__(self, url: str, framework: Framework) -> None:
        self.engine = stored.open_store(url)
        demo.load_demo(console(), self.engine, framework, TODAY, with_accounts=False)
        self.framework = framework
        self.dataset = stored.load_dataset(self.engine)
        self.evaluation = stored.stored_evaluation(self.engine, framework, "2026-09")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from evaluation.framework import load_framework

    url = f"sqlite:///{tmp_path_factory.mktemp('permissions') / 'evaluation.db'}"
    made = World(url, load_framework(ROOT / "indicators.yaml"))
    yield made
    made.engine.dispose()


def _figures(code: str) -> bytes:
    return f"agency_code,period,loss_reported\n{code},2026-09,1000\n".encode()


# One use case per permission; agency-scoped ones act on another agency than the agency user's
# own under EVERY_AGENCY, and on the agency user's own agency otherwise.
PROBES: dict[Permission, Callable[[Actor, World], Any]] = {
    Permission.SEE_AGENCY: lambda a, w: profile.agency_profile(
        a, w.dataset, w.evaluation, pd.DataFrame(), a.agency or "BK02", NOW
    ),
    Permission.UPLOAD_FIGURES: lambda a, w: uploads.preview_upload(
        a, w.engine, w.framework, _figures(a.agency or "BK02"), "f.csv", a.agency, TODAY
    ),
    Permission.EVERY_AGENCY: lambda a, w: profile.agency_profile(
        a, w.dataset, w.evaluation, pd.DataFrame(), "BK02", NOW
    ),
    Permission.SEE_PUBLISHED: lambda a, w: publication.published_league(a, w.engine, "2026-09"),
    Permission.SEE_FRAMEWORK: lambda a, w: pages.framework_tree(a, w.framework),
    Permission.SEE_DRAFTS: lambda a, w: pages.league_table(a, w.evaluation, None),
    Permission.PUBLISH: lambda a, w: publication.publish(a, w.engine, w.framework, "2026-09"),
    Permission.ANALYSE_WEIGHTS: lambda a, w: analysis.weight_suggestions(a, w.evaluation),
    Permission.LOAD_DEMO: lambda a, w: demo.create_demo_accounts(a, w.engine),
    Permission.MANAGE_AGENCIES: lambda a, w: admin.set_agency_active(a, w.engine, "BK03", True),
    Permission.MANAGE_ACCOUNTS: lambda a, w: users.list_users(a, w.engine),
    Permission.MANAGE_FRAMEWORK: lambda a, w: admin.reload_framework(
        a, w.engine, ROOT / "indicators.yaml"
    ),
    Permission.READ_AUDIT: lambda a, w: admin.audit_trail(a, w.engine, None, None, None, None),
}


def test_every_permission_has_a_probe_and_every_role_a_row() -> None:
    assert set(PROBES) == set(Permission)
    assert set(ROLES) | {"console"} == set(ROLE_PERMISSIONS)


@pytest.mark.parametrize("permission", list(Permission), ids=str)
@pytest.mark.parametrize("role", list(ACTORS))
def test_the_services_refuse_exactly_what_the_table_withholds(
    world: World, role: str, permission: Permission
) -> None:
    actor = ACTORS[role]
    if permission in ROLE_PERMISSIONS[actor.role]:
        try:
            PROBES[permission](actor, world)
        except PermissionDeniedError:
            raise
        except EvaluationError:
            pass  # refused for another reason (say, the demo accounts exist): past the check
    else:
        with pytest.raises(PermissionDeniedError, match=f"^{actor.name} \\({actor.role}"):
            PROBES[permission](actor, world)


def test_the_menu_is_the_table_and_every_page_declares_a_permission() -> None:
    for role, actor in ACTORS.items():
        granted = ROLE_PERMISSIONS[actor.role]
        shown = ui_pages.allowed_paths(actor)
        assert shown == [p.url_path for p in ui_pages.PAGES if p.permission in granted], role
    assert ui_pages.allowed_paths(ACTORS["agency"]) == ["rankings", "agency", "upload", "framework"]
    assert "audit" not in ui_pages.allowed_paths(ACTORS["coordinator"])
    # Separation of duties: accounts without the audit log, the audit log without anything else.
    assert "audit" not in ui_pages.allowed_paths(ACTORS["admin"])
    assert ui_pages.allowed_paths(ACTORS["auditor"]) == ["audit"]


def test_agency_scoped_permissions_hold_for_one_agency_only() -> None:
    agency = ACTORS["agency"]
    assert agency.may_for(Permission.UPLOAD_FIGURES, "BK01")
    assert not agency.may_for(Permission.UPLOAD_FIGURES, "BK02")
    assert ACTORS["coordinator"].may_for(Permission.UPLOAD_FIGURES, "BK02")
    with pytest.raises(PermissionDeniedError, match=r"bank1 \(agency, BK01\) may not see BK02"):
        require_for(agency, Permission.SEE_AGENCY, "BK02", "see BK02")


def test_a_refusal_says_who_and_what() -> None:
    with pytest.raises(PermissionDeniedError, match=r"bk \(agency, BK01\) may not publish"):
        require(Actor("bk", "agency", "BK01"), Permission.PUBLISH, "publish evaluations")
    require(Actor("bk", "agency", "BK01"), Permission.SEE_AGENCY, "see its own profile")


# The documents of a publication: the bulletin and every letter for those who publish; one
# letter for whoever may see published results and that agency.
DOCUMENTS: dict[str, Callable[[Actor, World], Any]] = {
    "bulletin": lambda a, w: bulletin.bulletin(a, w.engine, w.framework, "2026-09", fmt="docx"),
    "letters": lambda a, w: bulletin.letters_zip(a, w.engine, w.framework, "2026-09", fmt="docx"),
    "own letter": lambda a, w: bulletin.letter(
        a, w.engine, w.framework, "2026-09", a.agency or "BK01", fmt="docx"
    ),
    "another's letter": lambda a, w: bulletin.letter(
        a, w.engine, w.framework, "2026-09", "BK02", fmt="docx"
    ),
}
MAY_MAKE = {
    "bulletin": {"coordinator", "admin", "console"},
    "letters": {"coordinator", "admin", "console"},
    "own letter": {"coordinator", "admin", "console", "agency"},
    "another's letter": {"coordinator", "admin", "console"},
}


@pytest.fixture(scope="module")
def published(world: World) -> World:
    """The world with 2026-09 published (the PUBLISH probe may have published it already)."""
    if publication.published_league(console(), world.engine, "2026-09") is None:
        publication.publish(console(), world.engine, world.framework, "2026-09")
    return world


@pytest.mark.parametrize("document", list(DOCUMENTS))
@pytest.mark.parametrize("role", list(ACTORS))
def test_documents_are_made_only_for_those_who_may_read_them(
    published: World, role: str, document: str
) -> None:
    actor = ACTORS[role]
    if role in MAY_MAKE[document]:
        made = DOCUMENTS[document](actor, published)
        assert made[:2] == b"PK"  # a Word file, or a ZIP of them
    else:
        with pytest.raises(PermissionDeniedError, match=f"^{actor.name} \\({actor.role}"):
            DOCUMENTS[document](actor, published)
