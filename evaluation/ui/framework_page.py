"""Framework: the loaded indicators.yaml as a readable tree."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from evaluation import i18n
from evaluation.framework import Framework
from evaluation.i18n import N_, Message, _
from evaluation.permissions import Actor
from evaluation.services import pages
from evaluation.ui import state

# The framework tree's columns: each message's id is the column's name in the table.
SHARE_OF_DIMENSION = N_("share of dimension")
SHARE_OF_TOTAL = N_("share of total (all apply)")
TREE_COLUMNS: tuple[Message, ...] = (
    N_("indicator"),
    N_("direction"),
    N_("normalise"),
    N_("goalposts / scope"),
    N_("applies to"),
)


def _tree_columns() -> dict[str, ColumnConfig | None]:
    """Titles of the framework tree's columns in the reader's language."""
    config: dict[str, ColumnConfig | None] = {
        c.msgid: st.column_config.Column(str(c)) for c in TREE_COLUMNS
    }
    for share in (SHARE_OF_DIMENSION, SHARE_OF_TOTAL):
        config[share.msgid] = st.column_config.NumberColumn(str(share), format="percent")
    return config


def _dimensions(actor: Actor, framework: Framework) -> None:
    """One expander per dimension with its indicators and their effective shares."""
    tree = pages.framework_tree(actor, framework)
    start = 0
    for dim in framework.dimensions:
        rows = tree.iloc[start : start + len(dim.indicators)]
        start += len(dim.indicators)
        share = rows[SHARE_OF_TOTAL.msgid].sum()
        title = _(
            "**{dimension}** · {share:.0%} of the total", dimension=i18n.label(dim), share=share
        )
        with st.expander(title, expanded=True):
            st.dataframe(
                rows.drop(columns=["dimension"]),
                hide_index=True,
                column_config=_tree_columns(),
            )


def _tiers(framework: Framework) -> None:
    """The tiers: label, threshold, quota and incentive."""
    st.subheader(_("Tiers"))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "tier": t.id,
                    "label": i18n.label(t),
                    "min_score": t.min_score,
                    "at_most": "" if t.max_share is None else f"{t.max_share:.0%}",
                    "incentive": i18n.text_of(t, "incentive"),
                }
                for t in framework.tiers
            ]
        ),
        hide_index=True,
        column_config={
            "tier": st.column_config.Column(_("tier")),
            "label": st.column_config.Column(_("label")),
            "min_score": st.column_config.NumberColumn(_("min score")),
            "at_most": st.column_config.Column(_("at most")),
            "incentive": st.column_config.Column(_("incentive")),
        },
    )


def render() -> None:
    """Dimensions, indicators with effective weights, tiers and red lines of the framework."""
    actor = state.actor()
    framework = state.current_framework(show_problems=True)
    if framework is None or actor is None:
        return
    st.title(i18n.text_of(framework, "name"))
    st.caption(
        _(
            "fingerprint `{fingerprint}` · scores 0–{scale:g} · figures due by day {day} of the "
            "following month",
            fingerprint=framework.short_fingerprint,
            scale=framework.scale,
            day=framework.submission_deadline_day,
        )
    )
    _dimensions(actor, framework)
    _tiers(framework)
    st.subheader(_("Red lines"))
    for rule in framework.red_lines:
        st.markdown(
            _(
                "- **{rule}** → tier no better than **{cap}**: {reason}",
                rule=str(rule.describe()),
                cap=rule.cap,
                reason=i18n.text_of(rule, "reason"),
            )
        )
