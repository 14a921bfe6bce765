"""The vocabulary of audit actions: what the audit log records, used by storage, services and
the Audit page's filter. The ids stay in the log; `word` gives an action in the reader's words."""

from __future__ import annotations

from enum import StrEnum

from evaluation.i18n import N_, Message


class AuditAction(StrEnum):
    """Something recorded in the audit log, with who did it and when."""

    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    SESSION_EXPIRED = "session.expired"
    UPLOAD = "upload"
    RESTORE = "restore"
    PUBLISH = "publish"
    FRAMEWORK_SERVED = "framework.served"
    FRAMEWORK_REPLACE = "framework.replace"
    FRAMEWORK_RELOAD = "framework.reload"
    AGENCIES_ADD = "agencies.add"
    AGENCY_DISABLE = "agency.disable"
    AGENCY_ENABLE = "agency.enable"
    USER_ADD = "user.add"
    USER_DISABLE = "user.disable"
    USER_ENABLE = "user.enable"
    USER_RESET_PASSWORD = "user.reset_password"
    USER_REHASH = "user.rehash"
    USER_UNLOCK = "user.unlock"
    BULLETIN_MADE = "document.bulletin"
    LETTER_MADE = "document.letter"
    LETTERS_MADE = "document.letters"


# Each action in words for people (the ids stay in the data).
WORDS: dict[AuditAction, Message] = {
    AuditAction.LOGIN: N_("Signed in"),
    AuditAction.LOGIN_FAILED: N_("Sign-in failed"),
    AuditAction.LOGOUT: N_("Signed out"),
    AuditAction.SESSION_EXPIRED: N_("Session expired"),
    AuditAction.UPLOAD: N_("Figures uploaded"),
    AuditAction.RESTORE: N_("Version restored"),
    AuditAction.PUBLISH: N_("Results published"),
    AuditAction.FRAMEWORK_SERVED: N_("Framework file put in service"),
    AuditAction.FRAMEWORK_REPLACE: N_("Framework file replaced"),
    AuditAction.FRAMEWORK_RELOAD: N_("Framework file reloaded"),
    AuditAction.AGENCIES_ADD: N_("Agencies registered"),
    AuditAction.AGENCY_DISABLE: N_("Agency taken out of the evaluation"),
    AuditAction.AGENCY_ENABLE: N_("Agency brought back into the evaluation"),
    AuditAction.USER_ADD: N_("Account added"),
    AuditAction.USER_DISABLE: N_("Account disabled"),
    AuditAction.USER_ENABLE: N_("Account enabled"),
    AuditAction.USER_RESET_PASSWORD: N_("Password reset"),
    AuditAction.USER_REHASH: N_("Password hash upgraded"),
    AuditAction.USER_UNLOCK: N_("Sign-in locks lifted"),
    AuditAction.BULLETIN_MADE: N_("Bulletin made"),
    AuditAction.LETTER_MADE: N_("Feedback letter made"),
    AuditAction.LETTERS_MADE: N_("Feedback letters made"),
}


def word(action: object) -> str:
    """An audit action (its id) in the reader's words; an unknown id as it is."""
    known = WORDS.get(str(action))  # type: ignore[call-overload]  # a StrEnum key is its id
    return str(action) if known is None else str(known)


# The actor recorded for what the product does on its own (serving a new framework file).
SYSTEM = "system"
