"""Data-driven weight suggestions (entropy, CRITIC) for the indicators of each dimension."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.analysis.weighting import WEIGHTERS
from evaluation.errors import NotFoundError
from evaluation.i18n import N_, Message, Text
from evaluation.scoring.result import Evaluation
from evaluation.scoring.texts import framework_text
from evaluation.scoring.tree import dimension_columns

# What each method does, in the reader's language (`str()`).
EXPLANATIONS: dict[str, Message] = {
    "entropy": N_(
        "Entropy: an indicator on which agencies differ more carries more information and "
        "gets more weight; one on which all agencies look alike gets little."
    ),
    "critic": N_(
        "CRITIC (Diakoulaki 1995): weight grows with an indicator's spread and with how "
        "little it agrees with the other indicators, so redundant indicators share weight."
    ),
}


def suggest_weights(evaluation: Evaluation, method: str) -> pd.DataFrame:
    """Per dimension, the current and suggested share of each indicator's weight.

    Suggestions are computed on the indicator scores of the agencies measured on every indicator
    of the dimension that has at least two values; a dimension without two such agencies gets no
    suggestion and says why. Labels and notes are texts read in the reader's language.
    """
    if method not in WEIGHTERS:
        raise NotFoundError(
            N_("unknown method {found!r}; valid: {valid}", found=method, valid=", ".join(WEIGHTERS))
        )
    weigh = WEIGHTERS[method]
    scores = evaluation.scores.indicator_scores
    rows: list[dict[str, object]] = []
    framework = evaluation.framework
    for dim, columns in zip(framework.dimensions, dimension_columns(framework), strict=True):
        block = scores[:, columns]
        usable = (~np.isnan(block)).sum(axis=0) >= 2
        complete = ~np.isnan(block[:, usable]).any(axis=1)
        total = sum(i.weight for i in dim.indicators) or 1.0
        suggested = np.full(len(dim.indicators), np.nan)
        note: Text = ""
        if usable.sum() >= 2 and complete.sum() >= 2:
            try:
                suggested[usable] = weigh(block[complete][:, usable], [True] * int(usable.sum()))
            except ValueError as exc:
                note = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
        else:
            note = N_(
                "no two agencies are measured on two or more of these indicators, so the data "
                "cannot compare them"
            )
        for k, ind in enumerate(dim.indicators):
            rows.append(
                {
                    "dimension": dim.id,
                    "indicator": ind.id,
                    "label": framework_text(ind),
                    "current_share": ind.weight / total,
                    "suggested_share": suggested[k],
                    "agencies_used": int(complete.sum()),
                    "note": note,
                }
            )
    return pd.DataFrame(rows)
