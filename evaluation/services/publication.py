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

    @property
    def repeats(self) -> bool:
        """True when publishing now would repeat the latest publication (same inputs)."""
        return not (self.framework_changed or self.data_changed)


class RepeatedPublicationError(StorageError):
    """A publication would repeat its period's latest: same framework, same submissions."""

    def __init__(self, period: str, publication_id: int, fingerprint: str) -> None:
        self.publication_id = publication_id
        super().__init__(
            f"{period} is already published as publication {publication_id} with the same "
            f"framework ({fingerprint[:12]}) and the same submissions; nothing has changed since"
        )


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
    """Publish the evaluation of a period as an immutable snapshot superseding its latest.

    Refused when it would repeat the period's latest publication (same framework fingerprint,
    same submission ids); after a different one it may be published again (A, B, A). Of two
    publishers that saw the same latest at once, the database lets exactly one commit.
    """
    require(actor, Permission.PUBLISH, "publish evaluations")
    # What is scored and the ids recorded come from one read, so that a publication always
    # matches its own inputs, whatever is uploaded meanwhile.
    state = state_store.current_state(engine)
    evaluation = evaluation_of_state(state, framework, period)
    label = evaluation.period.label
    ids = state.submission_ids(evaluation.period.months)
    if not ids:
        raise StorageError(f"no figures are stored for {label}; nothing to publish")
    latest = publication_store.latest_published(engine, label)
    repeated = _repeated(label, latest, framework.fingerprint, ids)
    if repeated is not None:
        raise repeated
    record = _record(evaluation, framework, ids)
    supersedes = None if latest is None else latest.id
    try:
        return publication_store.add_published(engine, record, actor.name, supersedes)
    except publication_store.PublishedMeanwhileError as exc:
        raise _lost_race(engine, label, framework.fingerprint, ids) from exc


def _record(evaluation: Evaluation, framework: Framework, ids: list[int]) -> dict[str, object]:
    """The stored snapshot: period, framework fingerprint and text, submission ids, results."""
    return {
        "period": evaluation.period.label,
        "fingerprint": framework.fingerprint,
        "framework_text": framework.text,
        "submission_ids": json.dumps(ids),
        "results": json.dumps(_snapshot(evaluation), ensure_ascii=False, default=float),
    }


def _repeated(
    label: str, latest: publication_store.Latest | None, fingerprint: str, ids: list[int]
) -> RepeatedPublicationError | None:
    """The refusal when the latest publication has the same framework and submissions."""
    if latest is None or latest.fingerprint != fingerprint:
        return None
    if json.loads(latest.submission_ids) != ids:
        return None
    return RepeatedPublicationError(label, latest.id, fingerprint)


def _lost_race(engine: Engine, label: str, fingerprint: str, ids: list[int]) -> StorageError:
    """The error of a publisher whom another one beat to supersede the same latest."""
    winner = publication_store.latest_published(engine, label)
    assert winner is not None, "a publication superseded the latest, so there is one"
    return _repeated(label, winner, fingerprint, ids) or StorageError(
        f"{label} was published meanwhile as publication {winner.id} by {winner.published_by}, "
        "so nothing was published; compare with it and publish again if this one is still wanted"
    )


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
