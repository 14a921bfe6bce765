"""The registry of period aggregates: how a single-field indicator's monthly values become one
value for a quarter or a year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from evaluation.i18n import N_, Message

# (values (agencies, months) with NaN where not reported, reported mask) -> (agencies,)
Reducer = Callable[[np.ndarray, np.ndarray], np.ndarray]


def total(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The sum of the months reported."""
    return np.where(present, x, 0.0).sum(1)


def mean(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The mean of the months reported."""
    return np.where(present, x, 0.0).sum(1) / np.maximum(present.sum(1), 1)


def minimum(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The smallest month reported."""
    return np.where(present, x, np.inf).min(1, initial=np.inf)


def maximum(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The largest month reported."""
    return np.where(present, x, -np.inf).max(1, initial=-np.inf)


def last(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The latest month reported."""
    width = x.shape[1]
    if not width:
        return np.full(len(x), np.nan)
    latest = width - 1 - np.argmax(present[:, ::-1], axis=1)
    return x[np.arange(len(x)), latest]


@dataclass(frozen=True)
class Aggregate:
    """A period aggregate. A weighted one has no reducer: it is the sum of value x weight over
    the sum of the weights of a `weight_field`, computed like a ratio (a zero total weight is
    no activity)."""

    name: str
    label: Message  # read in the reader's language
    reducer: Reducer | None = None
    weighted: bool = False


PERIOD_AGGREGATES: dict[str, Aggregate] = {
    aggregate.name: aggregate
    for aggregate in (
        Aggregate("sum", N_("sum of the months"), total),
        Aggregate("mean", N_("mean of the months"), mean),
        Aggregate("weighted_mean", N_("mean weighted by weight_field"), weighted=True),
        Aggregate("min", N_("smallest month"), minimum),
        Aggregate("max", N_("largest month"), maximum),
        Aggregate("last", N_("latest month reported"), last),
    )
}
