"""Sensitivity of the ranking: Sobol indices of each uncertain input, and the effect of leaving
out each indicator."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.analysis.batch import (
    Model,
    check_size,
    mean_rank_shift,
    noise_levels,
    overall_batch,
    setting_problems,
)


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


def sobol_inputs(model: Model) -> list[str]:
    """The uncertain inputs of `sobol`, in design-column order."""
    framework = model.framework
    names = [f"indicator:{i.id}" for i in framework.indicators]
    names += [f"dimension:{d.id}" for d in framework.dimensions]
    if len(model.methods) > 1:
        names += [f"normalisation:{i.id}" for i in framework.indicators]
    return names


def _design_inputs(
    model: Model, design: np.ndarray, noise: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Weights and normalisation choices from a design of U(0, 1) columns.

    A weight column u becomes the multiplier 1 + f(2u - 1), i.e. 1 + U(-f, f); a normalisation
    column u picks choice floor(u M) of the M choices, each with probability 1/M.
    """
    indicators, dims = len(model.ind_weights), len(model.dim_weights)
    ind = model.ind_weights * (1 + noise[0] * (2 * design[:, :indicators] - 1))
    dim = model.dim_weights * (1 + noise[1] * (2 * design[:, indicators : indicators + dims] - 1))
    choice = None
    count = len(model.methods)
    if count > 1:
        picked = np.floor(design[:, indicators + dims :] * count).astype(np.int64)
        choice = np.minimum(picked, count - 1)
    return ind, dim, choice


def sobol(
    model: Model,
    base_samples: int = 1024,
    noise: float | tuple[float, float] = 0.25,
    seed: int = 20261125,
    bootstrap: int = 200,
) -> pd.DataFrame:
    """First- and total-order Sobol indices of each uncertain input on the mean absolute rank
    change against the nominal ranking.

    Inputs: every indicator and dimension weight (a multiplier 1 + U(-f, f), f per level) and,
    when the model has normalisation choices, each indicator's choice (a categorical input).
    Saltelli design: matrices A and B of U(0, 1) and, per input i, A with column i from B;
    N(d + 2) evaluations. Estimators: Saltelli et al. (2010) for first order, Jansen (1999) for
    total order; 95 % bootstrap intervals over the N rows. The settings are in `attrs`.
    """
    names = sobol_inputs(model)
    d = len(names)
    check_size(
        model, base_samples * (d + 2), setting_problems(base_samples, noise, seed, bootstrap)
    )
    levels = noise_levels(noise)
    n = base_samples
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.0, 1.0, (n, d))
    b = rng.uniform(0.0, 1.0, (n, d))
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    y = mean_rank_shift(
        model, overall_batch(model, *_design_inputs(model, np.vstack(blocks), levels))
    )
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
    boot = [indices(rng.integers(0, n, n)) for _ in range(bootstrap)]
    firsts = np.array([f for f, _ in boot])
    totals = np.array([t for _, t in boot])
    table = pd.DataFrame(
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
    table.attrs = {
        "samples": n,
        "evaluations": n * (d + 2),
        "noise_indicator": levels[0],
        "noise_dimension": levels[1],
        "seed": seed,
        "methods": ",".join(m for m in model.methods if m),
        "bootstrap": bootstrap,
    }
    return table
