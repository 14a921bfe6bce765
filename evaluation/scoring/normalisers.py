"""The registry of normalisation methods: indicator values of one peer group -> scores in
0..scale, direction applied, each method declaring its parameters and whether a scope applies.

Every method takes the values that are present (no NaN) in one scope, so that min-max, rank and
z-score see exactly the agencies they compare. The framework checks, the engine, the analyses'
method choices (command line and page) and the Framework page all read `NORMALISERS`: adding a
method is one entry here plus its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from evaluation.i18n import N_, Message

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


# The numeric parameters a `normalise` mapping may carry; the model holds one field for each.
PARAMETERS = ("worst", "best")


def _goalposts_problem(worst: float, best: float, direction: str | None) -> Message | None:
    """Why a pair of goalposts cannot work for the direction, or None."""
    if worst == best:
        return N_("worst and best must differ, both are {worst:g}", worst=worst)
    if direction == "higher" and not worst < best:
        return N_(
            "direction is higher, so worst must be below best; got worst {worst:g}, best {best:g}",
            worst=worst,
            best=best,
        )
    if direction == "lower" and not worst > best:
        return N_(
            "direction is lower, so worst must be above best; got worst {worst:g}, best {best:g}",
            worst=worst,
            best=best,
        )
    return None


@dataclass(frozen=True)
class Method:
    """A normalisation method: its function, the parameters it needs and whether it compares
    agencies (so that `scope: type` can restrict the comparison to agencies of one type)."""

    name: str
    function: Normaliser
    label: Message  # read in the reader's language
    parameters: tuple[str, ...] = ()
    peer_scope: bool = True
    # Why a set of parameter values cannot work for a direction, or None.
    check: Callable[[Mapping[str, float], str | None], Message | None] | None = None

    def problem(self, values: Mapping[str, float], direction: str | None) -> Message | None:
        """Why these parameter values cannot work, or None."""
        return None if self.check is None else self.check(values, direction)


NORMALISERS: dict[str, Method] = {
    method.name: method
    for method in (
        Method(
            "goalposts",
            goalposts,
            N_("goalposts (worst -> best)"),
            parameters=("worst", "best"),
            peer_scope=False,
            check=lambda v, direction: _goalposts_problem(v["worst"], v["best"], direction),
        ),
        Method("minmax", minmax, N_("min-max within the peer group")),
        Method("rank", rank, N_("percentile rank within the peer group")),
        Method("zscore", zscore, N_("z-score within the peer group")),
    )
}
