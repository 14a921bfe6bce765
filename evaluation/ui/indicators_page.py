"""Indicators: every agency's score on every indicator, one indicator's spread and trend."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from evaluation.services import pages
from evaluation.ui import components


def render() -> None:
    """Heatmap of scores, the chosen indicator's distribution and its raw totals over time."""
    view = components.period_page("Indicators")
    if view is None:
        return
    ctx, period, evaluation = view.ctx, view.period, view.evaluation
    labels = {i.id: f"{i.label} {i.label_zh}".strip() for i in ctx.framework.indicators}
    chosen: str = st.selectbox(
        "Indicator", list(labels), format_func=lambda i: labels[i], key="indicator"
    )
    detail = pages.indicator_detail(ctx.actor, ctx.data, evaluation, chosen)
    st.subheader(f"Scores, {period}")
    st.plotly_chart(
        px.imshow(
            detail.heatmap,
            color_continuous_scale="RdYlGn",
            zmin=0,
            zmax=ctx.framework.scale,
            aspect="auto",
        ).update_layout(height=max(420, 18 * len(detail.heatmap)), margin={"t": 10}),
        key="heatmap",
    )
    left, right = st.columns(2)
    left.subheader("Distribution")
    left.plotly_chart(
        px.strip(
            detail.values, x="agency_type", y="value", hover_name="agency_name", color="agency_type"
        ).update_layout(showlegend=False, height=360),
        key="distribution",
    )
    right.subheader("City-wide raw totals")
    right.plotly_chart(
        px.line(detail.trend, x="period", y="total", color="field").update_layout(height=360),
        key="trend",
    )
