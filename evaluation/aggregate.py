"""Weighted aggregation with per-agency inclusion (NaN = left out, weights renormalised)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Aggregator = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


def renormalised_weights(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each row's weights over its included (non-NaN) columns, summing to 1; NaN rows where none."""
    carried = np.where(np.isnan(scores), 0.0, weights[np.newaxis, :])
    total = carried.sum(axis=1, keepdims=True)
    return np.divide(carried, total, out=np.full(carried.shape, np.nan), where=total > 0)


def arithmetic(scores: np.ndarray, weights: np.ndarray, floor: float) -> np.ndarray:
    """Weighted arithmetic mean with row-normalised weights."""
    return np.where(weights > 0, weights * np.nan_to_num(scores), 0.0).sum(axis=1)


def geometric(scores: np.ndarray, weights: np.ndarray, floor: float) -> np.ndarray:
    """Weighted geometric mean; scores below `floor` are raised to it so a zero cannot veto."""
    logs = np.log(np.maximum(np.nan_to_num(scores, nan=floor), floor))
    return np.exp(np.where(weights > 0, weights * logs, 0.0).sum(axis=1))


AGGREGATORS: dict[str, Aggregator] = {"arithmetic": arithmetic, "geometric": geometric}


def aggregate(
    scores: np.ndarray, weights: np.ndarray, method: str, floor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Aggregate rows of scores; returns (result per row, normalised weights per row).

    A row with no included column (or only zero-weight ones) gets NaN: it is left out upstream.
    """
    normalised = renormalised_weights(scores, weights)
    defined = ~np.isnan(normalised).all(axis=1)
    result = AGGREGATORS[method](scores, np.nan_to_num(normalised), floor)
    return np.where(defined, result, np.nan), normalised
