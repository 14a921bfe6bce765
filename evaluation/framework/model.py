"""The framework's model: frozen, typed dataclasses of agency types, fields, dimensions,
indicators, tiers, red lines and headline figures, and the canonical content behind the
fingerprint."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Literal

from evaluation.i18n import _

FRAMEWORK_VERSION = 1
# Texts written for Chinese readers beside their English originals. They were added after
# results had been published, so they stay out of the fingerprint: writing or rewording one
# leaves every published result's framework as it was (labels' `label_zh` always counted).
CHINESE_TEXTS = ("description_zh", "incentive_zh", "reason_zh")
DIRECTIONS = ("higher", "lower")
MISSING_POLICIES = ("zero", "exclude", "peer_median")
SCOPES = ("all", "type")


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
    description_zh: str = ""


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
    # A ratio whose numerator may legitimately exceed its denominator (money frozen this month
    # for losses reported earlier); a value above 1 is warned of on upload and scores as the
    # best (or, lower being better, the worst) end of the scale.
    may_exceed_one: bool = False
    description_zh: str = ""

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
    incentive_zh: str = ""


@dataclass(frozen=True)
class RedLine:
    """A one-vote-veto rule that caps the tier whatever the score."""

    kind: Literal["field", "indicator", "no_submission"]
    target: str | None
    above: float | None
    below: float | None
    cap: str
    reason: str
    reason_zh: str = ""

    def describe(self) -> str:
        """Plain words for the rule, e.g. `red_line_events > 0`, in the reader's language."""
        if self.kind == "no_submission":
            return _("no figures submitted for the period")
        if self.above is not None:
            return f"{self.target} > {self.above:g}"
        return f"{self.target} < {self.below:g}"


@dataclass(frozen=True)
class HeadlineFigure:
    """A city-wide figure on the Overview: the total of one field, or the ratio of two totals.

    When `city_total_from` names an agency type and agencies of that type reported the fields,
    only their figures are added: they report the city's total, which already contains the
    other agencies' share (the anti-fraud centre's losses contain the banks').

    `better` says which way is good news: a rise in money frozen is, a rise in losses is not.
    """

    id: str
    label: str
    label_zh: str
    numerator: str
    better: Literal["higher", "lower"]
    denominator: str | None = None
    city_total_from: str | None = None

    @property
    def is_ratio(self) -> bool:
        """True for the ratio of two totals."""
        return self.denominator is not None

    @property
    def higher_is_better(self) -> bool:
        """True when a rise of the figure is good news."""
        return self.better == "higher"

    def fields_used(self) -> tuple[str, ...]:
        """The fields whose city totals make the figure."""
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)


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
    headline: tuple[HeadlineFigure, ...] = ()
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

    def field_def(self, field_id: str) -> FieldDef:
        """The field with this id."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def tier(self, tier_id: str) -> Tier:
        """The tier with this id."""
        for tier in self.tiers:
            if tier.id == tier_id:
                return tier
        raise KeyError(tier_id)


def canonical_content(framework: Framework) -> str:
    """The framework's content as canonical JSON: the input of the fingerprint."""
    content = dataclasses.asdict(framework)
    # The headline figures describe the city, not how agencies are scored: leaving them out
    # keeps the fingerprint of every published result when a headline is added or renamed.
    for key in ("fingerprint", "text", "source", "headline"):
        content.pop(key)
    _drop_chinese_texts(content)
    # A key added with a default leaves the fingerprint of frameworks that do not use it.
    for dimension in content["dimensions"]:
        for indicator in dimension["indicators"]:
            if not indicator["may_exceed_one"]:
                indicator.pop("may_exceed_one")
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _drop_chinese_texts(content: object) -> None:
    """Remove the CHINESE_TEXTS keys at every level of the content, in place."""
    if isinstance(content, dict):
        for key in CHINESE_TEXTS:
            content.pop(key, None)
        for value in content.values():
            _drop_chinese_texts(value)
    elif isinstance(content, list | tuple):
        for item in content:
            _drop_chinese_texts(item)
