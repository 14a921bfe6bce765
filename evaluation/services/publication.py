"""Publication: immutable snapshots of a period's results, how today's draft compares with what
was published, and the published league table everyone may see."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from evaluation.errors import StorageError
from evaluation.framework import Framework
from evaluation.periods import parse_period
from evaluation.permissions import Actor, Permission, require
from evaluation.scoring.result import Evaluation
from evaluation.services.store import evaluation_of_state
from evaluation.storage import publications as publication_store
from evaluation.storage import state as state_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine

PUBLISHED_COLUMNS = (
    "agency_code",
    "agency_name",
    "agency_type",
    "score",
    "rank",
    "rank_in_type",
    "rank_change",
    "tier",
    "tier_reasons",
    "flags",
)
LEAGUE_PUBLIC = ["rank", "agency_name", "agency_type", "tier", "score"]


@dataclass(frozen=True)
class Comparison:
    """How today's evaluation of a period differs from what was published for it."""

    published_id: int
    published_at: datetime
    framework_changed: bool
    data_changed: bool
    moves: pd.DataFrame  # agency_code, score/rank/tier then and now, for agencies that moved

    @property
    def identical(self) -> bool:
        """True when neither inputs nor results differ."""
        return not (self.framework_changed or self.data_changed or len(self.moves))


def _snapshot(evaluation: Evaluation) -> list[dict[str, object]]:
    """The published part of an evaluation as JSON-ready records."""
    table = evaluation.table[list(PUBLISHED_COLUMNS)].astype(object)
    return [
        {
            str(k): (None if v is None or (not isinstance(v, str) and pd.isna(v)) else v)
            for k, v in row.items()
        }
        for row in table.to_dict("records")
    ]


def publish(actor: Actor, engine: Engine, framework: Framework, period: str) -> int:
    """Publish the evaluation of a period as an immutable snapshot."""
    require(actor, Permission.PUBLISH, "publish evaluations")
    # What is scored and the ids recorded come from one read, so that a publication always
    # matches its own inputs, whatever is uploaded meanwhile.
    state = state_store.current_state(engine)
    evaluation = evaluation_of_state(state, framework, period)
    label = evaluation.period.label
    ids = state.submission_ids(evaluation.period.months)
    if not ids:
        raise StorageError(f"no figures are stored for {label}; nothing to publish")
    record: dict[str, object] = {
        "period": label,
        "fingerprint": framework.fingerprint,
        "framework_text": framework.text,
        "submission_ids": json.dumps(ids),
        "results": json.dumps(_snapshot(evaluation), ensure_ascii=False, default=float),
    }
    return publication_store.add_published(engine, record, actor.name)


def compare_with_published(
    actor: Actor, engine: Engine, framework: Framework, period: str
) -> Comparison | None:
    """Today's evaluation of a period against its latest publication; None if never published."""
    require(actor, Permission.SEE_DRAFTS, "compare drafts with publications")
    # Like publishing: the draft and its submission ids come from one read.
    state = state_store.current_state(engine)
    evaluation = evaluation_of_state(state, framework, period)
    rows = publication_store.published(engine, evaluation.period.label)
    if rows.empty:
        return None
    latest = rows.iloc[0]
    then = pd.DataFrame(json.loads(latest["results"])).set_index("agency_code")
    now = pd.DataFrame(_snapshot(evaluation)).set_index("agency_code")
    joined = then[["score", "rank", "tier"]].merge(
        now[["score", "rank", "tier"]],
        how="outer",
        left_index=True,
        right_index=True,
        suffixes=("_published", "_now"),
    )
    score_moved = ~np.isclose(
        joined["score_published"].astype(float),
        joined["score_now"].astype(float),
        atol=1e-9,
        equal_nan=True,
    )
    other_moved = (joined["rank_published"].astype(str) != joined["rank_now"].astype(str)) | (
        joined["tier_published"].astype(str) != joined["tier_now"].astype(str)
    )
    moves = joined[score_moved | other_moved.to_numpy()].reset_index()
    ids = state.submission_ids(evaluation.period.months)
    return Comparison(
        published_id=int(latest["id"]),
        published_at=latest["published_at"],
        framework_changed=latest["fingerprint"] != framework.fingerprint,
        data_changed=json.loads(latest["submission_ids"]) != ids,
        moves=moves,
    )


def publication_state(actor: Actor, engine: Engine, evaluation: Evaluation) -> str:
    """ "published on … with framework …" when this exact result is published, else "draft"."""
    require(actor, Permission.SEE_PUBLISHED, "see whether a result is published")
    rows = publication_store.published(engine, evaluation.period.label)
    ids = submission_store.current_submission_ids(engine, evaluation.period.months)
    for row in rows.to_dict("records"):
        fingerprint = str(row["fingerprint"])
        if fingerprint == evaluation.fingerprint and json.loads(str(row["submission_ids"])) == ids:
            when = pd.Timestamp(str(row["published_at"])).strftime("%Y-%m-%d %H:%M")
            return (
                f"published on {when} UTC by {row['published_by']} "
                f"with framework {fingerprint[:12]}"
            )
    return "draft"


def publications(actor: Actor, engine: Engine) -> pd.DataFrame:
    """Every publication, newest first: id, period, fingerprint, published_by, published_at."""
    require(actor, Permission.SEE_DRAFTS, "list the publications")
    rows = publication_store.published(engine)
    return rows[["id", "period", "fingerprint", "published_by", "published_at"]]


def published_league(actor: Actor, engine: Engine, period: str) -> pd.DataFrame | None:
    """The latest published league table of a period (rank, agency, type, tier, score), or None.

    This is what agency users see of other agencies: never a draft, never anyone's figures.
    """
    require(actor, Permission.SEE_PUBLISHED, "see the published league table")
    label = parse_period(period).label
    rows = publication_store.published(engine, label)
    if rows.empty:
        return None
    latest = rows.iloc[0]
    table = pd.DataFrame(json.loads(str(latest["results"])))
    table = table[table["rank"].notna()].sort_values(["rank", "agency_name"])
    return table[LEAGUE_PUBLIC].reset_index(drop=True)
