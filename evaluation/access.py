"""Who is looking: a viewer's role and agency, and what that lets them see and do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from evaluation.errors import PermissionDeniedError

Role = Literal["admin", "coordinator", "agency"]
ROLES: tuple[Role, ...] = ("admin", "coordinator", "agency")


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: name, role and, for agency users, the agency they belong to."""

    name: str
    role: Role
    agency: str | None = None

    @property
    def sees_everything(self) -> bool:
        """Admins and coordinators see every agency, draft and upload."""
        return self.role in ("admin", "coordinator")

    def may_see_agency(self, code: str) -> bool:
        """Whether this viewer may see an agency's figures, explanations and uploads."""
        return self.sees_everything or self.agency == code

    def may_upload_for(self, code: str) -> bool:
        """Whether this viewer may upload figures for an agency."""
        return self.may_see_agency(code)


def require(allowed: bool, viewer: Viewer, what: str) -> None:
    """Refuse with a plain message when `allowed` is false."""
    if not allowed:
        who = f"{viewer.name} ({viewer.role}{', ' + viewer.agency if viewer.agency else ''})"
        raise PermissionDeniedError(f"{who} may not {what}")
