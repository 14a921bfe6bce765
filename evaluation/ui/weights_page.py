"""Weights: what-if editing with the ranking side by side, suggestions, uncertainty, sensitivity."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from evaluation.analysis.suggest import EXPLANATIONS
from evaluation.analysis.whatif import compare, effective_shares
from evaluation.errors import EvaluationError, FrameworkError
from evaluation.framework import Framework
from evaluation.permissions import Permission
from evaluation.scoring.normalisers import NORMALISERS
from evaluation.services import admin, analysis, pages
from evaluation.settings import setting
from evaluation.ui import cache, components, state


def _editors(framework: Framework) -> tuple[dict[str, float], dict[str, float]]:
    """A number input per dimension and indicator weight, with its effective share."""
    shares = dict(
        zip(*effective_shares(framework)[["indicator", "of_total"]].T.values, strict=True)
    )
    dims: dict[str, float] = {}
    inds: dict[str, float] = {}
    for dim in framework.dimensions:
        dims[dim.id] = st.number_input(
            f"{dim.label} {dim.label_zh}",
            min_value=0.0,
            value=float(dim.weight),
            step=1.0,
            key=f"w_dim_{dim.id}",
        )
        with st.expander(f"Indicators of {dim.label}"):
            for ind in dim.indicators:
                inds[ind.id] = st.number_input(
                    ind.label,
                    min_value=0.0,
                    value=float(ind.weight),
                    step=1.0,
                    key=f"w_ind_{ind.id}",
                    help=f"now {float(shares[ind.id]):.1%} of the total when it applies",
                )
    return dims, inds


def _uncertainty_chart(table) -> go.Figure:  # type: ignore[no-untyped-def]
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
        xaxis={"title": "rank (median, 5-95 %)"},
        margin={"t": 10},
    )
    return figure


def _tier_bars(framework: Framework, table) -> go.Figure:  # type: ignore[no-untyped-def]
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
        xaxis={"title": "probability", "range": [0, 1]},
        margin={"t": 10},
    )
    return figure


def render() -> None:
    """Coordinators try weights and see how robust each agency's rank and tier is."""
    view = components.period_page("Weights")
    if view is None:
        return
    ctx, period, before = view.ctx, view.period, view.evaluation
    what_if, suggestions, robustness, sensitivity = st.tabs(
        ["What-if", "Suggestions", "Uncertainty", "Sensitivity"]
    )
    with what_if:
        left, right = st.columns([1, 2])
        with left:
            dims, inds = _editors(ctx.framework)
        try:
            changed = cache.reweighted(
                ctx.actor, ctx.framework, tuple(dims.items()), tuple(inds.items())
            )
        except FrameworkError as exc:
            right.error("These weights are not a valid framework:")
            right.code("\n".join(str(p) for p in exc.problems), language="text")
            changed = None
        except EvaluationError as exc:
            right.error(str(exc))
            changed = None
        if changed is not None:
            after = state.evaluation_of_framework(ctx, changed, period)
            table = compare(before, after)
            moved = int((table["rank_move"].fillna(0) != 0).sum())
            right.caption(
                f"{moved} agencies change rank, {int(table['tier_changed'].sum())} change tier · "
                f"new fingerprint `{changed.short_fingerprint}`"
            )
            right.dataframe(
                table.assign(rank_move=table["rank_move"].map(components.format_change)),
                hide_index=True,
                key="whatif",
                column_config={
                    "agency_code": None,
                    "agency_name": "agency",
                    "agency_type": "type",
                    "rank_now": "rank now",
                    "rank_new": "new rank",
                    "rank_move": "move",
                    "tier_now": "tier now",
                    "tier_new": "new tier",
                    "tier_changed": "tier moves",
                    "score_now": st.column_config.NumberColumn("score now", format="%.1f"),
                    "score_new": st.column_config.NumberColumn("new score", format="%.1f"),
                },
            )
            with left:
                st.caption("Effective shares with these weights (when every indicator applies)")
                st.dataframe(
                    effective_shares(changed),
                    hide_index=True,
                    key="shares",
                    column_config={
                        "of_dimension": st.column_config.NumberColumn(
                            "of its dimension", format="percent"
                        ),
                        "of_total": st.column_config.NumberColumn("of the total", format="percent"),
                    },
                )
            right.download_button(
                "Download the framework with these weights (YAML)",
                changed.text.encode("utf-8"),
                file_name="indicators.yaml",
                mime="application/x-yaml",
                on_click="ignore",
            )
            if (
                ctx.actor.may(Permission.MANAGE_FRAMEWORK)
                and changed.fingerprint != ctx.framework.fingerprint
            ):
                with right:
                    _write_weights(ctx, changed)
            # Shown whatever the weights now are: once written they are the ones in force.
            if outcome := st.session_state.pop(WRITE_OUTCOME, None):
                kind, message = outcome
                (right.error if kind == "error" else right.success)(message)
    with suggestions:
        for method, table in analysis.weight_suggestions(ctx.actor, before).items():
            st.subheader(method.upper() if method == "critic" else method.capitalize())
            st.caption(EXPLANATIONS[method])
            st.dataframe(
                table,
                hide_index=True,
                key=f"suggest_{method}",
                column_config={
                    "current_share": st.column_config.NumberColumn(format="percent"),
                    "suggested_share": st.column_config.NumberColumn(format="percent"),
                },
            )
    analysed = changed or ctx.framework
    if analysed is not ctx.framework and analysed.fingerprint != ctx.framework.fingerprint:
        whose = f"the weights of the What-if tab (fingerprint `{analysed.short_fingerprint}`)"
    else:
        whose = f"the framework in force (fingerprint `{analysed.short_fingerprint}`)"
    with robustness:
        st.caption(f"Analysing {whose}.")
        samples, noise, seed, methods = _settings("u", 10_000, (100, 100_000), 1000)
        with st.spinner(f"Scoring {samples:,} weight sets…"):
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
        shaky = result[~result["tier_robust"] & result["nominal_tier"].notna()]
        names = ", ".join(shaky["agency_name"]) or "none"
        st.caption(
            f"Indicator weights × (1 + U(−{noise[0]:g}, {noise[0]:g})), dimension weights × "
            f"(1 + U(−{noise[1]:g}, {noise[1]:g})), normalisations drawn from "
            f"{', '.join(methods) or 'the framework only'}; {samples:,} samples, seed {seed}. "
            f"Tier not robust (nominal tier below 80 %): {names}."
        )
        st.dataframe(result, hide_index=True, key="uncertainty")
        left, right = st.columns(2)
        left.plotly_chart(_uncertainty_chart(result), key="u_ranks")
        right.plotly_chart(_tier_bars(analysed, result), key="u_tiers")
    with sensitivity:
        st.caption(f"Analysing {whose}.")
        base, noise_s, seed_s, methods_s = _settings("s", 512, (64, 8192), 64)
        boot = st.number_input("Bootstrap resamples", 50, 2000, 200, step=50, key="s_boot")
        wanted = (analysed.fingerprint, period, base, noise_s, seed_s, int(boot), methods_s)
        if st.button("Run the sensitivity analysis", key="s_run"):
            st.session_state["s_ran"] = wanted
        if st.session_state.get("s_ran") == wanted:
            inputs = len(analysed.indicators) * (2 if len(methods_s) > 0 else 1)
            inputs += len(analysed.dimensions)
            with st.spinner(f"Saltelli design: {base * (inputs + 2):,} weight sets…"):
                indices, left_out = cache.sensitivity(
                    ctx.actor,
                    state.database_url(),
                    ctx.version,
                    analysed,
                    period,
                    base,
                    noise_s,
                    seed_s,
                    int(boot),
                    methods_s,
                )
            st.caption(
                "Sobol indices of each uncertain input on the mean absolute rank change against "
                f"the nominal ranking, with 95 % bootstrap intervals; N = {base}, seed {seed_s}."
            )
            shown = analysis.shown_indices(indices)
            if shown.clipped:
                st.caption(
                    f"{shown.clipped} index estimate(s) came out below 0, which sampling noise "
                    "does to indices near 0; they are shown as 0."
                )
            st.dataframe(
                shown.table,
                hide_index=True,
                key="sobol",
                column_config={
                    c: st.column_config.NumberColumn(format="%.3f") for c in analysis.SOBOL_COLUMNS
                },
            )
            st.subheader("Leaving one indicator out")
            st.dataframe(left_out, hide_index=True, key="loo")


WRITE_SURE = "write_weights_sure"  # the confirmation checkbox
WRITE_CONFIRMED = "write_weights_for"  # the fingerprint of the weights it confirmed
WRITE_OUTCOME = "write_weights_outcome"  # what the last click did, shown once


def _write_weights(ctx: state.Context, changed: Framework) -> None:
    """Write the weights to indicators.yaml once the tier changes they cause are confirmed."""
    month = pages.period_choices(ctx.data, "month")[0]
    before = state.evaluation_of(ctx, month)
    assert before is not None
    changes = analysis.tier_changes(
        ctx.actor, before, state.evaluation_of_framework(ctx, changed, month)
    )
    if st.session_state.get(WRITE_CONFIRMED) != changed.fingerprint:
        st.session_state[WRITE_SURE] = False  # a confirmation is for one set of weights only
    if changes.count:
        moved = ", ".join(
            f"{r['agency_name']} {r['tier_now'] or '–'} → {r['tier_new'] or '–'}"
            for r in changes.moved.to_dict("records")
        )
        effect = f"{changes.count} of {changes.agencies} agencies change tier in {month}: {moved}"
    else:
        effect = f"no agency changes tier in {month}, though scores and ranks may move"
    st.checkbox(
        f"These weights change every agency's scores from now on; {effect}. Write them.",
        key=WRITE_SURE,
        on_change=_confirm,
        args=(changed.fingerprint,),
    )
    st.button(
        "Write these weights to indicators.yaml",
        type="primary",
        key="write_weights",
        disabled=not st.session_state.get(WRITE_SURE),
        on_click=_write,
        args=(ctx, changed),
    )


def _confirm(fingerprint: str) -> None:
    """Remember which weights the ticked confirmation is for."""
    st.session_state[WRITE_CONFIRMED] = fingerprint if st.session_state.get(WRITE_SURE) else None


def _write(ctx: state.Context, changed: Framework) -> None:
    """On click, before the page is drawn again: write the file, and untick the confirmation."""
    confirmed = st.session_state.get(WRITE_SURE) and (
        st.session_state.get(WRITE_CONFIRMED) == changed.fingerprint
    )
    st.session_state[WRITE_SURE] = False
    st.session_state[WRITE_CONFIRMED] = None
    if not confirmed:
        return
    try:
        written, backup = admin.replace_framework(
            ctx.actor,
            state.engine(),
            Path(setting("INDICATORS_FILE")),
            changed.text,
            datetime.now(UTC),
        )
    except EvaluationError as exc:
        st.session_state[WRITE_OUTCOME] = ("error", str(exc))
    else:
        st.session_state[WRITE_OUTCOME] = (
            "done",
            f"Written; the framework in force now has fingerprint "
            f"`{written.short_fingerprint}`. The previous file is kept as `{backup}`.",
        )


def _settings(
    prefix: str, default: int, bounds: tuple[int, int], step: int
) -> tuple[int, tuple[float, float], int, tuple[str, ...]]:
    """Samples, noise per level, seed and normalisations to draw, for one analysis."""
    a, b, c, d, e = st.columns(5)
    label = "Samples" if prefix == "u" else "Base samples N"
    samples = a.number_input(label, *bounds, default, step=step, key=f"{prefix}_samples")
    f_ind = b.number_input("Noise f, indicators", 0.0, 0.9, 0.25, step=0.05, key=f"{prefix}_f")
    f_dim = c.number_input("Noise f, dimensions", 0.0, 0.9, 0.25, step=0.05, key=f"{prefix}_fd")
    seed = d.number_input("Seed", 0, 2**32 - 1, 20261125, key=f"{prefix}_seed")
    methods = e.multiselect(
        "Also draw normalisations",
        list(NORMALISERS),
        key=f"{prefix}_methods",
        help="Each indicator's normalisation is drawn from its own method and these",
    )
    return int(samples), (float(f_ind), float(f_dim)), int(seed), tuple(methods)
