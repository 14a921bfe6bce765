"""Objective indicator weights (Shannon entropy and CRITIC) from an agencies x indicators matrix.

Both methods read weights off the data alone: rows are agencies (alternatives), columns are
indicators (criteria), and `higher_is_better[j]` says whether a larger value of indicator j is
better. Rows holding any missing value (NaN, or an infinity) are dropped before anything is
computed, because both methods compare every agency on every indicator and an incomplete row
cannot take part in that comparison. An indicator with the same value for every remaining agency
carries no information and gets weight 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from evaluation.i18n import N_, Message, Text

Normalisation = Literal["minmax", "proportion"]

_NORMALISATIONS: tuple[str, ...] = ("minmax", "proportion")

# 1 - r below this is rounding noise, not conflict: exactly proportional columns land ~1e-16 away.
_PERFECT_CORRELATION_GAP = 1e-12


def _prepare(
    matrix: np.ndarray, higher_is_better: Sequence[bool], method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate the inputs and return the complete rows as floats plus the direction flags."""
    values = np.asarray(matrix, dtype=float)
    name = _method_word(method)
    if values.ndim != 2:
        raise ValueError(
            N_(
                "{method} weights need a 2-D matrix with one row per agency and one column per "
                "indicator, got a {dimensions}-D array of shape {shape}",
                method=name,
                dimensions=values.ndim,
                shape=values.shape,
            )
        )
    n_indicators = values.shape[1]
    if n_indicators == 0:
        raise ValueError(N_("{method} weights need at least 1 indicator, got 0", method=name))
    flags = np.asarray(higher_is_better).reshape(-1)
    # Casting to bool would silently read a -1 ("minimise" in some MCDA tools) as True.
    if flags.dtype != bool and not (flags.dtype.kind in "iuf" and np.isin(flags, (0, 1)).all()):
        raise ValueError(
            N_(
                "{method} weights need higher_is_better as True/False flags, got {found!r}",
                method=name,
                found=flags.tolist(),
            )
        )
    directions = flags.astype(bool)
    if directions.size != n_indicators:
        raise ValueError(
            N_(
                "{method} weights need one higher_is_better flag per indicator: expected "
                "{expected}, got {found}",
                method=name,
                expected=n_indicators,
                found=directions.size,
            )
        )
    # An agency missing any indicator cannot be compared on all of them, so it sits this out.
    complete = values[np.isfinite(values).all(axis=1)]
    if complete.shape[0] < 2:
        raise ValueError(
            N_(
                "{method} weights need at least 2 agencies with values for every indicator, "
                "got {found}",
                method=name,
                found=complete.shape[0],
            )
        )
    return complete, directions


def _method_word(method: str) -> Text:
    """A weighting method's name in a message, in the reader's language."""
    return _METHOD_WORDS.get(method, method)


_METHOD_WORDS: dict[str, Message] = {"entropy": N_("entropy"), "CRITIC": N_("CRITIC")}


def _constant_columns(values: np.ndarray) -> np.ndarray:
    """Flag the indicators whose value is the same for every agency."""
    return np.ptp(values, axis=0) == 0


def _require_informative(constant: np.ndarray, method: str) -> None:
    """Refuse a matrix in which no indicator separates the agencies."""
    if constant.all():
        raise ValueError(
            N_(
                "{method} weights need at least 1 indicator whose value differs between "
                "agencies, but all {count} are the same for every agency",
                method=_method_word(method),
                count=constant.size,
            )
        )


def _minmax(values: np.ndarray, directions: np.ndarray, constant: np.ndarray) -> np.ndarray:
    """Rescale every indicator to [0, 1] so that 1 is the best agency on it."""
    low = values.min(axis=0)
    span = np.ptp(values, axis=0)
    # A constant column would divide by zero; any finite stand-in works because it is zeroed.
    scaled = (values - low) / np.where(constant, 1.0, span)
    scaled = np.where(directions, scaled, 1.0 - scaled)
    return np.where(constant, 0.0, scaled)


def entropy_weights(
    matrix: np.ndarray,
    higher_is_better: Sequence[bool],
    normalisation: Normalisation = "minmax",
) -> np.ndarray:
    """Weight indicators by Shannon entropy: the less evenly spread, the heavier."""
    values, directions = _prepare(matrix, higher_is_better, "entropy")
    if normalisation not in _NORMALISATIONS:
        raise ValueError(
            N_(
                "entropy weights normalisation must be one of {valid}, got {found!r}",
                valid=", ".join(_NORMALISATIONS),
                found=normalisation,
            )
        )
    constant = _constant_columns(values)
    _require_informative(constant, "entropy")

    if normalisation == "minmax":
        shares = _minmax(values, directions, constant)
    else:
        # Shares of raw totals only mean something for amounts that cannot go below zero.
        if (values < 0).any():
            raise ValueError(
                N_(
                    "entropy weights with normalisation='proportion' need values of 0 or more, "
                    "got a smallest value of {smallest:g}; use normalisation='minmax'",
                    smallest=values.min(),
                )
            )
        # Direction is deliberately not applied here: this is the textbook form in which the
        # entropy of the raw shares is a pure spread measure (Xu 2004; Zavadskas & Podvezko 2016
        # compute it on raw values whatever the direction), and reversing a column would need a
        # transform (1/x, max - x) that changes the weights.
        shares = values

    totals = shares.sum(axis=0)
    # Non-constant columns always have a positive total (minmax puts a 1 in every one of them).
    p = shares / np.where(totals > 0, totals, 1.0)
    # 0 ln 0 is taken as 0, its limit; masking keeps log from ever seeing a zero.
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    entropy = -plogp.sum(axis=0) / np.log(values.shape[0])
    # Rounding can push an almost-even column's entropy a hair above 1; weights must stay >= 0.
    divergence = np.where(constant, 0.0, np.clip(1.0 - entropy, 0.0, None))
    total = divergence.sum()
    if not total > 0:
        raise ValueError(
            N_(
                "entropy weights need at least 1 indicator whose values are spread unevenly "
                "between agencies, but every indicator is spread (numerically) perfectly evenly"
            )
        )
    weights: np.ndarray = divergence / total
    return weights


def critic_weights(matrix: np.ndarray, higher_is_better: Sequence[bool]) -> np.ndarray:
    """Weight indicators by CRITIC: contrast (std dev) times conflict (1 - correlation)."""
    values, directions = _prepare(matrix, higher_is_better, "CRITIC")
    constant = _constant_columns(values)
    _require_informative(constant, "CRITIC")

    scaled = _minmax(values, directions, constant)
    centred = scaled - scaled.mean(axis=0)
    # Population std dev (ddof=0): any ddof rescales every C_j alike and cancels in w = C / sum C.
    sigma = np.sqrt((centred**2).mean(axis=0))
    covariance = centred.T @ centred / values.shape[0]
    denominator = np.outer(sigma, sigma)
    safe = np.where(denominator > 0, denominator, 1.0)
    # Correlation with a constant column is 0/0; 0 (no linear relation) keeps the sum finite, and
    # the constant column's own C is 0 anyway because its sigma is 0. Note the side effect: each
    # other column's conflict sum gains 1, so its C grows by its own sigma.
    correlation = np.where(denominator > 0, covariance / safe, 0.0)
    # Rounding leaves r a few ulps away from 1 even for exactly proportional columns (and on the
    # diagonal); without snapping, that noise alone would decide the weights of such columns.
    conflict = np.clip(1.0 - correlation, 0.0, 2.0)
    conflict = np.where(conflict < _PERFECT_CORRELATION_GAP, 0.0, conflict)
    information = sigma * conflict.sum(axis=0)
    if (~constant).sum() == 1:
        # A lone informative indicator has nothing to conflict with (C would be 0/0 on a
        # single-column matrix), yet it is the only thing separating the agencies.
        information = (~constant).astype(float)
    total = information.sum()
    if not total > 0:
        raise ValueError(
            N_(
                "CRITIC weights are undefined here: every indicator that differs between "
                "agencies is perfectly correlated with every other one, so there is no conflict "
                "to measure"
            )
        )
    weights: np.ndarray = information / total
    return weights


WEIGHTERS: dict[str, Callable[..., np.ndarray]] = {
    "entropy": entropy_weights,
    "critic": critic_weights,
}
