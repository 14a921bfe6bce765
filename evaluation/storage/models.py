"""Tables. Nothing is updated in place except a submission's status (current -> superseded)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from evaluation import limits


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time as UTC: SQLite returns naive datetimes, and every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Agency(SQLModel, table=True):
    """A ranked unit."""

    __tablename__ = "agencies"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=limits.AGENCY_CODE, unique=True, index=True)
    name: str = Field(max_length=limits.AGENCY_NAME)
    name_zh: str = Field(default="", max_length=limits.AGENCY_NAME)
    type: str = Field(max_length=limits.AGENCY_TYPE)
    active: bool = Field(default=True)
    synthetic: bool = Field(default=False)


class Submission(SQLModel, table=True):
    """One version of one agency's figures for one month."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("agency_id", "period", "version", name="uq_submission_version"),
        # At most one current version per agency-month, enforced by the database itself.
        Index(
            "uq_submission_current",
            "agency_id",
            "period",
            unique=True,
            sqlite_where=text("status = 'current'"),
            postgresql_where=text("status = 'current'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    period: str = Field(max_length=7, index=True)
    version: int
    status: str = Field(default="current", max_length=12)
    uploaded_by: str = Field(max_length=120)
    on_behalf_of: str = Field(default="", max_length=120)
    uploaded_at: datetime = Field(default_factory=utcnow)
    source_file: str = Field(default="", max_length=limits.FILE_NAME)
    sha256: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=500)
    restored_from: int | None = Field(default=None)
    # The submission's figures as one JSON object {field: value}; written once, read together.
    figures: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))


class AuditEvent(SQLModel, table=True):
    """Append-only log of who did what, when."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=60, index=True)
    details: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class PublishedEvaluation(SQLModel, table=True):
    """An immutable snapshot of a published period, superseding the period's latest one."""

    __tablename__ = "published_evaluations"
    __table_args__ = (
        # Each publication supersedes the latest of its period (none for the first), and no
        # two supersede the same one: of two publishers that read the same latest, one commits.
        Index("uq_publication_supersedes", "period", "previous_id", unique=True),
        Index(
            "uq_publication_first",
            "period",
            unique=True,
            sqlite_where=text("previous_id IS NULL"),
            postgresql_where=text("previous_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=7, index=True)
    fingerprint: str = Field(max_length=64)
    framework_text: str = Field(sa_column=Column(Text, nullable=False))
    submission_ids: str = Field(sa_column=Column(Text, nullable=False))
    results: str = Field(sa_column=Column(Text, nullable=False))
    published_by: str = Field(max_length=120)
    published_at: datetime = Field(default_factory=utcnow)
    previous_id: int | None = Field(default=None, foreign_key="published_evaluations.id")


class FrameworkVersion(SQLModel, table=True):
    """A valid framework text the product has served, kept so it can serve it again."""

    __tablename__ = "framework_versions"

    fingerprint: str = Field(max_length=64, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(max_length=255)
    first_seen: datetime = Field(default_factory=utcnow)
    last_served: datetime = Field(default_factory=utcnow, index=True)


class User(SQLModel, table=True):
    """An account: a role, for agency users their agency, and an argon2id password hash."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True, index=True)
    role: str = Field(max_length=20)
    agency_code: str | None = Field(default=None, max_length=40)
    email: str = Field(default="", max_length=limits.EMAIL)
    password_hash: str = Field(max_length=200)
    active: bool = Field(default=True)
    demo: bool = Field(default=False)
    # The account's own language (zh_CN or en); None follows the office's LANGUAGE setting.
    language: str | None = Field(default=None, max_length=limits.LANGUAGE)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
    password_changed_at: datetime = Field(default_factory=utcnow)


class UserSession(SQLModel, table=True):
    """A signed-in browser session; the database keeps only the token's SHA-256."""

    __tablename__ = "user_sessions"

    token_hash: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = Field(default=None)


class SignInLock(SQLModel, table=True):
    """Failed sign-ins of one account from one source (client address), and its lock."""

    __tablename__ = "sign_in_locks"
    __table_args__ = (UniqueConstraint("user_id", "source", name="uq_sign_in_lock"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    source: str = Field(max_length=64)
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(default=None)
