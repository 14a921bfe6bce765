"""The weights workbench: other weights tried on the framework, data-driven suggestions, and the
uncertainty and sensitivity of the ranking (coordinators and administrators)."""

from __future__ import annotations

import pandas as pd

from evaluation.analysis import sensitivity, uncertainty
from evaluation.analysis.batch import model_of
from evaluation.analysis.suggest import suggest_weights
from evaluation.framework import Framework
from evaluation.framework.weights import reweighted
from evaluation.permissions import Actor, Permission, require
from evaluation.scoring.result import Evaluation

SUGGESTION_METHODS = ("entropy", "critic")


def reweight(
    actor: Actor, framework: Framework, dimensions: dict[str, float], indicators: dict[str, float]
) -> Framework:
    """The framework with new weights (validated; FrameworkError when the set is invalid)."""
    require(actor, Permission.ANALYSE_WEIGHTS, "try other weights")
    return reweighted(framework, dimensions, indicators)


def weight_suggestions(actor: Actor, evaluation: Evaluation) -> dict[str, pd.DataFrame]:
    """Entropy and CRITIC suggestions for the period, per dimension."""
    require(actor, Permission.ANALYSE_WEIGHTS, "see weight suggestions")
    return {method: suggest_weights(evaluation, method) for method in SUGGESTION_METHODS}


def uncertainty_analysis(
    actor: Actor,
    evaluation: Evaluation,
    samples: int,
    noise: float | tuple[float, float],
    seed: int,
    methods: tuple[str, ...] = (),
) -> uncertainty.Uncertainty:
    """Rank and tier distributions of a period under perturbed weights (f per indicator and
    dimension level when `noise` is a pair) and, with `methods`, drawn normalisations."""
    require(actor, Permission.ANALYSE_WEIGHTS, "run an uncertainty analysis")
    return uncertainty.uncertainty(model_of(evaluation, methods), samples, noise, seed)


def sensitivity_analysis(
    actor: Actor,
    evaluation: Evaluation,
    samples: int,
    noise: float | tuple[float, float],
    seed: int,
    bootstrap: int,
    methods: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sobol indices of every weight (and, with `methods`, every normalisation choice) and the
    leave-one-indicator-out table."""
    require(actor, Permission.ANALYSE_WEIGHTS, "run a sensitivity analysis")
    model = model_of(evaluation, methods)
    return (
        sensitivity.sobol(model, samples, noise, seed, bootstrap),
        sensitivity.leave_one_out(model),
    )
