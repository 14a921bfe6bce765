"""Weights: what-if editing with the ranking side by side, suggestions, uncertainty, sensitivity."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from evaluation import display, i18n
from evaluation.analysis.suggest import EXPLANATIONS
from evaluation.analysis.whatif import compare, effective_shares
from evaluation.errors import EvaluationError, FrameworkError
from evaluation.framework import Framework
from evaluation.i18n import N_, _
from evaluation.permissions import Permission
from evaluation.scoring.result import Evaluation
from evaluation.services import admin, analysis, pages
from evaluation.settings import setting
from evaluation.ui import cache, components, state, weights_analysis
from evaluation.ui.weights_analysis import reader_names

METHOD_NAMES = {"entropy": N_("Entropy"), "critic": N_("CRITIC")}


def _editors(framework: Framework) -> tuple[dict[str, float], dict[str, float]]:
    """A number input per dimension and indicator weight, with its effective share."""
    shares = dict(
        zip(*effective_shares(framework)[["indicator", "of_total"]].T.values, strict=True)
    )
    dims: dict[str, float] = {}
    inds: dict[str, float] = {}
    for dim in framework.dimensions:
        dims[dim.id] = st.number_input(
            i18n.label(dim),
            min_value=0.0,
            value=float(dim.weight),
            step=1.0,
            key=f"w_dim_{dim.id}",
        )
        with st.expander(_("Indicators of {dimension}", dimension=i18n.label(dim))):
            for ind in dim.indicators:
                inds[ind.id] = st.number_input(
                    i18n.label(ind),
                    min_value=0.0,
                    value=float(ind.weight),
                    step=1.0,
                    key=f"w_ind_{ind.id}",
                    help=_(
                        "now {share:.1%} of the total when it applies",
                        share=float(shares[ind.id]),
                    ),
                )
    return dims, inds


def _whatif_table(ctx: state.Context, table: pd.DataFrame, evaluation: Evaluation) -> None:
    """Rank, tier and score of every agency now and with the new weights."""
    st.dataframe(
        reader_names(table, evaluation).assign(
            agency_type=table["agency_type"].map(lambda t: display.type_label(ctx.framework, t)),
            rank_move=table["rank_move"].map(components.format_change),
        ),
        hide_index=True,
        key="whatif",
        column_config={
            "agency_code": None,
            "agency_name": st.column_config.Column(_("agency")),
            "agency_type": st.column_config.Column(_("type")),
            "rank_now": st.column_config.NumberColumn(_("rank now")),
            "rank_new": st.column_config.NumberColumn(_("new rank")),
            "rank_move": st.column_config.Column(_("move")),
            "tier_now": st.column_config.Column(_("tier now")),
            "tier_new": st.column_config.Column(_("new tier")),
            "tier_changed": st.column_config.CheckboxColumn(_("tier moves")),
            "score_now": st.column_config.NumberColumn(_("score now"), format="%.1f"),
            "score_new": st.column_config.NumberColumn(_("new score"), format="%.1f"),
        },
    )


def _shares(changed: Framework) -> None:
    """Each indicator's effective share under the new weights."""
    st.caption(_("Effective shares with these weights (when every indicator applies)"))
    st.dataframe(
        effective_shares(changed),
        hide_index=True,
        key="shares",
        column_config={
            "dimension": st.column_config.Column(_("dimension")),
            "indicator": st.column_config.Column(_("indicator")),
            "of_dimension": st.column_config.NumberColumn(_("of its dimension"), format="percent"),
            "of_total": st.column_config.NumberColumn(_("of the total"), format="percent"),
        },
    )


def _what_if(ctx: state.Context, period: str, before: Evaluation) -> Framework | None:
    """The weight editors and the ranking they give; the edited framework, when valid."""
    left, right = st.columns([1, 2])
    with left:
        dims, inds = _editors(ctx.framework)
    try:
        changed = cache.reweighted(
            ctx.actor, ctx.framework, tuple(dims.items()), tuple(inds.items())
        )
    except FrameworkError as exc:
        right.error(_("These weights are not a valid framework:"))
        right.code("\n".join(str(p) for p in exc.problems), language="text")
        return None
    except EvaluationError as exc:
        right.error(str(exc))
        return None
    after = state.evaluation_of_framework(ctx, changed, period)
    table = compare(before, after)
    right.caption(
        _(
            "{moved} agencies change rank, {tiers} change tier · new fingerprint `{fingerprint}`",
            moved=int((table["rank_move"].fillna(0) != 0).sum()),
            tiers=int(table["tier_changed"].sum()),
            fingerprint=changed.short_fingerprint,
        )
    )
    with right:
        _whatif_table(ctx, table, before)
    with left:
        _shares(changed)
    right.download_button(
        _("Download the framework with these weights (YAML)"),
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
        (right.error if kind == "error" else right.success)(str(message))
    return changed


def _suggestions(ctx: state.Context, before: Evaluation) -> None:
    """Entropy and CRITIC weights the data would suggest, per dimension."""
    labels = {i.id: i18n.label(i) for i in ctx.framework.indicators}
    for method, table in analysis.weight_suggestions(ctx.actor, before).items():
        st.subheader(str(METHOD_NAMES.get(method, method)))
        st.caption(str(EXPLANATIONS[method]))
        st.dataframe(
            table.assign(label=table["indicator"].map(labels).fillna(table["label"])),
            hide_index=True,
            key=f"suggest_{method}",
            column_config={
                "dimension": st.column_config.Column(_("dimension")),
                "indicator": st.column_config.Column(_("indicator")),
                "label": st.column_config.Column(_("label")),
                "current_share": st.column_config.NumberColumn(
                    _("current share"), format="percent"
                ),
                "suggested_share": st.column_config.NumberColumn(
                    _("suggested share"), format="percent"
                ),
                "agencies_used": st.column_config.NumberColumn(_("agencies used")),
                "note": st.column_config.Column(_("note")),
            },
        )


def render() -> None:
    """Coordinators try weights and see how robust each agency's rank and tier is."""
    view = components.period_page(_("Weights"))
    if view is None:
        return
    ctx, period, before = view.ctx, view.period, view.evaluation
    what_if, suggestions, robustness, sensitivity = st.tabs(
        [_("What-if"), _("Suggestions"), _("Uncertainty"), _("Sensitivity")]
    )
    with what_if:
        changed = _what_if(ctx, period, before)
    with suggestions:
        _suggestions(ctx, before)
    analysed = changed or ctx.framework
    if analysed is not ctx.framework and analysed.fingerprint != ctx.framework.fingerprint:
        whose = _(
            "Analysing the weights of the What-if tab (fingerprint `{fingerprint}`).",
            fingerprint=analysed.short_fingerprint,
        )
    else:
        whose = _(
            "Analysing the framework in force (fingerprint `{fingerprint}`).",
            fingerprint=analysed.short_fingerprint,
        )
    with robustness:
        st.caption(whose)
        weights_analysis.uncertainty_tab(ctx, analysed, period, before)
    with sensitivity:
        st.caption(whose)
        weights_analysis.sensitivity_tab(ctx, analysed, period)


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
        moved = components.listed(
            [
                f"{r['agency_name']} {r['tier_now'] or '–'} → {r['tier_new'] or '–'}"
                for r in reader_names(changes.moved, before).to_dict("records")
            ]
        )
        sure = _(
            "These weights change every agency's scores from now on; {count} of {agencies} "
            "agencies change tier in {period}: {moved}. Write them.",
            count=changes.count,
            agencies=changes.agencies,
            period=components.period_label(month),
            moved=moved,
        )
    else:
        sure = _(
            "These weights change every agency's scores from now on; no agency changes tier in "
            "{period}, though scores and ranks may move. Write them.",
            period=components.period_label(month),
        )
    st.checkbox(sure, key=WRITE_SURE, on_change=_confirm, args=(changed.fingerprint,))
    st.button(
        _("Write these weights to indicators.yaml"),
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
    """On click, before the page is drawn again: write the file, and untick the confirmation.
    The outcome is kept as a message rendered when shown, in its reader's language."""
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
        st.session_state[WRITE_OUTCOME] = ("error", exc)
    else:
        st.session_state[WRITE_OUTCOME] = (
            "done",
            N_(
                "Written; the framework in force now has fingerprint `{fingerprint}`. The "
                "previous file is kept as `{backup}`.",
                fingerprint=written.short_fingerprint,
                backup=backup,
            ),
        )
