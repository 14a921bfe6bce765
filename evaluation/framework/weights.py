"""In-place weight edits: new weights written into the framework text, every other byte kept,
and the result validated like a file."""

from __future__ import annotations

import re

from ruamel.yaml import YAML

from evaluation.errors import InputError
from evaluation.framework.model import Framework
from evaluation.framework.source import parse_framework
from evaluation.i18n import N_, Text, is_chinese

_SCALAR = re.compile(r"[^\s,}\]#]+")


def _format(weight: float) -> str:
    """A weight as people write it: 2, 0.5, 1.25."""
    if weight < 0 or weight != weight:
        raise InputError(N_("weight: expected a number >= 0, got {found}", found=weight))
    return f"{weight:.6g}"


class _Listing:
    """Items of a message, joined when the message is read: each item rendered in the reader's
    language then, with the reader's separator (`, ` or `、`)."""

    def __init__(self, items: list[Text]) -> None:
        self.items = items

    def __str__(self) -> str:
        return ("、" if is_chinese() else ", ").join(str(item) for item in self.items)


def _named(kind: str, item_id: str) -> Text:
    """`dimension early_warning` or `indicator return_rate`, in the reader's words."""
    if kind == "dimension":
        return N_("dimension {id}", id=item_id)
    return N_("indicator {id}", id=item_id)


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
            N_(
                "line {lines}: a weight there is shared through a YAML anchor and alias "
                "(&name ... *name), so one weight cannot change alone; write the numbers out "
                "in the framework file and try again",
                lines=", ".join(map(str, shared)),
            )
        )
    wanted = {f"dimension {k}" for k in dimensions} | {f"indicator {k}" for k in indicators}
    if wanted - seen:
        missing = [_named(*item.split(" ", 1)) for item in sorted(wanted - seen)]
        raise InputError(
            N_(
                "{missing}: not found with a weight in the framework file",
                missing=_Listing(missing),
            )
        )
    for line, column, value in sorted(edits, reverse=True):
        match = _SCALAR.match(lines[line], column)
        # `&name 3` defines an anchor (used nowhere else, see above): keep it, replace the number.
        if match is not None and match.group().startswith("&"):
            after = len(lines[line]) - len(lines[line][match.end() :].lstrip(" \t"))
            match = _SCALAR.match(lines[line], after)
        if match is None:
            raise InputError(N_("line {line}: cannot find the weight to replace", line=line + 1))
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
