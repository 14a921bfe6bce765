"""The vocabulary of audit actions: what the audit log records, used by storage, services and
the Audit page's filter."""

from __future__ import annotations

from enum import StrEnum


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


# The actor recorded for what the product does on its own (serving a new framework file).
SYSTEM = "system"
