"""Publish: evaluate a period, compare with what was published, publish an immutable snapshot."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from evaluation import display, i18n
from evaluation.errors import EvaluationError
from evaluation.i18n import _
from evaluation.scoring.result import Evaluation
from evaluation.services import pages, publication
from evaluation.services.publication import Comparison
from evaluation.ui import components, documents, state

SURE = "publish_sure"  # the confirmation checkbox
OUTCOME = "publish_outcome"  # what the last click did, shown once on the run it causes


def _publish(ctx: state.Context, period: str) -> None:
    """On click, before the page is drawn again: publish, and untick the confirmation."""
    if st.session_state.get(SURE):
        try:
            new_id = publication.publish(ctx.actor, state.engine(), ctx.framework, period)
        except EvaluationError as exc:
            st.session_state[OUTCOME] = ("error", exc)  # rendered when shown, for its reader
        else:
            st.session_state[OUTCOME] = ("done", (period, new_id))
    st.session_state[SURE] = False


def _show_outcome() -> None:
    """The last click's outcome: a toast when published, the plain reason when refused."""
    outcome = st.session_state.pop(OUTCOME, None)
    if outcome is None:
        return
    kind, message = outcome
    if kind == "error":
        st.error(str(message))
    else:
        period, new_id = message
        st.toast(
            _(
                "Published {period} as publication #{id}",
                period=components.period_label(period),
                id=new_id,
            )
        )


def _changed(comparison: Comparison) -> str:
    """What changed since the publication, and how many agencies it moved, as one sentence."""
    params = {
        "id": comparison.published_id,
        "when": i18n.when(comparison.published_at),
        "count": len(comparison.moves),
    }
    if comparison.framework_changed and comparison.data_changed:
        return _(
            "Since publication #{id} ({when}), the framework and the data changed; {count} "
            "agencies' scores, ranks or tiers differ.",
            **params,
        )
    if comparison.framework_changed:
        return _(
            "Since publication #{id} ({when}), the framework changed; {count} agencies' scores, "
            "ranks or tiers differ.",
            **params,
        )
    if comparison.data_changed:
        return _(
            "Since publication #{id} ({when}), the data changed; {count} agencies' scores, ranks "
            "or tiers differ.",
            **params,
        )
    return _(
        "Since publication #{id} ({when}), nothing changed; {count} agencies' scores, ranks or "
        "tiers differ.",
        **params,
    )


def _draft(ctx: state.Context, evaluation: Evaluation) -> None:
    """The league table that publishing would freeze."""
    st.subheader(_("Draft to publish"))
    draft = display.agency_names(pages.league_table(ctx.actor, evaluation, None))[
        ["rank", "agency_name", "agency_type", "score", "tier", "tier_reason"]
    ]
    st.dataframe(
        draft.style.map(components.tier_style(ctx.framework), subset=["tier"]).format(
            {"score": display.score, "agency_type": lambda t: display.type_label(ctx.framework, t)},
            na_rep=display.EMPTY,
        ),
        hide_index=True,
        key="draft",
        column_config={
            "rank": st.column_config.Column(_("rank")),
            "agency_name": st.column_config.Column(_("agency")),
            "agency_type": st.column_config.Column(_("type")),
            "score": st.column_config.Column(_("score")),
            "tier": st.column_config.Column(_("tier")),
            "tier_reason": st.column_config.TextColumn(_("why this tier"), width="large"),
        },
    )


def _published(ctx: state.Context) -> pd.DataFrame:
    """Every publication, newest first, with its time in the office's zone; returns them."""
    st.subheader(_("Published"))
    listed = publication.publications(ctx.actor, state.engine())
    moments = pd.to_datetime(listed["published_at"], utc=True)
    st.dataframe(
        listed.assign(
            period=listed["period"].map(lambda p: components.period_label(str(p))),
            fingerprint=listed["fingerprint"].str[:12],
            published_at=[i18n.when(m.to_pydatetime()) for m in moments],
        ),
        hide_index=True,
        key="published",
        column_config={
            "id": st.column_config.NumberColumn(_("publication"), format="#%d"),
            "period": st.column_config.Column(_("period")),
            "fingerprint": st.column_config.Column(_("framework")),
            "published_by": st.column_config.Column(_("published by")),
            "published_at": st.column_config.Column(_("published at")),
        },
    )
    return listed


def render() -> None:
    """Compare today's result of a period with its last publication, then publish."""
    view = components.period_page(_("Publish"))
    if view is None:
        return
    ctx, period, evaluation = view.ctx, view.period, view.evaluation
    status = publication.publication_state(ctx.actor, state.engine(), evaluation)
    st.caption(_("{period} · {status}", period=components.period_label(period), status=status))
    comparison = publication.compare_with_published(
        ctx.actor, state.engine(), ctx.framework, period
    )
    shown = components.period_label(period)
    if comparison is None:
        st.info(_("{period} has never been published.", period=shown))
    elif comparison.identical:
        st.success(
            _(
                "Publication #{id} of {period} matches today's result.",
                id=comparison.published_id,
                period=shown,
            )
        )
    else:
        st.warning(_changed(comparison))
        _moves(ctx, comparison.moves, evaluation)
    _draft(ctx, evaluation)
    sure = st.checkbox(
        _("I have checked the {period} results; publish them as they are.", period=shown),
        key=SURE,
    )
    # Publishing now would repeat this publication: nothing to do until something changes.
    repeated = comparison.published_id if comparison is not None and comparison.repeats else None
    st.button(
        _("Publish"),
        type="primary",
        disabled=not sure or repeated is not None,
        icon=":material/campaign:",
        help=None
        if repeated is None
        else _("Nothing has changed since publication #{id}.", id=repeated),
        on_click=_publish,
        args=(ctx, period),
    )
    _show_outcome()
    documents.office_documents(ctx, period, _published(ctx))


def _moves(ctx: state.Context, moves: pd.DataFrame, evaluation: Evaluation) -> None:
    """The agencies whose score, rank or tier differ from the publication, by name."""
    names = display.agency_names(evaluation.table).set_index("agency_code")["agency_name"]
    # An agency no longer evaluated keeps its code, so that no row is left without a name.
    shown = moves.assign(agency_name=moves["agency_code"].map(names).fillna(moves["agency_code"]))
    columns = ["agency_name", "score_published", "score_now", "rank_published", "rank_now"]
    columns += ["tier_published", "tier_now"]
    ranks = {c: lambda r: display.figure(r, 0) for c in ("rank_published", "rank_now")}
    st.dataframe(
        display.readable(shown[columns], ctx.framework).style.format(
            {"score_published": display.score, "score_now": display.score, **ranks},
            na_rep=display.EMPTY,
        ),
        hide_index=True,
        key="moves",
        column_config={
            "agency_name": st.column_config.Column(_("agency")),
            "score_published": st.column_config.Column(_("published score")),
            "score_now": st.column_config.Column(_("score now")),
            "rank_published": st.column_config.Column(_("published rank")),
            "rank_now": st.column_config.Column(_("rank now")),
            "tier_published": st.column_config.Column(_("published tier")),
            "tier_now": st.column_config.Column(_("tier now")),
        },
    )
