"""Uncertainty and sensitivity of the ranking to the weights (and normalisation), vectorised.

A `Model` holds what scoring needs after normalisation: every agency's indicator scores and the
weight structure. `overall_batch` scores many weight sets at once, as matrix products chunked
over samples, with the engine's rules: weights renormalised over each agency's applicable
indicators and dimensions, arithmetic or geometric aggregation, competition ranks with the tie
tolerance, tiers by score, red-line caps and quotas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from evaluation.engine import Evaluation, dimension_of_indicator, score_matrix
from evaluation.framework import Framework
from evaluation.ranking import TIE_TOLERANCE
from evaluation.tiers import NO_TIER

CHUNK_BYTES = 256 * 2**20  # the largest temporary array a chunk may allocate
METHODS = ("goalposts", "minmax", "rank", "zscore")


@dataclass(frozen=True)
class Model:
    """The normalised scores of one evaluation and everything needed to re-aggregate them."""

    framework: Framework
    codes: np.ndarray  # (A,)
    names: np.ndarray  # (A,)
    scores: np.ndarray  # (M, A, I) indicator scores under each normalisation choice; NaN = out
    methods: tuple[str, ...]  # the M normalisation choices; "" = as in the framework
    dim_of: np.ndarray  # (I,) dimension position of each indicator
    ind_weights: np.ndarray  # (I,)
    dim_weights: np.ndarray  # (D,)
    caps: np.ndarray  # (A,) tier position a red line caps each agency at (0 = none)
    groups: np.ndarray  # (A,) quota groups
    nominal_score: np.ndarray  # (A,)
    nominal_rank: np.ndarray  # (A,)
    nominal_tier: np.ndarray  # (A,) tier position, NO_TIER when not scored


def model_of(evaluation: Evaluation, methods: tuple[str, ...] = ()) -> Model:
    """The model of an evaluation; `methods` adds normalisation choices to draw from."""
    framework = evaluation.framework
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise KeyError(f"unknown normalisation {unknown[0]!r}; valid: {', '.join(METHODS)}")
    layers = [evaluation.scores.indicator_scores]
    types = evaluation.table["agency_type"].to_numpy()
    for method in methods:
        layers.append(
            score_matrix(
                _with_method(framework, method),
                evaluation.scores.values,
                evaluation.scores.status,
                types,
            ).indicator_scores
        )
    ids = [t.id for t in framework.tiers]
    tier_of = {t: k for k, t in enumerate(ids)}
    final = np.array([tier_of.get(t, NO_TIER) for t in evaluation.table["tier"].fillna("")])
    by_score = np.array(
        [tier_of.get(t, NO_TIER) for t in evaluation.table["tier_by_score"].fillna("")]
    )
    caps = np.zeros(len(final), dtype=int)
    for a, reasons in enumerate(evaluation.tier_reasons):
        for reason in reasons:
            if reason.startswith("capped at "):
                caps[a] = max(caps[a], tier_of[reason.split()[2]])
    del by_score
    return Model(
        framework=framework,
        codes=evaluation.table["agency_code"].to_numpy(),
        names=evaluation.table["agency_name"].to_numpy(),
        scores=np.stack(layers),
        methods=("", *methods),
        dim_of=dimension_of_indicator(framework),
        ind_weights=np.array([i.weight for i in framework.indicators], dtype=float),
        dim_weights=np.array([d.weight for d in framework.dimensions], dtype=float),
        caps=caps,
        groups=types if framework.quota_scope == "type" else np.zeros(len(types), dtype=object),
        nominal_score=evaluation.table["score"].to_numpy(dtype=float),
        nominal_rank=evaluation.table["rank"].to_numpy(dtype=float, na_value=np.nan),
        nominal_tier=final,
    )


def _with_method(framework: Framework, method: str) -> Framework:
    """The framework with every indicator normalised by `method` (goalposts only where set)."""
    dims = []
    for dim in framework.dimensions:
        inds = []
        for ind in dim.indicators:
            norm = ind.normalise
            if method != "goalposts" or (norm.worst is not None and norm.best is not None):
                norm = replace(norm, method=method)
            inds.append(replace(ind, normalise=norm))
        dims.append(replace(dim, indicators=tuple(inds)))
    return replace(framework, dimensions=tuple(dims))


def _chunks(total: int, per_sample_bytes: int) -> Iterator[slice]:
    """Slices of samples whose temporaries stay under CHUNK_BYTES."""
    size = max(1, CHUNK_BYTES // max(per_sample_bytes, 1))
    for start in range(0, total, size):
        yield slice(start, min(start + size, total))


def _combine(
    parts: np.ndarray, present: np.ndarray, weights: np.ndarray, method: str, floor: float
) -> np.ndarray:
    """Weighted mean over the last axis of (K, A, J) parts with (K, J) weights, renormalised
    over present parts; NaN where nothing is present."""
    carried = np.where(present, weights[:, np.newaxis, :], 0.0)
    total = carried.sum(axis=2)
    if method == "geometric":
        values = np.log(np.maximum(np.where(present, parts, floor), floor))
    else:
        values = np.where(present, parts, 0.0)
    summed = np.einsum("kaj,kaj->ka", carried, values)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = summed / total
    mean = np.exp(mean) if method == "geometric" else mean
    return np.where(total > 0, mean, np.nan)


def overall_batch(
    model: Model,
    ind_weights: np.ndarray,
    dim_weights: np.ndarray,
    method_index: np.ndarray | None = None,
) -> np.ndarray:
    """Overall scores (K, A) for K weight sets (K, I) and (K, D), optionally per-sample
    normalisation choices (K, I) indexing `model.methods`."""
    agg = model.framework.aggregation
    k_total = len(ind_weights)
    _m, agencies, indicators = model.scores.shape
    dims = len(model.dim_weights)
    out = np.empty((k_total, agencies))
    per_sample = 8 * agencies * (3 * indicators + 3 * dims)
    for part in _chunks(k_total, per_sample):
        if method_index is None:
            scores = np.broadcast_to(
                model.scores[0], (part.stop - part.start, agencies, indicators)
            )
        else:
            chosen = method_index[part]  # (K, I)
            scores = model.scores[chosen, :, np.arange(indicators)[np.newaxis, :]]  # (K, I, A)
            scores = np.swapaxes(scores, 1, 2)
        present = ~np.isnan(scores)
        dim_scores = np.empty((part.stop - part.start, agencies, dims))
        for d in range(dims):
            cols = model.dim_of == d
            dim_scores[:, :, d] = _combine(
                scores[:, :, cols],
                present[:, :, cols],
                ind_weights[part][:, cols],
                agg.indicators,
                agg.geometric_floor,
            )
        out[part] = _combine(
            dim_scores,
            ~np.isnan(dim_scores),
            dim_weights[part],
            agg.dimensions,
            agg.geometric_floor,
        )
    return out


def rank_batch(overall: np.ndarray) -> np.ndarray:
    """Competition ranks (K, A) of each row, as the engine ranks; NaN scores get NaN."""
    present = ~np.isnan(overall)
    filled = np.where(present, overall, -np.inf)
    ordered = np.sort(filled, axis=1)
    k, a = overall.shape
    # One searchsorted over all rows: shift each row into its own band of the number line.
    band = (np.abs(filled[present]).max() if present.any() else 1.0) * 4 + 1.0
    offsets = np.arange(k)[:, np.newaxis] * band
    flat = np.where(np.isinf(ordered), -band / 2, ordered) + offsets
    query = np.where(present, overall, 0.0) + TIE_TOLERANCE + offsets
    position = np.searchsorted(flat.ravel(), query.ravel(), side="right").reshape(k, a)
    above = (np.arange(1, k + 1)[:, np.newaxis] * a) - position
    return np.where(present, above + 1.0, np.nan)


def tier_batch(model: Model, overall: np.ndarray) -> np.ndarray:
    """Tier positions (K, A): by score, red-line caps, then quotas from the best tier down."""
    tiers = model.framework.tiers
    floors = np.array([t.min_score for t in tiers])
    scored = ~np.isnan(overall)
    position = (floors[np.newaxis, np.newaxis, :] > overall[:, :, np.newaxis] + TIE_TOLERANCE).sum(
        axis=2
    )
    final = np.where(scored, np.maximum(position, model.caps[np.newaxis, :]), NO_TIER)
    for p, tier in enumerate(tiers[:-1]):
        if tier.max_share is None:
            continue
        for group in np.unique(model.groups[scored.any(axis=0)]):
            in_scope = scored & (model.groups == group)[np.newaxis, :]
            limit = np.floor(tier.max_share * in_scope.sum(axis=1) + TIE_TOLERANCE).astype(int)
            members = in_scope & (final == p)
            count = members.sum(axis=1)
            member_scores = np.where(members, overall, -np.inf)
            ordered = -np.sort(-member_scores, axis=1)  # descending
            index = np.minimum(limit, overall.shape[1] - 1)
            cut = np.where(count > limit, ordered[np.arange(len(overall)), index], -np.inf)
            moved = members & (overall <= cut[:, np.newaxis] + TIE_TOLERANCE)
            final = np.where(moved, p + 1, final)
    return final


@dataclass(frozen=True)
class Uncertainty:
    """Per agency: nominal and sampled ranks, mean score, tier probabilities; with the settings."""

    table: pd.DataFrame
    samples: int
    noise: float
    seed: int
    methods: tuple[str, ...]


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


def uncertainty(
    model: Model,
    samples: int = 10_000,
    noise: float | tuple[float, float] = 0.25,
    seed: int = 20261125,
    robust_at: float = 0.8,
) -> Uncertainty:
    """Rank and tier distributions under random weights (and normalisation choices)."""
    levels = (noise, noise) if isinstance(noise, float | int) else noise
    rng = np.random.default_rng(seed)
    ind, dim = perturbed_weights(model, samples, (float(levels[0]), float(levels[1])), rng)
    choice = None
    if len(model.methods) > 1:
        choice = rng.integers(0, len(model.methods), (samples, len(model.ind_weights)))
    overall = overall_batch(model, ind, dim, choice)
    ranks = rank_batch(overall)
    tiers = tier_batch(model, overall)
    ids = [t.id for t in model.framework.tiers]
    scored = ~np.isnan(model.nominal_score)
    with np.errstate(all="ignore"):
        table = pd.DataFrame(
            {
                "agency_code": model.codes,
                "agency_name": model.names,
                "nominal_rank": model.nominal_rank,
                "median_rank": np.nanmedian(ranks, axis=0),
                "q05_rank": np.nanquantile(ranks, 0.05, axis=0),
                "q95_rank": np.nanquantile(ranks, 0.95, axis=0),
                "mean_score": np.nanmean(overall, axis=0),
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
        float(levels[0]),
        seed,
        tuple(m for m in model.methods if m),
    )


def mean_rank_shift(model: Model, overall: np.ndarray) -> np.ndarray:
    """Per sample, the mean absolute rank change against the nominal ranking.

    Agencies that a sample leaves unscored (every indicator they have weighted 0) are left out.
    """
    ranks = rank_batch(overall)
    scored = ~np.isnan(model.nominal_rank)
    change = np.abs(ranks[:, scored] - model.nominal_rank[scored])
    counted = (~np.isnan(change)).sum(axis=1)
    return np.where(counted > 0, np.nansum(change, axis=1) / np.maximum(counted, 1), 0.0)


def leave_one_out(model: Model) -> pd.DataFrame:
    """Mean absolute rank change when each indicator is removed (its weight set to 0)."""
    count = len(model.ind_weights)
    ind = np.tile(model.ind_weights, (count, 1))
    ind[np.arange(count), np.arange(count)] = 0.0
    dim = np.tile(model.dim_weights, (count, 1))
    shift = mean_rank_shift(model, overall_batch(model, ind, dim))
    framework = model.framework
    return pd.DataFrame(
        {
            "indicator": [i.id for i in framework.indicators],
            "label": [i.label for i in framework.indicators],
            "mean_abs_rank_change": shift,
        }
    ).sort_values("mean_abs_rank_change", ascending=False, ignore_index=True)


def sobol(
    model: Model,
    base_samples: int = 1024,
    noise: float = 0.25,
    seed: int = 20261125,
    bootstrap: int = 200,
) -> pd.DataFrame:
    """First- and total-order Sobol indices of each weight on the mean absolute rank change.

    Saltelli design: matrices A and B of multipliers U(-f, f) and, per input i, A with column i
    from B; N(d + 2) evaluations. Estimators: Saltelli et al. (2010) for first order, Jansen
    (1999) for total order; 95 % bootstrap intervals over the N rows.
    """
    framework = model.framework
    names = [f"indicator:{i.id}" for i in framework.indicators]
    names += [f"dimension:{d.id}" for d in framework.dimensions]
    d = len(names)
    rng = np.random.default_rng(seed)
    a = rng.uniform(-noise, noise, (base_samples, d))
    b = rng.uniform(-noise, noise, (base_samples, d))
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    design = np.vstack(blocks)
    split = len(model.ind_weights)
    weights = np.concatenate([model.ind_weights, model.dim_weights]) * (1 + design)
    y = mean_rank_shift(model, overall_batch(model, weights[:, :split], weights[:, split:]))
    n = base_samples
    fa, fb = y[:n], y[n : 2 * n]
    fab = y[2 * n :].reshape(d, n)

    def indices(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ya, yb, yab = fa[rows], fb[rows], fab[:, rows]
        variance = np.var(np.concatenate([ya, yb]))
        if variance <= 0:
            return np.zeros(d), np.zeros(d)
        first = (yb * (yab - ya)).mean(axis=1) / variance
        total = 0.5 * ((ya - yab) ** 2).mean(axis=1) / variance
        return first, total

    first, total = indices(np.arange(n))
    draws = rng.integers(0, n, (bootstrap, n))
    boot = [indices(rows) for rows in draws]
    firsts = np.array([f for f, _ in boot])
    totals = np.array([t for _, t in boot])
    return pd.DataFrame(
        {
            "input": names,
            "first_order": first,
            "first_low": np.quantile(firsts, 0.025, axis=0),
            "first_high": np.quantile(firsts, 0.975, axis=0),
            "total_order": total,
            "total_low": np.quantile(totals, 0.025, axis=0),
            "total_high": np.quantile(totals, 0.975, axis=0),
        }
    ).sort_values("total_order", ascending=False, ignore_index=True)
