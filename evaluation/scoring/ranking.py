"""Competition ranks: best score first, ties (within a tolerance) share the lowest rank number."""

from __future__ import annotations

import numpy as np

TIE_TOLERANCE = 1e-9


def competition_rank(scores: np.ndarray, tolerance: float = TIE_TOLERANCE) -> np.ndarray:
    """Rank = 1 + the number of scores more than `tolerance` above; NaN scores get NaN."""
    present = ~np.isnan(scores)
    ordered = np.sort(scores[present])
    above = ordered.size - np.searchsorted(ordered, scores + tolerance, side="right")
    return np.where(present, above + 1.0, np.nan)


def rank_within(scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Competition rank inside each group (e.g. agency type)."""
    ranks = np.full(scores.shape, np.nan)
    for group in np.unique(groups):
        members = groups == group
        ranks[members] = competition_rank(scores[members])
    return ranks
