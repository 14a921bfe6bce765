"""The month's bulletin (月度考评通报) as content: the headline figures with their change, the
league table, agencies by tier, red-line events, late and missing submissions, the movers and
the charts' data, all from one publication and the figures it fixed."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation import display, i18n
from evaluation.analysis.headline import RATIO, city_figure, city_rule, comparison, headline_figures
from evaluation.analysis.timeliness import LATE, LATE_REVISED, MISSING
from evaluation.i18n import _
from evaluation.periods import parse_period
from evaluation.reports.content import (
    Chart,
    Document,
    Section,
    Sources,
    Table,
    _number,
    agency_name,
    provenance,
    published_day,
    rank_move,
    red_line_rules,
    submission_status,
    tier_cell,
    tier_colours,
)


def bulletin(sources: Sources) -> Document:
    """The month's bulletin (月度考评通报), in the language being read."""
    publication = sources.publication
    sections = (
        _overall(sources),
        _league(sources),
        _by_tier(sources),
        _red_lines(sources),
        _overdue(sources),
        _movers(sources),
        _charts(sources),
    )
    return Document(
        kind="bulletin",
        language=i18n.language(),
        marking=sources.marking,
        number=sources.number,
        title=_(
            "{office} {period} member agencies' performance evaluation bulletin",
            office=sources.office,
            period=i18n.period_name(publication.period),
        ),
        recipient=_("To every member agency:"),
        provenance=provenance(publication),
        sections=tuple(s for s in sections if s is not None),
        office=sources.office,
        date=published_day(publication),
        tier_colours=tier_colours(sources.framework),
        file_name=f"bulletin-{publication.period}-{publication.id}",
    )


def _headline_value(value: float, unit: str) -> str:
    """A headline figure as people write it: money, a share, or a number."""
    if unit == RATIO:
        return i18n.percent(value)
    if unit == "CNY":
        return i18n.money(value)
    return i18n.number(value)


def _headline_change(change: float, unit: str) -> str:
    """A headline figure's change: percentage points for a share, else a relative change."""
    if change is None or not math.isfinite(change):
        return display.EMPTY
    if unit == RATIO:
        return i18n.points_change(change * 100)
    if abs(change) < 0.0005:
        return _("unchanged")
    if change > 0:
        return _("up {change}", change=i18n.percent(change))
    return _("down {change}", change=i18n.percent(-change))


def _headline_row(figure: Mapping[Any, Any]) -> tuple[str, str, str, str]:
    """One headline figure: its label, this period, the period before and the change."""
    unit = str(figure["unit"])
    return (
        i18n.name(figure["label"], figure["label_zh"]),
        _headline_value(float(figure["value"]), unit),
        _headline_value(float(figure["previous"]), unit),
        _headline_change(float(figure["change"]), unit),
    )


def _overall(sources: Sources) -> Section:
    """Section 1: how many were evaluated, the tiers, and the city's headline figures."""
    ranked = sources.ranked
    counts = pd.Series([r.get("tier") for r in ranked]).value_counts()
    tiers = _("; ").join(
        _(
            "{tier}: {count}",
            tier=tier_cell(sources.framework, t.id),
            count=int(counts.get(t.id, 0)),
        )
        for t in sources.framework.tiers
    )
    said = _(
        "{count} member agencies were evaluated for {period}. Tiers: {tiers}.",
        count=len(ranked),
        period=i18n.period_name(sources.publication.period),
        tiers=tiers,
    )
    period = parse_period(sources.publication.period)
    months = sorted(sources.figures["period"].unique()) if len(sources.figures) else []
    figures = headline_figures(
        sources.framework, sources.figures, sources.types, period, comparison(period, months)
    )
    rows = tuple(_headline_row(f) for f in figures.to_dict("records"))
    table = Table(
        (_("City-wide figure"), _("This period"), _("Period before"), _("Change")),
        rows,
        (0.34, 0.22, 0.22, 0.22),
    )
    return Section(_("1. Overall"), (said,), table if rows else None)


def _league(sources: Sources) -> Section:
    """Section 2: the league table of every ranked agency."""
    framework = sources.framework
    rows = []
    for r in sources.ranked:
        rows.append(
            (
                str(int(_number(r.get("rank")) or 0)),
                rank_move(r.get("rank_change")),
                agency_name(r),
                display.type_label(framework, r.get("agency_type")),
                display.score(r.get("score")),
                tier_cell(framework, r.get("tier")),
            )
        )
    table = Table(
        (_("Rank"), _("Rank change"), _("Agency"), _("Type"), _("Score"), _("Tier")),
        tuple(rows),
        (0.07, 0.11, 0.38, 0.17, 0.1, 0.17),
        tuple(str(r.get("tier") or "") for r in sources.ranked),
        5,
    )
    note = _("Scores are out of {scale:g}, cut to one decimal.", scale=framework.scale)
    return Section(_("2. League table"), (note,), table)


def _by_tier(sources: Sources) -> Section:
    """Section 3: the agencies of each tier, with the tier's incentive."""
    said = []
    for tier in sources.framework.tiers:
        names = [agency_name(r) for r in sources.ranked if r.get("tier") == tier.id]
        listed = _(", ").join(names) if names else _("none")
        said.append(
            _(
                "{tier} ({count}): {names}.",
                tier=tier_cell(sources.framework, tier.id),
                count=len(names),
                names=listed,
            )
        )
        incentive = i18n.text_of(tier, "incentive")
        if names and incentive:
            said.append(incentive)
    return Section(_("3. Agencies by tier"), tuple(said))


def _red_lines(sources: Sources) -> Section:
    """Section 4: red-line events and the rule that applied."""
    hits = [
        (r, rule)
        for r in sources.ranked
        for rule in red_line_rules(sources.framework, r.get("flags"))
    ]
    rows = [(agency_name(r), rule, tier_cell(sources.framework, r.get("tier"))) for r, rule in hits]
    heading = _("4. Red-line events")
    if not rows:
        return Section(heading, (_("No agency tripped a red line."),))
    table = Table(
        (_("Agency"), _("Rule that applied"), _("Tier")),
        tuple(rows),
        (0.28, 0.56, 0.16),
        tuple(str(r.get("tier") or "") for r, _rule in hits),
        2,
    )
    return Section(heading, (), table)


def _overdue(sources: Sources) -> Section:
    """Section 5: agencies that sent the period's figures late or not at all."""
    status = submission_status(sources, [str(r["agency_code"]) for r in sources.ranked])
    names = {str(r["agency_code"]): agency_name(r) for r in sources.ranked}
    rows = []
    for code, group in status.groupby("agency_code", sort=False):
        late = group.loc[group["status"].isin((LATE, LATE_REVISED)), "period"]
        missing = group.loc[group["status"] == MISSING, "period"]
        if len(late) or len(missing):
            rows.append((names[str(code)], _months(late), _months(missing)))
    heading = _("5. Submissions late or missing")
    if not rows:
        return Section(heading, (_("Every agency sent its figures on time."),))
    rows.sort()
    table = Table((_("Agency"), _("Late"), _("Missing")), tuple(rows), (0.44, 0.28, 0.28))
    return Section(heading, (), table)


def _months(months: pd.Series) -> str:
    """Months as the reader writes them, one after another."""
    return _(", ").join(i18n.period_name(str(m)) for m in months)


def _movers(sources: Sources, top: int = 5) -> Section:
    """Section 6: the agencies that climbed most and those that fell most."""
    moved = [r for r in sources.ranked if _number(r.get("rank_change"))]
    climbers = sorted(
        (r for r in moved if (_number(r.get("rank_change")) or 0) > 0),
        key=lambda r: (-(_number(r.get("rank_change")) or 0), _number(r.get("rank")) or 0),
    )[:top]
    fallers = sorted(
        (r for r in moved if (_number(r.get("rank_change")) or 0) < 0),
        key=lambda r: (_number(r.get("rank_change")) or 0, _number(r.get("rank")) or 0),
    )[:top]
    rows = [
        (
            word,
            agency_name(r),
            str(int(_number(r.get("rank")) or 0)),
            rank_move(r.get("rank_change")),
        )
        for word, group in ((_("Most improved"), climbers), (_("Biggest fall"), fallers))
        for r in group
    ]
    heading = _("6. Most improved and biggest falls")
    if not rows:
        return Section(heading, (_("No ranks changed against the period before."),))
    table = Table(
        (_("Movement"), _("Agency"), _("Rank"), _("Rank change")),
        tuple(rows),
        (0.2, 0.5, 0.15, 0.15),
    )
    return Section(heading, (), table)


def _charts(sources: Sources) -> Section:
    """Section 7: tiers, the city's money over twelve months, and scores by agency type."""
    return Section(
        _("7. Charts"),
        (),
        None,
        (_tier_chart(sources), *_city_chart(sources), _type_chart(sources)),
    )


def _tier_chart(sources: Sources) -> Chart:
    """How many agencies each tier has."""
    counts = pd.Series([r.get("tier") for r in sources.ranked]).value_counts()
    tiers = sources.framework.tiers
    return Chart(
        "bars",
        _("Agencies by tier"),
        tuple(tier_cell(sources.framework, t.id) for t in tiers),
        ((_("Agencies"), tuple(float(counts.get(t.id, 0)) for t in tiers)),),
        tuple(t.colour or "#777777" for t in tiers),
    )


def _city_chart(sources: Sources) -> tuple[Chart, ...]:
    """The city's money figures (losses, frozen, returned) in each published month of the
    twelve ending with the period, in 10,000 yuan; none when the framework has none."""
    framework = sources.framework
    money = [
        h
        for h in framework.headline
        if h.denominator is None and framework.field_def(h.numerator).unit == "CNY"
    ]
    months = sources.chart_months
    if not money or not months:
        return ()
    series = tuple(
        (
            i18n.name(h.label, h.label_zh),
            tuple(
                city_figure(sources.figures, sources.types, city_rule(framework, h.numerator), (m,))
                / 1e4
                for m in months
            ),
        )
        for h in money
    )
    return (
        Chart(
            "lines",
            _("City-wide money, last {count} published months", count=len(months)),
            tuple(i18n.period_name(m) for m in months),
            series,
            unit=_("10,000 yuan"),
        ),
    )


def _type_chart(sources: Sources) -> Chart:
    """The spread of scores within each agency type."""
    framework = sources.framework
    series = []
    for kind in framework.agency_types:
        scores = [
            s
            for r in sources.ranked
            if r.get("agency_type") == kind.id and (s := _number(r.get("score"))) is not None
        ]
        if scores:
            series.append((i18n.label(kind), tuple(scores)))
    return Chart(
        "boxes",
        _("Scores by agency type"),
        tuple(name for name, _values in series),
        tuple(series),
        unit=_("score"),
    )
