"""Published evaluations: immutable snapshots of a period's results and their inputs, each
superseding the period's latest one."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from evaluation.audit import AuditAction
from evaluation.errors import StorageError
from evaluation.i18n import N_
from evaluation.storage.audit import append
from evaluation.storage.models import PublishedEvaluation, utcnow

COLUMNS = [
    "id",
    "period",
    "fingerprint",
    "framework_text",
    "submission_ids",
    "results",
    "published_by",
    "published_at",
    "previous_id",
]


class PublishedMeanwhileError(StorageError):
    """Another publication of the period was stored after the latest this one was to supersede."""


@dataclass(frozen=True)
class Latest:
    """What a new publication is compared with: the period's latest publication."""

    id: int
    fingerprint: str
    submission_ids: str  # JSON list, as stored
    published_by: str


def latest_published(engine: Engine, period: str) -> Latest | None:
    """The period's latest publication, None when it was never published."""
    query = (
        select(
            PublishedEvaluation.id,
            PublishedEvaluation.fingerprint,
            PublishedEvaluation.submission_ids,
            PublishedEvaluation.published_by,
        )
        .where(PublishedEvaluation.period == period)
        .order_by(PublishedEvaluation.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else Latest(int(row[0]), str(row[1]), str(row[2]), str(row[3]))


def add_published(
    engine: Engine, record: dict[str, object], actor: str, supersedes: int | None
) -> int:
    """Store an immutable snapshot superseding publication `supersedes` (None: the period's
    first); returns its id. PublishedMeanwhileError when another one superseded it first."""
    try:
        with engine.begin() as conn:
            new_id = conn.execute(
                insert(PublishedEvaluation).returning(PublishedEvaluation.id),
                {
                    **record,
                    "previous_id": supersedes,
                    "published_by": actor,
                    "published_at": utcnow(),
                },
            ).scalar_one()
            details = {
                "period": record["period"],
                "id": new_id,
                "fingerprint": record["fingerprint"],
                "supersedes": supersedes,
            }
            append(conn, actor, AuditAction.PUBLISH, details)
    except IntegrityError as exc:
        # Only the uniqueness of the chain can refuse this insert: someone else got there first.
        raise PublishedMeanwhileError(
            N_("{period} was published by someone else meanwhile", period=record["period"])
        ) from exc
    return int(new_id)


def published(engine: Engine, period: str | None = None) -> pd.DataFrame:
    """Published snapshots (newest first), optionally of one period."""
    query = select(PublishedEvaluation).order_by(PublishedEvaluation.id.desc())
    if period is not None:
        query = query.where(PublishedEvaluation.period == period)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame(rows, columns=COLUMNS)
