"""Explanations: where an agency's points come from, and what it would take to climb a tier."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evaluation.aggregate import aggregate
from evaluation.figures import MISSING, NO_ACTIVITY, OK, STATUS_NAMES

if TYPE_CHECKING:
    from evaluation.engine import Evaluation


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of one agency: value, score, weight and contribution."""

    indicator_id: str
    label: str
    dimension_id: str
    status: str
    value: float | None
    score: float | None
    effective_weight: float | None
    contribution: float | None
    imputed: bool


@dataclass(frozen=True)
class Opportunity:
    """Points the overall score would gain if one indicator reached full marks."""

    indicator_id: str
    label: str
    current_score: float
    gain: float


@dataclass(frozen=True)
class Explanation:
    """Everything that explains one agency's result for a period."""

    agency_code: str
    agency_name: str
    agency_type: str
    period: str
    score: float | None
    rank: int | None
    tier: str | None
    tier_by_score: str | None
    tier_reasons: tuple[str, ...]
    dimensions: dict[str, float | None]
    indicators: tuple[IndicatorLine, ...]
    next_tier: str | None
    points_to_next_tier: float | None
    opportunities: tuple[Opportunity, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _num(x: float) -> float | None:
    """NaN -> None for JSON."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def explain_agency(evaluation: Evaluation, a: int) -> Explanation:
    """Build the explanation of the agency at position `a`."""
    fw = evaluation.framework
    s = evaluation.scores
    row = evaluation.table.iloc[a]
    indicators = fw.indicators
    dim_ids = [d.id for d in fw.dimensions for _ in d.indicators]
    eff = evaluation.effective_weights[a]
    lines = tuple(
        IndicatorLine(
            indicator_id=ind.id,
            label=ind.label,
            dimension_id=dim_ids[j],
            status="imputed" if s.imputed[a, j] else STATUS_NAMES[int(s.status[a, j])],
            value=_num(s.values[a, j]),
            score=_num(s.indicator_scores[a, j]),
            effective_weight=_num(eff[j]),
            contribution=_num(eff[j] * s.indicator_scores[a, j]),
            imputed=bool(s.imputed[a, j]),
        )
        for j, ind in enumerate(indicators)
    )
    score = _num(s.overall[a])
    tier = None if pd.isna(row["tier"]) else str(row["tier"])
    ids = [t.id for t in fw.tiers]
    next_tier = points = None
    if tier is not None and ids.index(tier) > 0:
        target = fw.tiers[ids.index(tier) - 1]
        next_tier = target.id
        points = max(target.min_score - (score or 0.0), 0.0)
    opportunities = _opportunities(evaluation, a) if score is not None else ()
    return Explanation(
        agency_code=str(row["agency_code"]),
        agency_name=str(row["agency_name"]),
        agency_type=str(row["agency_type"]),
        period=evaluation.period.label,
        score=score,
        rank=None if pd.isna(row["rank"]) else int(row["rank"]),
        tier=tier,
        tier_by_score=None if pd.isna(row["tier_by_score"]) else str(row["tier_by_score"]),
        tier_reasons=evaluation.tier_reasons[a],
        dimensions={d.id: _num(s.dimension_scores[a, k]) for k, d in enumerate(fw.dimensions)},
        indicators=lines,
        next_tier=next_tier,
        points_to_next_tier=points,
        opportunities=opportunities,
        summary=_summary(evaluation, a, score, tier, next_tier, points, opportunities),
    )


def _opportunities(evaluation: Evaluation, a: int, top: int = 5) -> tuple[Opportunity, ...]:
    """Gain in the overall score from raising each scorable indicator to full marks, best first."""
    fw = evaluation.framework
    s = evaluation.scores
    indicators = fw.indicators
    candidates = np.flatnonzero((s.status[a] == OK) | (s.status[a] == MISSING))
    if candidates.size == 0:
        return ()
    # One row per candidate: the agency's scores with that indicator at full marks.
    trial = np.repeat(s.indicator_scores[a][np.newaxis, :], candidates.size, axis=0)
    trial[np.arange(candidates.size), candidates] = fw.scale
    overall = _overall(evaluation, trial)
    gains = overall - s.overall[a]
    order = np.argsort(-gains, kind="stable")
    return tuple(
        Opportunity(
            indicators[candidates[k]].id,
            indicators[candidates[k]].label,
            float(np.nan_to_num(s.indicator_scores[a, candidates[k]])),
            float(gains[k]),
        )
        for k in order[:top]
        if gains[k] > 1e-9
    )


def _overall(evaluation: Evaluation, scores: np.ndarray) -> np.ndarray:
    """Re-aggregate rows of indicator scores into overall scores with the framework's rules."""
    fw = evaluation.framework
    agg = fw.aggregation
    dims = np.full((scores.shape[0], len(fw.dimensions)), np.nan)
    start = 0
    for d, dim in enumerate(fw.dimensions):
        stop = start + len(dim.indicators)
        weights = np.array([i.weight for i in dim.indicators])
        dims[:, d], _ = aggregate(
            scores[:, start:stop], weights, agg.indicators, agg.geometric_floor
        )
        start = stop
    overall, _ = aggregate(
        dims, np.array([d.weight for d in fw.dimensions]), agg.dimensions, agg.geometric_floor
    )
    return overall


def _summary(
    evaluation: Evaluation,
    a: int,
    score: float | None,
    tier: str | None,
    next_tier: str | None,
    points: float | None,
    opportunities: tuple[Opportunity, ...],
) -> str:
    """One paragraph in plain words."""
    s = evaluation.scores
    if score is None:
        return (
            "Not scored for this period: no indicator that applies to this agency has a "
            "value or counts as missing."
        )
    text = f"Score {score:.1f} of {evaluation.framework.scale:g}, tier {tier}."
    reasons = evaluation.tier_reasons[a]
    if reasons:
        text += " " + " ".join(r[0].upper() + r[1:] + "." for r in reasons)
    if next_tier is not None and points is not None:
        if points > 0:
            text += f" {points:.1f} more points would reach tier {next_tier}."
        else:
            text += f" The score already reaches tier {next_tier}; the rules above hold it back."
    if opportunities:
        best = opportunities[0]
        text += f" The biggest gain: {best.label} at full marks would add {best.gain:.1f} points."
    idle = int((s.status[a] == NO_ACTIVITY).sum())
    if idle:
        text += f" {idle} indicator(s) had no activity and were left out without penalty."
    return text
