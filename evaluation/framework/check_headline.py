"""Checks of `headline`: the Overview's city-wide figures, each the total of one field or the
ratio of two totals, optionally taken from the agency type that reports the city's total."""

from __future__ import annotations

from typing import Any

from evaluation.framework.checker import Checker, Path_, shown
from evaluation.framework.model import FieldDef, HeadlineFigure


def check_headline(
    c: Checker, value: Any, fields: tuple[FieldDef, ...], type_ids: tuple[str, ...]
) -> tuple[HeadlineFigure, ...]:
    """`headline`: a list of figures with unique ids."""
    path: Path_ = ("headline",)
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        c.problem(path, f"expected a list of headline figures, got {shown(value)}")
        return ()
    field_ids = tuple(f.id for f in fields)
    out: list[HeadlineFigure] = []
    seen: set[str] = set()
    for i, body in enumerate(value):
        here = path + (i,)
        spec = c.mapping(body, here, "headline")
        if spec is None:
            continue
        figure_id = c.identifier(spec.get("id"), here + ("id",), seen, "headline")
        single, ratio = "field" in spec, "numerator" in spec or "denominator" in spec
        if single == ratio:
            c.problem(
                here,
                "give either field (a total) or numerator and denominator (a ratio of totals)"
                + (", not both" if single else ""),
            )
            continue
        if ratio and not ("numerator" in spec and "denominator" in spec):
            c.problem(here, 'a ratio needs both "numerator" and "denominator"')
            continue
        keys = ("field",) if single else ("numerator", "denominator")
        named = [c.choice(spec[k], here + (k,), field_ids, "field") for k in keys]
        source = None
        if "city_total_from" in spec:
            source = c.choice(
                spec["city_total_from"], here + ("city_total_from",), type_ids, "agency type"
            )
        label = c.text(spec.get("label"), here + ("label",))
        label_zh = c.text(spec.get("label_zh"), here + ("label_zh",), False)
        if figure_id is None or None in named or ("city_total_from" in spec and source is None):
            continue
        out.append(
            HeadlineFigure(
                figure_id,
                label,
                label_zh,
                str(named[0]),
                str(named[1]) if ratio else None,
                source,
            )
        )
    return tuple(out)
