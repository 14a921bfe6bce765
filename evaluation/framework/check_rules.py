"""Checks of the rules that turn scores into results: `aggregation`, `tiers` and `red_lines`."""

from __future__ import annotations

from typing import Any

from evaluation.framework.checker import COLOUR, LARGEST, Checker, Path_, listing, shown
from evaluation.framework.model import Aggregation, RedLine, Tier
from evaluation.i18n import N_
from evaluation.scoring.aggregators import AGGREGATORS


def check_aggregation(c: Checker, value: Any) -> Aggregation:
    """`aggregation`: arithmetic or geometric at each level."""
    path: Path_ = ("aggregation",)
    if value is None:
        return Aggregation()
    spec = c.mapping(value, path, "aggregation")
    if spec is None:
        return Aggregation()
    levels = {
        key: c.choice(spec[key], path + (key,), AGGREGATORS, "aggregation") or ""
        for key in ("indicators", "dimensions")
        if key in spec
    }
    floor = 1.0
    if "geometric_floor" in spec:
        floor = (
            c.number(spec["geometric_floor"], path + ("geometric_floor",), above=0, maximum=LARGEST)
            or 1.0
        )
    return Aggregation(geometric_floor=floor, **levels)  # type: ignore[arg-type]


def check_tiers(c: Checker, value: Any, scale: float) -> tuple[Tier, ...]:
    """`tiers`: best first, strictly descending min_score, the last at 0."""
    path: Path_ = ("tiers",)
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        c.problem(path, N_("expected a list of tiers, best first, got {found}", found=shown(value)))
        return ()
    out: list[Tier] = []
    seen: set[str] = set()
    for i, body in enumerate(value):
        here = path + (i,)
        spec = c.mapping(body, here, "tiers")
        if spec is None:
            continue
        tier_id = spec.get("id")
        if not isinstance(tier_id, str) or not tier_id.strip() or tier_id in seen:
            if tier_id in seen:
                message = N_("duplicate tier id {found}", found=shown(tier_id))
            else:
                message = N_("expected a tier id, got {found}", found=shown(tier_id))
            c.problem(here + ("id",), message)
            continue
        seen.add(tier_id)
        min_score = c.number(spec.get("min_score"), here + ("min_score",), minimum=0, maximum=scale)
        max_share = None
        if "max_share" in spec:
            max_share = c.number(spec["max_share"], here + ("max_share",), above=0, maximum=1)
        colour = c.text(spec.get("colour"), here + ("colour",), False)
        if colour and not COLOUR.match(colour):
            c.problem(
                here + ("colour",),
                N_('expected a colour like "#2e7d32", got {found}', found=shown(colour)),
            )
        if min_score is None:
            continue
        if out and not min_score < out[-1].min_score:
            c.problem(
                here + ("min_score",),
                N_(
                    "tiers must be listed best first with descending min_score; "
                    "{score:g} follows {previous:g}",
                    score=min_score,
                    previous=out[-1].min_score,
                ),
            )
        out.append(
            Tier(
                tier_id,
                c.text(spec.get("label"), here + ("label",)),
                c.text(spec.get("label_zh"), here + ("label_zh",), False),
                min_score,
                max_share,
                c.text(spec.get("incentive"), here + ("incentive",), False),
                colour,
                c.text(spec.get("incentive_zh"), here + ("incentive_zh",), False),
            )
        )
    if out and out[-1].min_score != 0:
        c.problem(
            path + (len(value) - 1, "min_score"),
            N_(
                "the last tier is the floor and must have min_score 0, got {found:g}",
                found=out[-1].min_score,
            ),
        )
    if out and out[-1].max_share is not None:
        c.problem(
            path + (len(value) - 1, "max_share"),
            N_("the last tier takes everyone moved down and cannot have a quota"),
        )
    return tuple(out)


def check_red_lines(
    c: Checker,
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
        c.problem(path, N_("expected a list of rules, got {found}", found=shown(value)))
        return ()
    out: list[RedLine] = []
    for i, body in enumerate(value):
        here = path + (i,)
        spec = c.mapping(body, here, "red_lines")
        if spec is None:
            continue
        kinds = [k for k in ("field", "indicator", "no_submission") if k in spec]
        if len(kinds) != 1:
            if kinds:
                message = N_(
                    "give exactly one of field, indicator or no_submission, got {kinds}",
                    kinds=listing(kinds),
                )
            else:
                message = N_("give exactly one of field, indicator or no_submission, got none")
            c.problem(here, message)
            continue
        kind = kinds[0]
        cap = c.choice(spec.get("cap"), here + ("cap",), tier_ids, "tier")
        reason = c.text(spec.get("reason"), here + ("reason",), False)
        reason_zh = c.text(spec.get("reason_zh"), here + ("reason_zh",), False)
        target: str | None = None
        above = below = None
        if kind == "no_submission":
            if spec["no_submission"] is not True:
                c.problem(
                    here + ("no_submission",),
                    N_("expected true, got {found}", found=shown(spec["no_submission"])),
                )
            for key in ("above", "below"):
                if key in spec:
                    c.problem(here + (key,), N_("{key} has no meaning with no_submission", key=key))
        else:
            options = field_ids if kind == "field" else indicator_ids
            target = c.choice(spec[kind], here + (kind,), options, kind)
            bounds = [k for k in ("above", "below") if k in spec]
            if len(bounds) != 1:
                c.problem(here, N_("give exactly one of above or below"))
            elif bounds[0] == "above":
                above = c.number(spec["above"], here + ("above",))
            else:
                below = c.number(spec["below"], here + ("below",))
        if cap is not None and (kind == "no_submission" or target is not None):
            out.append(
                RedLine(
                    kind,
                    target,
                    above,
                    below,
                    cap,
                    reason or "red line",  # i18n: not text (stored; in the fingerprint)
                    reason_zh,
                )
            )
    return tuple(out)
