"""The keys each section of `indicators.yaml` takes: the one declaration the checks, the error
messages and the documentation test read."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.scoring.aggregators import AGGREGATORS
from evaluation.scoring.normalisers import PARAMETERS


@dataclass(frozen=True)
class Keys:
    """The keys a mapping of one section must have and may have."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def valid(self) -> tuple[str, ...]:
        """Every key the section accepts."""
        return self.required + self.optional


_AGGREGATION_PARAMETERS = tuple(
    dict.fromkeys(p for m in AGGREGATORS.values() for p in m.parameters)
)

SECTIONS: dict[str, Keys] = {
    "framework": Keys(
        ("version", "name", "agency_types", "fields", "dimensions", "tiers"),
        (
            "name_zh",
            "scale",
            "aggregation",
            "missing",
            "quota_scope",
            "red_lines",
            "submission_deadline_day",
            "headline",
        ),
    ),
    "agency_types": Keys(("label",), ("label_zh",)),
    "fields": Keys(("label",), ("label_zh", "unit", "at_most", "description", "description_zh")),
    "dimensions": Keys(
        ("id", "label", "weight", "indicators"), ("label_zh", "description", "description_zh")
    ),
    "indicators": Keys(
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
            "description_zh",
            "may_exceed_one",
        ),
    ),
    "normalise": Keys(("method",), (*PARAMETERS, "scope")),
    "aggregation": Keys((), ("indicators", "dimensions", *_AGGREGATION_PARAMETERS)),
    "tiers": Keys(
        ("id", "label", "min_score"),
        ("label_zh", "max_share", "incentive", "incentive_zh", "colour"),
    ),
    "red_lines": Keys(
        ("cap",),
        ("field", "indicator", "no_submission", "above", "below", "reason", "reason_zh"),
    ),
    "headline": Keys(
        ("id", "label", "better"),
        ("label_zh", "field", "numerator", "denominator", "city_total_from"),
    ),
}

KEYS: dict[str, tuple[str, ...]] = {name: keys.valid for name, keys in SECTIONS.items()}
