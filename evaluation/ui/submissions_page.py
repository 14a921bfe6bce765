"""Submissions: agencies x months, on time, late, missing or revised, and who uploaded."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from evaluation import display
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
EVERY_AGENCY = ""  # the agency filter's first choice
VERSION_COLUMNS = {
    "period": "month",
    "agency_name": "agency",
    "version": "version",
    "status": "status",
    "uploaded_at": "uploaded at",
    "uploaded_by": "uploaded by",
    "on_behalf_of": "on behalf of",
    "source_file": "file",
    "note": "note",
    "restored_from": "restored from upload",
    "id": "upload",
}


def _agency(ctx: state.Context) -> str:
    """The agency to show alone (from the address, as the Overview links here), or every one."""
    names = ctx.data.agencies.set_index("code")["name"]
    codes = [c for c in names.index if ctx.actor.may_for(Permission.SEE_AGENCY, c)]
    wanted = st.query_params.get("agency", EVERY_AGENCY)
    chosen = st.selectbox(
        "Agency",
        [EVERY_AGENCY, *codes],
        index=[EVERY_AGENCY, *codes].index(wanted) if wanted in codes else 0,
        format_func=lambda c: "Every agency" if c == EVERY_AGENCY else f"{names[c]} ({c})",
        key="submissions_agency",
    )
    if chosen:
        st.query_params["agency"] = chosen
    else:
        st.query_params.pop("agency", None)
    return chosen


def render() -> None:
    """The submission matrix of the last months, newest first, and every version uploaded."""
    ctx = state.context()
    if ctx is None:
        return
    components.banners(ctx)
    st.title("Submissions")
    months = list(ctx.data.months)
    if not months:
        components.nothing_stored()
        return
    agency = _agency(ctx)
    count = st.slider("Months shown", 3, max(3, min(36, len(months))), min(12, len(months)))
    shown_months = months[-count:]
    matrix = pages.submission_overview(
        ctx.actor, ctx.framework, ctx.data, shown_months, datetime.now(UTC)
    )
    if agency:
        matrix = matrix[matrix["agency_code"] == agency]
    grid = matrix.assign(cell=matrix["status"].map(SYMBOLS).fillna("")).pivot(
        index="agency_name", columns="period", values="cell"
    )
    grid = grid[sorted(grid.columns, reverse=True)]  # the newest month first, in sight
    grid.columns.name, grid.index.name = "month", "agency"
    st.caption(
        f"Newest month first. Due by day {ctx.framework.submission_deadline_day} of the "
        "following month. ✓ on time · rev revised · late · ✗ missing"
    )
    st.dataframe(
        grid.style.map(lambda v: COLOURS.get(v, "")),
        height=min(900, 36 * len(grid) + 40),
        column_config={"_index": st.column_config.TextColumn("agency", width="large")},
    )
    counts = matrix["status"].value_counts()
    st.write(" · ".join(f"{status}: {n}" for status, n in counts.items()))
    st.subheader("Every version")
    versions = ctx.data.submissions[ctx.data.submissions["period"].isin(shown_months)]
    if not ctx.actor.may(Permission.EVERY_AGENCY):
        versions = versions[versions["agency_code"] == ctx.actor.agency]
    if agency:
        versions = versions[versions["agency_code"] == agency]
    names = ctx.data.agencies.set_index("code")["name"]
    versions = versions.assign(agency_name=versions["agency_code"].map(names))
    table = display.readable(versions.sort_values("id", ascending=False), ctx.framework)
    st.dataframe(
        table[list(VERSION_COLUMNS)].rename(columns=VERSION_COLUMNS),
        hide_index=True,
        column_config={"uploaded at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    )
