"""Publish: evaluate a period, compare with what was published, publish an immutable snapshot."""

from __future__ import annotations

import streamlit as st

from evaluation.errors import EvaluationError
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
        st.dataframe(comparison.moves, hide_index=True, key="moves")
    st.subheader("Draft to publish")
    st.dataframe(
        pages.league_table(ctx.actor, evaluation, None)[
            ["rank", "agency_name", "agency_type", "score", "tier", "tier_reasons"]
        ].style.map(components.tier_style(ctx.framework), subset=["tier"]),
        hide_index=True,
        key="draft",
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
    st.dataframe(
        publication.publications(ctx.actor, state.engine()), hide_index=True, key="published"
    )
