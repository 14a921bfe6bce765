"""The Weights page's robustness tabs: uncertainty (Monte Carlo over weights and
normalisations) and sensitivity (Sobol indices, leaving one indicator out)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from evaluation import display, i18n
from evaluation.framework import Framework
from evaluation.i18n import _
from evaluation.scoring.normalisers import NORMALISERS
from evaluation.scoring.result import Evaluation
from evaluation.services import analysis
from evaluation.ui import cache, components, frontend_words, state


def method_name(method: str) -> str:
    """A normalisation method as its reader knows it: its id (the framework file's word) for an
    English reader, its description for a Chinese one."""
    known = NORMALISERS.get(method)
    return str(known.label) if known is not None and i18n.is_chinese() else method


def reader_names(frame: pd.DataFrame, evaluation: Evaluation) -> pd.DataFrame:
    """`frame` with each agency's name (by its `agency_code`) in the reader's language."""
    names = display.agency_names(evaluation.table).set_index("agency_code")["agency_name"]
    return frame.assign(agency_name=frame["agency_code"].map(names).fillna(frame["agency_name"]))


def _uncertainty_chart(table: pd.DataFrame) -> go.Figure:
    """Median rank with its 5-95 % interval per agency."""
    ordered = table.sort_values("median_rank")
    figure = go.Figure(
        go.Scatter(
            x=ordered["median_rank"],
            y=ordered["agency_name"],
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": ordered["q95_rank"] - ordered["median_rank"],
                "arrayminus": ordered["median_rank"] - ordered["q05_rank"],
            },
        )
    )
    figure.update_layout(
        height=max(400, 22 * len(ordered)),
        yaxis={"autorange": "reversed"},
        xaxis={"title": _("rank (median, 5-95 %)")},
        margin={"t": 10},
    )
    return figure


def _tier_bars(framework: Framework, table: pd.DataFrame) -> go.Figure:
    """Probability of each tier per agency, stacked."""
    colours = components.tier_colours(framework)
    ordered = table.sort_values("median_rank")
    figure = go.Figure(
        [
            go.Bar(
                x=ordered[f"p_tier_{t.id}"],
                y=ordered["agency_name"],
                orientation="h",
                name=t.id,
                marker_color=colours[t.id],
            )
            for t in framework.tiers
        ]
    )
    figure.update_layout(
        barmode="stack",
        height=max(400, 22 * len(ordered)),
        yaxis={"autorange": "reversed"},
        xaxis={"title": _("probability"), "range": [0, 1]},
        margin={"t": 10},
    )
    return figure


def _uncertainty_columns(framework: Framework) -> dict[str, ColumnConfig | None]:
    """Titles of the uncertainty table's columns in the reader's language."""
    number = st.column_config.NumberColumn
    config: dict[str, ColumnConfig | None] = {
        "agency_code": None,
        "agency_name": st.column_config.Column(_("agency")),
        "nominal_rank": number(_("nominal rank")),
        "median_rank": number(_("median rank")),
        "q05_rank": number(_("rank, 5 %")),
        "q95_rank": number(_("rank, 95 %")),
        "mean_score": number(_("mean score"), format="%.1f"),
        "nominal_tier": st.column_config.Column(_("nominal tier")),
        "tier_robust": st.column_config.CheckboxColumn(_("tier robust")),
    }
    for tier in framework.tiers:
        config[f"p_tier_{tier.id}"] = number(_("P(tier {tier})", tier=tier.id), format="percent")
    return config


def uncertainty_tab(
    ctx: state.Context, analysed: Framework, period: str, evaluation: Evaluation
) -> None:
    """Ranks and tiers under perturbed weights (and drawn normalisations)."""
    samples, noise, seed, methods = _settings("u", 10_000, (100, 100_000), 1000)
    with st.spinner(_("Scoring {samples:,} weight sets…", samples=samples)):
        result = cache.uncertainty(
            ctx.actor,
            state.database_url(),
            ctx.version,
            analysed,
            period,
            samples,
            noise,
            seed,
            methods,
        )
    result = reader_names(result, evaluation)
    shaky = result[~result["tier_robust"] & result["nominal_tier"].notna()]
    params = {
        "f_ind": f"{noise[0]:g}",
        "f_dim": f"{noise[1]:g}",
        "methods": components.listed([method_name(m) for m in methods]),
        "samples": f"{samples:,}",
        "seed": seed,
        "names": components.listed(list(shaky["agency_name"])) or _("none"),
    }
    if methods:
        said = _(
            "Indicator weights × (1 + U(−{f_ind}, {f_ind})), dimension weights × "
            "(1 + U(−{f_dim}, {f_dim})), normalisations drawn from {methods}; {samples} "
            "samples, seed {seed}. Tier not robust (nominal tier below 80 %): {names}.",
            **params,
        )
    else:
        said = _(
            "Indicator weights × (1 + U(−{f_ind}, {f_ind})), dimension weights × "
            "(1 + U(−{f_dim}, {f_dim})), normalisations drawn from the framework only; "
            "{samples} samples, seed {seed}. Tier not robust (nominal tier below 80 %): {names}.",
            **params,
        )
    st.caption(said)
    st.dataframe(
        result,
        hide_index=True,
        key="uncertainty",
        column_config=_uncertainty_columns(analysed),
    )
    left, right = st.columns(2)
    left.plotly_chart(
        _uncertainty_chart(result), config=frontend_words.chart_config(), key="u_ranks"
    )
    right.plotly_chart(
        _tier_bars(analysed, result), config=frontend_words.chart_config(), key="u_tiers"
    )


def sensitivity_tab(ctx: state.Context, analysed: Framework, period: str) -> None:
    """Sobol indices of every weight, run on request, and leaving one indicator out."""
    base, noise, seed, methods = _settings("s", 512, (64, 8192), 64)
    boot = st.number_input(_("Bootstrap resamples"), 50, 2000, 200, step=50, key="s_boot")
    wanted = (analysed.fingerprint, period, base, noise, seed, int(boot), methods)
    if st.button(_("Run the sensitivity analysis"), key="s_run"):
        st.session_state["s_ran"] = wanted
    if st.session_state.get("s_ran") != wanted:
        return
    inputs = len(analysed.indicators) * (2 if len(methods) > 0 else 1)
    inputs += len(analysed.dimensions)
    with st.spinner(_("Saltelli design: {count:,} weight sets…", count=base * (inputs + 2))):
        indices, left_out = cache.sensitivity(
            ctx.actor,
            state.database_url(),
            ctx.version,
            analysed,
            period,
            base,
            noise,
            seed,
            int(boot),
            methods,
        )
    st.caption(
        _(
            "Sobol indices of each uncertain input on the mean absolute rank change against the "
            "nominal ranking, with 95 % bootstrap intervals; N = {base}, seed {seed}.",
            base=base,
            seed=seed,
        )
    )
    shown = analysis.shown_indices(indices)
    if shown.clipped:
        st.caption(
            _(
                "{count} index estimate(s) came out below 0, which sampling noise does to "
                "indices near 0; they are shown as 0.",
                count=shown.clipped,
            )
        )
    st.dataframe(shown.table, hide_index=True, key="sobol", column_config=_sobol_columns())
    st.subheader(_("Leaving one indicator out"))
    labels = {i.id: i18n.label(i) for i in analysed.indicators}
    st.dataframe(
        left_out.assign(label=left_out["indicator"].map(labels).fillna(left_out["label"])),
        hide_index=True,
        key="loo",
        column_config={
            "indicator": st.column_config.Column(_("indicator")),
            "label": st.column_config.Column(_("label")),
            "mean_abs_rank_change": st.column_config.NumberColumn(
                _("mean absolute rank change"), format="%.2f"
            ),
        },
    )


def _sobol_columns() -> dict[str, ColumnConfig | None]:
    """Titles of the Sobol table's columns in the reader's language."""
    titles = {
        "input": _("input"),
        "first_order": _("first order"),
        "first_low": _("first order, low"),
        "first_high": _("first order, high"),
        "total_order": _("total order"),
        "total_low": _("total order, low"),
        "total_high": _("total order, high"),
    }
    config: dict[str, ColumnConfig | None] = {"input": st.column_config.Column(titles["input"])}
    for column in analysis.SOBOL_COLUMNS:
        config[column] = st.column_config.NumberColumn(titles[column], format="%.3f")
    return config


def _settings(
    prefix: str, default: int, bounds: tuple[int, int], step: int
) -> tuple[int, tuple[float, float], int, tuple[str, ...]]:
    """Samples, noise per level, seed and normalisations to draw, for one analysis."""
    a, b, c, d, e = st.columns(5)
    label = _("Samples") if prefix == "u" else _("Base samples N")
    samples = a.number_input(label, *bounds, default, step=step, key=f"{prefix}_samples")
    f_ind = b.number_input(_("Noise f, indicators"), 0.0, 0.9, 0.25, step=0.05, key=f"{prefix}_f")
    f_dim = c.number_input(_("Noise f, dimensions"), 0.0, 0.9, 0.25, step=0.05, key=f"{prefix}_fd")
    seed = d.number_input(_("Seed"), 0, 2**32 - 1, 20261125, key=f"{prefix}_seed")
    methods = e.multiselect(
        _("Also draw normalisations"),
        list(NORMALISERS),
        format_func=method_name,
        key=f"{prefix}_methods",
        help=_("Each indicator's normalisation is drawn from its own method and these"),
    )
    return int(samples), (float(f_ind), float(f_dim)), int(seed), tuple(methods)
