"""Explanations: where an agency's points come from, and what it would take to climb a tier."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from evaluation import i18n
from evaluation.display import score as score_text
from evaluation.framework import Framework
from evaluation.i18n import N_, Message, Text
from evaluation.scoring.indicators import MISSING, NO_ACTIVITY, OK, STATUS_NAMES
from evaluation.scoring.scores import Scores
from evaluation.scoring.texts import framework_text, paragraph, rendered, sentence
from evaluation.scoring.tree import aggregate_tree, dimension_of_indicator


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of one agency: value, score, weight and contribution (the label in the
    language of the reader the explanation was made for)."""

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
    """Everything that explains one agency's result for a period. Reasons and the summary are
    messages: `str()` reads them in the reader's language."""

    agency_code: str
    agency_name: str
    agency_type: str
    period: str
    score: float | None
    rank: int | None
    tier: str | None
    tier_by_score: str | None
    tier_reasons: tuple[Text, ...]
    dimensions: dict[str, float | None]
    indicators: tuple[IndicatorLine, ...]
    next_tier: str | None
    points_to_next_tier: float | None
    opportunities: tuple[Opportunity, ...]
    summary: Text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, its texts in the reader's language."""
        data = asdict(self)
        data["tier_reasons"] = [rendered(r) for r in self.tier_reasons]
        data["summary"] = rendered(self.summary)
        return data


def _num(x: float) -> float | None:
    """NaN -> None for JSON."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def explain_agency(
    fw: Framework, s: Scores, a: int, row: pd.Series, reasons: tuple[Message, ...], period: str
) -> Explanation:
    """Build the explanation of the agency at row `a` of the scores; `row` is its table row.
    Labels are the reader's (an explanation is made for one reader); the summary is a message."""
    indicators = fw.indicators
    dim_ids = [d.id for d in fw.dimensions for _ in d.indicators]
    eff = s.indicator_weights[a] * s.dimension_weights[a, dimension_of_indicator(fw)]
    lines = tuple(
        IndicatorLine(
            indicator_id=ind.id,
            label=i18n.label(ind),
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
    opportunities = _opportunities(fw, s, a) if score is not None else ()
    return Explanation(
        agency_code=str(row["agency_code"]),
        agency_name=str(row["agency_name"]),
        agency_type=str(row["agency_type"]),
        period=period,
        score=score,
        rank=None if pd.isna(row["rank"]) else int(row["rank"]),
        tier=tier,
        tier_by_score=None if pd.isna(row["tier_by_score"]) else str(row["tier_by_score"]),
        tier_reasons=reasons,
        dimensions={d.id: _num(s.dimension_scores[a, k]) for k, d in enumerate(fw.dimensions)},
        indicators=lines,
        next_tier=next_tier,
        points_to_next_tier=points,
        opportunities=opportunities,
        summary=_summary(fw, s, a, reasons, next_tier, points, opportunities, tier),
    )


def _opportunities(fw: Framework, s: Scores, a: int, top: int = 5) -> tuple[Opportunity, ...]:
    """Gain in the overall score from raising each scorable indicator to full marks, best first."""
    indicators = fw.indicators
    candidates = np.flatnonzero((s.status[a] == OK) | (s.status[a] == MISSING))
    if candidates.size == 0:
        return ()
    # One row per candidate: the agency's scores with that indicator at full marks.
    trial = np.repeat(s.indicator_scores[a][np.newaxis, :], candidates.size, axis=0)
    trial[np.arange(candidates.size), candidates] = fw.scale
    gains = aggregate_tree(fw, trial).overall - s.overall[a]
    order = np.argsort(-gains, kind="stable")
    return tuple(
        Opportunity(
            indicators[candidates[k]].id,
            i18n.label(indicators[candidates[k]]),
            float(np.nan_to_num(s.indicator_scores[a, candidates[k]])),
            float(gains[k]),
        )
        for k in order[:top]
        if gains[k] > 1e-9
    )


def _summary(
    fw: Framework,
    s: Scores,
    a: int,
    reasons: tuple[Message, ...],
    next_tier: str | None,
    points: float | None,
    opportunities: tuple[Opportunity, ...],
    tier: str | None,
) -> Text:
    """One paragraph in plain words, read in the reader's language."""
    score = _num(s.overall[a])
    if score is None:
        return N_(
            "Not scored for this period: no indicator that applies to this agency has a "
            "value or counts as missing."
        )
    # Cut, not rounded: 59.96 must not read 60.0 beside tier C.
    said: list[Text] = [
        N_(
            "Score {score} of {scale:g}, tier {tier}.",
            score=score_text(score),
            scale=fw.scale,
            tier=tier,
        )
    ]
    said += [sentence(r) for r in reasons]
    if next_tier is not None and points is not None:
        if points > 0:
            said.append(
                N_(
                    "{points:.1f} more points would reach tier {tier}.",
                    points=points,
                    tier=next_tier,
                )
            )
        else:
            said.append(
                N_(
                    "The score already reaches tier {tier}; the rules above hold it back.",
                    tier=next_tier,
                )
            )
    if opportunities:
        best = opportunities[0]
        said.append(
            N_(
                "The biggest gain: {indicator} at full marks would add {gain:.1f} points.",
                indicator=framework_text(fw.indicator(best.indicator_id)),
                gain=best.gain,
            )
        )
    idle = int((s.status[a] == NO_ACTIVITY).sum())
    if idle:
        said.append(
            N_(
                "{count} indicator(s) had no activity and were left out without penalty.",
                count=idle,
            )
        )
    return paragraph(said)
