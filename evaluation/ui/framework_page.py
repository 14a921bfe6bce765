"""Framework: the loaded indicators.yaml as a readable tree."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from evaluation.services import pages
from evaluation.ui import state


def render() -> None:
    """Dimensions, indicators with effective weights, tiers and red lines of the framework."""
    actor = state.actor()
    framework = state.current_framework(show_problems=True)
    if framework is None or actor is None:
        return
    st.title(framework.name)
    st.caption(
        f"{framework.name_zh} · fingerprint `{framework.short_fingerprint}` · "
        f"scores 0–{framework.scale:g} · figures due by day {framework.submission_deadline_day} "
        "of the following month"
    )
    tree = pages.framework_tree(actor, framework)
    for dimension, rows in tree.groupby("dimension", sort=False):
        share = rows["share of total (all apply)"].sum()
        with st.expander(f"**{dimension}** · {share:.0%} of the total", expanded=True):
            st.dataframe(
                rows.drop(columns=["dimension"]),
                hide_index=True,
                column_config={
                    "share of dimension": st.column_config.NumberColumn(format="percent"),
                    "share of total (all apply)": st.column_config.NumberColumn(format="percent"),
                },
            )
    st.subheader("Tiers")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "tier": t.id,
                    "label": f"{t.label} {t.label_zh}",
                    "min score": t.min_score,
                    "at most": "" if t.max_share is None else f"{t.max_share:.0%}",
                    "incentive": t.incentive,
                }
                for t in framework.tiers
            ]
        ),
        hide_index=True,
    )
    st.subheader("Red lines")
    for rule in framework.red_lines:
        st.markdown(f"- **{rule.describe()}** → tier no better than **{rule.cap}**: {rule.reason}")
