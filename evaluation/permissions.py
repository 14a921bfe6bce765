"""Who may do what: the Permission vocabulary, the one role -> permissions table, and the actor
every use case takes. Services check these; pages declare the one that opens them, and the
menu is derived from the same table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from evaluation.errors import PermissionDeniedError
from evaluation.i18n import N_, Message, Text

Role = Literal["admin", "coordinator", "agency", "auditor", "console"]
# Roles an account can have; the console is the server's own command line, not an account.
ROLES: tuple[str, ...] = ("admin", "coordinator", "agency", "auditor")
CONSOLE = "console"


class Permission(StrEnum):
    """Something an actor may be allowed to do."""

    SEE_AGENCY = "agency.see"  # an agency's profile, figures and uploads
    UPLOAD_FIGURES = "figures.upload"  # upload, and restore earlier versions, for an agency
    EVERY_AGENCY = "agencies.every"  # the two above for every agency, not only one's own
    SEE_PUBLISHED = "results.published"  # the published league table
    SEE_FRAMEWORK = "framework.see"
    SEE_DRAFTS = "results.drafts"  # draft results, overview, indicators, submissions, exports
    PUBLISH = "results.publish"
    ANALYSE_WEIGHTS = "weights.analyse"  # what-if, suggestions, uncertainty, sensitivity
    LOAD_DEMO = "demo.load"
    MANAGE_AGENCIES = "agencies.manage"
    MANAGE_ACCOUNTS = "accounts.manage"
    MANAGE_FRAMEWORK = "framework.manage"  # replace or reload the framework file
    READ_AUDIT = "audit.read"


_AGENCY = frozenset(
    {
        Permission.SEE_AGENCY,
        Permission.UPLOAD_FIGURES,
        Permission.SEE_PUBLISHED,
        Permission.SEE_FRAMEWORK,
    }
)
_COORDINATOR = _AGENCY | {
    Permission.EVERY_AGENCY,
    Permission.SEE_DRAFTS,
    Permission.PUBLISH,
    Permission.ANALYSE_WEIGHTS,
    Permission.LOAD_DEMO,
}
# Separation of duties (三员分立): the administrator who manages accounts does not read the
# audit log; the auditor reads and exports it, and does nothing else.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "agency": _AGENCY,
    "coordinator": _COORDINATOR,
    "admin": frozenset(Permission) - {Permission.READ_AUDIT},
    "auditor": frozenset({Permission.READ_AUDIT}),
    CONSOLE: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in person (name, role and, for agency users, the agency they
    belong to) or the console, named as the audit log records it."""

    name: str
    role: Role
    agency: str | None = None
    language: str | None = None  # the account's own language; None: the office's (LANGUAGE)

    def may(self, permission: Permission) -> bool:
        """Whether the role grants this permission."""
        return permission in ROLE_PERMISSIONS[self.role]

    def may_for(self, permission: Permission, agency_code: str) -> bool:
        """Whether the role grants an agency-scoped permission for this agency."""
        own = self.agency == agency_code or self.may(Permission.EVERY_AGENCY)
        return self.may(permission) and own


def console(name: str = CONSOLE) -> Actor:
    """The server's command line, recorded under `name` (an account's name, or `console`)."""
    return Actor(name, "console")


# A role as refusals and the command line name it (the English words are the role ids).
ROLE_WORDS: dict[str, Message] = {
    "admin": N_("admin"),
    "coordinator": N_("coordinator"),
    "agency": N_("agency"),
    "auditor": N_("auditor"),
    CONSOLE: N_("console"),
}


def role_word(role: str) -> Text:
    """A role in the reader's words (an unknown role as it is)."""
    return ROLE_WORDS.get(role, role)


def _who(actor: Actor) -> Message:
    """How a refusal names the actor: its name, role and, for agency users, agency."""
    role = role_word(actor.role)
    if actor.agency:
        return N_("{name} ({role}, {agency})", name=actor.name, role=role, agency=actor.agency)
    return N_("{name} ({role})", name=actor.name, role=role)


def _refusal(actor: Actor, what: Text) -> PermissionDeniedError:
    """The refusal of `what` (a verb phrase: N_("publish evaluations")) to the actor."""
    return PermissionDeniedError(N_("{who} may not {what}", who=_who(actor), what=what))


def require(actor: Actor, permission: Permission, what: Text) -> None:
    """Refuse with a plain message unless the actor has the permission; `what` is what was
    asked, a verb phrase (`N_("publish evaluations")`), rendered in the reader's language."""
    if not actor.may(permission):
        raise _refusal(actor, what)


def require_for(actor: Actor, permission: Permission, agency_code: str, what: Text) -> None:
    """Refuse unless the actor has an agency-scoped permission for this agency."""
    if not actor.may_for(permission, agency_code):
        raise _refusal(actor, what)
