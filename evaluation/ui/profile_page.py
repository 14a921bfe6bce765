"""Agency profile: one agency's result, why, how it moved, and what would lift it."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from evaluation import display
from evaluation.errors import EvaluationError
from evaluation.framework import Framework
from evaluation.permissions import Actor, Permission
from evaluation.services import profile as agency_profiles
from evaluation.services import publication, uploads
from evaluation.ui import cache, components, state


def _radar(framework: Framework, profile: agency_profiles.Profile) -> go.Figure:
    """Dimension scores against the median of agencies of the same type (when shown)."""
    dims = profile.dimensions.dropna(subset=["score"])
    labels = [f"{a}<br>{b}" for a, b in zip(dims["label"], dims["label_zh"], strict=True)]
    figure = go.Figure()
    for column, name in (("type_median", "type median"), ("score", "this agency")):
        if dims[column].isna().all():
            continue
        values = list(dims[column]) + list(dims[column][:1])
        figure.add_trace(
            go.Scatterpolar(r=values, theta=labels + labels[:1], name=name, fill="toself")
        )
    figure.update_layout(
        polar={"radialaxis": {"range": [0, framework.scale]}},
        height=360,
        margin={"t": 30, "b": 30},
    )
    return figure


def rank_ticks(agencies: int) -> list[int]:
    """Whole-number rank ticks from 1 to `agencies`: every rank when few, else 1, 5, 10, …"""
    if agencies <= 12:
        return list(range(1, agencies + 1))
    return sorted({1, agencies, *range(5, agencies + 1, 5)})


def _over_time(framework: Framework, profile: agency_profiles.Profile) -> go.Figure:
    """Score (with tier bands) and rank, month by month; rank 1 at the top."""
    line = profile.timeline
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    upper = framework.scale
    colours = components.tier_colours(framework)
    for tier in framework.tiers:
        figure.add_hrect(
            y0=tier.min_score,
            y1=upper,
            fillcolor=colours[tier.id],
            opacity=0.08,
            line_width=0,
            layer="below",
        )
        upper = tier.min_score
    draft = " (draft)" if profile.draft_only else ""
    published = " (published)" if profile.draft_only else ""
    figure.add_scatter(
        x=line["period"],
        y=line["score"],
        name=f"score{draft}",
        mode="lines+markers",
        hovertemplate="%{x}: score %{y:.1f}<extra></extra>",
    )
    figure.add_scatter(
        x=line["period"],
        y=[None if pd.isna(r) else int(r) for r in line["rank"]],
        name=f"rank{published}",
        mode="lines+markers",
        hovertemplate="%{x}: rank %{y:d}<extra></extra>",
        secondary_y=True,
    )
    agencies = max(profile.agency_count, 1)
    figure.update_yaxes(range=[0, framework.scale], title="score", secondary_y=False)
    figure.update_yaxes(
        # Reversed (rank 1 on top), whole ranks only, from 1 to the number of agencies.
        range=[agencies + 0.5, 0.5],
        tickmode="array",
        tickvals=rank_ticks(agencies),
        title="rank",
        showgrid=False,
        secondary_y=True,
    )
    figure.update_layout(height=340, margin={"t": 20, "b": 20})
    return figure


def render() -> None:
    """Pick an agency (or arrive from a table) and see its profile for a period."""
    ctx = state.context()
    if ctx is None:
        return
    components.banners(ctx)
    period = components.period_picker(ctx)
    agencies = ctx.data.agencies
    if not ctx.actor.may(Permission.EVERY_AGENCY):
        agencies = agencies[agencies["code"] == ctx.actor.agency]
    codes = list(agencies["code"])
    if not codes:
        st.title("Agency profile")
        st.info("No agency is registered yet.")
        return
    names = dict(zip(agencies["code"], agencies["name"], strict=True))
    wanted = st.query_params.get("agency")
    index = codes.index(wanted) if wanted in codes else 0
    if wanted is not None and wanted not in codes:
        st.warning(f'There is no agency "{wanted}" you may see; showing {names[codes[0]]}.')
    code = st.selectbox(
        "Agency", codes, index=index, format_func=lambda c: f"{names[c]} ({c})", key="agency"
    )
    st.query_params["agency"] = code
    if period is None:
        components.nothing_stored()
        return
    evaluation = state.evaluation_of(ctx, period)
    assert evaluation is not None
    history = cache.timeline(state.database_url(), ctx.version, ctx.framework)
    try:
        profile = agency_profiles.agency_profile(
            ctx.actor, ctx.data, evaluation, history, code, datetime.now(UTC), state.engine()
        )
    except EvaluationError as exc:
        st.error(str(exc))
        return
    why = profile.explanation
    st.title(why.agency_name)
    st.caption(
        f"{display.type_label(ctx.framework, why.agency_type)} · {period} · "
        + publication.publication_state(ctx.actor, state.engine(), evaluation)
    )
    _standing(profile, period)
    st.info(why.summary)
    for flag in profile.flags + list(why.tier_reasons):
        st.warning(flag, icon=":material/flag:")
    left, right = st.columns(2)
    left.subheader("Dimensions")
    left.plotly_chart(_radar(ctx.framework, profile), key="radar")
    if not ctx.actor.may(Permission.EVERY_AGENCY):
        left.caption(
            "Type medians are shown only where at least "
            f"{agency_profiles.PEER_GROUP_MINIMUM} other "
            "agencies of your type have a score, so that no median points at one agency."
        )
    right.subheader("Over time")
    right.plotly_chart(_over_time(ctx.framework, profile), key="timeline")
    st.subheader("Indicators")
    if profile.draft_only:
        st.caption("Today's draft: scores and values may change until the period is published.")
    dimensions = {d.id: d.label for d in ctx.framework.dimensions}
    st.dataframe(
        display.readable(profile.indicators, ctx.framework).style.format(
            {
                "dimension": lambda d: dimensions.get(str(d), str(d)),
                "value": display.figure,
                "score": display.score,
                "weight": display.share,
                "contribution": lambda v: display.figure(v, 2),
                "peer_median": display.score,
            }
        ),
        hide_index=True,
        key="indicators",
        column_config={"peer_median": "type median score", "weight": "share of the score"},
    )
    if why.opportunities:
        st.subheader("Where the most points are")
        st.dataframe(
            [
                {
                    "indicator": o.label,
                    "score now": display.score(o.current_score),
                    "points at full marks": display.score(o.gain),
                }
                for o in why.opportunities
            ],
            hide_index=True,
            key="opportunities",
        )
    st.subheader("Submission history")
    st.dataframe(
        display.readable(profile.submissions, ctx.framework),
        hide_index=True,
        column_config={"agency_code": None},
    )
    if ctx.actor.may_for(Permission.UPLOAD_FIGURES, code):
        _restore(ctx.actor, profile.submissions)


def _standing(profile: agency_profiles.Profile, period: str) -> None:
    """Score, rank, tier and the way to the next tier, each saying whether it is a draft."""
    why, standing = profile.explanation, profile.standing
    a, b, c, d = st.columns(4)
    if standing.source == "draft":
        a.metric("Score", display.score(why.score))
        b.metric("Rank", standing.rank or display.EMPTY)
        c.metric("Tier", standing.tier or display.EMPTY)
        gap = why.points_to_next_tier
        if why.tier is None:
            d.metric("Next tier", display.EMPTY)
        elif why.next_tier is None:
            d.metric("Next tier", "top tier")
        else:
            # Rounded up: the points still needed are never understated.
            needed = math.ceil((gap or 0.0) * 10 - 1e-9) / 10
            d.metric(f"To tier {why.next_tier}", f"{needed:.1f} points" if gap else "–")
        if standing.reason:
            st.caption(f"Tier: {standing.reason}")
        return
    a.metric("Score (draft)", display.score(why.score), help="Today's figures; may change.")
    b.metric("Rank (published)", standing.rank or display.EMPTY)
    c.metric("Tier (published)", standing.tier or display.EMPTY)
    if standing.source == "published":
        d.metric("Published score", display.score(standing.score))
        when = "" if standing.published_at is None else f" of {standing.published_at:%Y-%m-%d}"
        st.caption(
            f"Rank and tier as publication #{standing.publication_id}{when} gave them. The "
            "draft score is today's and may change until the period is published again."
        )
    else:
        d.metric("Published score", display.EMPTY)
        st.caption(
            f"{period} is not published yet: a rank and a tier depend on every agency's "
            "figures and are shown once the joint office publishes them. The draft score is "
            "today's and may change."
        )


def _restore(actor: Actor, submissions: pd.DataFrame) -> None:
    """Make a superseded version current again; the restore is itself a new version."""
    if done := st.session_state.pop("restore_done", None):
        st.success(done, icon=":material/check_circle:")
    earlier = submissions[submissions["status"] == "superseded"]
    if earlier.empty:
        return
    with st.expander("Restore an earlier version", icon=":material/history:"):
        labels = {
            int(r["id"]): f"{r['period']} version {r['version']}, uploaded by "
            f"{r['uploaded_by']} on {str(r['uploaded_at'])[:16]} ({r['source_file']})"
            for r in earlier.to_dict("records")
        }
        chosen = st.selectbox(
            "Version", list(labels), format_func=labels.__getitem__, key="restore_version"
        )
        st.caption(
            "The version's figures are stored again as a new current version; nothing is "
            "deleted and the restore is recorded."
        )
        if st.button("Make this version current again", key="restore"):
            try:
                new_id = uploads.restore(actor, state.engine(), int(chosen))
            except EvaluationError as exc:
                st.error(str(exc))
                return
            st.session_state["restore_done"] = (
                f"Restored {labels[int(chosen)]} as submission {new_id}."
            )
            st.rerun()
