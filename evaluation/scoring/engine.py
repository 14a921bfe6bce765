"""Scoring a period: indicator values -> scores -> dimensions -> overall -> ranks -> tiers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.framework import Framework, RedLine
from evaluation.periods import Period, parse_period
from evaluation.scoring.cube import FigureCube, build_cube
from evaluation.scoring.indicators import MISSING, NO_ACTIVITY, field_totals, indicator_values
from evaluation.scoring.ranking import competition_rank, rank_within
from evaluation.scoring.result import Evaluation
from evaluation.scoring.scores import Scores, score_matrix
from evaluation.scoring.texts import joined
from evaluation.scoring.tiers import NO_TIER, assign_tiers


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
                # Messages, not text: one cached table serves readers of every language.
                "tier_reasons": [joined(r) for r in outcome.reasons],
                "tier_reason": list(outcome.why),
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
