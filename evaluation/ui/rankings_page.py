"""Rankings: the league table of a period, filterable, with tier bands and downloads."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from evaluation import display, i18n
from evaluation.framework import Framework
from evaluation.i18n import _
from evaluation.permissions import Permission
from evaluation.services import pages, publication
from evaluation.ui import components, frontend_words, links, state
from evaluation.ui.components import period_label


def _filters(framework: Framework) -> tuple[list[str], list[str]]:
    """The agency types and tiers chosen (none chosen: every one)."""
    types = st.multiselect(
        _("Agency types"),
        framework.type_ids(),
        format_func=lambda t: display.type_label(framework, t),
        placeholder=_("All types"),
        key="rank_types",
    )
    tier_labels = components.tier_names(framework)
    tiers = st.multiselect(
        _("Tiers"),
        list(tier_labels),
        format_func=tier_labels.__getitem__,
        placeholder=_("All tiers"),
        key="rank_tiers",
    )
    return types, tiers


def _columns(framework: Framework) -> dict[str, ColumnConfig | str | None]:
    """The league table's column titles in the reader's language."""
    return {
        "rank": st.column_config.NumberColumn(_("rank"), pinned=True),
        "rank_change": _("change"),
        "rank_in_type": _("rank in type"),
        "agency_code": None,
        # Pinned: the agency stays in view while the dimensions scroll by.
        "agency_name": st.column_config.TextColumn(_("agency"), pinned=True),
        "agency_type": _("type"),
        "score": _("score"),
        "tier": _("tier"),
        "tier_reason": st.column_config.TextColumn(_("why this tier"), width="large"),
        "flags": _("flags"),
        **{f"dim.{d.id}": i18n.label(d) for d in framework.dimensions},
    }


def render() -> None:
    """League table, ranked bar chart, CSV/XLSX downloads; a row opens the agency's profile."""
    view = components.period_page(_("Rankings"))
    if view is None:
        return
    ctx, period = view.ctx, view.period
    if not ctx.actor.may(Permission.SEE_DRAFTS):
        _published(ctx, period)
        return
    evaluation = view.evaluation
    said = publication.publication_state(ctx.actor, state.engine(), evaluation)
    st.caption(f"{period_label(period)} · {said}")
    framework = ctx.framework
    types, tiers = _filters(framework)
    table = display.agency_names(pages.league_table(ctx.actor, evaluation, types, tiers))
    table["rank_change"] = table["rank_change"].map(components.format_change)
    st.caption(_("Select a row to open the agency's profile. Click a column header to sort."))
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
        selection_mode="single-row",  # i18n: not text
        key="league",
        column_config=_columns(framework),
    )
    rows = chosen.selection.rows if chosen else []
    if rows:
        st.switch_page(
            links.profile(), query_params={"agency": str(table.loc[rows[0], "agency_code"])}
        )
    left, right, _spare = st.columns([1, 1, 4])
    left.download_button(
        _("Download CSV"),
        lambda: pages.export_ranking(ctx.actor, evaluation, "csv"),
        file_name=_("rankings-{period}.csv", period=evaluation.period.label),
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        _("Download XLSX"),
        lambda: pages.export_ranking(ctx.actor, evaluation, "xlsx"),
        file_name=_("rankings-{period}.xlsx", period=evaluation.period.label),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )
    shown = evaluation.table[evaluation.table["agency_code"].isin(table["agency_code"])]
    st.plotly_chart(
        components.score_bars(ctx.framework, shown),
        config=frontend_words.chart_config(),
        key="bars",
    )


def _published(ctx: state.Context, period: str) -> None:
    """What agency users see: the league table as published, or that it is not published yet."""
    league = publication.published_league(ctx.actor, state.engine(), period)
    if league is None:
        st.info(
            _(
                "The {period} league table has not been published yet.",
                period=period_label(period),
            )
        )
        return
    st.caption(_("{period} · published", period=period_label(period)))
    st.dataframe(
        components.reader_names(league, ctx.data.agencies)
        .style.map(components.tier_style(ctx.framework), subset=["tier"])
        .format(
            {
                "score": display.score,
                "agency_type": lambda t: display.type_label(ctx.framework, t),
            },
            na_rep=display.EMPTY,
        ),
        hide_index=True,
        column_config={
            "rank": st.column_config.NumberColumn(_("rank"), pinned=True),
            "agency_name": st.column_config.TextColumn(_("agency"), pinned=True),
            "agency_type": _("type"),
            "score": _("score"),
            "tier": _("tier"),
        },
    )
