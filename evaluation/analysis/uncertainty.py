"""Uncertainty of the ranking: rank and tier distributions when every weight is perturbed
(and, optionally, normalisation methods are drawn)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.analysis.batch import (
    Model,
    blocks,
    check_size,
    noise_levels,
    overall_batch,
    rank_batch,
    setting_problems,
    tier_batch,
)


@dataclass(frozen=True)
class Uncertainty:
    """Per agency: nominal and sampled ranks, mean score, tier probabilities; with the settings."""

    table: pd.DataFrame
    samples: int
    noise: tuple[float, float]  # f of the indicator weights, f of the dimension weights
    seed: int
    methods: tuple[str, ...]

    def settings(self) -> dict[str, int | float | str]:
        """The settings that reproduce this result, as named columns."""
        return {
            "samples": self.samples,
            "noise_indicator": self.noise[0],
            "noise_dimension": self.noise[1],
            "seed": self.seed,
            "methods": ",".join(self.methods),
        }


def perturbed_weights(
    model: Model, samples: int, noise: tuple[float, float], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each weight times 1 + U(-f, f): (samples, I) indicator and (samples, D) dimension weights."""
    ind = model.ind_weights * (
        1 + rng.uniform(-noise[0], noise[0], (samples, len(model.ind_weights)))
    )
    dim = model.dim_weights * (
        1 + rng.uniform(-noise[1], noise[1], (samples, len(model.dim_weights)))
    )
    return ind, dim


def draws(
    model: Model, samples: int, noise: float | tuple[float, float], seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The samples of an uncertainty analysis: indicator weights, dimension weights and, when
    the model has normalisation choices, each indicator's choice (samples, I)."""
    rng = np.random.default_rng(seed)
    ind, dim = perturbed_weights(model, samples, noise_levels(noise), rng)
    choice = None
    if len(model.methods) > 1:
        choice = rng.integers(0, len(model.methods), (samples, len(model.ind_weights)))
    return ind, dim, choice


def uncertainty(
    model: Model,
    samples: int = 10_000,
    noise: float | tuple[float, float] = 0.25,
    seed: int = 20261125,
    robust_at: float = 0.8,
) -> Uncertainty:
    """Rank and tier distributions under random weights (and normalisation choices)."""
    check_size(model, samples, setting_problems(samples, noise, seed))
    overall = overall_batch(model, *draws(model, samples, noise, seed))
    ranks = rank_batch(overall)
    tiers = tier_batch(model, overall)
    ids = [t.id for t in model.framework.tiers]
    scored = ~np.isnan(model.nominal_score)
    q05, median, q95 = rank_quantiles(ranks, (0.05, 0.5, 0.95))
    with np.errstate(all="ignore"):
        mean_score = np.nanmean(overall, axis=0)
    table = pd.DataFrame(
        {
            "agency_code": model.codes,
            "agency_name": model.names,
            "nominal_rank": model.nominal_rank,
            "median_rank": median,
            "q05_rank": q05,
            "q95_rank": q95,
            "mean_score": mean_score,
        }
    )
    for p, tier_id in enumerate(ids):
        table[f"p_tier_{tier_id}"] = np.where(scored, (tiers == p).mean(axis=0), np.nan)
    nominal = np.array(
        [
            table[f"p_tier_{ids[t]}"].iloc[a] if t >= 0 else np.nan
            for a, t in enumerate(model.nominal_tier)
        ]
    )
    table["nominal_tier"] = [ids[t] if t >= 0 else None for t in model.nominal_tier]
    table["tier_robust"] = np.where(scored, nominal >= robust_at, False)
    return Uncertainty(
        table.sort_values("nominal_rank").reset_index(drop=True),
        samples,
        noise_levels(noise),
        seed,
        tuple(m for m in model.methods if m),
    )


def rank_quantiles(ranks: np.ndarray, quantiles: tuple[float, ...]) -> list[np.ndarray]:
    """Per column of integer ranks (K, A), the quantiles as np.quantile computes them ("linear"),
    from rank counts instead of a sort; NaN for columns that are all NaN."""
    _k, a = ranks.shape
    # counts[j, r] = how often column j has rank r (0 holds the NaNs), one bincount per block
    counts = np.zeros(a * (a + 1), dtype=np.int64)
    offset = np.arange(a) * (a + 1)
    for rows in blocks(len(ranks), 8 * a):
        cells = np.nan_to_num(ranks[rows], nan=0.0).astype(np.int64) + offset
        counts += np.bincount(cells.ravel(), minlength=counts.size)
    counts = counts.reshape(a, a + 1)
    counts[:, 0] = 0
    n = counts.sum(axis=1)
    cumulative = np.cumsum(counts, axis=1)

    def at(position: np.ndarray) -> np.ndarray:
        """The value at a 0-based position of each column's sorted ranks."""
        return (cumulative > position[:, np.newaxis]).argmax(axis=1).astype(float)

    out = []
    for q in quantiles:
        h = (n - 1) * q
        low, high = np.floor(h), np.ceil(h)
        value = at(low) + (h - low) * (at(high) - at(low))
        out.append(np.where(n > 0, value, np.nan))
    return out
