"""Overview: the coordinators' home for a month, quarter or year."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from evaluation.services import publication
from evaluation.ui import cache, components, state


def _metric(column, row: pd.Series) -> None:  # type: ignore[no-untyped-def]
    """One headline figure with its change against the previous period."""
    value, change = row["value"], row["change"]
    if row["unit"] == "ratio":
        shown = "–" if pd.isna(value) else f"{value:.1%}"
        delta = None if pd.isna(change) else f"{change * 100:+.1f} pp"
    else:
        money = row["unit"] == "CNY"
        amount = f"¥{value / 1e6:,.2f} m" if money else f"{value:,.0f} {row['unit']}".strip()
        shown = "–" if pd.isna(value) else amount
        delta = None if pd.isna(change) else f"{change:+.1%}"
    column.metric(
        row["label"], shown, delta, help=f"{row['label_zh']}; change against the previous period"
    )


def render() -> None:
    """Headline figures, tiers, leaders, movers and red-line events."""
    page = components.period_page("Overview")
    if page is None:
        return
    ctx, period, evaluation = page.ctx, page.period, page.evaluation
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    view = cache.overview(ctx.actor, state.database_url(), ctx.version, ctx.framework, period, hour)
    st.caption(f"{period} · {publication.publication_state(ctx.actor, state.engine(), evaluation)}")
    if view.headline.empty:
        st.info(
            "The framework declares no headline figures, so no city-wide totals are shown. "
            "Add a `headline` section to the framework file to show them here."
        )
    slots = len(view.headline) + 2
    columns = [c for _ in range(0, slots, 4) for c in st.columns(4, border=True)]
    for column, (_, row) in zip(columns, view.headline.iterrows(), strict=False):
        _metric(column, row)
    columns[len(view.headline)].metric(
        "Submissions received",
        f"{view.received} of {view.expected}",
        f"{view.late} late" if view.late else "none late",
        delta_color="inverse" if view.late else "off",
    )
    columns[len(view.headline) + 1].metric(
        "Red-line events",
        len(view.red_lines),
        help="agencies that tripped a red line; it caps their tier whatever the score",
    )
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
            st.dataframe(
                view.red_lines,
                hide_index=True,
                column_config={
                    "agency_code": None,
                    "agency_name": "agency",
                    "red_lines": "red line",
                    "tier_by_score": "tier by score",
                    "tier": "tier given",
                },
            )
    blocks = (
        ("Top five", view.top),
        ("Bottom five", view.bottom),
        ("Biggest climbers", view.climbers),
        ("Biggest fallers", view.fallers),
    )
    for column, (title, frame) in zip(st.columns(4), blocks, strict=True):
        column.subheader(title)
        shown = frame.assign(rank_change=frame["rank_change"].map(components.format_change))
        column.dataframe(
            shown[["rank", "rank_change", "agency_name", "tier"]].style.map(
                components.tier_style(ctx.framework), subset=["tier"]
            ),
            hide_index=True,
            column_config={"rank_change": "change", "agency_name": "agency"},
        )
