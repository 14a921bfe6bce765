"""What-if: new weights written into the framework text in place, and the ranking moves."""

from __future__ import annotations

import re

import pandas as pd
from ruamel.yaml import YAML

from evaluation.engine import Evaluation
from evaluation.errors import InputError
from evaluation.framework import Framework, parse_framework

_SCALAR = re.compile(r"[^\s,}\]#]+")


def _format(weight: float) -> str:
    """A weight as people write it: 2, 0.5, 1.25."""
    if weight < 0 or weight != weight:
        raise InputError(f"weight: expected a number >= 0, got {weight}")
    return f"{weight:.6g}"


def set_weights(text: str, dimensions: dict[str, float], indicators: dict[str, float]) -> str:
    """The framework text with the given weights replaced and every other byte kept."""
    document = YAML().load(text)
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for dim in document.get("dimensions") or []:
        if dim.get("id") in dimensions and "weight" in dim:
            edits.append((*dim.lc.value("weight"), _format(dimensions[dim["id"]])))
            seen.add(f"dimension {dim['id']}")
        for ind in dim.get("indicators") or []:
            if ind.get("id") in indicators and "weight" in ind:
                edits.append((*ind.lc.value("weight"), _format(indicators[ind["id"]])))
                seen.add(f"indicator {ind['id']}")
    places: dict[tuple[int, int], int] = {}
    for line, column, _value in edits:
        places[(line, column)] = places.get((line, column), 0) + 1
    shared = sorted(line + 1 for (line, _c), count in places.items() if count > 1)
    if shared:
        raise InputError(
            f"line {', '.join(map(str, shared))}: a weight there is shared through a YAML anchor "
            "and alias (&name ... *name), so one weight cannot change alone; write the numbers "
            "out in the framework file and try again"
        )
    wanted = {f"dimension {k}" for k in dimensions} | {f"indicator {k}" for k in indicators}
    if wanted - seen:
        missing = ", ".join(sorted(wanted - seen))
        raise InputError(f"{missing}: not found with a weight in the framework file")
    for line, column, value in sorted(edits, reverse=True):
        match = _SCALAR.match(lines[line], column)
        # `&name 3` defines an anchor (used nowhere else, see above): keep it, replace the number.
        if match is not None and match.group().startswith("&"):
            after = len(lines[line]) - len(lines[line][match.end() :].lstrip(" \t"))
            match = _SCALAR.match(lines[line], after)
        if match is None:
            raise InputError(f"line {line + 1}: cannot find the weight to replace")
        lines[line] = lines[line][: match.start()] + value + lines[line][match.end() :]
    return "".join(lines)


def reweighted(
    framework: Framework, dimensions: dict[str, float], indicators: dict[str, float]
) -> Framework:
    """The framework with new weights, validated like a file (FrameworkError on a bad set).

    Weights equal to the framework's own give the framework itself, without rewriting the text.
    """
    same = all(dimensions.get(d.id, d.weight) == d.weight for d in framework.dimensions) and all(
        indicators.get(i.id, i.weight) == i.weight for i in framework.indicators
    )
    if same:
        return framework
    return parse_framework(set_weights(framework.text, dimensions, indicators), framework.source)


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
