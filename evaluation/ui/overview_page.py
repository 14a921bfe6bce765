"""Overview: the coordinators' home for a month, quarter or year."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from evaluation import display
from evaluation.analysis.headline import Comparison
from evaluation.framework import Framework
from evaluation.periods import add_months
from evaluation.services import publication
from evaluation.ui import cache, components, page_links, state

LEADER_COLUMNS = {
    "rank": "rank",
    "rank_change": "change",
    "agency_name": "agency",
    "agency_type": "type",
    "score": "score",
    "tier": "tier",
}


def _months(months: tuple[str, ...]) -> str:
    """`2026-10`, `2026-07 to 2026-09`, or the months listed when some are skipped."""
    if len(months) == 1:
        return months[0]
    if all(add_months(months[0], k) == m for k, m in enumerate(months)):
        return f"{months[0]} to {months[-1]}"
    return ", ".join(months)


def _compared(comparison: Comparison) -> str:
    """What the changes compare, in plain words."""
    if not comparison.months:
        return f"No figures are stored for {comparison.period}."
    if not comparison.previous:
        return (
            f"No change is shown: {comparison.previous_period} has no figures for the same "
            f"months as {_months(comparison.months)}."
        )
    if comparison.period.kind == "month":
        return f"Changes compare {comparison.months[0]} with {comparison.previous[0]}."
    return (
        f"Changes compare {_months(comparison.months)} with the same months of "
        f"{comparison.previous_period} ({_months(comparison.previous)})."
    )


def _amount(value: float, unit: str) -> str:
    """A city total as people read it: money in millions of yuan."""
    if pd.isna(value):
        return display.EMPTY
    if unit == "CNY":
        return f"¥{value / 1e6:,.2f} m"  # two decimals on every card, so they line up
    return f"{display.figure(value, 0)} {unit}".strip()


def _change(change: float, ratio: bool) -> tuple[str | None, bool]:
    """The change, signed (`+5.7 %`, or `-1.2 pp` for a ratio), and whether it rounds to 0."""
    if pd.isna(change):
        return None, False
    size = f"{abs(change) * 100:.1f} pp" if ratio else display.share(abs(change))
    flat = round(abs(change) * 100, 1) == 0
    return f"{'' if flat else '+' if change > 0 else '-'}{size}", flat


def _metric(column, row: pd.Series, compared: str) -> None:  # type: ignore[no-untyped-def]
    """One headline figure, its change coloured by whether the change is good news."""
    ratio = row["unit"] == "ratio"
    shown = display.share(row["value"]) if ratio else _amount(row["value"], row["unit"])
    delta, flat = _change(row["change"], ratio)
    higher = row["better"] == "higher"
    column.metric(
        row["label"],
        shown,
        delta,
        # A fall in losses is good news: green; a rise in losses red.
        delta_color="off" if flat else "normal" if higher else "inverse",
        delta_arrow="off" if flat else "auto",
        border=True,
        height="stretch",
        help=f"{row['label_zh']}; {'higher' if higher else 'lower'} is better. {compared}",
    )


def _leaders(framework: Framework, frame: pd.DataFrame):  # type: ignore[no-untyped-def]
    """A top, bottom or movers table in words: names, type labels, scores cut to one decimal."""
    shown = display.readable(frame, framework).assign(
        rank=frame["rank"].map(lambda r: display.figure(r, 0)),
        rank_change=frame["rank_change"].map(components.format_change),
        score=frame["score"].map(display.score),
    )[list(LEADER_COLUMNS)]
    return shown.rename(columns=LEADER_COLUMNS).style.map(
        components.tier_style(framework), subset=["tier"]
    )


def _overdue(overdue: pd.DataFrame) -> None:
    """The agencies that sent a month late or not at all, each linked to its submissions."""
    st.subheader("Late and missing submissions")
    target = page_links.submissions()
    for row in overdue.to_dict("records"):
        said = [f"late {row['late']}"] if row["late"] else []
        said += [f"missing {row['missing']}"] if row["missing"] else []
        st.page_link(
            target,
            label=f"{row['agency_name']}: {'; '.join(said)}",
            query_params={"agency": str(row["agency_code"])},
            icon=":material/schedule:",
        )


def render() -> None:
    """Headline figures, tiers, leaders, movers and red-line events."""
    page = components.period_page("Overview")
    if page is None:
        return
    ctx, period, evaluation = page.ctx, page.period, page.evaluation
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    view = cache.overview(ctx.actor, state.database_url(), ctx.version, ctx.framework, period, hour)
    compared = view.comparison
    covered = "" if compared.period.kind == "month" else f"figures for {compared.coverage()} · "
    st.caption(
        f"{period} · {covered}"
        f"{publication.publication_state(ctx.actor, state.engine(), evaluation)}"
    )
    st.caption(_compared(compared))
    if view.headline.empty:
        st.info(
            "The framework declares no headline figures, so no city-wide totals are shown. "
            "Add a `headline` section to the framework file to show them here."
        )
    slots = len(view.headline) + 2
    # Borders on the metrics, not the columns: a row's spare columns stay blank.
    columns = [c for _ in range(0, slots, 4) for c in st.columns(4)]
    for column, (_, row) in zip(columns, view.headline.iterrows(), strict=False):
        _metric(column, row, _compared(compared))
    issues = [f"{view.late} late"] if view.late else []
    issues += [f"{view.missing} missing"] if view.missing else []
    said = ", ".join(issues)
    columns[len(view.headline)].metric(
        "Submissions received",
        f"{view.received} of {view.expected}",
        said or "none late or missing",
        delta_color="red" if said else "gray",
        delta_arrow="off",  # a count of late submissions rises or falls; an arrow would mislead
        border=True,
        height="stretch",
        help="submissions of the months already due; the late ones were received after the "
        f"deadline (day {ctx.framework.submission_deadline_day} of the following month)",
    )
    columns[len(view.headline) + 1].metric(
        "Red-line events",
        len(view.red_lines),
        border=True,
        height="stretch",
        help="agencies that tripped a red line; it caps their tier whatever the score",
    )
    if not view.overdue.empty:
        _overdue(view.overdue)
    left, right = st.columns([1, 2])
    left.subheader("Tiers")
    colours = components.tier_colours(ctx.framework)
    left.plotly_chart(
        go.Figure(
            go.Bar(
                x=view.tiers["tier"],
                y=view.tiers["agencies"],
                marker_color=[colours[t] for t in view.tiers["tier"]],
                customdata=view.tiers["label"],
                hovertemplate="%{customdata}: %{y} agencies<extra></extra>",
            )
        ).update_layout(
            height=300,
            margin={"t": 10},
            xaxis={"title": "tier", "type": "category"},
            yaxis={"title": "agencies"},
        ),
        key="tiers",
    )
    with right:
        st.subheader("Red-line events")
        if view.red_lines.empty:
            st.success("No agency tripped a red line.")
        else:
            events = display.readable(view.red_lines, ctx.framework)
            st.table(
                events[["agency_name", "red_lines", "tier_by_score", "tier"]].rename(
                    columns={
                        "agency_name": "agency",
                        "red_lines": "red line",
                        "tier_by_score": "tier by score",
                        "tier": "tier given",
                    }
                ),
                hide_index=True,
            )
    blocks = (
        ("Top five", view.top, ""),
        ("Bottom five", view.bottom, ""),
        ("Biggest climbers", view.climbers, "No agency climbed against the period before."),
        ("Biggest fallers", view.fallers, "No agency fell against the period before."),
    )
    for k, (title, frame, empty) in enumerate(blocks):
        if k % 2 == 0:
            row_columns = st.columns(2)
        with row_columns[k % 2]:
            st.subheader(title)
            if frame.empty:
                st.caption(empty or "No agency is ranked in this period.")
            else:
                st.table(_leaders(ctx.framework, frame), hide_index=True)
