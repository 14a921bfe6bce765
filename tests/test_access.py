"""What each role may see and do."""

from __future__ import annotations

import pytest

from evaluation.access import Viewer, require
from evaluation.errors import PermissionDeniedError


def test_coordinators_and_admins_see_everything_agencies_only_themselves() -> None:
    for role in ("admin", "coordinator"):
        viewer = Viewer("x", role)  # type: ignore[arg-type]
        assert viewer.sees_everything and viewer.may_see_agency("BK01")
    agency = Viewer("bk", "agency", "BK01")
    assert not agency.sees_everything
    assert agency.may_see_agency("BK01") and agency.may_upload_for("BK01")
    assert not agency.may_see_agency("BK02") and not agency.may_upload_for("BK02")


def test_a_refusal_says_who_and_what() -> None:
    with pytest.raises(PermissionDeniedError, match=r"bk \(agency, BK01\) may not publish"):
        require(False, Viewer("bk", "agency", "BK01"), "publish evaluations")
    require(True, Viewer("bk", "agency", "BK01"), "see its own profile")
