"""What each role may see and do."""

from __future__ import annotations

import pytest

from evaluation.errors import PermissionDeniedError
from evaluation.permissions import Actor, require


def test_coordinators_and_admins_see_everything_agencies_only_themselves() -> None:
    for role in ("admin", "coordinator"):
        viewer = Actor("x", role)  # type: ignore[arg-type]
        assert viewer.sees_everything and viewer.may_see_agency("BK01")
    agency = Actor("bk", "agency", "BK01")
    assert not agency.sees_everything
    assert agency.may_see_agency("BK01") and agency.may_upload_for("BK01")
    assert not agency.may_see_agency("BK02") and not agency.may_upload_for("BK02")


def test_a_refusal_says_who_and_what() -> None:
    with pytest.raises(PermissionDeniedError, match=r"bk \(agency, BK01\) may not publish"):
        require(False, Actor("bk", "agency", "BK01"), "publish evaluations")
    require(True, Actor("bk", "agency", "BK01"), "see its own profile")
