"""The checker's primitives: where a problem is (the source map from paths to lines) and the
checks every section shares (mapping keys, numbers, text, choices, ids)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from evaluation.errors import Problem
from evaluation.framework.keys import SECTIONS

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


def shown(value: object) -> str:
    """How a found value is quoted in a message."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value).lower() if isinstance(value, bool) else str(value)


def listing(options: Iterable[str]) -> str:
    """Valid names for a message: `a, b, c`."""
    return ", ".join(options) or "(none defined)"


class Checker:
    """Walks the parsed YAML, collecting every problem and building the model where it can."""

    def __init__(self, source: str, lines: dict[Path_, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: Path_, message: str) -> None:
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
                path, f"expected a mapping with keys {listing(required)}, got {shown(value)}"
            )
            return None
        valid = required + optional
        for key in value:
            if key not in valid:
                self.problem(
                    path + (str(key),), f'unknown key "{key}"; valid keys: {listing(valid)}'
                )
        for key in required:
            if key not in value:
                self.problem(path, f'missing key "{key}"')
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
        bounds = []
        if minimum is not None:
            bounds.append(f">= {readable(minimum)}")
        if above is not None:
            bounds.append(f"> {readable(above)}")
        if maximum is not None:
            bounds.append(f"<= {readable(maximum)}")
        elif minimum is None and above is None:
            bounds.append(f"between -{readable(LARGEST)} and {readable(LARGEST)}")
        expected = "a number" + (" " + " and ".join(bounds) if bounds else "")
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
        self.problem(path, f"expected {expected}, got {shown(value)}")
        return None

    def text(self, value: Any, path: Path_, required: bool = True) -> str:
        """A non-empty string (or nothing, when optional)."""
        if value is None and not required:
            return ""
        if isinstance(value, str) and (value.strip() or not required):
            return value
        self.problem(path, f"expected text, got {shown(value)}")
        return ""

    def choice(self, value: Any, path: Path_, options: Iterable[str], what: str) -> str | None:
        """One of a fixed set of names; the message lists the valid ones."""
        options = tuple(options)
        if isinstance(value, str) and value in options:
            return value
        self.problem(path, f"unknown {what} {shown(value)}; valid: {listing(options)}")
        return None

    def identifier(self, value: Any, path: Path_, seen: set[str], what: str) -> str | None:
        """A lower-case id, unique among `seen`."""
        if not isinstance(value, str) or not ID.match(value):
            self.problem(
                path, f"expected an id of lower-case letters, digits and _, got {shown(value)}"
            )
            return None
        if value in seen:
            self.problem(path, f'duplicate {what} id "{value}"')
            return None
        seen.add(value)
        return value

    def weights_not_all_zero(self, weights: list[float | None], path: Path_, what: str) -> None:
        """A sibling group must carry some weight."""
        if weights and all(w == 0 for w in weights):
            self.problem(path, f"the weights of these {what} are all 0; at least one must be > 0")
