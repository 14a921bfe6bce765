"""The aggregation tree: indicator scores -> dimension scores -> overall score, with the
framework's weights and methods. The engine, the explanations and the analyses all use it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evaluation.framework import Framework
from evaluation.scoring.aggregators import aggregate


def dimension_of_indicator(framework: Framework) -> np.ndarray:
    """For each indicator column, the position of its dimension."""
    return np.array([d for d, dim in enumerate(framework.dimensions) for _ in dim.indicators])


def dimension_columns(framework: Framework) -> list[slice]:
    """For each dimension, the slice of indicator columns that belong to it."""
    out, start = [], 0
    for dim in framework.dimensions:
        out.append(slice(start, start + len(dim.indicators)))
        start += len(dim.indicators)
    return out


@dataclass(frozen=True)
class Tree:
    """Every level of one aggregation, one row per agency (or per trial)."""

    indicator_weights: np.ndarray  # (A, I) normalised within the dimension, NaN = left out
    dimension_scores: np.ndarray  # (A, D) NaN = left out
    dimension_weights: np.ndarray  # (A, D) normalised among included dimensions
    overall: np.ndarray  # (A,) NaN = not scored


def aggregate_tree(framework: Framework, indicator_scores: np.ndarray) -> Tree:
    """Aggregate rows of indicator scores (NaN = left out) with the framework's rules."""
    agg = framework.aggregation
    dims = framework.dimensions
    ind_weights = np.full(indicator_scores.shape, np.nan)
    dim_scores = np.full((len(indicator_scores), len(dims)), np.nan)
    for d, (dim, columns) in enumerate(zip(dims, dimension_columns(framework), strict=True)):
        weights = np.array([i.weight for i in dim.indicators])
        dim_scores[:, d], ind_weights[:, columns] = aggregate(
            indicator_scores[:, columns], weights, agg.indicators, agg.geometric_floor
        )
    overall, dim_weights = aggregate(
        dim_scores, np.array([d.weight for d in dims]), agg.dimensions, agg.geometric_floor
    )
    return Tree(ind_weights, dim_scores, dim_weights, overall)
