"""Published evaluations: immutable snapshots of a period's results and their inputs."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, insert, select

from evaluation.audit import AuditAction
from evaluation.storage.audit import append
from evaluation.storage.models import PublishedEvaluation, utcnow


def add_published(engine: Engine, record: dict[str, object], actor: str) -> int:
    """Store an immutable published snapshot; returns its id."""
    with engine.begin() as conn:
        new_id = conn.execute(
            insert(PublishedEvaluation).returning(PublishedEvaluation.id),
            {**record, "published_by": actor, "published_at": utcnow()},
        ).scalar_one()
        append(
            conn,
            actor,
            AuditAction.PUBLISH,
            {"period": record["period"], "id": new_id, "fingerprint": record["fingerprint"]},
        )
    return int(new_id)


def published(engine: Engine, period: str | None = None) -> pd.DataFrame:
    """Published snapshots (newest first), optionally of one period."""
    query = select(PublishedEvaluation).order_by(PublishedEvaluation.id.desc())
    if period is not None:
        query = query.where(PublishedEvaluation.period == period)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "period",
            "fingerprint",
            "framework_text",
            "submission_ids",
            "results",
            "published_by",
            "published_at",
        ],
    )
