"""The checker's primitives: where a problem is (the source map from paths to lines) and the
checks every section shares (mapping keys, numbers, text, choices, ids)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from evaluation.errors import Problem
from evaluation.framework.keys import SECTIONS
from evaluation.i18n import N_, Message, Text

ID = re.compile(r"^[a-z][a-z0-9_]*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

Path_ = tuple[str | int, ...]


# The largest number the framework accepts anywhere, and the largest weight and scale.
LARGEST = 1e15
LARGEST_WEIGHT = 1e6


def readable(number: float) -> str:
    """A bound as people read it: `0`, `0.5`, `1,000,000`."""
    if float(number).is_integer() and abs(number) < 1e16:
        return f"{number:,.0f}"
    return f"{number:g}"


def fmt(path: Path_) -> str:
    """`("dimensions", 1, "weight")` -> `dimensions[1].weight`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def shown(value: object) -> Text:
    """How a found value is quoted in a message (a text as JSON, a mapping or list in words)."""
    if value is None:
        return N_("nothing")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return N_("a mapping")
    if isinstance(value, list):
        return N_("a list")
    return str(value).lower() if isinstance(value, bool) else str(value)


def listing(options: Iterable[str]) -> Text:
    """Valid names for a message: `a, b, c` (ids, the same in every language)."""
    return ", ".join(options) or N_("(none defined)")


def expected_number(
    found: object, minimum: float | None, above: float | None, maximum: float | None
) -> Message:
    """`expected a number >= 0 and <= 1,000,000, got "high"`: the bounds in one sentence."""
    low = None if minimum is None else readable(minimum)
    over = None if above is None else readable(above)
    high = None if maximum is None else readable(maximum)
    got = shown(found)
    if low is None and over is None and high is None:
        return N_(
            "expected a number between -{largest} and {largest}, got {found}",
            largest=readable(LARGEST),
            found=got,
        )
    if over is None and high is None:
        return N_("expected a number >= {minimum}, got {found}", minimum=low, found=got)
    if low is None and high is None:
        return N_("expected a number > {above}, got {found}", above=over, found=got)
    if low is None and over is None:
        return N_("expected a number <= {maximum}, got {found}", maximum=high, found=got)
    if over is None:
        return N_(
            "expected a number >= {minimum} and <= {maximum}, got {found}",
            minimum=low,
            maximum=high,
            found=got,
        )
    if low is None:
        return N_(
            "expected a number > {above} and <= {maximum}, got {found}",
            above=over,
            maximum=high,
            found=got,
        )
    if high is None:
        return N_(
            "expected a number >= {minimum} and > {above}, got {found}",
            minimum=low,
            above=over,
            found=got,
        )
    return N_(
        "expected a number >= {minimum} and > {above} and <= {maximum}, got {found}",
        minimum=low,
        above=over,
        maximum=high,
        found=got,
    )


# The words a message names a thing with ("unknown {what} ..."): nouns, one per kind of thing.
WHAT: dict[str, Message] = {
    "agency_type": N_("agency type"),
    "aggregation": N_("aggregation"),
    "dimension": N_("dimension"),
    "direction": N_("direction"),
    "field": N_("field"),
    "headline": N_("headline"),
    "indicator": N_("indicator"),
    "method": N_("method"),
    "period_aggregate": N_("period_aggregate"),
    "policy": N_("policy"),
    "scope": N_("scope"),
    "tier": N_("tier"),
}


class Checker:
    """Walks the parsed YAML, collecting every problem and building the model where it can."""

    def __init__(self, source: str, lines: dict[Path_, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: Path_, message: Text) -> None:
        """Record a problem at the nearest known line of `path`."""
        probe = path
        while probe and probe not in self.lines:
            probe = probe[:-1]
        self.problems.append(Problem(self.source, self.lines.get(probe), fmt(path), message))

    # -- primitives ---------------------------------------------------------------------------
    def mapping(self, value: Any, path: Path_, section: str) -> dict[str, Any] | None:
        """A mapping with the section's keys only; missing required keys are problems."""
        required, optional = SECTIONS[section].required, SECTIONS[section].optional
        if not isinstance(value, Mapping):
            self.problem(
                path,
                N_(
                    "expected a mapping with keys {keys}, got {found}",
                    keys=listing(required),
                    found=shown(value),
                ),
            )
            return None
        valid = required + optional
        for key in value:
            if key not in valid:
                self.problem(
                    path + (str(key),),
                    N_('unknown key "{key}"; valid keys: {valid}', key=key, valid=listing(valid)),
                )
        for key in required:
            if key not in value:
                self.problem(path, N_('missing key "{key}"', key=key))
        return dict(value)

    def number(
        self,
        value: Any,
        path: Path_,
        minimum: float | None = None,
        above: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """A finite number within bounds, or a problem saying which bound.

        Every number is at most LARGEST in size, so that no sum of weights or figures can
        overflow to infinity.
        """
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        try:
            ok = ok and math.isfinite(float(value)) and abs(float(value)) <= LARGEST
        except OverflowError:  # an integer too large for a float
            ok = False
        if ok:
            number = float(value)
            if (
                (minimum is None or number >= minimum)
                and (above is None or number > above)
                and (maximum is None or number <= maximum)
            ):
                return number
        self.problem(path, expected_number(value, minimum, above, maximum))
        return None

    def text(self, value: Any, path: Path_, required: bool = True) -> str:
        """A non-empty string (or nothing, when optional)."""
        if value is None and not required:
            return ""
        if isinstance(value, str) and (value.strip() or not required):
            return value
        self.problem(path, N_("expected text, got {found}", found=shown(value)))
        return ""

    def choice(self, value: Any, path: Path_, options: Iterable[str], what: str) -> str | None:
        """One of a fixed set of names; the message lists the valid ones. `what` is a key of
        WHAT: the kind of thing named."""
        options = tuple(options)
        if isinstance(value, str) and value in options:
            return value
        self.problem(
            path,
            N_(
                "unknown {what} {found}; valid: {options}",
                what=WHAT.get(what, what),
                found=shown(value),
                options=listing(options),
            ),
        )
        return None

    def identifier(self, value: Any, path: Path_, seen: set[str], what: str) -> str | None:
        """A lower-case id, unique among `seen`."""
        if not isinstance(value, str) or not ID.match(value):
            self.problem(
                path,
                N_(
                    "expected an id of lower-case letters, digits and _, got {found}",
                    found=shown(value),
                ),
            )
            return None
        if value in seen:
            self.problem(
                path, N_('duplicate {what} id "{value}"', what=WHAT.get(what, what), value=value)
            )
            return None
        seen.add(value)
        return value

    def weights_not_all_zero(
        self, weights: list[float | None], path: Path_, what: Literal["dimensions", "indicators"]
    ) -> None:
        """A sibling group must carry some weight."""
        if not weights or not all(w == 0 for w in weights):
            return
        if what == "dimensions":
            message = N_("the weights of these dimensions are all 0; at least one must be > 0")
        else:
            message = N_("the weights of these indicators are all 0; at least one must be > 0")
        self.problem(path, message)
