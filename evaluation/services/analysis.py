"""The weights workbench: other weights tried on the framework, data-driven suggestions, and the
uncertainty and sensitivity of the ranking (coordinators and administrators)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evaluation.analysis import sensitivity, uncertainty, whatif
from evaluation.analysis.batch import model_of
from evaluation.analysis.suggest import suggest_weights
from evaluation.errors import InputError
from evaluation.framework import Framework
from evaluation.framework.weights import reweighted
from evaluation.i18n import N_, Message, N_n
from evaluation.permissions import Actor, Permission, require
from evaluation.scoring.result import Evaluation
from evaluation.scoring.texts import period_text, rendered

SUGGESTION_METHODS = ("entropy", "critic")
SOBOL_COLUMNS = ("first_order", "first_low", "first_high", "total_order", "total_low", "total_high")


@dataclass(frozen=True)
class TierChanges:
    """Who would change tier in a period if a framework replaced the one in force."""

    period: str
    agencies: int  # agencies evaluated in the period
    moved: pd.DataFrame  # agency_code, agency_name, tier_now, tier_new

    @property
    def count(self) -> int:
        """How many agencies change tier."""
        return len(self.moved)


@dataclass(frozen=True)
class ShownIndices:
    """Sobol indices as shown: negative estimates (sampling noise) clipped to 0."""

    table: pd.DataFrame
    clipped: int  # how many values were below 0

    @property
    def note(self) -> Message | None:
        """What the clipping did, in the reader's language; None when nothing was clipped."""
        if not self.clipped:
            return None
        return N_n(
            "{count} index estimate came out below 0, which sampling noise does to indices "
            "near 0; it is shown as 0.",
            "{count} index estimates came out below 0, which sampling noise does to indices "
            "near 0; they are shown as 0.",
            self.clipped,
        )


def reweight(
    actor: Actor, framework: Framework, dimensions: dict[str, float], indicators: dict[str, float]
) -> Framework:
    """The framework with new weights (validated; FrameworkError when the set is invalid)."""
    require(actor, Permission.ANALYSE_WEIGHTS, N_("try other weights"))
    return reweighted(framework, dimensions, indicators)


def weight_suggestions(actor: Actor, evaluation: Evaluation) -> dict[str, pd.DataFrame]:
    """Entropy and CRITIC suggestions for the period, per dimension; labels and notes in the
    reader's language."""
    require(actor, Permission.ANALYSE_WEIGHTS, N_("see weight suggestions"))
    suggestions = {method: suggest_weights(evaluation, method) for method in SUGGESTION_METHODS}
    return {
        method: table.assign(label=table["label"].map(rendered), note=table["note"].map(rendered))
        for method, table in suggestions.items()
    }


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
    require(actor, Permission.ANALYSE_WEIGHTS, N_("run an uncertainty analysis"))
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
    require(actor, Permission.ANALYSE_WEIGHTS, N_("run a sensitivity analysis"))
    model = model_of(evaluation, methods)
    return (
        sensitivity.sobol(model, samples, noise, seed, bootstrap),
        sensitivity.leave_one_out(model),
    )


def tier_changes(actor: Actor, before: Evaluation, after: Evaluation) -> TierChanges:
    """The agencies whose tier in one period differs between two frameworks' evaluations."""
    require(actor, Permission.ANALYSE_WEIGHTS, N_("compare tiers under other weights"))
    if before.period.label != after.period.label:
        raise InputError(
            N_(
                "tier changes: the periods differ: {first} and {second}",
                first=period_text(before.period.label),
                second=period_text(after.period.label),
            )
        )
    table = whatif.compare(before, after)
    moved = table[table["tier_changed"]][["agency_code", "agency_name", "tier_now", "tier_new"]]
    return TierChanges(before.period.label, len(table), moved.reset_index(drop=True))


def shown_indices(indices: pd.DataFrame) -> ShownIndices:
    """Sobol indices with every negative estimate clipped to 0: an index is a share of variance,
    so below 0 is sampling noise of a small index, not a meaning."""
    columns = [c for c in SOBOL_COLUMNS if c in indices.columns]
    values = indices[columns]
    clipped = int((values < 0).sum().sum())
    return ShownIndices(indices.assign(**values.clip(lower=0.0)), clipped)
