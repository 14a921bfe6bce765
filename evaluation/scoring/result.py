"""The result of scoring one period: an immutable table plus everything needed to explain it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from evaluation.errors import NotFoundError
from evaluation.framework import Framework
from evaluation.i18n import N_, Message
from evaluation.periods import Period
from evaluation.scoring.explain import Explanation, explain_agency
from evaluation.scoring.indicators import STATUS_NAMES
from evaluation.scoring.scores import Scores
from evaluation.scoring.tree import dimension_of_indicator


@dataclass(frozen=True)
class Evaluation:
    """The result of scoring one period: an immutable table plus everything needed to explain it."""

    framework: Framework
    period: Period
    agencies: pd.DataFrame
    scores: Scores
    table: pd.DataFrame
    tier_reasons: tuple[tuple[Message, ...], ...]  # read in the reader's language
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
            raise NotFoundError(
                N_(
                    "unknown view {found!r}; valid: values, scores, effective_weights, status",
                    found=kind,
                )
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
            raise NotFoundError(N_("agency {code!r} is not in this evaluation", code=agency_code))
        return self._explain(self._index[agency_code])

    def explanations(self) -> list[Explanation]:
        """Explanations of every agency, in table order."""
        return [self._explain(i) for i in range(len(self.agencies))]

    def _explain(self, a: int) -> Explanation:
        """The explanation of the agency at position `a`."""
        return explain_agency(
            self.framework,
            self.scores,
            a,
            self.table.iloc[a],
            self.tier_reasons[a],
            self.period.label,
        )
