"""Checks of `dimensions` and their indicators: ids, weights, fields read, applies_to, period
aggregate and normalisation, each method's parameters read from its registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evaluation.framework.checker import LARGEST, LARGEST_WEIGHT, Checker, Path_, listing, shown
from evaluation.framework.model import (
    DIRECTIONS,
    SCOPES,
    Dimension,
    FieldDef,
    Indicator,
    Normalisation,
)
from evaluation.i18n import N_
from evaluation.scoring.normalisers import NORMALISERS, PARAMETERS
from evaluation.scoring.period_aggregates import PERIOD_AGGREGATES


def check_dimensions(
    c: Checker, value: Any, type_ids: tuple[str, ...], field_ids: tuple[str, ...]
) -> tuple[Dimension, ...]:
    """`dimensions`: a list, each with indicators."""
    path: Path_ = ("dimensions",)
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        c.problem(path, N_("expected a list of dimensions, got {found}", found=shown(value)))
        return ()
    out: list[Dimension] = []
    dim_ids: set[str] = set()
    ind_ids: set[str] = set()
    weights: list[float | None] = []
    for i, body in enumerate(value):
        here = path + (i,)
        spec = c.mapping(body, here, "dimensions")
        if spec is None:
            continue
        dim_id = c.identifier(spec.get("id"), here + ("id",), dim_ids, "dimension")
        weight = c.number(spec.get("weight"), here + ("weight",), minimum=0, maximum=LARGEST_WEIGHT)
        weights.append(weight)
        indicators = check_indicators(
            c, spec.get("indicators"), here + ("indicators",), ind_ids, type_ids, field_ids
        )
        if dim_id and weight is not None and indicators:
            out.append(
                Dimension(
                    dim_id,
                    c.text(spec.get("label"), here + ("label",)),
                    c.text(spec.get("label_zh"), here + ("label_zh",), False),
                    weight,
                    indicators,
                )
            )
    c.weights_not_all_zero(weights, path, "dimensions")
    return tuple(out)


def check_indicators(
    c: Checker,
    value: Any,
    path: Path_,
    seen: set[str],
    type_ids: tuple[str, ...],
    field_ids: tuple[str, ...],
) -> tuple[Indicator, ...]:
    """The indicators of one dimension."""
    if not isinstance(value, list) or not value:
        c.problem(path, N_("expected a list of indicators, got {found}", found=shown(value)))
        return ()
    out: list[Indicator] = []
    weights: list[float | None] = []
    for i, body in enumerate(value):
        indicator, weight = check_indicator(c, body, path + (i,), seen, type_ids, field_ids)
        weights.append(weight)
        if indicator is not None:
            out.append(indicator)
    c.weights_not_all_zero(weights, path, "indicators")
    return tuple(out)


def check_indicator(
    c: Checker,
    body: Any,
    here: Path_,
    seen: set[str],
    type_ids: tuple[str, ...],
    field_ids: tuple[str, ...],
) -> tuple[Indicator | None, float | None]:
    """One indicator: ratio or single field, direction, normalisation, weight."""
    spec = c.mapping(body, here, "indicators")
    if spec is None:
        return None, None
    problems_before = len(c.problems)
    ind_id = c.identifier(spec.get("id"), here + ("id",), seen, "indicator")
    weight = c.number(spec.get("weight"), here + ("weight",), minimum=0, maximum=LARGEST_WEIGHT)
    direction = None
    if "direction" in spec:
        direction = c.choice(spec["direction"], here + ("direction",), DIRECTIONS, "direction")
    field_ref: Callable[[str], str | None] = lambda key: (  # noqa: E731
        c.choice(spec[key], here + (key,), field_ids, "field") if key in spec else None
    )
    is_ratio = "numerator" in spec or "denominator" in spec
    if is_ratio and "field" in spec:
        c.problem(
            here,
            N_(
                "give either numerator and denominator (a ratio) or field (a single figure), "
                "not both"
            ),
        )
    elif not is_ratio and "field" not in spec:
        c.problem(
            here,
            N_('missing "field" (a single figure) or "numerator" and "denominator" (a ratio)'),
        )
    elif is_ratio and not ("numerator" in spec and "denominator" in spec):
        c.problem(here, N_('a ratio needs both "numerator" and "denominator"'))
    numerator, denominator = field_ref("numerator"), field_ref("denominator")
    single = field_ref("field")
    aggregate = "mean"
    if "period_aggregate" in spec:
        if is_ratio:
            c.problem(
                here + ("period_aggregate",),
                N_(
                    "a ratio is always summed over the period; period_aggregate applies to "
                    "single-field indicators only"
                ),
            )
        aggregate = (
            c.choice(
                spec["period_aggregate"],
                here + ("period_aggregate",),
                PERIOD_AGGREGATES,
                "period_aggregate",
            )
            or "mean"
        )
    weight_field = field_ref("weight_field")
    weighted = PERIOD_AGGREGATES[aggregate].weighted
    if weighted and "weight_field" not in spec:
        c.problem(
            here, N_('period_aggregate {aggregate} needs "weight_field"', aggregate=aggregate)
        )
    if "weight_field" in spec and not weighted:
        users = listing(a.name for a in PERIOD_AGGREGATES.values() if a.weighted)
        c.problem(
            here + ("weight_field",),
            N_("weight_field is used only with period_aggregate: {users}", users=users),
        )
    multiplier = 1.0
    if "multiplier" in spec:
        multiplier = (
            c.number(spec["multiplier"], here + ("multiplier",), above=0, maximum=LARGEST) or 1.0
        )
    may_exceed_one = False
    if "may_exceed_one" in spec:
        value = spec["may_exceed_one"]
        if not isinstance(value, bool):
            c.problem(
                here + ("may_exceed_one",),
                N_("expected true or false, got {found}", found=shown(value)),
            )
        elif value and not is_ratio:
            c.problem(here + ("may_exceed_one",), N_("may_exceed_one applies to ratios only"))
        may_exceed_one = value is True
    applies_to = check_applies_to(c, spec, here, type_ids)
    normalise = check_normalisation(c, spec.get("normalise"), here + ("normalise",), direction)
    if len(c.problems) > problems_before or None in (ind_id, weight, direction, normalise):
        return None, weight
    assert ind_id is not None and weight is not None and normalise is not None
    return (
        Indicator(
            id=ind_id,
            label=c.text(spec.get("label"), here + ("label",)),
            label_zh=c.text(spec.get("label_zh"), here + ("label_zh",), False),
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
            description=c.text(spec.get("description"), here + ("description",), False),
            description_zh=c.text(spec.get("description_zh"), here + ("description_zh",), False),
            may_exceed_one=may_exceed_one,
        ),
        weight,
    )


def check_applies_to(
    c: Checker, spec: dict[str, Any], here: Path_, type_ids: tuple[str, ...]
) -> tuple[str, ...] | None:
    """`applies_to`: a non-empty list of agency type ids, or omitted for every type."""
    if "applies_to" not in spec:
        return None
    value = spec["applies_to"]
    if not isinstance(value, list) or not value:
        c.problem(
            here + ("applies_to",),
            N_("expected a list of agency types, got {found}", found=shown(value)),
        )
        return None
    for j, item in enumerate(value):
        c.choice(item, here + ("applies_to", j), type_ids, "agency_type")
    return tuple(str(v) for v in value)


def check_normalisation(
    c: Checker, value: Any, path: Path_, direction: str | None
) -> Normalisation | None:
    """`normalise`: a registered method and the parameters its registry entry declares."""
    spec = c.mapping(value, path, "normalise")
    if spec is None or "method" not in spec:
        return None
    name = c.choice(spec["method"], path + ("method",), NORMALISERS, "method")
    if name is None:
        return None
    method = NORMALISERS[name]
    for key in method.parameters:
        if key not in spec:
            c.problem(path, N_('{method} need "{key}"', method=name, key=key))
    if "scope" in spec and not method.peer_scope:
        c.problem(path + ("scope",), N_("scope has no effect on {method}; remove it", method=name))
    for key in PARAMETERS:
        if key in spec and key not in method.parameters:
            users = listing(m.name for m in NORMALISERS.values() if key in m.parameters)
            c.problem(
                path + (key,),
                N_(
                    "{key} is used only by {users}, not by {method}",
                    key=key,
                    users=users,
                    method=name,
                ),
            )
    values = {
        key: c.number(spec.get(key), path + (key,)) for key in method.parameters if key in spec
    }
    if len(values) < len(method.parameters):
        return None
    numbers = {key: number for key, number in values.items() if number is not None}
    if len(numbers) < len(values):
        return None
    problem = method.problem(numbers, direction)
    if problem is not None:
        c.problem(path, problem)
        return None
    scope = "all"
    if method.peer_scope and "scope" in spec:
        scope = c.choice(spec["scope"], path + ("scope",), SCOPES, "scope") or "all"
    return Normalisation(
        name,
        numbers.get("worst"),
        numbers.get("best"),
        scope=scope,  # type: ignore[arg-type]
    )


def check_ratios_declare_their_bound(
    c: Checker, dimensions: tuple[Dimension, ...], fields: tuple[FieldDef, ...]
) -> None:
    """Every ratio says whether it can exceed 1: its numerator field is `at_most` its
    denominator, or the indicator declares `may_exceed_one: true` (not both)."""
    bound = {f.id: f.at_most for f in fields}
    for d, dim in enumerate(dimensions):
        for i, ind in enumerate(dim.indicators):
            if not ind.is_ratio:
                continue
            here: Path_ = ("dimensions", d, "indicators", i)
            capped = bound.get(str(ind.numerator)) == ind.denominator
            if capped and ind.may_exceed_one:
                c.problem(
                    here + ("may_exceed_one",),
                    N_(
                        "{numerator} is at_most {denominator}, so the ratio cannot exceed 1; "
                        "remove may_exceed_one",
                        numerator=ind.numerator,
                        denominator=ind.denominator,
                    ),
                )
            elif not capped and not ind.may_exceed_one:
                c.problem(
                    here,
                    N_(
                        "say whether {indicator} can exceed 1: give the field {numerator} "
                        "`at_most: {denominator}`, or the indicator `may_exceed_one: true`",
                        indicator=ind.id,
                        numerator=ind.numerator,
                        denominator=ind.denominator,
                    ),
                )
