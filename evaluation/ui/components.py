"""Pieces several pages share: the period picker, banners, tier colours, charts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from evaluation import display, i18n
from evaluation.errors import InputError
from evaluation.framework import Framework
from evaluation.i18n import N_, _
from evaluation.periods import PeriodKind, parse_period
from evaluation.scoring.result import Evaluation
from evaluation.services import demo, pages
from evaluation.ui import state
from evaluation.ui.colours import text_colour
from evaluation.ui.state import Context

KINDS: dict[str, PeriodKind] = {"Month": "month", "Quarter": "quarter", "Year": "year"}
KIND_NAMES = {"Month": N_("Month"), "Quarter": N_("Quarter"), "Year": N_("Year")}
NO_TIER_COLOUR = "#9e9e9e"
PERIOD_PARAM = "period"  # ?period=2026-09, 2026-Q3 or 2026
KIND_KEY = state.keep("period_kind")
LABEL_OF: dict[PeriodKind, str] = {kind: label for label, kind in KINDS.items()}


DEMO_PASSWORDS = "demo_passwords"  # shown once, right after the demo is loaded
HOVER_END = "<extra></extra>"  # i18n: not text (Plotly: no trace name beside the hover box)
# The units of the framework's fields, in words (`unit:` in indicators.yaml).
UNIT_NAMES = {
    "CNY": N_("CNY"),
    "count": N_("count"),
    "minutes": N_("minutes"),
    "hours": N_("hours"),
    "persons": N_("persons"),
}


def banners(ctx: Context) -> None:
    """The synthetic-data banner, on every page of a demo database, with the demo accounts."""
    if not ctx.data.synthetic:
        return
    names = demo.demo_usernames(state.engine())
    if names:
        said = _(
            "Demo data: every agency and figure here is synthetic (Y city), not real. "
            "Demo accounts: {names}.",
            names=listed(names),
        )
    else:
        said = _("Demo data: every agency and figure here is synthetic (Y city), not real.")
    st.warning(said, icon=":material/science:")
    shown = st.session_state.pop(DEMO_PASSWORDS, None)
    if shown:
        st.info(
            _(
                "The demo accounts' passwords are shown only now; copy them before leaving "
                "this page."
            )
        )
        st.dataframe(
            pd.DataFrame(shown, columns=["username", "password", "role", "agency"]),
            hide_index=True,
            column_config={
                "username": _("username"),
                "password": _("password"),
                "role": _("role"),
                "agency": _("agency"),
            },
        )


def listed(items: list[str]) -> str:
    """Items in a row as the reader lists them: `a, b, c` / `a、b、c`."""
    return ("、" if i18n.is_chinese() else ", ").join(items)


def period_label(period: str) -> str:
    """A period as its reader reads it: 2026年10月, 2026年第三季度 for a Chinese reader; the
    id (2026-10, 2026-Q3) an English reader has always seen, which also names it in links."""
    return i18n.period_name(period) if i18n.is_chinese() else str(period)


def unit_name(unit: str) -> str:
    """A field's unit in the reader's words (`CNY` -> 元); an unknown unit as written."""
    word = UNIT_NAMES.get(unit)
    return str(word) if word is not None else unit


def tier_names(framework: Framework) -> dict[str, str]:
    """Tier id -> the tier as the reader names it: `A Excellent` / `A（优秀）`."""
    return {t.id: _("{tier} {label}", tier=t.id, label=i18n.label(t)) for t in framework.tiers}


def reader_names(frame: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """`frame` with one `agency_name` column in the reader's language: its Chinese names come
    from `agency_name_zh` or, when the frame lacks them, from the stored agencies (by
    `agency_code`, else by English name)."""
    if "agency_name" not in frame.columns:
        return frame
    if "agency_name_zh" not in frame.columns:
        key, index = (
            ("agency_code", "code") if "agency_code" in frame.columns else ("agency_name", "name")
        )
        chinese = agencies.drop_duplicates(index).set_index(index)["name_zh"]
        frame = frame.assign(agency_name_zh=frame[key].map(chinese))
    return display.agency_names(frame)


def agency_name_of(agencies: pd.DataFrame) -> dict[str, str]:
    """Agency code -> its name in the reader's language."""
    return {
        str(code): i18n.name(name, chinese)
        for code, name, chinese in zip(
            agencies["code"], agencies["name"], agencies["name_zh"], strict=True
        )
    }


def period_picker(ctx: Context, kinds: tuple[str, ...] = tuple(KINDS)) -> str | None:
    """Month, quarter or year to look at (sidebar), the newest at first; kept for the session
    across pages and written to the address as ?period=2026-Q3, from which a link opens it."""
    if not ctx.data.months:
        return None
    offered = tuple(k for k in KINDS if k in kinds) or tuple(KINDS)
    choices = {label: pages.period_choices(ctx.data, KINDS[label]) for label in offered}
    _follow_address(choices)
    _settle(choices)
    kind = st.sidebar.segmented_control(
        _("Period"),
        offered,
        format_func=lambda label: str(KIND_NAMES[label]),
        required=True,
        key=KIND_KEY,
        on_change=_kind_changed,
        args=(choices,),
    )
    key = _period_key(kind or offered[0])
    period = st.sidebar.selectbox(
        _("Which"),
        choices[kind or offered[0]],
        format_func=period_label,
        key=key,
        label_visibility="collapsed",
        on_change=_period_changed,
        args=(key,),
    )
    if period is not None and st.query_params.get(PERIOD_PARAM) != period:
        st.query_params[PERIOD_PARAM] = period
    return period


def _period_key(label: str) -> str:
    """The widget key of the period chosen for one kind (each kind keeps its own)."""
    return state.keep(f"period_{label}")


def _follow_address(choices: dict[str, list[str]]) -> None:
    """Choose the address's period when it differs from the picker's (a link, or a page the
    app switched to): the picker writes the address whenever it changes, so only an outside
    value differs. Warn and show the newest when the address names no period shown here."""
    wanted = st.query_params.get(PERIOD_PARAM)
    kind = st.session_state.get(KIND_KEY)
    if wanted is None or (kind in choices and st.session_state.get(_period_key(kind)) == wanted):
        return
    first = next(iter(choices))
    try:
        period = parse_period(wanted)
    except InputError:
        newest = choices[first][0]
        st.warning(
            _(
                '"{wanted}" in the address is not a period (a month 2026-09, a quarter 2026-Q3 '
                "or a year 2026); showing the newest, {newest}.",
                wanted=wanted,
                newest=period_label(newest),
            )
        )
        _choose(first, newest)
        return
    label = LABEL_OF[period.kind]
    if label in choices and period.label in choices[label]:
        _choose(label, period.label)
        return
    shown = label if label in choices else first
    st.warning(
        _(
            "There are no figures for {period}; showing the newest, {newest}.",
            period=period_label(period.label),
            newest=period_label(choices[shown][0]),
        )
    )
    _choose(shown, choices[shown][0])


def _choose(label: str, period: str) -> None:
    """Set the picker to a kind and period before its widgets are drawn."""
    st.session_state[KIND_KEY] = label
    st.session_state[_period_key(label)] = period


def _settle(choices: dict[str, list[str]]) -> None:
    """The newest where nothing is chosen yet, or the choice is no longer offered, so that
    the widgets are drawn without a default that would compete with the kept state."""
    if st.session_state.get(KIND_KEY) not in choices:
        st.session_state[KIND_KEY] = next(iter(choices))
    key = _period_key(st.session_state[KIND_KEY])
    if st.session_state.get(key) not in choices[st.session_state[KIND_KEY]]:
        st.session_state[key] = choices[st.session_state[KIND_KEY]][0]


def _kind_changed(choices: dict[str, list[str]]) -> None:
    """Another kind was chosen: address the period that kind shows."""
    label = st.session_state.get(KIND_KEY)
    if label not in choices:
        return
    kept = st.session_state.get(_period_key(label))
    st.query_params[PERIOD_PARAM] = kept if kept in choices[label] else choices[label][0]


def _period_changed(key: str) -> None:
    """Another period was chosen: write it to the address before the page runs."""
    if (period := st.session_state.get(key)) is not None:
        st.query_params[PERIOD_PARAM] = period


def nothing_stored() -> None:
    """What pages say while the database holds no figures."""
    st.info(_("No figures are stored yet. Upload the first month's figures on the Upload page."))


def tier_colours(framework: Framework) -> dict[str, str]:
    """Tier id -> colour, with a grey for missing colours."""
    return {t.id: t.colour or NO_TIER_COLOUR for t in framework.tiers}


def tier_style(framework: Framework):  # type: ignore[no-untyped-def]
    """A Styler function painting a tier cell in its tier's colour."""
    colours = tier_colours(framework)

    def paint(value: object) -> str:
        colour = colours.get(str(value))
        if not colour:
            return ""
        text = text_colour(colour)
        return f"background-color: {colour}; color: {text}; font-weight: 600"  # i18n: not text

    return paint


def score_bars(framework: Framework, table: pd.DataFrame, height: int = 520) -> go.Figure:
    """Ranked horizontal bars coloured by tier, with the tier thresholds as bands."""
    colours = tier_colours(framework)
    ranked = display.agency_names(table[table["score"].notna()].sort_values("score"))
    figure = go.Figure(
        go.Bar(
            x=ranked["score"],
            y=ranked["agency_name"],
            orientation="h",
            marker_color=[colours.get(str(t), NO_TIER_COLOUR) for t in ranked["tier"]],
            customdata=ranked[["tier", "rank"]],
            hovertemplate=_(
                "%{y}<br>score %{x:.1f}<br>tier %{customdata[0]}, rank %{customdata[1]}"
            )
            + HOVER_END,
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
            annotation_position="top left",  # i18n: not text
        )
        upper = tier.min_score
    figure.update_layout(
        height=max(height, 22 * len(ranked)),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"range": [0, framework.scale], "title": _("score")},
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
