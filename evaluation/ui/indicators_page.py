"""Indicators: every agency's score on every indicator, one indicator's spread and trend."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from evaluation import display
from evaluation.services import pages
from evaluation.ui import components

ROW_HEIGHT = 22  # pixels per agency in the heatmap, so that every name has room


def heatmap(scores: pd.DataFrame, scale: float) -> go.Figure:
    """Agencies x indicators, every agency named on its row."""
    names = list(scores.index)
    return px.imshow(
        scores,
        color_continuous_scale="RdYlGn",
        zmin=0,
        zmax=scale,
        aspect="auto",
        labels={"x": "indicator", "y": "agency", "color": "score"},
    ).update_layout(
        height=max(420, ROW_HEIGHT * len(names) + 160),
        margin={"t": 10},
        yaxis={"tickmode": "array", "tickvals": names, "ticktext": names, "dtick": 1},
    )


def trend(series: pd.DataFrame) -> go.Figure:
    """One panel per field, its city-wide figure by month, the unit on its axis."""
    fields = list(dict.fromkeys(series["field"]))  # the fields' labels
    figure = make_subplots(
        rows=max(1, len(fields)),
        cols=1,
        shared_xaxes=True,
        subplot_titles=fields,
        vertical_spacing=0.12,
    )
    for row, field in enumerate(fields, start=1):
        one = series[series["field"] == field]
        unit, measure = one["unit"].iloc[0], one["measure"].iloc[0]
        axis = f"{unit}, city {measure}".strip(", ")
        decimals = ",.1f" if measure == "average" else ",.0f"
        figure.add_trace(
            go.Scatter(
                x=one["period"],
                y=one["value"],
                name=field,
                mode="lines+markers",
                hovertemplate=f"%{{x}}: %{{y:{decimals}}} {unit}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        figure.update_yaxes(title_text=axis, tickformat=decimals, row=row, col=1)
    figure.update_xaxes(type="category", title_text="month", row=max(1, len(fields)), col=1)
    return figure.update_layout(height=220 * max(1, len(fields)) + 60, showlegend=False)


def render() -> None:
    """Heatmap of scores, the chosen indicator's distribution and its city-wide figures."""
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
    st.plotly_chart(heatmap(detail.heatmap, ctx.framework.scale), key="heatmap")
    left, right = st.columns(2)
    left.subheader("Distribution")
    values = detail.values.assign(
        agency_type=detail.values["agency_type"].map(lambda t: display.type_label(ctx.framework, t))
    )
    left.plotly_chart(
        px.strip(
            values,
            x="agency_type",
            y="value",
            hover_name="agency_name",
            color="agency_type",
            labels={"agency_type": "agency type", "value": ctx.framework.indicator(chosen).label},
        )
        .update_traces(hovertemplate="%{hovertext}<br>%{y:,.3~f}<extra></extra>")
        .update_layout(showlegend=False, height=360),
        key="distribution",
    )
    right.subheader("City-wide figures")
    right.caption(
        "Each month's city-wide figure, counted as on the Overview: a field the framework "
        "takes from the agency type that reports the city's own total is taken from it alone, "
        "never added twice; a field of averages is the city's average, weighted as the "
        "indicator weights it."
    )
    if detail.trend.empty:
        right.info("No figures of this indicator are stored yet.")
    else:
        right.plotly_chart(trend(detail.trend), key="trend")
