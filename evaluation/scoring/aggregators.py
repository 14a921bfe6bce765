"""The registry of aggregation methods: weighted means with per-agency inclusion (NaN = left
out, weights renormalised), each method declaring the parameters it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from evaluation.i18n import N_, Message

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


def _logs(values: np.ndarray, floor: float) -> np.ndarray:
    """Logs of values raised to the floor: what a weighted geometric mean averages."""
    return np.log(np.maximum(values, floor))


@dataclass(frozen=True)
class Method:
    """An aggregation method and the `aggregation` keys it reads besides the method name.

    Every method is a weighted arithmetic mean of some transform of the scores (`level`, None =
    the scores themselves) taken back by `unlevel`; the batch analyses use that form to score
    thousands of weight sets as matrix products.
    """

    name: str
    function: Aggregator
    label: Message  # read in the reader's language
    parameters: tuple[str, ...] = ()
    level: Callable[[np.ndarray, float], np.ndarray] | None = None
    unlevel: Callable[[np.ndarray], np.ndarray] | None = None


AGGREGATORS: dict[str, Method] = {
    method.name: method
    for method in (
        Method("arithmetic", arithmetic, N_("weighted arithmetic mean")),
        Method(
            "geometric",
            geometric,
            N_("weighted geometric mean"),
            ("geometric_floor",),
            level=_logs,
            unlevel=np.exp,
        ),
    )
}


def aggregate(
    scores: np.ndarray, weights: np.ndarray, method: str, floor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Aggregate rows of scores; returns (result per row, normalised weights per row).

    A row with no included column (or only zero-weight ones) gets NaN: it is left out upstream.
    """
    normalised = renormalised_weights(scores, weights)
    defined = ~np.isnan(normalised).all(axis=1)
    result = AGGREGATORS[method].function(scores, np.nan_to_num(normalised), floor)
    return np.where(defined, result, np.nan), normalised
