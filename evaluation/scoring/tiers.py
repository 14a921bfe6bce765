"""Tiers: by score, then red-line caps, then quotas from the best tier down, each with a reason."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evaluation.display import score as score_text
from evaluation.framework import Framework, RedLine
from evaluation.scoring.ranking import TIE_TOLERANCE

NO_TIER = -1


@dataclass(frozen=True)
class TierOutcome:
    """Tier positions (0 = best, -1 = not scored) and why each agency ended where it did:
    `reasons` only where a rule moved it from its score's tier, `why` for every agency in one
    line (its score against the threshold, then each rule that moved it)."""

    by_score: np.ndarray
    final: np.ndarray
    reasons: tuple[tuple[str, ...], ...]
    flags: tuple[tuple[str, ...], ...]
    why: tuple[str, ...] = ()


def tier_by_score(framework: Framework, scores: np.ndarray) -> np.ndarray:
    """The best tier whose min_score the score reaches (within the tie tolerance)."""
    floors = np.array([t.min_score for t in framework.tiers])
    position = (floors[np.newaxis, :] > scores[:, np.newaxis] + TIE_TOLERANCE).sum(axis=1)
    return np.where(np.isnan(scores), NO_TIER, position)


def score_reason(framework: Framework, score: float, position: int) -> str:
    """Why a score has its tier by score: `score 72.4 ≥ 70 → B`, `score 41.3 < 60 → D`."""
    tiers = framework.tiers
    if position == NO_TIER:
        return "not scored → no tier"
    tier = tiers[position]
    if position == len(tiers) - 1 and position > 0:
        return f"score {score_text(score)} < {tiers[position - 1].min_score:g} → {tier.id}"
    # A score reaching the floor only within the tie tolerance reads as the floor itself.
    return f"score {score_text(max(score, tier.min_score))} ≥ {tier.min_score:g} → {tier.id}"


def assign_tiers(
    framework: Framework,
    scores: np.ndarray,
    groups: np.ndarray,
    triggers: list[tuple[RedLine, np.ndarray]],
) -> TierOutcome:
    """Apply the tier rules in their order: score, red-line caps, quotas."""
    tiers = framework.tiers
    n = scores.size
    by_score = tier_by_score(framework, scores)
    final = by_score.copy()
    scored = final != NO_TIER
    reasons: list[list[str]] = [[] for _ in range(n)]
    flags: list[list[str]] = [[] for _ in range(n)]
    why = [[score_reason(framework, float(scores[i]), int(by_score[i]))] for i in range(n)]
    ids = [t.id for t in tiers]

    for rule, fired in triggers:
        cap = ids.index(rule.cap)
        for i in np.flatnonzero(fired & scored):
            flags[i].append(f"red_line:{rule.target or 'no_submission'}")
            if final[i] < cap:
                reasons[i].append(
                    f"capped at {rule.cap} from {ids[final[i]]}: {rule.reason} ({rule.describe()})"
                )
                flags[i].append(f"capped:{rule.cap}")
                why[i].append(f"capped at {rule.cap} by red line {rule.describe()}")
                final[i] = cap

    scope_groups = groups if framework.quota_scope == "type" else np.zeros(n, dtype=int)
    for position, tier in enumerate(tiers[:-1]):
        if tier.max_share is None:
            continue
        for group in np.unique(scope_groups[scored]):
            in_scope = scored & (scope_groups == group)
            limit = math.floor(tier.max_share * in_scope.sum() + TIE_TOLERANCE)
            members = np.flatnonzero(in_scope & (final == position))
            if members.size <= limit:
                continue
            ordered = members[np.argsort(-scores[members], kind="stable")]
            # Everyone tied with the first agency past the limit moves down with it.
            cut = scores[ordered[limit]] if limit < ordered.size else -np.inf
            moved = ordered[scores[ordered] <= cut + TIE_TOLERANCE]
            scope = "agencies" if framework.quota_scope == "all" else f"{group} agencies"
            for i in moved:
                reasons[i].append(
                    f"moved from {tier.id} to {ids[position + 1]}: {tier.id} is limited to "
                    f"{tier.max_share:.0%} of {in_scope.sum()} {scope} ({limit}), "
                    f"{members.size} reached it and this score is below the cut-off"
                )
                flags[i].append(f"quota:{tier.id}->{ids[position + 1]}")
                why[i].append(
                    f"demoted to {ids[position + 1]} by the quota of tier {tier.id} "
                    f"(at most {tier.max_share:.0%} of {in_scope.sum()} {scope})"
                )
                final[i] = position + 1
    return TierOutcome(
        by_score=by_score,
        final=final,
        reasons=tuple(tuple(r) for r in reasons),
        flags=tuple(tuple(f) for f in flags),
        why=tuple("; ".join(w) for w in why),
    )
