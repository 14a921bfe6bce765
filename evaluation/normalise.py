"""Normalisation: indicator values of one peer group -> scores in 0..scale, direction applied.

Every method takes the values that are present (no NaN) in one scope, so that min-max, rank and
z-score see exactly the agencies they compare.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Normaliser = Callable[[np.ndarray, bool, float, float | None, float | None], np.ndarray]


def goalposts(
    values: np.ndarray, higher: bool, scale: float, worst: float | None, best: float | None
) -> np.ndarray:
    """clip((x - worst) / (best - worst), 0, 1) x scale; the goalposts carry the direction."""
    assert worst is not None and best is not None
    return np.clip((values - worst) / (best - worst), 0.0, 1.0) * scale


def minmax(
    values: np.ndarray, higher: bool, scale: float, worst: float | None, best: float | None
) -> np.ndarray:
    """(x - min) / (max - min) x scale, reversed for lower; a group of equal values gets scale."""
    if values.size == 0:
        return values.astype(float)
    low, high = values.min(), values.max()
    if high == low:
        return np.full(values.shape, scale)
    spread = (values - low) if higher else (high - values)
    return spread / (high - low) * scale


def rank(
    values: np.ndarray, higher: bool, scale: float, worst: float | None, best: float | None
) -> np.ndarray:
    """Percentile rank (r - 1) / (n - 1) x scale, better is larger, ties take the lowest rank."""
    n = values.size
    if n == 0:
        return values.astype(float)
    if n == 1:
        return np.full(1, scale)
    keyed = values if higher else -values
    ranks = np.searchsorted(np.sort(keyed), keyed, side="left") + 1.0
    return (ranks - 1.0) / (n - 1.0) * scale


def zscore(
    values: np.ndarray, higher: bool, scale: float, worst: float | None, best: float | None
) -> np.ndarray:
    """scale/2 + scale/10 x z (50 + 10 z on 0..100), clipped; z flipped for lower."""
    if values.size < 2:
        return np.full(values.shape, scale / 2)
    deviation = values.std(ddof=1)
    if deviation == 0 or not np.isfinite(deviation):
        return np.full(values.shape, scale / 2)
    z = (values - values.mean()) / deviation
    if not higher:
        z = -z
    return np.clip(scale / 2 + scale / 10 * z, 0.0, scale)


NORMALISERS: dict[str, Normaliser] = {
    "goalposts": goalposts,
    "minmax": minmax,
    "rank": rank,
    "zscore": zscore,
}
