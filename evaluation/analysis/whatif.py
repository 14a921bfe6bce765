"""What-if: each indicator's effective share of the weight, and how the ranking moves under
other weights."""

from __future__ import annotations

import pandas as pd

from evaluation.framework import Framework
from evaluation.scoring.result import Evaluation


def effective_shares(framework: Framework) -> pd.DataFrame:
    """Each indicator's share of its dimension and of the total, when every indicator applies."""
    total = sum(d.weight for d in framework.dimensions) or 1.0
    rows = []
    for dim in framework.dimensions:
        inner = sum(i.weight for i in dim.indicators) or 1.0
        for ind in dim.indicators:
            rows.append(
                {
                    "dimension": dim.id,
                    "indicator": ind.id,
                    "of_dimension": ind.weight / inner,
                    "of_total": dim.weight / total * ind.weight / inner,
                }
            )
    return pd.DataFrame(rows)


def compare(before: Evaluation, after: Evaluation) -> pd.DataFrame:
    """Per agency: score, rank and tier now and with the new weights, and the rank movement."""
    keep = ["agency_code", "agency_name", "agency_type", "score", "rank", "tier"]
    joined = before.table[keep].merge(
        after.table[["agency_code", "score", "rank", "tier"]],
        on="agency_code",
        suffixes=("_now", "_new"),
    )
    joined["rank_move"] = (joined["rank_now"] - joined["rank_new"]).astype("Int64")
    joined["tier_changed"] = joined["tier_now"].astype(str) != joined["tier_new"].astype(str)
    order = ["agency_code", "agency_name", "agency_type", "rank_now", "rank_new", "rank_move"]
    order += ["tier_now", "tier_new", "tier_changed", "score_now", "score_new"]
    return joined.sort_values(["rank_new", "agency_name"], ignore_index=True)[order]
