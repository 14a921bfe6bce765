"""Checks of `headline`: the Overview's city-wide figures, each the total of one field or the
ratio of two totals, optionally taken from the agency type that reports the city's total, each
saying whether a rise is good news."""

from __future__ import annotations

from typing import Any

from evaluation.framework.checker import Checker, Path_, fmt, shown
from evaluation.framework.model import DIRECTIONS, FieldDef, HeadlineFigure
from evaluation.i18n import N_


def check_headline(
    c: Checker, value: Any, fields: tuple[FieldDef, ...], type_ids: tuple[str, ...]
) -> tuple[HeadlineFigure, ...]:
    """`headline`: a list of figures with unique ids."""
    path: Path_ = ("headline",)
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        c.problem(path, N_("expected a list of headline figures, got {found}", found=shown(value)))
        return ()
    field_ids = tuple(f.id for f in fields)
    out: list[HeadlineFigure] = []
    seen: set[str] = set()
    # Each field's city total is computed one way wherever it is shown: where it came from.
    sources: dict[str, tuple[str | None, Path_]] = {}
    for i, body in enumerate(value):
        here = path + (i,)
        spec = c.mapping(body, here, "headline")
        if spec is None:
            continue
        figure_id = c.identifier(spec.get("id"), here + ("id",), seen, "headline")
        better = None
        if "better" in spec:  # a missing key is already reported by mapping()
            better = c.choice(spec["better"], here + ("better",), DIRECTIONS, "direction")
        single, ratio = "field" in spec, "numerator" in spec or "denominator" in spec
        if single == ratio:
            if single:
                message = N_(
                    "give either field (a total) or numerator and denominator "
                    "(a ratio of totals), not both"
                )
            else:
                message = N_(
                    "give either field (a total) or numerator and denominator (a ratio of totals)"
                )
            c.problem(here, message)
            continue
        if ratio and not ("numerator" in spec and "denominator" in spec):
            c.problem(here, N_('a ratio needs both "numerator" and "denominator"'))
            continue
        keys = ("field",) if single else ("numerator", "denominator")
        named = [c.choice(spec[k], here + (k,), field_ids, "field") for k in keys]
        source = None
        if "city_total_from" in spec:
            source = c.choice(
                spec["city_total_from"], here + ("city_total_from",), type_ids, "agency_type"
            )
        label = c.text(spec.get("label"), here + ("label",))
        label_zh = c.text(spec.get("label_zh"), here + ("label_zh",), False)
        if "city_total_from" in spec and source is None:
            continue
        for name in named:
            if name is not None:
                _same_source(c, sources, name, source, here)
        if figure_id is None or better is None or None in named:
            continue
        out.append(
            HeadlineFigure(
                id=figure_id,
                label=label,
                label_zh=label_zh,
                numerator=str(named[0]),
                better=better,  # type: ignore[arg-type]
                denominator=str(named[1]) if ratio else None,
                city_total_from=source,
            )
        )
    return tuple(out)


def _same_source(
    c: Checker,
    sources: dict[str, tuple[str | None, Path_]],
    field_id: str,
    source: str | None,
    here: Path_,
) -> None:
    """A field's city total comes from the same agency type in every figure that names it."""
    if field_id not in sources:
        sources[field_id] = (source, here)
        return
    first, where = sources[field_id]
    if first != source:
        every = N_("every agency")
        c.problem(
            here + ("city_total_from",),
            N_(
                "{field} takes its city total from {first} in {where}, here from {source}; "
                "a field's city total is computed one way, so give the same city_total_from "
                "(or none) wherever it is named",
                field=field_id,
                first=first or every,
                where=fmt(where),
                source=source or every,
            ),
        )
