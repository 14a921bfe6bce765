"""Score page: rank agencies from an agencies file and a figures file."""

from __future__ import annotations

import streamlit as st

from evaluation.errors import EvaluationError
from evaluation.ui import cache
from evaluation.ui.state import current_framework


def render() -> None:
    """Upload two files, choose a period, see the league table."""
    framework = current_framework()
    if framework is None:
        return
    st.header("Score figures")
    left, right = st.columns(2)
    agencies = left.file_uploader("Agencies (code, name, type)", type=["csv", "xlsx"])
    figures = right.file_uploader("Monthly figures", type=["csv", "xlsx"])
    period = st.text_input("Period", placeholder="2026-10, 2026-Q3 or 2026")
    if not (agencies and figures and period):
        st.info("Upload both files and enter a period to see the ranking.")
        return
    try:
        evaluation = cache.score_files(
            framework,
            (agencies.getvalue(), agencies.name),
            (figures.getvalue(), figures.name),
            period,
        )
    except EvaluationError as exc:
        st.error(str(exc))
        return
    columns = [
        "rank",
        "agency_name",
        "agency_type",
        "score",
        "tier",
        "rank_change",
        "tier_reasons",
        "flags",
    ]
    st.dataframe(evaluation.table.sort_values("rank")[columns], hide_index=True)
    st.download_button(
        "Download CSV",
        evaluation.table.to_csv(index=False).encode("utf-8"),
        file_name=f"scores-{evaluation.period.label}.csv",
        mime="text/csv",
    )
