"""Pieces several pages share: the period picker, banners, tier colours, charts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from evaluation.framework import Framework
from evaluation.periods import PeriodKind
from evaluation.scoring.result import Evaluation
from evaluation.services import demo, pages
from evaluation.ui import state
from evaluation.ui.state import Context

KINDS: dict[str, PeriodKind] = {"Month": "month", "Quarter": "quarter", "Year": "year"}
NO_TIER_COLOUR = "#9e9e9e"


DEMO_PASSWORDS = "demo_passwords"  # shown once, right after the demo is loaded


def banners(ctx: Context) -> None:
    """The synthetic-data banner, on every page of a demo database, with the demo accounts."""
    if not ctx.data.synthetic:
        return
    names = demo.demo_usernames(state.engine())
    st.warning(
        "Demo data: every agency and figure here is synthetic (Y city), not real."
        + (f" Demo accounts: {', '.join(names)}." if names else ""),
        icon=":material/science:",
    )
    shown = st.session_state.pop(DEMO_PASSWORDS, None)
    if shown:
        st.info(
            "The demo accounts' passwords are shown only now; copy them before leaving this page."
        )
        st.dataframe(
            pd.DataFrame(shown, columns=["username", "password", "role", "agency"]),
            hide_index=True,
        )


def period_picker(ctx: Context, kinds: tuple[str, ...] = tuple(KINDS)) -> str | None:
    """Month, quarter or year to look at (sidebar); the newest by default."""
    if not ctx.data.months:
        return None
    kind = st.sidebar.segmented_control(
        "Period", [k for k in KINDS if k in kinds], default=kinds[0], key="period_kind"
    )
    choices = pages.period_choices(ctx.data, KINDS[kind or kinds[0]])
    return st.sidebar.selectbox(
        "Which", choices, key=f"period_{kind}", label_visibility="collapsed"
    )


def nothing_stored() -> None:
    """What pages say while the database holds no figures."""
    st.info("No figures are stored yet. Upload the first month's figures on the Upload page.")


def tier_colours(framework: Framework) -> dict[str, str]:
    """Tier id -> colour, with a grey for missing colours."""
    return {t.id: t.colour or NO_TIER_COLOUR for t in framework.tiers}


def tier_style(framework: Framework):  # type: ignore[no-untyped-def]
    """A Styler function painting a tier cell in its tier's colour."""
    colours = tier_colours(framework)

    def paint(value: object) -> str:
        colour = colours.get(str(value))
        return f"background-color: {colour}; color: white; font-weight: 600" if colour else ""

    return paint


def score_bars(framework: Framework, table: pd.DataFrame, height: int = 520) -> go.Figure:
    """Ranked horizontal bars coloured by tier, with the tier thresholds as bands."""
    colours = tier_colours(framework)
    ranked = table[table["score"].notna()].sort_values("score")
    figure = go.Figure(
        go.Bar(
            x=ranked["score"],
            y=ranked["agency_name"],
            orientation="h",
            marker_color=[colours.get(str(t), NO_TIER_COLOUR) for t in ranked["tier"]],
            customdata=ranked[["tier", "rank"]],
            hovertemplate="%{y}<br>score %{x:.1f}<br>tier %{customdata[0]}, "
            "rank %{customdata[1]}<extra></extra>",
        )
    )
    upper = framework.scale
    for tier in framework.tiers:
        figure.add_vrect(
            x0=tier.min_score,
            x1=upper,
            fillcolor=colours[tier.id],
            opacity=0.08,
            line_width=0,
            layer="below",
            annotation_text=tier.id,
            annotation_position="top left",
        )
        upper = tier.min_score
    figure.update_layout(
        height=max(height, 22 * len(ranked)),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"range": [0, framework.scale], "title": "score"},
        yaxis={"title": None},
    )
    return figure


def format_change(value: object) -> str:
    """Rank change as ▲3 / ▼2 / –."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    number = int(value)  # type: ignore[call-overload]
    return f"▲{number}" if number > 0 else f"▼{-number}" if number < 0 else "–"


@dataclass(frozen=True)
class PeriodView:
    """What a page about one period renders from."""

    ctx: Context
    period: str
    evaluation: Evaluation


def period_page(title: str) -> PeriodView | None:
    """How every page about a period starts: banner, period picker, title, its evaluation.

    None (with the reason shown) when nobody is signed in or nothing is stored yet.
    """
    ctx = state.context()
    if ctx is None:
        return None
    banners(ctx)
    period = period_picker(ctx)
    st.title(title)
    if period is None:
        nothing_stored()
        return None
    evaluation = state.evaluation_of(ctx, period)
    assert evaluation is not None
    return PeriodView(ctx, period, evaluation)
