"""Checks of `agency_types` and `fields` (labels, units, `at_most` bounds without cycles)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluation.framework.checker import WHAT, Checker, Path_, listing, shown
from evaluation.framework.model import AgencyType, FieldDef
from evaluation.i18n import N_


def check_agency_types(c: Checker, value: Any) -> tuple[AgencyType, ...]:
    """`agency_types`: id -> labels."""
    path: Path_ = ("agency_types",)
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not value:
        c.problem(
            path, N_("expected a mapping of type id -> labels, got {found}", found=shown(value))
        )
        return ()
    out, seen = [], set[str]()
    for key, body in value.items():
        type_id = c.identifier(key, path + (str(key),), seen, "agency_type")
        spec = c.mapping(body, path + (str(key),), "agency_types")
        if type_id and spec is not None:
            out.append(
                AgencyType(
                    type_id,
                    c.text(spec.get("label"), path + (type_id, "label")),
                    c.text(spec.get("label_zh"), path + (type_id, "label_zh"), False),
                )
            )
    return tuple(out)


def check_fields(c: Checker, value: Any) -> tuple[FieldDef, ...]:
    """`fields`: id -> label, unit, at_most; at_most must name a field and form no cycle."""
    path: Path_ = ("fields",)
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not value:
        c.problem(
            path,
            N_("expected a mapping of field id -> definition, got {found}", found=shown(value)),
        )
        return ()
    out, seen = [], set[str]()
    for key, body in value.items():
        here = path + (str(key),)
        field_id = c.identifier(key, here, seen, "field")
        spec = c.mapping(body, here, "fields")
        if field_id is None or spec is None:
            continue
        out.append(
            FieldDef(
                field_id,
                c.text(spec.get("label"), here + ("label",)),
                c.text(spec.get("label_zh"), here + ("label_zh",), False),
                c.text(spec.get("unit"), here + ("unit",), False),
                spec.get("at_most") if isinstance(spec.get("at_most"), str) else None,
                c.text(spec.get("description"), here + ("description",), False),
                c.text(spec.get("description_zh"), here + ("description_zh",), False),
            )
        )
        if "at_most" in spec and not isinstance(spec["at_most"], str):
            c.problem(
                here + ("at_most",),
                N_("expected a field id, got {found}", found=shown(spec["at_most"])),
            )
    ids = {f.id for f in out}
    for f in out:
        if f.at_most is not None and f.at_most not in ids:
            c.problem(
                path + (f.id, "at_most"),
                N_(
                    "unknown {what} {found}; valid: {options}",
                    what=WHAT["field"],
                    found=shown(f.at_most),
                    options=listing(sorted(ids)),
                ),
            )
    check_at_most_cycles(c, out)
    return tuple(out)


def check_at_most_cycles(c: Checker, fields: list[FieldDef]) -> None:
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
            c.problem(
                ("fields", start, "at_most"),
                N_("at_most forms a cycle: {chain}", chain=" <= ".join(chain + [start])),
            )
