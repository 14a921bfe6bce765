"""One agency's profile for a period: its explanation, dimension and indicator scores against
its peers, its timeline, flags and uploads. Agency users see their own agency only, and a peer
median only where enough peers keep it anonymous."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from evaluation.analysis.timeliness import ON_TIME, submission_matrix
from evaluation.errors import InputError
from evaluation.permissions import Actor, Permission, require_for
from evaluation.scoring.explain import Explanation
from evaluation.scoring.result import Evaluation
from evaluation.services.store import Dataset

# An agency user sees a median of its peers only when at least this many other agencies of its
# type have a value, so that no median can be traced back to one known agency's score.
PEER_GROUP_MINIMUM = 5


@dataclass(frozen=True)
class Profile:
    """One agency's result for a period, how it got there and how it has moved."""

    explanation: Explanation
    dimensions: pd.DataFrame  # dimension, label, label_zh, score, type_median
    indicators: pd.DataFrame  # indicator, dimension, status, value, score, weight, contribution,
    # peer_median
    timeline: pd.DataFrame  # period, score, rank, tier
    flags: list[str]
    submissions: pd.DataFrame


def agency_profile(
    actor: Actor,
    dataset: Dataset,
    evaluation: Evaluation,
    history_frame: pd.DataFrame,
    code: str,
    now: datetime,
) -> Profile:
    """Everything the profile page shows of one agency for one period."""
    require_for(actor, Permission.SEE_AGENCY, code, f"see the profile of agency {code}")
    if code not in set(evaluation.table["agency_code"]):
        raise InputError(f'no agency with code "{code}"')
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
    flags = [f for f in str(row["flags"]).split("; ") if f]
    subs = dataset.submissions[dataset.submissions["agency_code"] == code]
    late = submission_matrix(
        subs, [code], list(evaluation.period.months), framework.submission_deadline_day, now
    )
    flags += [f"{r.status}: {r.period}" for r in late.itertuples() if r.status != ON_TIME]
    mine = history_frame[history_frame["agency_code"] == code] if len(history_frame) else None
    return Profile(
        explanation=explanation,
        dimensions=dimensions,
        indicators=indicators,
        timeline=pd.DataFrame() if mine is None else mine.reset_index(drop=True),
        flags=flags,
        submissions=subs.sort_values("id", ascending=False).reset_index(drop=True),
    )
