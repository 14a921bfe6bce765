"""The whole file: version, name, scale, each section checked in turn, and the rules that
span sections (every agency type scored by some indicator)."""

from __future__ import annotations

from typing import Any

from evaluation.framework.check_fields import check_agency_types, check_fields
from evaluation.framework.check_headline import check_headline
from evaluation.framework.check_indicators import (
    check_dimensions,
    check_ratios_declare_their_bound,
)
from evaluation.framework.check_rules import check_aggregation, check_red_lines, check_tiers
from evaluation.framework.checker import LARGEST_WEIGHT, Checker, shown
from evaluation.framework.model import FRAMEWORK_VERSION, MISSING_POLICIES, SCOPES, Framework
from evaluation.i18n import N_


def check_framework(c: Checker, data: Any) -> Framework | None:
    """The whole file."""
    top = c.mapping(data, (), "framework")
    if top is None:
        return None
    version = top.get("version")
    if "version" in top and version != FRAMEWORK_VERSION:
        c.problem(
            ("version",),
            N_(
                "expected {expected}, got {found}", expected=FRAMEWORK_VERSION, found=shown(version)
            ),
        )
    name = c.text(top.get("name"), ("name",)) if "name" in top else ""
    name_zh = c.text(top.get("name_zh"), ("name_zh",), required=False)
    scale = 100.0
    if "scale" in top:
        scale = c.number(top["scale"], ("scale",), above=0, maximum=LARGEST_WEIGHT) or 100.0
    types = check_agency_types(c, top.get("agency_types"))
    fields = check_fields(c, top.get("fields"))
    type_ids = tuple(t.id for t in types)
    field_ids = tuple(f.id for f in fields)
    dimensions = check_dimensions(c, top.get("dimensions"), type_ids, field_ids)
    check_ratios_declare_their_bound(c, dimensions, fields)
    aggregation = check_aggregation(c, top.get("aggregation"))
    if aggregation.geometric_floor > scale:
        c.problem(
            ("aggregation", "geometric_floor"),
            N_(
                "expected a number <= scale ({scale:g}), got {found:g}",
                scale=scale,
                found=aggregation.geometric_floor,
            ),
        )
    missing = "zero"
    if "missing" in top:
        missing = c.choice(top["missing"], ("missing",), MISSING_POLICIES, "policy") or ""
    tiers = check_tiers(c, top.get("tiers"), scale)
    quota_scope = "all"
    if "quota_scope" in top:
        quota_scope = c.choice(top["quota_scope"], ("quota_scope",), SCOPES, "scope") or ""
    indicator_ids = tuple(i.id for d in dimensions for i in d.indicators)
    red_lines = check_red_lines(
        c, top.get("red_lines"), field_ids, indicator_ids, tuple(t.id for t in tiers)
    )
    deadline = 10
    if "submission_deadline_day" in top:
        value = top["submission_deadline_day"]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 28:
            deadline = value
        else:
            c.problem(
                ("submission_deadline_day",),
                N_("expected a whole day of the month 1..28, got {found}", found=shown(value)),
            )
    for agency_type in types:
        if dimensions and not any(
            i.applies(agency_type.id) for d in dimensions for i in d.indicators
        ):
            c.problem(
                ("agency_types", agency_type.id),
                N_(
                    "no indicator applies to this agency type, so its agencies could never be "
                    "scored; add it to some indicator's applies_to"
                ),
            )
    headline = check_headline(c, top.get("headline"), fields, type_ids)
    if c.problems:
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
        headline=headline,
    )
