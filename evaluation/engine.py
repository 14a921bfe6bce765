"""Scoring a period: indicator values -> scores -> dimensions -> overall -> ranks -> tiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from evaluation.aggregate import aggregate
from evaluation.explain import Explanation, explain_agency
from evaluation.figures import (
    MISSING,
    NO_ACTIVITY,
    NOT_APPLICABLE,
    OK,
    STATUS_NAMES,
    FigureCube,
    build_cube,
    field_totals,
    indicator_values,
)
from evaluation.framework import Framework, RedLine
from evaluation.normalise import NORMALISERS
from evaluation.periods import Period, parse_period
from evaluation.ranking import competition_rank, rank_within
from evaluation.tiers import NO_TIER, assign_tiers


@dataclass(frozen=True)
class Scores:
    """The numeric heart of an evaluation, one row per agency (cube order)."""

    values: np.ndarray  # (A, I) indicator values
    status: np.ndarray  # (A, I) OK / NOT_APPLICABLE / NO_ACTIVITY / MISSING
    imputed: np.ndarray  # (A, I) score taken from the peer median
    indicator_scores: np.ndarray  # (A, I) NaN = left out
    indicator_weights: np.ndarray  # (A, I) normalised within the dimension
    dimension_scores: np.ndarray  # (A, D) NaN = left out
    dimension_weights: np.ndarray  # (A, D) normalised among included dimensions
    overall: np.ndarray  # (A,) NaN = not scored


def score_matrix(
    framework: Framework, values: np.ndarray, status: np.ndarray, types: np.ndarray
) -> Scores:
    """Normalise, treat missing values, aggregate indicators and dimensions."""
    scale = framework.scale
    indicators = framework.indicators
    scores = np.full(values.shape, np.nan)
    for j, ind in enumerate(indicators):
        present = status[:, j] == OK
        norm = NORMALISERS[ind.normalise.method]
        worst, best = ind.normalise.worst, ind.normalise.best
        if ind.normalise.method == "goalposts" or ind.normalise.scope == "all":
            groups = [present]
        else:
            groups = [present & (types == t) for t in np.unique(types[present])]
        for members in groups:
            scores[members, j] = norm(values[members, j], ind.higher_is_better, scale, worst, best)
    imputed = np.zeros(values.shape, dtype=bool)
    missing = status == MISSING
    if framework.missing == "zero":
        scores[missing] = 0.0
    elif framework.missing == "peer_median":
        for agency_type in np.unique(types):
            same: np.ndarray = np.asarray(types == agency_type, dtype=bool)
            peers = np.where((status == OK) & same[:, np.newaxis], scores, np.nan)
            has_peer: np.ndarray = np.asarray((~np.isnan(peers)).any(axis=0), dtype=bool)
            median = np.nanmedian(np.where(has_peer, peers, 0.0), axis=0)
            fill = missing & same[:, np.newaxis] & has_peer[np.newaxis, :]
            scores = np.where(fill, median[np.newaxis, :], scores)
            imputed |= fill
    agg = framework.aggregation
    dims = framework.dimensions
    ind_weights = np.full(values.shape, np.nan)
    dim_scores = np.full((len(values), len(dims)), np.nan)
    start = 0
    for d, dim in enumerate(dims):
        stop = start + len(dim.indicators)
        weights = np.array([i.weight for i in dim.indicators])
        dim_scores[:, d], ind_weights[:, start:stop] = aggregate(
            scores[:, start:stop], weights, agg.indicators, agg.geometric_floor
        )
        start = stop
    dim_weights_raw = np.array([d.weight for d in dims])
    overall, dim_weights = aggregate(
        dim_scores, dim_weights_raw, agg.dimensions, agg.geometric_floor
    )
    return Scores(values, status, imputed, scores, ind_weights, dim_scores, dim_weights, overall)


def dimension_of_indicator(framework: Framework) -> np.ndarray:
    """For each indicator column, the position of its dimension."""
    return np.array([d for d, dim in enumerate(framework.dimensions) for _ in dim.indicators])


def red_line_triggers(
    framework: Framework, cube: FigureCube, month_idx: np.ndarray, scores: Scores
) -> list[tuple[RedLine, np.ndarray]]:
    """For each red line, which agencies trip it in the period (no value, no trigger)."""
    out: list[tuple[RedLine, np.ndarray]] = []
    ids = [i.id for i in framework.indicators]
    submitted = cube.submitted[:, month_idx].any(axis=1)
    for rule in framework.red_lines:
        if rule.kind == "no_submission":
            fired = ~submitted
        else:
            assert rule.target is not None
            if rule.kind == "field":
                measured = field_totals(cube, rule.target, month_idx)
            else:
                measured = scores.values[:, ids.index(rule.target)]
            with np.errstate(invalid="ignore"):
                fired = (
                    (measured > rule.above) if rule.above is not None else (measured < rule.below)
                )
            fired &= ~np.isnan(measured)
        out.append((rule, np.asarray(fired, dtype=bool)))
    return out


@dataclass(frozen=True)
class Evaluation:
    """The result of scoring one period: an immutable table plus everything needed to explain it."""

    framework: Framework
    period: Period
    agencies: pd.DataFrame
    scores: Scores
    table: pd.DataFrame
    tier_reasons: tuple[tuple[str, ...], ...]
    # Per agency, the best tier position its red lines allow this period (0 = no cap).
    tier_caps: np.ndarray = field(
        repr=False, compare=False, default_factory=lambda: np.zeros(0, dtype=int)
    )
    _index: dict[str, int] = field(repr=False, compare=False, default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the framework this was scored with."""
        return self.framework.fingerprint

    @cached_property
    def indicator_ids(self) -> tuple[str, ...]:
        """Indicator ids in column order."""
        return tuple(i.id for i in self.framework.indicators)

    def frame(self, kind: str) -> pd.DataFrame:
        """An (agency x indicator) view: values, scores, weights, effective_weights or status."""
        codes = pd.Index(self.agencies["code"], name="agency_code")
        if kind == "values":
            data: np.ndarray = self.scores.values
        elif kind == "scores":
            data = self.scores.indicator_scores
        elif kind == "effective_weights":
            data = self.effective_weights
        elif kind == "status":
            return pd.DataFrame(
                np.vectorize(STATUS_NAMES.get)(self.scores.status),
                index=codes,
                columns=list(self.indicator_ids),
            )
        else:
            raise KeyError(
                f"unknown view {kind!r}; valid: values, scores, effective_weights, status"
            )
        return pd.DataFrame(data, index=codes, columns=list(self.indicator_ids))

    @cached_property
    def effective_weights(self) -> np.ndarray:
        """Weight of each indicator in the overall score: product of normalised weights."""
        dim_of = dimension_of_indicator(self.framework)
        return self.scores.indicator_weights * self.scores.dimension_weights[:, dim_of]

    def explain(self, agency_code: str) -> Explanation:
        """Why an agency got its score and tier, and what would lift it."""
        if agency_code not in self._index:
            raise KeyError(f"agency {agency_code!r} is not in this evaluation")
        return explain_agency(self, self._index[agency_code])

    def explanations(self) -> list[Explanation]:
        """Explanations of every agency, in table order."""
        return [explain_agency(self, i) for i in range(len(self.agencies))]


class Evaluator:
    """Scores any period of one set of figures; the cube is built once and reused."""

    def __init__(self, framework: Framework, figures: pd.DataFrame, agencies: pd.DataFrame):
        self.framework = framework
        self.cube = build_cube(framework, figures, agencies)
        self._ranks: dict[str, np.ndarray] = {}

    def scores(self, period: Period) -> Scores:
        """Indicator values to overall scores for one period."""
        month_idx = self.cube.month_index(period.months)
        values, status = indicator_values(self.framework, self.cube, month_idx)
        return score_matrix(self.framework, values, status, self.cube.types)

    def ranks(self, period: Period) -> np.ndarray:
        """Overall ranks of a period (used for the change against the previous period)."""
        if period.label not in self._ranks:
            month_idx = self.cube.month_index(period.months)
            if not self.cube.submitted[:, month_idx].any():
                # A period nobody reported for was not evaluated: nobody was ranked in it.
                self._ranks[period.label] = np.full(len(self.cube.agencies), np.nan)
            else:
                self._ranks[period.label] = competition_rank(self.scores(period).overall)
        return self._ranks[period.label]

    def evaluate(self, period: str | Period) -> Evaluation:
        """The full evaluation of a period."""
        period = period if isinstance(period, Period) else parse_period(period)
        framework, cube = self.framework, self.cube
        month_idx = cube.month_index(period.months)
        scores = self.scores(period)
        overall = scores.overall
        types = cube.types
        rank = competition_rank(overall)
        if cube.submitted[:, month_idx].any():
            # The same rule as ranks(): a period nobody reported for ranks nobody.
            self._ranks[period.label] = rank
        previous = self.ranks(period.previous())
        triggers = red_line_triggers(framework, cube, month_idx, scores)
        outcome = assign_tiers(framework, overall, types, triggers)
        tier_positions = [t.id for t in framework.tiers]
        caps = np.zeros(len(overall), dtype=int)
        for rule, fired in triggers:
            caps = np.where(fired, np.maximum(caps, tier_positions.index(rule.cap)), caps)
        tier_ids = np.array([t.id for t in framework.tiers] + [""], dtype=object)
        submitted = np.asarray(cube.submitted[:, month_idx].any(axis=1), dtype=bool)
        flags = _flags(framework, scores, submitted, outcome.flags)

        def tiers_named(positions: np.ndarray) -> pd.Series:
            return pd.Series(
                np.where(positions == NO_TIER, None, tier_ids[positions]), dtype=object
            )

        head = pd.DataFrame(
            {
                "agency_code": cube.agencies["code"],
                "agency_name": cube.agencies["name"],
                "agency_type": types,
                "period": period.label,
                "score": overall,
                "rank": pd.array(rank, dtype="Int64"),
                "rank_in_type": pd.array(rank_within(overall, types), dtype="Int64"),
                "rank_change": pd.array(previous - rank, dtype="Int64"),
                "tier": tiers_named(outcome.final),
                "flags": flags,
            }
        )
        ids = [i.id for i in framework.indicators]
        numbers = pd.DataFrame(
            np.hstack([scores.dimension_scores, scores.indicator_scores, scores.values]),
            columns=[f"dim.{d.id}" for d in framework.dimensions]
            + [f"ind.{i}" for i in ids]
            + [f"raw.{i}" for i in ids],
        )
        tail = pd.DataFrame(
            {
                "agency_name_zh": cube.agencies["name_zh"],
                "tier_by_score": tiers_named(outcome.by_score),
                "tier_reasons": ["; ".join(r) for r in outcome.reasons],
            }
        )
        table = pd.concat([head, numbers, tail], axis=1)
        return Evaluation(
            framework=framework,
            period=period,
            agencies=cube.agencies,
            scores=scores,
            table=table,
            tier_reasons=outcome.reasons,
            tier_caps=caps,
            _index={code: i for i, code in enumerate(cube.agencies["code"])},
        )


def _flags(
    framework: Framework,
    scores: Scores,
    submitted: np.ndarray,
    tier_flags: tuple[tuple[str, ...], ...],
) -> list[str]:
    """Short machine-readable flags per agency, `; `-separated."""
    ids = [i.id for i in framework.indicators]
    # Tokens are built per column (vectorised); only the final join walks the rows.
    columns = [
        np.where(~submitted, "no_submission", ""),
        np.where(np.isnan(scores.overall), "not_scored", ""),
    ]
    for j, name in enumerate(ids):
        status = scores.status[:, j]
        columns.append(np.where(status == NO_ACTIVITY, f"no_activity:{name}", ""))
        missing = status == MISSING
        columns.append(
            np.where(
                missing & scores.imputed[:, j],
                f"imputed:{name}",
                np.where(missing, f"missing:{name}", ""),
            )
        )
    tokens = np.stack(columns, axis=1).tolist()
    return [
        "; ".join([t for t in row if t] + list(extra))
        for row, extra in zip(tokens, tier_flags, strict=True)
    ]


def evaluate(
    framework: Framework, figures: pd.DataFrame, agencies: pd.DataFrame, period: str | Period
) -> Evaluation:
    """Score every agency for a period (`YYYY-MM`, `YYYY-Qn` or `YYYY`)."""
    return Evaluator(framework, figures, agencies).evaluate(period)


__all__ = ["NOT_APPLICABLE", "Evaluation", "Evaluator", "Scores", "evaluate"]
