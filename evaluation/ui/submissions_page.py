"""Submissions: agencies x months, on time, late, missing or revised, and who uploaded."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from evaluation.analysis.timeliness import LATE, LATE_REVISED, MISSING, REVISED
from evaluation.permissions import Permission
from evaluation.services import pages
from evaluation.ui import components, state

SYMBOLS = {"on time": "✓", REVISED: "✓ rev", LATE: "late", LATE_REVISED: "late rev", MISSING: "✗"}
COLOURS = {
    "✓ rev": "background-color: #e3f2fd",
    "late": "background-color: #fff3cd",
    "late rev": "background-color: #fff3cd",
    "✗": "background-color: #f8d7da; font-weight: 600",
}


def render() -> None:
    """The submission matrix of the last months and the detail of each agency-month."""
    ctx = state.context()
    if ctx is None:
        return
    components.banners(ctx)
    st.title("Submissions")
    months = list(ctx.data.months)
    if not months:
        components.nothing_stored()
        return
    count = st.slider("Months shown", 3, max(3, min(36, len(months))), min(12, len(months)))
    matrix = pages.submission_overview(
        ctx.actor, ctx.framework, ctx.data, months[-count:], datetime.now(UTC)
    )
    grid = matrix.assign(cell=matrix["status"].map(SYMBOLS).fillna("")).pivot(
        index="agency_name", columns="period", values="cell"
    )
    st.caption(
        f"Due by day {ctx.framework.submission_deadline_day} of the following month. "
        "✓ on time · rev revised · late · ✗ missing"
    )
    st.dataframe(grid.style.map(lambda v: COLOURS.get(v, "")), height=min(900, 36 * len(grid) + 40))
    counts = matrix["status"].value_counts()
    st.write(" · ".join(f"{status}: {n}" for status, n in counts.items()))
    st.subheader("Every version")
    shown = ctx.data.submissions[ctx.data.submissions["period"].isin(months[-count:])]
    if not ctx.actor.may(Permission.EVERY_AGENCY):
        shown = shown[shown["agency_code"] == ctx.actor.agency]
    st.dataframe(shown.sort_values("id", ascending=False), hide_index=True)
