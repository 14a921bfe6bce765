"""One agency's profile for a period: its explanation, dimension and indicator scores against
its peers, its timeline, flags and uploads. Agency users see their own agency only, and a peer
median only where enough peers keep it anonymous.

A rank or a tier depends on every other agency's figures, so whoever may not see drafts
(Permission.SEE_DRAFTS) sees them only as the latest publication of the period gave them; its
own draft score and indicator values stay visible, as a draft that may change."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

import pandas as pd

from evaluation.analysis.timeliness import (
    LATE,
    LATE_REVISED,
    MISSING,
    NOT_DUE,
    ON_TIME,
    REVISED,
    submission_matrix,
)
from evaluation.display import score as score_text
from evaluation.errors import InputError
from evaluation.framework import Framework
from evaluation.i18n import N_, Message, Text
from evaluation.permissions import Actor, Permission, require_for
from evaluation.scoring.explain import Explanation
from evaluation.scoring.result import Evaluation
from evaluation.scoring.texts import framework_text, paragraph, period_text, rule_words
from evaluation.services.publication import published_reasons
from evaluation.services.store import Dataset
from evaluation.storage import publications as publication_store
from evaluation.storage.db import Engine

# An agency user sees a median of its peers only when at least this many other agencies of its
# type have a value, so that no median can be traced back to one known agency's score.
PEER_GROUP_MINIMUM = 5
# Flags that state a draft tier (a red-line cap, a quota): shown only with draft tiers.
TIER_FLAGS = ("capped:", "quota:")

Source = Literal["draft", "published", "unpublished"]


@dataclass(frozen=True)
class Standing:
    """Rank and tier as the actor may see them, and where they come from: today's draft, the
    period's latest publication, or nothing yet (`unpublished`)."""

    source: Source
    rank: int | None
    tier: str | None
    score: float | None  # the score that rank and tier came with
    reason: Text  # why the tier, in one line, read in the reader's language ("" when none)
    publication_id: int | None = None
    published_at: datetime | None = None


@dataclass(frozen=True)
class Profile:
    """One agency's result for a period, how it got there and how it has moved."""

    explanation: Explanation
    dimensions: pd.DataFrame  # dimension, label, label_zh, score, type_median
    indicators: pd.DataFrame  # indicator, dimension, status, value, score, weight, contribution,
    # peer_median
    timeline: pd.DataFrame  # period, score, rank, tier (rank and tier as `standing` says)
    flags: list[str]  # machine flags (`missing:freeze_rate`, `late: 2026-09`)
    submissions: pd.DataFrame
    standing: Standing
    agency_count: int  # agencies in the evaluation: ranks run from 1 to this

    notes: tuple[Text, ...] = ()  # the flags in words, read in the reader's language

    @property
    def draft_only(self) -> bool:
        """True when score and indicators are a draft while rank and tier are not."""
        return self.standing.source != "draft"


def agency_profile(
    actor: Actor,
    dataset: Dataset,
    evaluation: Evaluation,
    history_frame: pd.DataFrame,
    code: str,
    now: datetime,
    engine: Engine | None = None,
) -> Profile:
    """Everything the profile page shows of one agency for one period.

    Rank and tier are the draft's for actors who may see drafts; for the others they come from
    the publications in `engine` (none without it), and the explanation keeps no draft tier.
    """
    require_for(
        actor, Permission.SEE_AGENCY, code, N_("see the profile of agency {code}", code=code)
    )
    if code not in set(evaluation.table["agency_code"]):
        raise InputError(N_('no agency with code "{code}"', code=code))
    explanation = evaluation.explain(code)
    table = evaluation.table
    peers = table[table["agency_type"] == explanation.agency_type]
    everyone = actor.may(Permission.EVERY_AGENCY)
    if not everyone:
        peers = peers[peers["agency_code"] != code]
    framework = evaluation.framework

    def peer_median(column: str) -> float:
        values = peers[column].dropna()
        if not everyone and len(values) < PEER_GROUP_MINIMUM:
            return float("nan")
        return float(values.median()) if len(values) else float("nan")

    dimensions = pd.DataFrame(
        [
            {
                "dimension": d.id,
                "label": d.label,
                "label_zh": d.label_zh,
                "score": explanation.dimensions.get(d.id),
                "type_median": peer_median(f"dim.{d.id}"),
            }
            for d in framework.dimensions
        ]
    )
    indicators = pd.DataFrame(
        [
            {
                "indicator": line.label,
                "dimension": line.dimension_id,
                "status": line.status,
                "value": line.value,
                "score": line.score,
                "weight": line.effective_weight,
                "contribution": line.contribution,
                "peer_median": peer_median(f"ind.{line.indicator_id}"),
            }
            for line in explanation.indicators
        ]
    )
    row = table[table["agency_code"] == code].iloc[0]
    drafts = actor.may(Permission.SEE_DRAFTS)
    flags = [
        f for f in str(row["flags"]).split("; ") if f and (drafts or not f.startswith(TIER_FLAGS))
    ]
    subs = dataset.submissions[dataset.submissions["agency_code"] == code]
    late = submission_matrix(
        subs, [code], list(evaluation.period.months), framework.submission_deadline_day, now
    )
    overdue = [(str(r.status), str(r.period)) for r in late.itertuples() if r.status != ON_TIME]
    notes = [flag_note(framework, f) for f in flags] + [
        _submission_note(status, month) for status, month in overdue
    ]
    flags += [f"{status}: {month}" for status, month in overdue]
    mine = history_frame[history_frame["agency_code"] == code] if len(history_frame) else None
    timeline = pd.DataFrame() if mine is None else mine.reset_index(drop=True)
    if drafts:
        standing = Standing(
            "draft", explanation.rank, explanation.tier, explanation.score, row["tier_reason"]
        )
    else:
        latest = _latest_publications(engine)
        standing = _published_standing(latest, evaluation.period.label, code)
        explanation = _without_draft_tier(explanation, framework.scale, standing)
        timeline = _published_timeline(timeline, latest, code)
    return Profile(
        explanation=explanation,
        dimensions=dimensions,
        indicators=indicators,
        timeline=timeline,
        flags=flags,
        notes=tuple(notes),
        submissions=subs.sort_values("id", ascending=False).reset_index(drop=True),
        standing=standing,
        agency_count=len(table),
    )


def _latest_publications(engine: Engine | None) -> pd.DataFrame:
    """The latest publication of each period (id, period, published_at, results)."""
    if engine is None:
        return pd.DataFrame(columns=["id", "period", "published_at", "results"])
    rows = publication_store.published(engine)  # newest first
    return rows.drop_duplicates("period", keep="first").set_index("period", drop=False)


def _published_row(latest: pd.DataFrame, period: str, code: str) -> dict[str, object] | None:
    """The agency's row of the period's latest publication, None if there is none."""
    if period not in latest.index:
        return None
    results = json.loads(str(latest.loc[period, "results"]))
    return next((r for r in results if r.get("agency_code") == code), {})


def _number(value: object) -> float | None:
    """A stored number, None when missing (JSON null or NaN)."""
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _whole(value: object) -> int | None:
    """A stored rank as an int, None when missing."""
    number = _number(value)
    return None if number is None else int(number)


def _published_standing(latest: pd.DataFrame, period: str, code: str) -> Standing:
    """Rank and tier as the period's latest publication gave them."""
    row = _published_row(latest, period, code)
    if row is None:
        return Standing("unpublished", None, None, None, "")
    publication = latest.loc[period].to_dict()
    return Standing(
        "published",
        _whole(row.get("rank")),
        None if row.get("tier") is None else str(row["tier"]),
        _number(row.get("score")),
        published_reasons(row),
        int(publication["id"]),
        pd.Timestamp(str(publication["published_at"])).to_pydatetime(),
    )


def _without_draft_tier(why: Explanation, scale: float, standing: Standing) -> Explanation:
    """The explanation with no draft rank or tier, its summary saying the score is a draft."""
    period = period_text(why.period)
    said: list[Text] = []
    if why.score is None:
        said.append(why.summary)
    else:
        said.append(
            N_(
                "Draft score {score} of {scale:g}, from today's figures: it may change until "
                "{period} is published.",
                score=score_text(why.score),
                scale=scale,
                period=period,
            )
        )
    if standing.source == "published":
        said.append(
            N_(
                "Rank and tier are those of publication #{id}.",
                id=standing.publication_id,
            )
        )
    else:
        said.append(N_("Rank and tier are shown once {period} is published.", period=period))
    if why.opportunities and why.score is not None:
        best = why.opportunities[0]
        said.append(
            N_(
                "The biggest gain: {indicator} at full marks would add {gain} points.",
                indicator=best.label,
                gain=score_text(best.gain),
            )
        )
    text = paragraph(said)
    return replace(
        why,
        rank=None,
        tier=None,
        tier_by_score=None,
        tier_reasons=(),
        next_tier=None,
        points_to_next_tier=None,
        summary=text,
    )


def _published_timeline(timeline: pd.DataFrame, latest: pd.DataFrame, code: str) -> pd.DataFrame:
    """The draft timeline with rank and tier of each month from its latest publication only."""
    if timeline.empty:
        return timeline
    rows = [_published_row(latest, str(p), code) or {} for p in timeline["period"]]
    return timeline.assign(
        rank=pd.array([_whole(r.get("rank")) for r in rows], dtype="Int64"),
        rank_in_type=pd.array([_whole(r.get("rank_in_type")) for r in rows], dtype="Int64"),
        tier=pd.Series([r.get("tier") for r in rows], dtype=object, index=timeline.index),
    )


# Machine flags in words. The flag ids stay in the data (the table's `flags`, the CSV).
_SUBMISSION_NOTES: dict[str, Message] = {
    LATE: N_("figures for {period} were sent late"),
    MISSING: N_("figures for {period} were not sent"),
    REVISED: N_("figures for {period} were revised"),
    LATE_REVISED: N_("figures for {period} were sent late, then revised"),
    NOT_DUE: N_("figures for {period} are not due yet"),
}


def _submission_note(status: str, month: str) -> Text:
    """A month that was not simply on time, in words."""
    note = _SUBMISSION_NOTES.get(status)
    if note is None:
        return f"{status}: {month}"
    return Message(note.msgid, params={"period": period_text(month)})


def flag_note(framework: Framework, flag: str) -> Text:
    """A machine flag of the evaluation (`missing:freeze_rate`, `capped:D`) in words, read in
    the reader's language; an unknown flag as it is."""
    kind, _sep, detail = flag.partition(":")
    indicators = {i.id: i for i in framework.indicators}
    rules = {r.target or "no_submission": r for r in framework.red_lines}
    if kind in _INDICATOR_NOTES and detail in indicators:
        note = _INDICATOR_NOTES[kind]
        return Message(note.msgid, params={"indicator": framework_text(indicators[detail])})
    if kind == "red_line" and detail in rules:
        rule = rules[detail]
        return N_(
            "red line tripped: {reason} ({rule})",
            reason=framework_text(rule, "reason"),
            rule=rule_words(framework, rule),
        )
    if kind == "capped":
        return N_("tier capped at {tier} by a red line", tier=detail)
    if kind == "quota" and "->" in detail:
        higher, lower = detail.split("->", 1)
        return N_(
            "moved from {tier} to {lower} by the quota of tier {tier}", tier=higher, lower=lower
        )
    return _FLAG_NOTES.get(flag, flag)


_INDICATOR_NOTES: dict[str, Message] = {
    "no_activity": N_("{indicator}: no activity this period, left out without penalty"),
    "missing": N_("{indicator}: the figures are missing"),
    "imputed": N_("{indicator}: the figures are missing; scored with the median of its type"),
}
_FLAG_NOTES: dict[str, Message] = {
    "no_submission": N_("no figures were submitted for this period"),
    "not_scored": N_("not scored: no indicator that applies has a value"),
}
