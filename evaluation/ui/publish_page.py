"""Publish: evaluate a period, compare with what was published, publish an immutable snapshot."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from evaluation import display
from evaluation.errors import EvaluationError
from evaluation.scoring.result import Evaluation
from evaluation.services import pages, publication
from evaluation.ui import components, state

SURE = "publish_sure"  # the confirmation checkbox
OUTCOME = "publish_outcome"  # what the last click did, shown once on the run it causes


def _publish(ctx: state.Context, period: str) -> None:
    """On click, before the page is drawn again: publish, and untick the confirmation."""
    if st.session_state.get(SURE):
        try:
            new_id = publication.publish(ctx.actor, state.engine(), ctx.framework, period)
        except EvaluationError as exc:
            st.session_state[OUTCOME] = ("error", str(exc))
        else:
            st.session_state[OUTCOME] = ("done", f"Published {period} as publication #{new_id}")
    st.session_state[SURE] = False


def _show_outcome() -> None:
    """The last click's outcome: a toast when published, the plain reason when refused."""
    outcome = st.session_state.pop(OUTCOME, None)
    if outcome is None:
        return
    kind, message = outcome
    if kind == "error":
        st.error(message)
    else:
        st.toast(message)


def render() -> None:
    """Compare today's result of a period with its last publication, then publish."""
    view = components.period_page("Publish")
    if view is None:
        return
    ctx, period, evaluation = view.ctx, view.period, view.evaluation
    status = publication.publication_state(ctx.actor, state.engine(), evaluation)
    st.caption(f"{period} · {status}")
    comparison = publication.compare_with_published(
        ctx.actor, state.engine(), ctx.framework, period
    )
    if comparison is None:
        st.info(f"{period} has never been published.")
    elif comparison.identical:
        st.success(f"Publication #{comparison.published_id} of {period} matches today's result.")
    else:
        changed = [
            what
            for what, flag in (
                ("the framework", comparison.framework_changed),
                ("the data", comparison.data_changed),
            )
            if flag
        ]
        st.warning(
            f"Since publication #{comparison.published_id} "
            f"({comparison.published_at:%Y-%m-%d %H:%M} UTC), {' and '.join(changed) or 'nothing'}"
            f" changed; {len(comparison.moves)} agencies' scores, ranks or tiers differ."
        )
        _moves(ctx, comparison.moves, evaluation)
    st.subheader("Draft to publish")
    draft = pages.league_table(ctx.actor, evaluation, None)[
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
            "agency_name": "agency",
            "agency_type": "type",
            "tier_reason": st.column_config.TextColumn("why this tier", width="large"),
        },
    )
    sure = st.checkbox(f"I have checked the {period} results; publish them as they are.", key=SURE)
    # Publishing now would repeat this publication: nothing to do until something changes.
    repeated = comparison.published_id if comparison is not None and comparison.repeats else None
    st.button(
        "Publish",
        type="primary",
        disabled=not sure or repeated is not None,
        icon=":material/campaign:",
        help=None if repeated is None else f"Nothing has changed since publication #{repeated}.",
        on_click=_publish,
        args=(ctx, period),
    )
    _show_outcome()
    st.subheader("Published")
    listed = publication.publications(ctx.actor, state.engine())
    st.dataframe(
        listed.assign(fingerprint=listed["fingerprint"].str[:12]),
        hide_index=True,
        key="published",
        column_config={
            "id": st.column_config.NumberColumn("publication", format="#%d"),
            "fingerprint": "framework",
            "published_by": "published by",
            "published_at": st.column_config.DatetimeColumn(
                "published at (UTC)", format="YYYY-MM-DD HH:mm"
            ),
        },
    )


def _moves(ctx: state.Context, moves: pd.DataFrame, evaluation: Evaluation) -> None:
    """The agencies whose score, rank or tier differ from the publication, by name."""
    names = evaluation.table.set_index("agency_code")["agency_name"]
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
            "agency_name": "agency",
            "score_published": "published score",
            "score_now": "score now",
            "rank_published": "published rank",
            "rank_now": "rank now",
            "tier_published": "published tier",
            "tier_now": "tier now",
        },
    )
