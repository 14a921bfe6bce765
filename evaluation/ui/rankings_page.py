"""Rankings: the league table of a period, filterable, with tier bands and downloads."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from evaluation import display
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
    framework = ctx.framework
    types = st.multiselect(
        "Agency types",
        framework.type_ids(),
        format_func=lambda t: display.type_label(framework, t),
        placeholder="All types",
        key="rank_types",
    )
    tier_labels = {t.id: f"{t.id} {t.label} {t.label_zh}".strip() for t in framework.tiers}
    tiers = st.multiselect(
        "Tiers",
        list(tier_labels),
        format_func=tier_labels.__getitem__,
        placeholder="All tiers",
        key="rank_tiers",
    )
    table = pages.league_table(ctx.actor, evaluation, types, tiers)
    table["rank_change"] = table["rank_change"].map(components.format_change)
    dims = {f"dim.{d.id}": d.label for d in framework.dimensions}
    st.caption("Select a row to open the agency's profile. Click a column header to sort.")
    # Formats, not strings: the columns keep their numbers, so sorting still works.
    formats: dict[str, str | Callable[[object], str] | None] = dict.fromkeys(
        display.score_formats(table), display.score
    )
    formats["agency_type"] = lambda t: display.type_label(framework, t)
    chosen = st.dataframe(
        table.style.map(components.tier_style(framework), subset=["tier"]).format(
            formats, na_rep=display.EMPTY
        ),
        hide_index=True,
        height=min(35 * (len(table) + 1) + 3, 740),
        on_select="rerun",
        selection_mode="single-row",
        key="league",
        column_config={
            "rank": st.column_config.NumberColumn("rank", pinned=True),
            "rank_change": "change",
            "rank_in_type": "rank in type",
            "agency_code": None,
            # Pinned: the agency stays in view while the dimensions scroll by.
            "agency_name": st.column_config.TextColumn("agency", pinned=True),
            "agency_name_zh": "机构",
            "agency_type": "type",
            "tier_reason": st.column_config.TextColumn("why this tier", width="large"),
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
            {
                "score": display.score,
                "agency_type": lambda t: display.type_label(ctx.framework, t),
            },
            na_rep=display.EMPTY,
        ),
        hide_index=True,
        column_config={
            "rank": st.column_config.NumberColumn("rank", pinned=True),
            "agency_name": st.column_config.TextColumn("agency", pinned=True),
            "agency_type": "type",
        },
    )
