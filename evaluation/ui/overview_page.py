"""Overview: the coordinators' home for a month, quarter or year."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from evaluation import display, i18n
from evaluation.analysis.headline import Comparison
from evaluation.framework import Framework
from evaluation.i18n import N_, _, _n
from evaluation.periods import add_months
from evaluation.services import publication
from evaluation.ui import cache, components, frontend_words, page_links, state
from evaluation.ui.components import period_label

LEADER_COLUMNS = {
    "rank": N_("rank"),
    "rank_change": N_("change"),
    "agency_name": N_("agency"),
    "agency_type": N_("type"),
    "score": N_("score"),
    "tier": N_("tier"),
}
RED_LINE_COLUMNS = {
    "agency_name": N_("agency"),
    "red_lines": N_("red line"),
    "tier_by_score": N_("tier by score"),
    "tier": N_("tier given"),
}


def _titles(columns: Mapping[str, object]) -> dict[str, str]:
    """Column id -> its title in the reader's language."""
    return {column: str(title) for column, title in columns.items()}


def _months(months: tuple[str, ...]) -> str:
    """`2026-10`, `2026-07 to 2026-09`, or the months listed when some are skipped."""
    if len(months) == 1:
        return period_label(months[0])
    if all(add_months(months[0], k) == m for k, m in enumerate(months)):
        return _("{first} to {last}", first=period_label(months[0]), last=period_label(months[-1]))
    return components.listed([period_label(m) for m in months])


def _compared(comparison: Comparison) -> str:
    """What the changes compare, in plain words."""
    if not comparison.months:
        return _(
            "No figures are stored for {period}.", period=period_label(comparison.period.label)
        )
    if not comparison.previous:
        return _(
            "No change is shown: {previous} has no figures for the same months as {months}.",
            previous=period_label(comparison.previous_period.label),
            months=_months(comparison.months),
        )
    if comparison.period.kind == "month":
        return _(
            "Changes compare {month} with {previous}.",
            month=period_label(comparison.months[0]),
            previous=period_label(comparison.previous[0]),
        )
    return _(
        "Changes compare {months} with the same months of {previous} ({previous_months}).",
        months=_months(comparison.months),
        previous=period_label(comparison.previous_period.label),
        previous_months=_months(comparison.previous),
    )


def _coverage(comparison: Comparison) -> str:
    """How many months of the period have figures: `figures for 1 of 3 months`."""
    return _n(
        "figures for {have} of {count} month",
        "figures for {have} of {count} months",
        len(comparison.period.months),
        have=len(comparison.months),
    )


def _amount(value: float, unit: str) -> str:
    """A city total as people read it: money in millions of yuan (万元 in Chinese)."""
    if pd.isna(value):
        return display.EMPTY
    if unit == "CNY":
        return i18n.money(value)
    if not unit:
        return display.figure(value, 0)
    return _("{number} {unit}", number=display.figure(value, 0), unit=components.unit_name(unit))


def _change(change: float, ratio: bool) -> tuple[str | None, bool]:
    """The change, signed (`+5.7 %`, or `-1.2 pp` for a ratio), and whether it rounds to 0."""
    if pd.isna(change):
        return None, False
    flat = round(abs(change) * 100, 1) == 0
    sign = "" if flat else "+" if change > 0 else "-"
    if ratio:
        return _("{sign}{points:.1f} pp", sign=sign, points=abs(change) * 100), flat
    return f"{sign}{display.share(abs(change))}", flat


def _metric(column, row: pd.Series, compared: str) -> None:  # type: ignore[no-untyped-def]
    """One headline figure, its change coloured by whether the change is good news."""
    ratio = row["unit"] == "ratio"
    shown = display.share(row["value"]) if ratio else _amount(row["value"], row["unit"])
    delta, flat = _change(row["change"], ratio)
    higher = row["better"] == "higher"
    if higher:
        told = _("Higher is better. {compared}", compared=compared)
    else:
        told = _("Lower is better. {compared}", compared=compared)
    column.metric(
        i18n.name(row["label"], row["label_zh"]),
        shown,
        delta,
        # A fall in losses is good news: green; a rise in losses red.
        delta_color="off" if flat else "normal" if higher else "inverse",
        delta_arrow="off" if flat else "auto",
        border=True,
        height="stretch",
        help=told,
    )


def _leaders(framework: Framework, frame: pd.DataFrame, agencies: pd.DataFrame):  # type: ignore[no-untyped-def]
    """A top, bottom or movers table in words: names, type labels, scores cut to one decimal."""
    shown = display.readable(components.reader_names(frame, agencies), framework).assign(
        rank=frame["rank"].map(lambda r: display.figure(r, 0)),
        rank_change=frame["rank_change"].map(components.format_change),
        score=frame["score"].map(display.score),
    )[list(LEADER_COLUMNS)]
    return shown.rename(columns=_titles(LEADER_COLUMNS)).style.map(
        components.tier_style(framework), subset=[str(LEADER_COLUMNS["tier"])]
    )


def _months_said(months: object) -> str:
    """Stored months (`2026-03, 2026-05`) as the reader reads them."""
    return components.listed([period_label(m) for m in str(months).split(", ") if m])


def _overdue(overdue: pd.DataFrame, agencies: pd.DataFrame) -> None:
    """The agencies that sent a month late or not at all, each linked to its submissions."""
    st.subheader(_("Late and missing submissions"))
    target = page_links.submissions()
    names = components.agency_name_of(agencies)
    for row in overdue.to_dict("records"):
        agency = names.get(str(row["agency_code"]), str(row["agency_name"]))
        late, missing = _months_said(row["late"]), _months_said(row["missing"])
        if late and missing:
            label = _(
                "{agency}: late {late}; missing {missing}",
                agency=agency,
                late=late,
                missing=missing,
            )
        elif late:
            label = _("{agency}: late {late}", agency=agency, late=late)
        else:
            label = _("{agency}: missing {missing}", agency=agency, missing=missing)
        st.page_link(
            target,
            label=label,
            query_params={"agency": str(row["agency_code"])},
            icon=":material/schedule:",
        )


def _submissions_metric(column, view, deadline_day: int) -> None:  # type: ignore[no-untyped-def]
    """Submissions received of those due, and how many came late or not at all."""
    if view.late and view.missing:
        said = _("{late} late, {missing} missing", late=view.late, missing=view.missing)
    elif view.late:
        said = _("{late} late", late=view.late)
    elif view.missing:
        said = _("{missing} missing", missing=view.missing)
    else:
        said = ""
    column.metric(
        _("Submissions received"),
        _("{received} of {expected}", received=view.received, expected=view.expected),
        said or _("none late or missing"),
        delta_color="red" if said else "gray",
        delta_arrow="off",  # a count of late submissions rises or falls; an arrow would mislead
        border=True,
        height="stretch",
        help=_(
            "submissions of the months already due; the late ones were received after the "
            "deadline (day {day} of the following month)",
            day=deadline_day,
        ),
    )


def _tiers_chart(framework: Framework, tiers: pd.DataFrame) -> go.Figure:
    """How many agencies each tier holds, in the tiers' colours."""
    colours = components.tier_colours(framework)
    names = {t.id: i18n.label(t) for t in framework.tiers}
    return go.Figure(
        go.Bar(
            x=tiers["tier"],
            y=tiers["agencies"],
            marker_color=[colours[t] for t in tiers["tier"]],
            customdata=[names.get(str(t), str(t)) for t in tiers["tier"]],
            hovertemplate=_("%{customdata}: %{y} agencies") + components.HOVER_END,
        )
    ).update_layout(
        height=300,
        margin={"t": 10},
        xaxis={"title": _("tier"), "type": "category"},
        yaxis={"title": _("agencies")},
    )


def _red_lines(ctx: state.Context, red_lines: pd.DataFrame) -> None:
    """The agencies that tripped a red line, and the tier it left them."""
    st.subheader(_("Red-line events"))
    if red_lines.empty:
        st.success(_("No agency tripped a red line."))
        return
    events = display.readable(components.reader_names(red_lines, ctx.data.agencies), ctx.framework)
    st.table(
        events[list(RED_LINE_COLUMNS)].rename(columns=_titles(RED_LINE_COLUMNS)),
        hide_index=True,
    )


def _blocks(ctx: state.Context, view) -> None:  # type: ignore[no-untyped-def]
    """Top and bottom five, biggest climbers and fallers, two to a row."""
    blocks = (
        (_("Top five"), view.top, ""),
        (_("Bottom five"), view.bottom, ""),
        (_("Biggest climbers"), view.climbers, _("No agency climbed against the period before.")),
        (_("Biggest fallers"), view.fallers, _("No agency fell against the period before.")),
    )
    for k, (title, frame, empty) in enumerate(blocks):
        if k % 2 == 0:
            row_columns = st.columns(2)
        with row_columns[k % 2]:
            st.subheader(title)
            if frame.empty:
                st.caption(empty or _("No agency is ranked in this period."))
            else:
                st.table(_leaders(ctx.framework, frame, ctx.data.agencies), hide_index=True)


def render() -> None:
    """Headline figures, tiers, leaders, movers and red-line events."""
    page = components.period_page(_("Overview"))
    if page is None:
        return
    ctx, period, evaluation = page.ctx, page.period, page.evaluation
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    view = cache.overview(ctx.actor, state.database_url(), ctx.version, ctx.framework, period, hour)
    compared = view.comparison
    said = [period_label(period)]
    said += [] if compared.period.kind == "month" else [_coverage(compared)]
    said += [publication.publication_state(ctx.actor, state.engine(), evaluation)]
    st.caption(" · ".join(said))
    st.caption(_compared(compared))
    if view.headline.empty:
        st.info(
            _(
                "The framework declares no headline figures, so no city-wide totals are shown. "
                "Add a `headline` section to the framework file to show them here."
            )
        )
    slots = len(view.headline) + 2
    # Borders on the metrics, not the columns: a row's spare columns stay blank.
    columns = [c for _k in range(0, slots, 4) for c in st.columns(4)]
    for column, (_k, row) in zip(columns, view.headline.iterrows(), strict=False):
        _metric(column, row, _compared(compared))
    _submissions_metric(columns[len(view.headline)], view, ctx.framework.submission_deadline_day)
    columns[len(view.headline) + 1].metric(
        _("Red-line events"),
        len(view.red_lines),
        border=True,
        height="stretch",
        help=_("agencies that tripped a red line; it caps their tier whatever the score"),
    )
    if not view.overdue.empty:
        _overdue(view.overdue, ctx.data.agencies)
    left, right = st.columns([1, 2])
    left.subheader(_("Tiers"))
    left.plotly_chart(
        _tiers_chart(ctx.framework, view.tiers), config=frontend_words.chart_config(), key="tiers"
    )
    with right:
        _red_lines(ctx, view.red_lines)
    _blocks(ctx, view)
