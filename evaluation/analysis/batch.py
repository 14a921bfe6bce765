"""Scoring many weight sets (and normalisation choices) at once: the model of one evaluation,
the settings an analysis accepts, and overall scores, ranks and tiers in batches.

A `Model` holds what scoring needs after normalisation: every agency's indicator scores under
each normalisation choice and the weight structure. `overall_batch` scores many weight sets (and
normalisation choices) at once, as matrix products in cache-sized blocks of samples, with the
engine's rules: weights renormalised over each agency's applicable indicators and dimensions,
each aggregation method of the registry, competition ranks with the tie tolerance, tiers by
score, red-line caps and quotas.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from evaluation.errors import InputError, NotFoundError
from evaluation.framework import Framework
from evaluation.i18n import N_, Message
from evaluation.scoring.aggregators import AGGREGATORS
from evaluation.scoring.normalisers import NORMALISERS
from evaluation.scoring.ranking import TIE_TOLERANCE
from evaluation.scoring.result import Evaluation
from evaluation.scoring.scores import score_matrix
from evaluation.scoring.texts import joined
from evaluation.scoring.tiers import NO_TIER
from evaluation.scoring.tree import dimension_of_indicator

# Row blocks for the many passes over (samples x agencies) arrays: small enough to stay in the
# processor's cache, which makes them several times faster than one pass over everything.
BLOCK_BYTES = 2 * 2**20


def blocks(rows: int, row_bytes: int) -> Iterator[slice]:
    """Slices of rows of about BLOCK_BYTES each."""
    size = max(1, BLOCK_BYTES // max(row_bytes, 1))
    for start in range(0, rows, size):
        yield slice(start, min(start + size, rows))


SEED_MAX = 2**32 - 1
MAX_SAMPLES = 1_000_000  # uncertainty samples
MAX_BASE_SAMPLES = 100_000  # Sobol base samples N
MAX_BOOTSTRAP = 10_000
# Scores a run holds at once, samples x agencies (each costs about 40 bytes across the score,
# rank and tier arrays): 50 million stay within 2 GB.
MAX_CELLS = 50_000_000


def _whole(value: object, low: int, high: int) -> Message | None:
    """Why `value` is not a whole number from low to high, or None."""
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not whole or not low <= int(value) <= high:  # type: ignore[call-overload]
        return N_(
            "expected a whole number from {low:,} to {high:,}, got {found!r}",
            low=low,
            high=high,
            found=value,
        )
    return None


def setting_problems(
    samples: int,
    noise: float | tuple[float, float],
    seed: int,
    bootstrap: int | None = None,
) -> list[tuple[str, Message]]:
    """Every bad setting as (setting, message); `bootstrap` is given for a Sobol analysis, whose
    `samples` is the base sample count N (at least 2, for a variance)."""
    problems: list[tuple[str, Message]] = []
    if bootstrap is None:
        checks = [("samples", samples, 1, MAX_SAMPLES)]
    else:
        checks = [
            ("samples", samples, 2, MAX_BASE_SAMPLES),
            ("bootstrap", bootstrap, 1, MAX_BOOTSTRAP),
        ]
    checks.append(("seed", seed, 0, SEED_MAX))
    for name, value, low, high in checks:
        message = _whole(value, low, high)
        if message:
            problems.append((name, message))
    pair = noise if isinstance(noise, tuple) else (noise, noise)
    for name, f in zip(("noise_indicator", "noise_dimension"), pair, strict=True):
        if not isinstance(f, int | float) or not 0 <= f < 1:
            problems.append(
                (name, N_("expected a fraction from 0 to below 1, got {found!r}", found=f))
            )
    return problems


def check_size(model: Model, evaluations: int, problems: list[tuple[str, Message]]) -> None:
    """Raise every bad setting at once, and a run too large to hold."""
    cells = evaluations * len(model.codes)
    if cells > MAX_CELLS:
        problems.append(
            (
                "samples",
                N_(
                    "{evaluations:,} evaluations x {agencies:,} agencies is {cells:,} scores; "
                    "expected at most {most:,}",
                    evaluations=evaluations,
                    agencies=len(model.codes),
                    cells=cells,
                    most=MAX_CELLS,
                ),
            )
        )
    if problems:
        said = [N_("{setting}: {problem}", setting=name, problem=text) for name, text in problems]
        raise InputError(joined(said))


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
    unknown = [m for m in methods if m not in NORMALISERS]
    if unknown:
        raise NotFoundError(
            N_(
                "unknown normalisation {found!r}; valid: {valid}",
                found=unknown[0],
                valid=", ".join(NORMALISERS),
            )
        )
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
    caps = evaluation.tier_caps if len(evaluation.tier_caps) else np.zeros(len(final), dtype=int)
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
    """The framework with every indicator normalised by `method`; a method with parameters
    (goalposts) only where the indicator sets them."""
    dims = []
    for dim in framework.dimensions:
        inds = []
        for ind in dim.indicators:
            norm = ind.normalise
            if all(getattr(norm, key) is not None for key in NORMALISERS[method].parameters):
                norm = replace(norm, method=method)
            inds.append(replace(ind, normalise=norm))
        dims.append(replace(dim, indicators=tuple(inds)))
    return replace(framework, dimensions=tuple(dims))


def overall_batch(
    model: Model,
    ind_weights: np.ndarray,
    dim_weights: np.ndarray,
    method_index: np.ndarray | None = None,
) -> np.ndarray:
    """Overall scores (K, A) for K weight sets (K, I) and (K, D), optionally per-sample
    normalisation choices (K, I) indexing `model.methods`.

    Each dimension's weighted mean is two matrix products: the sampled weights against the
    agencies' scores, and against which scores each agency has. With normalisation choices, the
    scores of every choice are stacked side by side and each sample's weights go to the columns
    of the choice it drew (zero elsewhere), so a sample still costs two products per dimension.
    """
    agg = model.framework.aggregation
    floor = agg.geometric_floor
    inner, outer = AGGREGATORS[agg.indicators], AGGREGATORS[agg.dimensions]
    layers = model.scores if method_index is not None else model.scores[:1]  # (M, A, I)
    count, agencies, _indicators = layers.shape
    present = ~np.isnan(layers)
    values = np.nan_to_num(layers)
    level = np.where(present, inner.level(values, floor) if inner.level else values, 0.0)
    columns = [np.flatnonzero(model.dim_of == d) for d in range(len(model.dim_weights))]
    # Per dimension, (M * J, A): the J indicators of the dimension under choice 0, then 1, ...
    stacked = [
        (
            np.ascontiguousarray(level[:, :, cols].transpose(0, 2, 1).reshape(-1, agencies)),
            np.ascontiguousarray(
                present[:, :, cols].transpose(0, 2, 1).reshape(-1, agencies), dtype=float
            ),
        )
        for cols in columns
    ]
    k_total = len(ind_weights)
    out = np.empty((k_total, agencies))
    for part in blocks(k_total, 8 * agencies):
        k = part.stop - part.start
        top = np.zeros((k, agencies))
        bottom = np.zeros((k, agencies))
        for d, cols in enumerate(columns):
            weights = ind_weights[part][:, cols]  # (k, J)
            if count > 1:
                chosen = method_index[part][:, cols]  # type: ignore[index]
                weights = np.concatenate(
                    [np.where(chosen == m, weights, 0.0) for m in range(count)], axis=1
                )
            weights = np.ascontiguousarray(weights)
            levels, masks = stacked[d]
            total = weights @ masks  # (k, A): weight of what each agency has
            mean = weights @ levels
            defined = total > 0
            total[~defined] = np.inf  # an agency with none of these indicators: left out
            np.divide(mean, total, out=mean)
            if inner.unlevel is not None:
                mean = inner.unlevel(mean)
            if outer.level is not None:
                mean = np.where(defined, outer.level(mean, floor), 0.0)
            carried = dim_weights[part][:, d : d + 1]
            mean *= carried
            top += mean
            bottom += defined * carried
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(top, bottom, out=top)
        if outer.unlevel is not None:
            top = outer.unlevel(top)
        top[bottom <= 0] = np.nan
        out[part] = top
    return out


def rank_batch(overall: np.ndarray) -> np.ndarray:
    """Competition ranks (K, A) of each row, as the engine ranks; NaN scores get NaN."""
    ranks = np.empty(overall.shape)
    for rows in blocks(len(overall), 8 * overall.shape[1]):
        ranks[rows] = _rank_rows(overall[rows])
    return ranks


def _rank_rows(overall: np.ndarray) -> np.ndarray:
    """Competition ranks of a block of rows.

    Each row is sorted once; within a run of scores no more than the tie tolerance apart, every
    score gets the rank 1 + the number of scores above the run.
    """
    present = ~np.isnan(overall)
    filled = np.where(present, overall, -np.inf)
    k, a = overall.shape
    order = np.argsort(filled, axis=1)  # ascending
    ordered = np.take_along_axis(filled, order, axis=1)
    with np.errstate(invalid="ignore"):
        run_ends = np.concatenate(
            [ordered[:, 1:] - ordered[:, :-1] > TIE_TOLERANCE, np.ones((k, 1), dtype=bool)], axis=1
        )
    end = np.where(run_ends, np.arange(a), a)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty(k * a)
    ranks[(order + (np.arange(k) * a)[:, np.newaxis]).ravel()] = (a - end).ravel()
    return np.where(present, ranks.reshape(k, a), np.nan)


def tier_batch(model: Model, overall: np.ndarray) -> np.ndarray:
    """Tier positions (K, A): by score, red-line caps, then quotas from the best tier down."""
    tiers = np.empty(overall.shape, dtype=np.int64)
    for rows in blocks(len(overall), 8 * overall.shape[1] * len(model.framework.tiers)):
        tiers[rows] = _tier_rows(model, overall[rows])
    return tiers


def _tier_rows(model: Model, overall: np.ndarray) -> np.ndarray:
    """Tier positions of a block of rows."""
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
        # Which agencies are scored does not depend on the weights, so the limit is one number.
        scored_any = scored.any(axis=0)
        for group in np.unique(model.groups[scored_any]):
            in_group = (model.groups == group) & scored_any
            limit = math.floor(tier.max_share * int(in_group.sum()) + TIE_TOLERANCE)
            columns = np.flatnonzero(in_group)
            members = final[:, columns] == p
            over = members.sum(axis=1) > limit
            if not over.any() or limit >= columns.size:
                continue
            member_scores = np.where(members, overall[:, columns], -np.inf)
            # The (limit + 1)-th best member score: everyone within the tolerance of it moves.
            cut = -np.partition(-member_scores, limit, axis=1)[:, limit]
            cut = np.where(over, cut, -np.inf)
            moved = members & (overall[:, columns] <= cut[:, np.newaxis] + TIE_TOLERANCE)
            final[:, columns] = np.where(moved, p + 1, final[:, columns])
    return final


def noise_levels(noise: float | tuple[float, float]) -> tuple[float, float]:
    """(indicator f, dimension f): one f for both levels, or a pair."""
    if isinstance(noise, tuple):
        return float(noise[0]), float(noise[1])
    return float(noise), float(noise)


def mean_rank_shift(model: Model, overall: np.ndarray) -> np.ndarray:
    """Per sample, the mean absolute rank change against the nominal ranking.

    Agencies that a sample leaves unscored (every indicator they have weighted 0) are left out.
    """
    ranks = rank_batch(overall)
    scored = ~np.isnan(model.nominal_rank)
    change = np.abs(ranks[:, scored] - model.nominal_rank[scored])
    counted = (~np.isnan(change)).sum(axis=1)
    return np.where(counted > 0, np.nansum(change, axis=1) / np.maximum(counted, 1), 0.0)
