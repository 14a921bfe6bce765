"""Rankings: the league table of a period, filterable, with tier bands and downloads."""

from __future__ import annotations

import streamlit as st

from evaluation.permissions import Permission
from evaluation.services import pages, publication
from evaluation.ui import components, links, state


def render() -> None:
    """League table, ranked bar chart, CSV/XLSX downloads; a row opens the agency's profile."""
    view = components.period_page("Rankings")
    if view is None:
        return
    ctx, period = view.ctx, view.period
    if not ctx.actor.may(Permission.SEE_DRAFTS):
        _published(ctx, period)
        return
    evaluation = view.evaluation
    st.caption(f"{period} · {publication.publication_state(ctx.actor, state.engine(), evaluation)}")
    types = st.multiselect(
        "Agency types", ctx.framework.type_ids(), placeholder="All types", key="rank_types"
    )
    table = pages.league_table(ctx.actor, evaluation, types)
    table["rank_change"] = table["rank_change"].map(components.format_change)
    scale = ctx.framework.scale
    dims = {
        f"dim.{d.id}": st.column_config.ProgressColumn(
            d.label, min_value=0, max_value=scale, format="%.0f"
        )
        for d in ctx.framework.dimensions
    }
    st.caption("Select a row to open the agency's profile. Click a column header to sort.")
    chosen = st.dataframe(
        table.style.map(components.tier_style(ctx.framework), subset=["tier"]).format(
            {"score": "{:.1f}"}, na_rep="–"
        ),
        hide_index=True,
        height=min(35 * (len(table) + 1) + 3, 740),
        on_select="rerun",
        selection_mode="single-row",
        key="league",
        column_config={
            "rank_change": "change",
            "rank_in_type": "rank in type",
            "agency_code": None,
            "agency_name": "agency",
            "agency_name_zh": "机构",
            "agency_type": "type",
            "tier_reasons": "tier notes",
            **dims,
        },
    )
    rows = chosen.selection.rows if chosen else []
    if rows:
        st.switch_page(
            links.profile(), query_params={"agency": str(table.loc[rows[0], "agency_code"])}
        )
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "Download CSV",
        lambda: pages.export_ranking(ctx.actor, evaluation, "csv"),
        file_name=f"rankings-{evaluation.period.label}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        "Download XLSX",
        lambda: pages.export_ranking(ctx.actor, evaluation, "xlsx"),
        file_name=f"rankings-{evaluation.period.label}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )
    shown = evaluation.table[evaluation.table["agency_code"].isin(table["agency_code"])]
    st.plotly_chart(components.score_bars(ctx.framework, shown), key="bars")


def _published(ctx: state.Context, period: str) -> None:
    """What agency users see: the league table as published, or that it is not published yet."""
    league = publication.published_league(ctx.actor, state.engine(), period)
    if league is None:
        st.info(f"The {period} league table has not been published yet.")
        return
    st.caption(f"{period} · published")
    st.dataframe(
        league.style.map(components.tier_style(ctx.framework), subset=["tier"]).format(
            {"score": "{:.1f}"}, na_rep="–"
        ),
        hide_index=True,
        column_config={"agency_name": "agency", "agency_type": "type"},
    )
