"""Publish: evaluate a period, compare with what was published, publish an immutable snapshot."""

from __future__ import annotations

import streamlit as st

from evaluation.errors import EvaluationError
from evaluation.services import pages, publication
from evaluation.ui import components, state


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
    sure = st.checkbox(
        f"I have checked the {period} results; publish them as they are.", key="publish_sure"
    )
    if st.button("Publish", type="primary", disabled=not sure, icon=":material/campaign:"):
        try:
            new_id = publication.publish(ctx.actor, state.engine(), ctx.framework, period)
        except EvaluationError as exc:
            st.error(str(exc))
        else:
            st.toast(f"Published {period} as #{new_id}")
            st.rerun()
    st.subheader("Published")
    st.dataframe(
        publication.publications(ctx.actor, state.engine()), hide_index=True, key="published"
    )
