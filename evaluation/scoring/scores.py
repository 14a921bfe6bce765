"""Indicator values -> normalised scores (per peer group), missing values treated, aggregated."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evaluation.framework import Framework
from evaluation.scoring.indicators import MISSING, OK
from evaluation.scoring.normalisers import NORMALISERS
from evaluation.scoring.tree import aggregate_tree


@dataclass(frozen=True)
class Scores:
    """The numeric heart of an evaluation, one row per agency (cube order)."""

    values: np.ndarray  # (A, I) indicator values
    status: np.ndarray  # (A, I) OK / NOT_APPLICABLE / NO_ACTIVITY / MISSING
    imputed: np.ndarray  # (A, I) score taken from the peer median
    indicator_scores: np.ndarray  # (A, I) NaN = left out
    indicator_weights: np.ndarray  # (A, I) normalised within the dimension
    dimension_scores: np.ndarray  # (A, D) NaN = left out
    dimension_weights: np.ndarray  # (A, D) normalised among included dimensions
    overall: np.ndarray  # (A,) NaN = not scored


def normalised_scores(
    framework: Framework, values: np.ndarray, status: np.ndarray, types: np.ndarray
) -> np.ndarray:
    """Each indicator's values normalised within its scope (all agencies, or each type)."""
    scores = np.full(values.shape, np.nan)
    for j, ind in enumerate(framework.indicators):
        present = status[:, j] == OK
        method = NORMALISERS[ind.normalise.method]
        worst, best = ind.normalise.worst, ind.normalise.best
        if not method.peer_scope or ind.normalise.scope == "all":
            groups = [present]
        else:
            groups = [present & (types == t) for t in np.unique(types[present])]
        for members in groups:
            scores[members, j] = method.function(
                values[members, j], ind.higher_is_better, framework.scale, worst, best
            )
        if ind.may_exceed_one:
            # A ratio above 1 is the best end of the scale (the worst when lower is better).
            over = present & (values[:, j] > ind.multiplier)
            scores[over, j] = framework.scale if ind.higher_is_better else 0.0
    return scores


def treat_missing(
    framework: Framework, scores: np.ndarray, status: np.ndarray, types: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores with the missing-value policy applied, and which scores were imputed."""
    imputed = np.zeros(scores.shape, dtype=bool)
    missing = status == MISSING
    if framework.missing == "zero":
        scores = np.where(missing, 0.0, scores)
    elif framework.missing == "peer_median":
        for agency_type in np.unique(types):
            same: np.ndarray = np.asarray(types == agency_type, dtype=bool)
            peers = np.where((status == OK) & same[:, np.newaxis], scores, np.nan)
            has_peer: np.ndarray = np.asarray((~np.isnan(peers)).any(axis=0), dtype=bool)
            median = np.nanmedian(np.where(has_peer, peers, 0.0), axis=0)
            fill = missing & same[:, np.newaxis] & has_peer[np.newaxis, :]
            scores = np.where(fill, median[np.newaxis, :], scores)
            imputed |= fill
    return scores, imputed


def score_matrix(
    framework: Framework, values: np.ndarray, status: np.ndarray, types: np.ndarray
) -> Scores:
    """Normalise, treat missing values, aggregate indicators and dimensions."""
    normalised = normalised_scores(framework, values, status, types)
    scores, imputed = treat_missing(framework, normalised, status, types)
    tree = aggregate_tree(framework, scores)
    return Scores(
        values,
        status,
        imputed,
        scores,
        tree.indicator_weights,
        tree.dimension_scores,
        tree.dimension_weights,
        tree.overall,
    )
