"""Indicators: every agency's score on every indicator, one indicator's spread and trend."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from evaluation import display, i18n
from evaluation.framework import Framework
from evaluation.i18n import _
from evaluation.services import pages
from evaluation.ui import components, frontend_words
from evaluation.ui.components import period_label

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
        labels={"x": _("indicator"), "y": _("agency"), "color": _("score")},
    ).update_layout(
        height=max(420, ROW_HEIGHT * len(names) + 160),
        margin={"t": 10},
        yaxis={"tickmode": "array", "tickvals": names, "ticktext": names, "dtick": 1},
    )


def _axis(unit: str, measure: str) -> str:
    """A panel's axis title: the unit and how the city's figure is counted."""
    if measure == "average":
        if unit:
            return _("{unit}, city average", unit=components.unit_name(unit))
        return _("city average")
    if unit:
        return _("{unit}, city total", unit=components.unit_name(unit))
    return _("city total")


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
        decimals = ",.1f" if measure == "average" else ",.0f"
        figure.add_trace(
            go.Scatter(
                x=[period_label(p) for p in one["period"]],
                y=one["value"],
                name=field,
                mode="lines+markers",  # i18n: not text
                hovertemplate=f"%{{x}}: %{{y:{decimals}}} {components.unit_name(unit)}"
                + components.HOVER_END,
            ),
            row=row,
            col=1,
        )
        figure.update_yaxes(title_text=_axis(unit, measure), tickformat=decimals, row=row, col=1)
    figure.update_xaxes(type="category", title_text=_("month"), row=max(1, len(fields)), col=1)
    return figure.update_layout(height=220 * max(1, len(fields)) + 60, showlegend=False)


def _in_words(
    framework: Framework, detail: pages.IndicatorDetail, agencies: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The heatmap, values and trend with agencies, indicators and fields named in the
    reader's language."""
    named = {
        str(n): i18n.name(n, z) for n, z in zip(agencies["name"], agencies["name_zh"], strict=True)
    }
    indicators: dict[str, str] = {}
    for ind in framework.indicators:
        for written in (f"{ind.label}<br>{ind.label_zh}".removesuffix("<br>"), ind.label):
            indicators[written] = i18n.label(ind)
    heat = detail.heatmap.rename(index=named, columns=indicators).sort_index()
    values = detail.values.assign(
        agency_name=detail.values["agency_name"].map(lambda n: named.get(str(n), n)),
        agency_type=detail.values["agency_type"].map(lambda t: display.type_label(framework, t)),
    )
    series = detail.trend
    if not series.empty:
        series = series.assign(
            field=series["field_id"].map(lambda f: i18n.label(framework.field_def(str(f))))
        )
    return heat, values, series


def render() -> None:
    """Heatmap of scores, the chosen indicator's distribution and its city-wide figures."""
    view = components.period_page(_("Indicators"))
    if view is None:
        return
    ctx, period, evaluation = view.ctx, view.period, view.evaluation
    labels = {i.id: i18n.label(i) for i in ctx.framework.indicators}
    chosen: str = st.selectbox(
        _("Indicator"), list(labels), format_func=lambda i: labels[i], key="indicator"
    )
    detail = pages.indicator_detail(ctx.actor, ctx.data, evaluation, chosen)
    heat, values, series = _in_words(ctx.framework, detail, ctx.data.agencies)
    st.subheader(_("Scores, {period}", period=period_label(period)))
    st.plotly_chart(
        heatmap(heat, ctx.framework.scale), config=frontend_words.chart_config(), key="heatmap"
    )
    left, right = st.columns(2)
    left.subheader(_("Distribution"))
    left.plotly_chart(
        px.strip(
            values,
            x="agency_type",
            y="value",
            hover_name="agency_name",
            color="agency_type",
            labels={"agency_type": _("agency type"), "value": labels[chosen]},
        )
        .update_traces(
            hovertemplate="%{hovertext}<br>%{y:,.3~f}" + components.HOVER_END  # i18n: not text
        )
        .update_layout(showlegend=False, height=360),
        config=frontend_words.chart_config(),
        key="distribution",
    )
    right.subheader(_("City-wide figures"))
    right.caption(
        _(
            "Each month's city-wide figure, counted as on the Overview: a field the framework "
            "takes from the agency type that reports the city's own total is taken from it "
            "alone, never added twice; a field of averages is the city's average, weighted as "
            "the indicator weights it."
        )
    )
    if series.empty:
        right.info(_("No figures of this indicator are stored yet."))
    else:
        right.plotly_chart(trend(series), config=frontend_words.chart_config(), key="trend")
