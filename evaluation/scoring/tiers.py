"""Tiers: by score, then red-line caps, then quotas from the best tier down, each with a reason."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evaluation import i18n
from evaluation.display import score as score_text
from evaluation.framework import AgencyType, Framework, RedLine
from evaluation.i18n import N_, Message, Text
from evaluation.scoring.ranking import TIE_TOLERANCE
from evaluation.scoring.texts import Lazy, framework_text, joined, rule_words

NO_TIER = -1


@dataclass(frozen=True)
class TierOutcome:
    """Tier positions (0 = best, -1 = not scored) and why each agency ended where it did:
    `reasons` only where a rule moved it from its score's tier, `why` for every agency in one
    line (its score against the threshold, then each rule that moved it). Reasons are messages,
    read in the language of whoever reads them."""

    by_score: np.ndarray
    final: np.ndarray
    reasons: tuple[tuple[Message, ...], ...]
    flags: tuple[tuple[str, ...], ...]
    why: tuple[Text, ...] = ()


def tier_by_score(framework: Framework, scores: np.ndarray) -> np.ndarray:
    """The best tier whose min_score the score reaches (within the tie tolerance)."""
    floors = np.array([t.min_score for t in framework.tiers])
    position = (floors[np.newaxis, :] > scores[:, np.newaxis] + TIE_TOLERANCE).sum(axis=1)
    return np.where(np.isnan(scores), NO_TIER, position)


def score_reason(framework: Framework, score: float, position: int) -> Message:
    """Why a score has its tier by score: `score 72.4 ≥ 70 → B`, `score 41.3 < 60 → D`."""
    tiers = framework.tiers
    if position == NO_TIER:
        return N_("not scored → no tier")
    tier = tiers[position]
    if position == len(tiers) - 1 and position > 0:
        return N_(
            "score {score} < {floor:g} → {tier}",
            score=score_text(score),
            floor=tiers[position - 1].min_score,
            tier=tier.id,
        )
    # A score reaching the floor only within the tie tolerance reads as the floor itself.
    return N_(
        "score {score} ≥ {floor:g} → {tier}",
        score=score_text(max(score, tier.min_score)),
        floor=tier.min_score,
        tier=tier.id,
    )


def _group_word(agency_type: AgencyType) -> str:
    """A quota group in a reason: the type id in English (`bank agencies`), its label in
    Chinese."""
    return i18n.label(agency_type) if i18n.is_chinese() else agency_type.id


def _quota_texts(
    framework: Framework, position: int, group: object, count: int, limit: int, reached: int
) -> tuple[Message, Message]:
    """The reason and the one-line why of a move down by the quota of tier `position`."""
    tiers = framework.tiers
    tier, lower = tiers[position], tiers[position + 1]
    common = {"tier": tier.id, "lower": lower.id, "share": tier.max_share, "count": count}
    if framework.quota_scope == "all":
        return N_(
            "moved from {tier} to {lower}: {tier} is limited to {share:.0%} of {count} "
            "agencies ({limit}), {reached} reached it and this score is below the cut-off",
            limit=limit,
            reached=reached,
            **common,
        ), N_(
            "demoted to {lower} by the quota of tier {tier} (at most {share:.0%} of {count} "
            "agencies)",
            **common,
        )
    known = {t.id: t for t in framework.agency_types}
    kind: object = str(group)
    if str(group) in known:
        kind = Lazy(_group_word, known[str(group)])
    return N_(
        "moved from {tier} to {lower}: {tier} is limited to {share:.0%} of {count} {type} "
        "agencies ({limit}), {reached} reached it and this score is below the cut-off",
        limit=limit,
        reached=reached,
        type=kind,
        **common,
    ), N_(
        "demoted to {lower} by the quota of tier {tier} (at most {share:.0%} of {count} {type} "
        "agencies)",
        type=kind,
        **common,
    )


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
    reasons: list[list[Message]] = [[] for _ in range(n)]
    flags: list[list[str]] = [[] for _ in range(n)]
    why: list[list[Text]] = [
        [score_reason(framework, float(scores[i]), int(by_score[i]))] for i in range(n)
    ]
    ids = [t.id for t in tiers]

    for rule, fired in triggers:
        cap = ids.index(rule.cap)
        # Read when shown: the framework's reason in the reader's language, the rule in words.
        reason, words = framework_text(rule, "reason"), rule_words(framework, rule)
        for i in np.flatnonzero(fired & scored):
            flags[i].append(f"red_line:{rule.target or 'no_submission'}")
            if final[i] < cap:
                reasons[i].append(
                    N_(
                        "capped at {cap} from {tier}: {reason} ({rule})",
                        cap=rule.cap,
                        tier=ids[final[i]],
                        reason=reason,
                        rule=words,
                    )
                )
                flags[i].append(f"capped:{rule.cap}")
                why[i].append(N_("capped at {cap} by red line {rule}", cap=rule.cap, rule=words))
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
            quota, line = _quota_texts(
                framework, position, group, int(in_scope.sum()), limit, int(members.size)
            )
            for i in moved:
                reasons[i].append(quota)
                flags[i].append(f"quota:{tier.id}->{ids[position + 1]}")
                why[i].append(line)
                final[i] = position + 1
    return TierOutcome(
        by_score=by_score,
        final=final,
        reasons=tuple(tuple(r) for r in reasons),
        flags=tuple(tuple(f) for f in flags),
        why=tuple(joined(w) for w in why),
    )
