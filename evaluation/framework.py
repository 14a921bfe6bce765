"""The indicator framework: `indicators.yaml` loaded into frozen, typed, validated models."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from evaluation.errors import FrameworkError, Problem
from evaluation.normalise import NORMALISERS

FRAMEWORK_VERSION = 1
PERIOD_AGGREGATES = ("sum", "mean", "weighted_mean", "min", "max", "last")
DIRECTIONS = ("higher", "lower")
AGGREGATIONS = ("arithmetic", "geometric")
MISSING_POLICIES = ("zero", "exclude", "peer_median")
SCOPES = ("all", "type")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class AgencyType:
    """A kind of agency, e.g. a bank."""

    id: str
    label: str
    label_zh: str = ""


@dataclass(frozen=True)
class FieldDef:
    """A raw monthly figure: one upload column."""

    id: str
    label: str
    label_zh: str = ""
    unit: str = ""
    at_most: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Normalisation:
    """How an indicator value becomes a score in 0..scale."""

    method: str
    worst: float | None = None
    best: float | None = None
    scope: Literal["all", "type"] = "all"


@dataclass(frozen=True)
class Indicator:
    """A scored indicator: a ratio of two fields or one field aggregated over the period."""

    id: str
    label: str
    label_zh: str
    direction: Literal["higher", "lower"]
    weight: float
    normalise: Normalisation
    applies_to: tuple[str, ...] | None = None
    numerator: str | None = None
    denominator: str | None = None
    multiplier: float = 1.0
    field: str | None = None
    period_aggregate: str = "mean"
    weight_field: str | None = None
    description: str = ""

    @property
    def is_ratio(self) -> bool:
        """True for a numerator / denominator indicator."""
        return self.numerator is not None

    @property
    def higher_is_better(self) -> bool:
        """True when a larger value earns a larger score."""
        return self.direction == "higher"

    def applies(self, agency_type: str) -> bool:
        """Whether agencies of this type are measured on this indicator."""
        return self.applies_to is None or agency_type in self.applies_to

    def fields_used(self) -> tuple[str, ...]:
        """The raw fields this indicator reads."""
        names = (self.numerator, self.denominator, self.field, self.weight_field)
        return tuple(n for n in names if n is not None)


@dataclass(frozen=True)
class Dimension:
    """A group of indicators with a weight among its sibling dimensions."""

    id: str
    label: str
    label_zh: str
    weight: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Aggregation:
    """How scores are combined at each level."""

    indicators: Literal["arithmetic", "geometric"] = "arithmetic"
    dimensions: Literal["arithmetic", "geometric"] = "arithmetic"
    geometric_floor: float = 1.0


@dataclass(frozen=True)
class Tier:
    """An incentive tier, best first in the framework."""

    id: str
    label: str
    label_zh: str
    min_score: float
    max_share: float | None = None
    incentive: str = ""
    colour: str = ""


@dataclass(frozen=True)
class RedLine:
    """A one-vote-veto rule that caps the tier whatever the score."""

    kind: Literal["field", "indicator", "no_submission"]
    target: str | None
    above: float | None
    below: float | None
    cap: str
    reason: str

    def describe(self) -> str:
        """Plain words for the rule, e.g. `red_line_events > 0`."""
        if self.kind == "no_submission":
            return "no figures submitted for the period"
        if self.above is not None:
            return f"{self.target} > {self.above:g}"
        return f"{self.target} < {self.below:g}"


@dataclass(frozen=True)
class Framework:
    """A validated framework; `fingerprint` identifies its content, not its formatting."""

    version: int
    name: str
    name_zh: str
    scale: float
    agency_types: tuple[AgencyType, ...]
    fields: tuple[FieldDef, ...]
    dimensions: tuple[Dimension, ...]
    aggregation: Aggregation
    missing: Literal["zero", "exclude", "peer_median"]
    tiers: tuple[Tier, ...]
    quota_scope: Literal["all", "type"]
    red_lines: tuple[RedLine, ...]
    submission_deadline_day: int
    fingerprint: str = field(default="", compare=False)
    text: str = field(default="", compare=False, repr=False)
    source: str = field(default="indicators.yaml", compare=False)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, in framework order."""
        return tuple(ind for dim in self.dimensions for ind in dim.indicators)

    @property
    def short_fingerprint(self) -> str:
        """The first 12 hex digits of the fingerprint, for display."""
        return self.fingerprint[:12]

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def field_ids(self) -> tuple[str, ...]:
        """The raw field ids, in framework order."""
        return tuple(f.id for f in self.fields)

    def type_ids(self) -> tuple[str, ...]:
        """The agency type ids, in framework order."""
        return tuple(t.id for t in self.agency_types)

    def fields_for_type(self, agency_type: str) -> tuple[str, ...]:
        """The raw fields an agency of this type reports (those its indicators and rules read)."""
        used: set[str] = set()
        for ind in self.indicators:
            if ind.applies(agency_type):
                used.update(ind.fields_used())
        used.update(r.target for r in self.red_lines if r.kind == "field" and r.target)
        extra = {f.at_most for f in self.fields if f.id in used and f.at_most}
        return tuple(f for f in self.field_ids() if f in used | extra)

    def tier(self, tier_id: str) -> Tier:
        """The tier with this id."""
        for tier in self.tiers:
            if tier.id == tier_id:
                return tier
        raise KeyError(tier_id)


def canonical_content(framework: Framework) -> str:
    """The framework's content as canonical JSON: the input of the fingerprint."""
    content = dataclasses.asdict(framework)
    for key in ("fingerprint", "text", "source"):
        content.pop(key)
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def load_framework(path: str | Path = "indicators.yaml") -> Framework:
    """Read and validate a framework file; a bad one raises FrameworkError with every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError([Problem(str(path), None, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        problem = Problem(file.name, None, "", f"expected UTF-8 text, found {exc.reason}")
        raise FrameworkError([problem]) from None
    return parse_framework(text, source=file.name)


def parse_framework(text: str, source: str = "indicators.yaml") -> Framework:
    """Validate framework text and build the model."""
    data, lines = _compose(text, source)
    checker = _Checker(source, lines)
    framework = checker.framework(data)
    if checker.problems or framework is None:
        raise FrameworkError(checker.problems)
    framework = dataclasses.replace(framework, text=text, source=source)
    digest = hashlib.sha256(canonical_content(framework).encode("utf-8")).hexdigest()
    return dataclasses.replace(framework, fingerprint=digest)


def _compose(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML safely, keeping the line of every key and item; duplicate keys are errors."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise FrameworkError(
            [Problem(source, line, "", f"not valid YAML: {exc.problem or exc}")]
        ) from None
    except yaml.YAMLError as exc:
        raise FrameworkError([Problem(source, None, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    duplicates: list[Problem] = []

    def walk(node: yaml.Node, path: Path_, line: int) -> None:
        lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                key_line = key_node.start_mark.line + 1
                if key in seen:
                    duplicates.append(
                        Problem(source, key_line, _fmt(path + (key,)), "duplicate key")
                    )
                seen.add(key)
                walk(value_node, path + (key,), key_line)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,), item.start_mark.line + 1)

    if node is not None:
        walk(node, (), node.start_mark.line + 1)
    if duplicates:
        raise FrameworkError(duplicates)
    return data, lines


def _fmt(path: Path_) -> str:
    """`("dimensions", 1, "weight")` -> `dimensions[1].weight`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _shown(value: object) -> str:
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


def _listing(options: Iterable[str]) -> str:
    """Valid names for a message: `a, b, c`."""
    return ", ".join(options) or "(none defined)"


class _Checker:
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
        self.problems.append(Problem(self.source, self.lines.get(probe), _fmt(path), message))

    # -- primitives ---------------------------------------------------------------------------
    def mapping(
        self, value: Any, path: Path_, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """A mapping with known keys only; missing required keys are problems."""
        if not isinstance(value, Mapping):
            self.problem(
                path, f"expected a mapping with keys {_listing(required)}, got {_shown(value)}"
            )
            return None
        valid = required + optional
        for key in value:
            if key not in valid:
                self.problem(
                    path + (str(key),), f'unknown key "{key}"; valid keys: {_listing(valid)}'
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
        """A number within bounds, or a problem saying which bound."""
        bounds = []
        if minimum is not None:
            bounds.append(f">= {minimum:g}")
        if above is not None:
            bounds.append(f"> {above:g}")
        if maximum is not None:
            bounds.append(f"<= {maximum:g}")
        expected = "a number" + (" " + " and ".join(bounds) if bounds else "")
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and value != value:  # NaN
            ok = False
        if ok:
            number = float(value)
            if (
                (minimum is None or number >= minimum)
                and (above is None or number > above)
                and (maximum is None or number <= maximum)
            ):
                return number
        self.problem(path, f"expected {expected}, got {_shown(value)}")
        return None

    def text(self, value: Any, path: Path_, required: bool = True) -> str:
        """A non-empty string (or nothing, when optional)."""
        if value is None and not required:
            return ""
        if isinstance(value, str) and (value.strip() or not required):
            return value
        self.problem(path, f"expected text, got {_shown(value)}")
        return ""

    def choice(self, value: Any, path: Path_, options: Iterable[str], what: str) -> str | None:
        """One of a fixed set of names; the message lists the valid ones."""
        options = tuple(options)
        if isinstance(value, str) and value in options:
            return value
        self.problem(path, f"unknown {what} {_shown(value)}; valid: {_listing(options)}")
        return None

    def identifier(self, value: Any, path: Path_, seen: set[str], what: str) -> str | None:
        """A lower-case id, unique among `seen`."""
        if not isinstance(value, str) or not _ID.match(value):
            self.problem(
                path, f"expected an id of lower-case letters, digits and _, got {_shown(value)}"
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

    # -- sections -----------------------------------------------------------------------------
    def framework(self, data: Any) -> Framework | None:
        """The whole file."""
        top = self.mapping(
            data,
            (),
            ("version", "name", "agency_types", "fields", "dimensions", "tiers"),
            (
                "name_zh",
                "scale",
                "aggregation",
                "missing",
                "quota_scope",
                "red_lines",
                "submission_deadline_day",
            ),
        )
        if top is None:
            return None
        version = top.get("version")
        if "version" in top and version != FRAMEWORK_VERSION:
            self.problem(("version",), f"expected {FRAMEWORK_VERSION}, got {_shown(version)}")
        name = self.text(top.get("name"), ("name",)) if "name" in top else ""
        name_zh = self.text(top.get("name_zh"), ("name_zh",), required=False)
        scale = 100.0
        if "scale" in top:
            scale = self.number(top["scale"], ("scale",), above=0) or 100.0
        types = self.agency_types(top.get("agency_types"))
        fields = self.fields(top.get("fields"))
        type_ids = tuple(t.id for t in types)
        field_ids = tuple(f.id for f in fields)
        dimensions = self.dimensions(top.get("dimensions"), type_ids, field_ids)
        aggregation = self.aggregation(top.get("aggregation"))
        if aggregation.geometric_floor > scale:
            self.problem(
                ("aggregation", "geometric_floor"),
                f"expected a number <= scale ({scale:g}), got {aggregation.geometric_floor:g}",
            )
        missing = "zero"
        if "missing" in top:
            missing = self.choice(top["missing"], ("missing",), MISSING_POLICIES, "policy") or ""
        tiers = self.tiers(top.get("tiers"), scale)
        quota_scope = "all"
        if "quota_scope" in top:
            quota_scope = self.choice(top["quota_scope"], ("quota_scope",), SCOPES, "scope") or ""
        indicator_ids = tuple(i.id for d in dimensions for i in d.indicators)
        red_lines = self.red_lines(
            top.get("red_lines"), field_ids, indicator_ids, tuple(t.id for t in tiers)
        )
        deadline = 10
        if "submission_deadline_day" in top:
            value = top["submission_deadline_day"]
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 28:
                deadline = value
            else:
                self.problem(
                    ("submission_deadline_day",),
                    f"expected a whole day of the month 1..28, got {_shown(value)}",
                )
        for agency_type in types:
            if dimensions and not any(
                i.applies(agency_type.id) for d in dimensions for i in d.indicators
            ):
                self.problem(
                    ("agency_types", agency_type.id),
                    "no indicator applies to this agency type, so its agencies could never be "
                    "scored; add it to some indicator's applies_to",
                )
        if self.problems:
            return None
        return Framework(
            version=FRAMEWORK_VERSION,
            name=name,
            name_zh=name_zh,
            scale=scale,
            agency_types=types,
            fields=fields,
            dimensions=dimensions,
            aggregation=aggregation,
            missing=missing,  # type: ignore[arg-type]
            tiers=tiers,
            quota_scope=quota_scope,  # type: ignore[arg-type]
            red_lines=red_lines,
            submission_deadline_day=deadline,
        )

    def agency_types(self, value: Any) -> tuple[AgencyType, ...]:
        """`agency_types`: id -> labels."""
        path: Path_ = ("agency_types",)
        if value is None:
            return ()
        if not isinstance(value, Mapping) or not value:
            self.problem(path, f"expected a mapping of type id -> labels, got {_shown(value)}")
            return ()
        out, seen = [], set[str]()
        for key, body in value.items():
            type_id = self.identifier(key, path + (str(key),), seen, "agency type")
            spec = self.mapping(body, path + (str(key),), ("label",), ("label_zh",))
            if type_id and spec is not None:
                out.append(
                    AgencyType(
                        type_id,
                        self.text(spec.get("label"), path + (type_id, "label")),
                        self.text(spec.get("label_zh"), path + (type_id, "label_zh"), False),
                    )
                )
        return tuple(out)

    def fields(self, value: Any) -> tuple[FieldDef, ...]:
        """`fields`: id -> label, unit, at_most; at_most must name a field and form no cycle."""
        path: Path_ = ("fields",)
        if value is None:
            return ()
        if not isinstance(value, Mapping) or not value:
            self.problem(path, f"expected a mapping of field id -> definition, got {_shown(value)}")
            return ()
        out, seen = [], set[str]()
        for key, body in value.items():
            here = path + (str(key),)
            field_id = self.identifier(key, here, seen, "field")
            spec = self.mapping(
                body, here, ("label",), ("label_zh", "unit", "at_most", "description")
            )
            if field_id is None or spec is None:
                continue
            out.append(
                FieldDef(
                    field_id,
                    self.text(spec.get("label"), here + ("label",)),
                    self.text(spec.get("label_zh"), here + ("label_zh",), False),
                    self.text(spec.get("unit"), here + ("unit",), False),
                    spec.get("at_most") if isinstance(spec.get("at_most"), str) else None,
                    self.text(spec.get("description"), here + ("description",), False),
                )
            )
            if "at_most" in spec and not isinstance(spec["at_most"], str):
                self.problem(
                    here + ("at_most",), f"expected a field id, got {_shown(spec['at_most'])}"
                )
        ids = {f.id for f in out}
        for f in out:
            if f.at_most is not None and f.at_most not in ids:
                self.problem(
                    path + (f.id, "at_most"),
                    f"unknown field {_shown(f.at_most)}; valid: {_listing(sorted(ids))}",
                )
        self.at_most_cycles(out)
        return tuple(out)

    def at_most_cycles(self, fields: list[FieldDef]) -> None:
        """`a at_most b`, `b at_most a` can never both hold for positive figures."""
        bound = {f.id: f.at_most for f in fields if f.at_most}
        reported: set[str] = set()
        for start in bound:
            chain, current = [start], bound.get(start)
            while current is not None and current not in chain:
                chain.append(current)
                current = bound.get(current)
            if current is not None and current == start and start not in reported:
                reported.update(chain)
                self.problem(
                    ("fields", start, "at_most"),
                    "at_most forms a cycle: " + " <= ".join(chain + [start]),
                )

    def dimensions(
        self, value: Any, type_ids: tuple[str, ...], field_ids: tuple[str, ...]
    ) -> tuple[Dimension, ...]:
        """`dimensions`: a list, each with indicators."""
        path: Path_ = ("dimensions",)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.problem(path, f"expected a list of dimensions, got {_shown(value)}")
            return ()
        out: list[Dimension] = []
        dim_ids: set[str] = set()
        ind_ids: set[str] = set()
        weights: list[float | None] = []
        for i, body in enumerate(value):
            here = path + (i,)
            spec = self.mapping(
                body, here, ("id", "label", "weight", "indicators"), ("label_zh", "description")
            )
            if spec is None:
                continue
            dim_id = self.identifier(spec.get("id"), here + ("id",), dim_ids, "dimension")
            weight = self.number(spec.get("weight"), here + ("weight",), minimum=0)
            weights.append(weight)
            indicators = self.indicators(
                spec.get("indicators"), here + ("indicators",), ind_ids, type_ids, field_ids
            )
            if dim_id and weight is not None and indicators:
                out.append(
                    Dimension(
                        dim_id,
                        self.text(spec.get("label"), here + ("label",)),
                        self.text(spec.get("label_zh"), here + ("label_zh",), False),
                        weight,
                        indicators,
                    )
                )
        self.weights_not_all_zero(weights, path, "dimensions")
        return tuple(out)

    def indicators(
        self,
        value: Any,
        path: Path_,
        seen: set[str],
        type_ids: tuple[str, ...],
        field_ids: tuple[str, ...],
    ) -> tuple[Indicator, ...]:
        """The indicators of one dimension."""
        if not isinstance(value, list) or not value:
            self.problem(path, f"expected a list of indicators, got {_shown(value)}")
            return ()
        out: list[Indicator] = []
        weights: list[float | None] = []
        for i, body in enumerate(value):
            indicator, weight = self.indicator(body, path + (i,), seen, type_ids, field_ids)
            weights.append(weight)
            if indicator is not None:
                out.append(indicator)
        self.weights_not_all_zero(weights, path, "indicators")
        return tuple(out)

    def indicator(
        self,
        body: Any,
        here: Path_,
        seen: set[str],
        type_ids: tuple[str, ...],
        field_ids: tuple[str, ...],
    ) -> tuple[Indicator | None, float | None]:
        """One indicator: ratio or single field, direction, normalisation, weight."""
        spec = self.mapping(
            body,
            here,
            ("id", "label", "direction", "normalise", "weight"),
            (
                "label_zh",
                "numerator",
                "denominator",
                "multiplier",
                "field",
                "period_aggregate",
                "weight_field",
                "applies_to",
                "description",
            ),
        )
        if spec is None:
            return None, None
        problems_before = len(self.problems)
        ind_id = self.identifier(spec.get("id"), here + ("id",), seen, "indicator")
        weight = self.number(spec.get("weight"), here + ("weight",), minimum=0)
        direction = None
        if "direction" in spec:
            direction = self.choice(
                spec["direction"], here + ("direction",), DIRECTIONS, "direction"
            )
        field_ref: Callable[[str], str | None] = lambda key: (  # noqa: E731
            self.choice(spec[key], here + (key,), field_ids, "field") if key in spec else None
        )
        is_ratio = "numerator" in spec or "denominator" in spec
        if is_ratio and "field" in spec:
            self.problem(
                here,
                "give either numerator and denominator (a ratio) or field "
                "(a single figure), not both",
            )
        elif not is_ratio and "field" not in spec:
            self.problem(
                here, 'missing "field" (a single figure) or "numerator" and "denominator" (a ratio)'
            )
        elif is_ratio and not ("numerator" in spec and "denominator" in spec):
            self.problem(here, 'a ratio needs both "numerator" and "denominator"')
        numerator, denominator = field_ref("numerator"), field_ref("denominator")
        single = field_ref("field")
        aggregate = "mean"
        if "period_aggregate" in spec:
            if is_ratio:
                self.problem(
                    here + ("period_aggregate",),
                    "a ratio is always summed over the "
                    "period; period_aggregate applies to single-field indicators only",
                )
            aggregate = (
                self.choice(
                    spec["period_aggregate"],
                    here + ("period_aggregate",),
                    PERIOD_AGGREGATES,
                    "period_aggregate",
                )
                or "mean"
            )
        weight_field = field_ref("weight_field")
        if aggregate == "weighted_mean" and "weight_field" not in spec:
            self.problem(here, 'period_aggregate weighted_mean needs "weight_field"')
        if "weight_field" in spec and aggregate != "weighted_mean":
            self.problem(
                here + ("weight_field",),
                "weight_field is used only with period_aggregate: weighted_mean",
            )
        multiplier = 1.0
        if "multiplier" in spec:
            multiplier = self.number(spec["multiplier"], here + ("multiplier",), above=0) or 1.0
        applies_to = self.applies_to(spec, here, type_ids)
        normalise = self.normalisation(spec.get("normalise"), here + ("normalise",), direction)
        if len(self.problems) > problems_before or None in (ind_id, weight, direction, normalise):
            return None, weight
        assert ind_id is not None and weight is not None and normalise is not None
        return (
            Indicator(
                id=ind_id,
                label=self.text(spec.get("label"), here + ("label",)),
                label_zh=self.text(spec.get("label_zh"), here + ("label_zh",), False),
                direction=direction,  # type: ignore[arg-type]
                weight=weight,
                normalise=normalise,
                applies_to=applies_to,
                numerator=numerator,
                denominator=denominator,
                multiplier=multiplier,
                field=single,
                period_aggregate=aggregate if single else "sum",
                weight_field=weight_field,
                description=self.text(spec.get("description"), here + ("description",), False),
            ),
            weight,
        )

    def applies_to(
        self, spec: dict[str, Any], here: Path_, type_ids: tuple[str, ...]
    ) -> tuple[str, ...] | None:
        """`applies_to`: a non-empty list of agency type ids, or omitted for every type."""
        if "applies_to" not in spec:
            return None
        value = spec["applies_to"]
        if not isinstance(value, list) or not value:
            self.problem(
                here + ("applies_to",), f"expected a list of agency types, got {_shown(value)}"
            )
            return None
        for j, item in enumerate(value):
            self.choice(item, here + ("applies_to", j), type_ids, "agency type")
        return tuple(str(v) for v in value)

    def normalisation(self, value: Any, path: Path_, direction: str | None) -> Normalisation | None:
        """`normalise`: a registered method and its parameters."""
        spec = self.mapping(value, path, ("method",), ("worst", "best", "scope"))
        if spec is None or "method" not in spec:
            return None
        method = self.choice(spec["method"], path + ("method",), NORMALISERS, "method")
        if method is None:
            return None
        if method == "goalposts":
            for key in ("worst", "best"):
                if key not in spec:
                    self.problem(path, f'goalposts need "{key}"')
            if "scope" in spec:
                self.problem(path + ("scope",), "scope has no effect on goalposts; remove it")
            worst = self.number(spec.get("worst"), path + ("worst",)) if "worst" in spec else None
            best = self.number(spec.get("best"), path + ("best",)) if "best" in spec else None
            if worst is None or best is None:
                return None
            if worst == best:
                self.problem(path, f"worst and best must differ, both are {worst:g}")
                return None
            if direction == "higher" and not worst < best:
                self.problem(
                    path,
                    f"direction is higher, so worst must be below best; got "
                    f"worst {worst:g}, best {best:g}",
                )
                return None
            if direction == "lower" and not worst > best:
                self.problem(
                    path,
                    f"direction is lower, so worst must be above best; got "
                    f"worst {worst:g}, best {best:g}",
                )
                return None
            return Normalisation("goalposts", worst, best)
        for key in ("worst", "best"):
            if key in spec:
                self.problem(path + (key,), f"{key} is used only by goalposts, not by {method}")
        scope = "all"
        if "scope" in spec:
            scope = self.choice(spec["scope"], path + ("scope",), SCOPES, "scope") or "all"
        return Normalisation(method, scope=scope)  # type: ignore[arg-type]

    def aggregation(self, value: Any) -> Aggregation:
        """`aggregation`: arithmetic or geometric at each level."""
        path: Path_ = ("aggregation",)
        if value is None:
            return Aggregation()
        spec = self.mapping(value, path, (), ("indicators", "dimensions", "geometric_floor"))
        if spec is None:
            return Aggregation()
        levels = {
            key: self.choice(spec[key], path + (key,), AGGREGATIONS, "aggregation") or ""
            for key in ("indicators", "dimensions")
            if key in spec
        }
        floor = 1.0
        if "geometric_floor" in spec:
            floor = (
                self.number(spec["geometric_floor"], path + ("geometric_floor",), above=0) or 1.0
            )
        return Aggregation(geometric_floor=floor, **levels)  # type: ignore[arg-type]

    def tiers(self, value: Any, scale: float) -> tuple[Tier, ...]:
        """`tiers`: best first, strictly descending min_score, the last at 0."""
        path: Path_ = ("tiers",)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.problem(path, f"expected a list of tiers, best first, got {_shown(value)}")
            return ()
        out: list[Tier] = []
        seen: set[str] = set()
        for i, body in enumerate(value):
            here = path + (i,)
            spec = self.mapping(
                body,
                here,
                ("id", "label", "min_score"),
                ("label_zh", "max_share", "incentive", "colour"),
            )
            if spec is None:
                continue
            tier_id = spec.get("id")
            if not isinstance(tier_id, str) or not tier_id.strip() or tier_id in seen:
                what = "duplicate tier id" if tier_id in seen else "expected a tier id, got"
                self.problem(here + ("id",), f"{what} {_shown(tier_id)}")
                continue
            seen.add(tier_id)
            min_score = self.number(
                spec.get("min_score"), here + ("min_score",), minimum=0, maximum=scale
            )
            max_share = None
            if "max_share" in spec:
                max_share = self.number(
                    spec["max_share"], here + ("max_share",), above=0, maximum=1
                )
            colour = self.text(spec.get("colour"), here + ("colour",), False)
            if colour and not _COLOUR.match(colour):
                self.problem(
                    here + ("colour",), f'expected a colour like "#2e7d32", got {_shown(colour)}'
                )
            if min_score is None:
                continue
            if out and not min_score < out[-1].min_score:
                self.problem(
                    here + ("min_score",),
                    f"tiers must be listed best first with "
                    f"descending min_score; {min_score:g} follows {out[-1].min_score:g}",
                )
            out.append(
                Tier(
                    tier_id,
                    self.text(spec.get("label"), here + ("label",)),
                    self.text(spec.get("label_zh"), here + ("label_zh",), False),
                    min_score,
                    max_share,
                    self.text(spec.get("incentive"), here + ("incentive",), False),
                    colour,
                )
            )
        if out and out[-1].min_score != 0:
            self.problem(
                path + (len(value) - 1, "min_score"),
                f"the last tier is the floor and must have min_score 0, got {out[-1].min_score:g}",
            )
        if out and out[-1].max_share is not None:
            self.problem(
                path + (len(value) - 1, "max_share"),
                "the last tier takes everyone moved down and cannot have a quota",
            )
        return tuple(out)

    def red_lines(
        self,
        value: Any,
        field_ids: tuple[str, ...],
        indicator_ids: tuple[str, ...],
        tier_ids: tuple[str, ...],
    ) -> tuple[RedLine, ...]:
        """`red_lines`: rules that cap a tier."""
        path: Path_ = ("red_lines",)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(path, f"expected a list of rules, got {_shown(value)}")
            return ()
        out: list[RedLine] = []
        for i, body in enumerate(value):
            here = path + (i,)
            spec = self.mapping(
                body,
                here,
                ("cap",),
                ("field", "indicator", "no_submission", "above", "below", "reason"),
            )
            if spec is None:
                continue
            kinds = [k for k in ("field", "indicator", "no_submission") if k in spec]
            if len(kinds) != 1:
                self.problem(
                    here,
                    "give exactly one of field, indicator or no_submission, got "
                    f"{_listing(kinds) if kinds else 'none'}",
                )
                continue
            kind = kinds[0]
            cap = self.choice(spec.get("cap"), here + ("cap",), tier_ids, "tier")
            reason = self.text(spec.get("reason"), here + ("reason",), False)
            target: str | None = None
            above = below = None
            if kind == "no_submission":
                if spec["no_submission"] is not True:
                    self.problem(
                        here + ("no_submission",),
                        f"expected true, got {_shown(spec['no_submission'])}",
                    )
                for key in ("above", "below"):
                    if key in spec:
                        self.problem(here + (key,), f"{key} has no meaning with no_submission")
            else:
                options = field_ids if kind == "field" else indicator_ids
                target = self.choice(spec[kind], here + (kind,), options, kind)
                bounds = [k for k in ("above", "below") if k in spec]
                if len(bounds) != 1:
                    self.problem(here, "give exactly one of above or below")
                elif bounds[0] == "above":
                    above = self.number(spec["above"], here + ("above",))
                else:
                    below = self.number(spec["below"], here + ("below",))
            if cap is not None and (kind == "no_submission" or target is not None):
                out.append(
                    RedLine(
                        kind,
                        target,
                        above,
                        below,
                        cap,
                        reason or "red line",
                    )
                )
        return tuple(out)
