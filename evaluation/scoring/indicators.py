"""Indicator values and statuses of a period, from the figure cube."""

from __future__ import annotations

import numpy as np

from evaluation.framework import Framework, Indicator
from evaluation.scoring.cube import FigureCube
from evaluation.scoring.period_aggregates import PERIOD_AGGREGATES

# Status of an (agency, indicator) pair for a period.
OK, NOT_APPLICABLE, NO_ACTIVITY, MISSING = 0, 1, 2, 3
STATUS_NAMES = {
    OK: "ok",
    NOT_APPLICABLE: "not_applicable",
    NO_ACTIVITY: "no_activity",
    MISSING: "missing",
}


def indicator_values(
    framework: Framework, cube: FigureCube, month_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Indicator values and statuses for the chosen months: two (agencies, indicators) arrays."""
    indicators = framework.indicators
    n = len(cube.agencies)
    values = np.full((n, len(indicators)), np.nan)
    status = np.full((n, len(indicators)), MISSING, dtype=np.int8)
    types = cube.types
    for j, ind in enumerate(indicators):
        # A value no arithmetic can use (sums that overflowed) counts as missing, never as a
        # score that silently drops out of the weighted mean.
        with np.errstate(over="ignore", invalid="ignore"):
            value, state = _one_indicator(ind, cube, month_idx)
            state = np.where((state == OK) & ~np.isfinite(value), MISSING, state).astype(np.int8)
            value = np.where(np.isfinite(value), value, np.nan)
        applicable = (
            np.ones(n, dtype=bool) if ind.applies_to is None else np.isin(types, ind.applies_to)
        )
        values[:, j] = np.where(applicable, value, np.nan)
        status[:, j] = np.where(applicable, state, NOT_APPLICABLE)
    return values, status


def _one_indicator(
    ind: Indicator, cube: FigureCube, month_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The value and status of one indicator for every agency."""
    if ind.is_ratio:
        assert ind.numerator is not None and ind.denominator is not None
        num, den = cube.field(ind.numerator, month_idx), cube.field(ind.denominator, month_idx)
        both = ~np.isnan(num) & ~np.isnan(den)
        return _quotient(
            np.where(both, num, 0).sum(1),
            np.where(both, den, 0).sum(1),
            both.any(1),
            ind.multiplier,
        )
    assert ind.field is not None
    x = cube.field(ind.field, month_idx)
    present = ~np.isnan(x)
    has = present.any(1)
    if PERIOD_AGGREGATES[ind.period_aggregate].weighted:
        assert ind.weight_field is not None
        w = cube.field(ind.weight_field, month_idx)
        both = present & ~np.isnan(w)
        return _quotient(
            np.where(both, x * w, 0).sum(1),
            np.where(both, w, 0).sum(1),
            both.any(1),
            ind.multiplier,
        )
    reducer = PERIOD_AGGREGATES[ind.period_aggregate].reducer
    assert reducer is not None
    value = np.where(has, reducer(x, present) * ind.multiplier, np.nan)
    return value, np.where(has, OK, MISSING).astype(np.int8)


def _quotient(
    top: np.ndarray, bottom: np.ndarray, has: np.ndarray, multiplier: float
) -> tuple[np.ndarray, np.ndarray]:
    """top / bottom where reported; a zero bottom means no activity, not a bad score."""
    active = has & (bottom != 0)
    value = np.divide(top, bottom, out=np.full(top.shape, np.nan), where=active) * multiplier
    status = np.where(~has, MISSING, np.where(active, OK, NO_ACTIVITY)).astype(np.int8)
    return value, status


def field_totals(cube: FigureCube, field_id: str, month_idx: np.ndarray) -> np.ndarray:
    """The sum of a field over the chosen months; NaN where never reported."""
    x = cube.field(field_id, month_idx)
    present = ~np.isnan(x)
    return np.where(present.any(1), np.where(present, x, 0).sum(1), np.nan)
