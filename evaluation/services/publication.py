"""Publication: immutable snapshots of a period's results, how today's draft compares with what
was published, and the published league table everyone may see."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import numpy as np
import pandas as pd

from evaluation import i18n
from evaluation.errors import StorageError
from evaluation.framework import Framework
from evaluation.i18n import N_, Text, _
from evaluation.periods import parse_period
from evaluation.permissions import Actor, Permission, require
from evaluation.scoring.result import Evaluation
from evaluation.scoring.texts import from_json, period_text, rendered, to_json
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
# Stored beside them since publications speak every language: the Chinese name, and the tier
# reasons as messages (id and parameters, `texts.to_json`) that read in the reader's language.
# `tier_reasons` itself keeps the English text, as snapshots stored before did.
NAME_ZH = "agency_name_zh"
REASONS_MESSAGE = "tier_reasons_message"  # the rules that moved the tier ("" when none)
WHY_MESSAGE = "tier_reason_message"  # the one-line why: score against threshold, then rules
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
            N_(
                "{period} is already published as publication {id} with the same framework "
                "({fingerprint}) and the same submissions; nothing has changed since",
                period=period_text(period),
                id=publication_id,
                fingerprint=fingerprint[:12],
            )
        )


def _snapshot(evaluation: Evaluation) -> list[dict[str, object]]:
    """The published part of an evaluation as JSON-ready records: the reasons in English text
    (as always) and as messages that read in any language."""
    table = evaluation.table
    records = table[list(PUBLISHED_COLUMNS)].astype(object).to_dict("records")
    with i18n.reading("en"):
        english = [rendered(r) for r in table["tier_reasons"]]
    for record, text, reasons, why, name_zh in zip(
        records,
        english,
        table["tier_reasons"],
        table["tier_reason"],
        table["agency_name_zh"],
        strict=True,
    ):
        record["tier_reasons"] = text
        record[REASONS_MESSAGE] = to_json(reasons)
        record[WHY_MESSAGE] = to_json(why)
        record[NAME_ZH] = rendered(name_zh)
    return [
        {str(k): (None if v is None or (_scalar(v) and pd.isna(v)) else v) for k, v in row.items()}
        for row in records
    ]


def _scalar(value: object) -> bool:
    """True for a value `pd.isna` can judge (not text, not a stored message)."""
    return not isinstance(value, str | dict | list)


def published_reasons(row: dict[str, object]) -> Text:
    """Why a published agency has its tier, in the reader's language: the one-line why that the
    snapshot stored as messages, or the English text of snapshots stored before."""
    for key in (WHY_MESSAGE, REASONS_MESSAGE):
        if row.get(key) not in (None, ""):
            return cast(Text, from_json(row[key]))
    return str(row.get("tier_reasons") or "")


def publish(actor: Actor, engine: Engine, framework: Framework, period: str) -> int:
    """Publish the evaluation of a period as an immutable snapshot superseding its latest.

    Refused when it would repeat the period's latest publication (same framework fingerprint,
    same submission ids); after a different one it may be published again (A, B, A). Of two
    publishers that saw the same latest at once, the database lets exactly one commit.
    """
    require(actor, Permission.PUBLISH, N_("publish evaluations"))
    # What is scored and the ids recorded come from one read, so that a publication always
    # matches its own inputs, whatever is uploaded meanwhile.
    state = state_store.current_state(engine)
    evaluation = evaluation_of_state(state, framework, period)
    label = evaluation.period.label
    ids = state.submission_ids(evaluation.period.months)
    if not ids:
        raise StorageError(
            N_("no figures are stored for {period}; nothing to publish", period=period_text(label))
        )
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
    assert winner is not None, "a publication superseded the latest"  # i18n: not text
    return _repeated(label, winner, fingerprint, ids) or StorageError(
        N_(
            "{period} was published meanwhile as publication {id} by {who}, so nothing was "
            "published; compare with it and publish again if this one is still wanted",
            period=period_text(label),
            id=winner.id,
            who=winner.published_by,
        )
    )


def compare_with_published(
    actor: Actor, engine: Engine, framework: Framework, period: str
) -> Comparison | None:
    """Today's evaluation of a period against its latest publication; None if never published."""
    require(actor, Permission.SEE_DRAFTS, N_("compare drafts with publications"))
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
    """ "published on … with framework …" when this exact result is published, else "draft",
    in the reader's language (the time in the office's zone)."""
    require(actor, Permission.SEE_PUBLISHED, N_("see whether a result is published"))
    rows = publication_store.published(engine, evaluation.period.label)
    ids = submission_store.current_submission_ids(engine, evaluation.period.months)
    for row in rows.to_dict("records"):
        fingerprint = str(row["fingerprint"])
        if fingerprint == evaluation.fingerprint and json.loads(str(row["submission_ids"])) == ids:
            when = pd.Timestamp(str(row["published_at"])).to_pydatetime()
            return _(
                "published on {when} by {who} with framework {fingerprint}",
                when=i18n.when(when),
                who=row["published_by"],
                fingerprint=fingerprint[:12],
            )
    return _("draft")


def publications(actor: Actor, engine: Engine) -> pd.DataFrame:
    """Every publication, newest first: id, period, fingerprint, published_by, published_at."""
    require(actor, Permission.SEE_DRAFTS, N_("list the publications"))
    rows = publication_store.published(engine)
    return rows[["id", "period", "fingerprint", "published_by", "published_at"]]


def published_league(
    actor: Actor, engine: Engine, period: str, reasons: bool = False
) -> pd.DataFrame | None:
    """The latest published league table of a period (rank, agency, type, tier, score), or None;
    with `reasons`, also why each agency has its tier (`tier_reason`). Names and reasons are in
    the reader's language (snapshots stored before Chinese names and reasons keep English).

    This is what agency users see of other agencies: never a draft, never anyone's figures.
    """
    require(actor, Permission.SEE_PUBLISHED, N_("see the published league table"))
    label = parse_period(period).label
    rows = publication_store.published(engine, label)
    if rows.empty:
        return None
    latest = rows.iloc[0]
    records = json.loads(str(latest["results"]))
    table = pd.DataFrame(records)
    table["agency_name"] = [
        i18n.name(r.get("agency_name"), r.get(NAME_ZH)) or str(r.get("agency_name") or "")
        for r in records
    ]
    table["tier_reason"] = [rendered(published_reasons(r)) for r in records]
    table = table[table["rank"].notna()].sort_values(["rank", "agency_name"])
    columns = LEAGUE_PUBLIC + (["tier_reason"] if reasons else [])
    return table[columns].reset_index(drop=True)
