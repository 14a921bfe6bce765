"""Agency profile: one agency's result, why, how it moved, and what would lift it."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from evaluation import display, i18n
from evaluation.errors import EvaluationError
from evaluation.framework import Framework
from evaluation.i18n import _, _n
from evaluation.permissions import Permission
from evaluation.scoring.result import Evaluation
from evaluation.services import profile as agency_profiles
from evaluation.services import publication
from evaluation.ui import cache, components, documents, frontend_words, state, submissions_page
from evaluation.ui.components import period_label


def _radar(framework: Framework, profile: agency_profiles.Profile) -> go.Figure:
    """Dimension scores against the median of agencies of the same type (when shown)."""
    dims = profile.dimensions.dropna(subset=["score"])
    names = {d.id: i18n.label(d) for d in framework.dimensions}
    labels = [names.get(str(d), str(d)) for d in dims["dimension"]]
    figure = go.Figure()
    for column, name in (("type_median", _("type median")), ("score", _("this agency"))):
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
    months = [period_label(str(p)) for p in line["period"]]
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
    figure.add_scatter(
        x=months,
        y=line["score"],
        name=_("score (draft)") if profile.draft_only else _("score"),
        mode="lines+markers",  # i18n: not text
        hovertemplate=_("%{x}: score %{y:.1f}") + components.HOVER_END,
    )
    figure.add_scatter(
        x=months,
        y=[None if pd.isna(r) else int(r) for r in line["rank"]],
        name=_("rank (published)") if profile.draft_only else _("rank"),
        mode="lines+markers",  # i18n: not text
        hovertemplate=_("%{x}: rank %{y:d}") + components.HOVER_END,
        secondary_y=True,
    )
    agencies = max(profile.agency_count, 1)
    figure.update_yaxes(range=[0, framework.scale], title=_("score"), secondary_y=False)
    figure.update_yaxes(
        # Reversed (rank 1 on top), whole ranks only, from 1 to the number of agencies.
        range=[agencies + 0.5, 0.5],
        tickmode="array",
        tickvals=rank_ticks(agencies),
        title=_("rank"),
        showgrid=False,
        secondary_y=True,
    )
    figure.update_layout(height=340, margin={"t": 20, "b": 20})
    return figure


def _summary(framework: Framework, profile: agency_profiles.Profile) -> str:
    """The result in one paragraph, each sentence whole in the reader's language."""
    why, standing = profile.explanation, profile.standing
    if why.score is None:
        said = [
            _(
                "Not scored for this period: no indicator that applies to this agency has a "
                "value or counts as missing."
            )
        ]
    elif standing.source == "draft":
        said = [
            _(
                "Score {score} of {scale:g}, tier {tier}.",
                score=display.score(why.score),  # cut, not rounded: 59.96 never reads 60.0
                scale=framework.scale,
                tier=why.tier or display.EMPTY,
            )
        ]
    else:
        said = [
            _(
                "Draft score {score} of {scale:g}, from today's figures: it may change until "
                "{period} is published.",
                score=display.score(why.score),
                scale=framework.scale,
                period=period_label(why.period),
            )
        ]
    if standing.source == "draft":
        said += _draft_sentences(why)
    elif standing.source == "published":
        said += [_("Rank and tier are those of publication #{id}.", id=standing.publication_id)]
    else:
        period = period_label(why.period)
        said += [_("Rank and tier are shown once {period} is published.", period=period)]
    if why.opportunities and why.score is not None:
        best = why.opportunities[0]
        gain = f"{best.gain:.1f}" if standing.source == "draft" else display.score(best.gain)
        said += [
            _(
                "The biggest gain: {indicator} at full marks would add {points} points.",
                indicator=i18n.label(framework.indicator(best.indicator_id)),
                points=gain,
            )
        ]
    idle = sum(line.status == "no_activity" for line in why.indicators)
    if idle and why.score is not None and standing.source == "draft":
        said += [
            _n(
                "{count} indicator had no activity and was left out without penalty.",
                "{count} indicators had no activity and were left out without penalty.",
                idle,
            )
        ]
    return ("" if i18n.is_chinese() else " ").join(said)


def _draft_sentences(why: agency_profiles.Explanation) -> list[str]:
    """The tier's reasons and the way to the next tier, when the reader sees the draft."""
    if why.score is None:
        return []
    said = []
    for reason in why.tier_reasons:
        text = str(reason)
        said.append(_("{reason}.", reason=text[:1].upper() + text[1:]))
    if why.next_tier is not None and why.points_to_next_tier is not None:
        if why.points_to_next_tier > 0:
            said.append(
                _(
                    "{points:.1f} more points would reach tier {tier}.",
                    points=why.points_to_next_tier,
                    tier=why.next_tier,
                )
            )
        else:
            said.append(
                _(
                    "The score already reaches tier {tier}; the rules above hold it back.",
                    tier=why.next_tier,
                )
            )
    return said


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
        st.title(_("Agency profile"))
        st.info(_("No agency is registered yet."))
        return
    names = components.agency_name_of(agencies)
    wanted = st.query_params.get("agency")
    index = codes.index(wanted) if wanted in codes else 0
    if wanted is not None and wanted not in codes:
        st.warning(
            _(
                'There is no agency "{wanted}" you may see; showing {name}.',
                wanted=wanted,
                name=names[codes[0]],
            )
        )
    code = st.selectbox(
        _("Agency"),
        codes,
        index=index,
        format_func=lambda c: _("{name} ({code})", name=names[c], code=c),
        key="agency",
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
    _show(ctx, profile, names.get(code, profile.explanation.agency_name), period, evaluation)


def _show(
    ctx: state.Context,
    profile: agency_profiles.Profile,
    name: str,
    period: str,
    evaluation: Evaluation,
) -> None:
    """The profile of one agency for one period."""
    why = profile.explanation
    st.title(name)
    st.caption(
        " · ".join(
            [
                display.type_label(ctx.framework, why.agency_type),
                period_label(period),
                publication.publication_state(ctx.actor, state.engine(), evaluation),
            ]
        )
    )
    _standing(profile, period)
    documents.own_letter(ctx, period, why.agency_code, profile.standing)
    st.info(_summary(ctx.framework, profile))
    for flag in list(profile.notes) + list(why.tier_reasons):
        st.warning(str(flag), icon=":material/flag:")
    left, right = st.columns(2)
    left.subheader(_("Dimensions"))
    left.plotly_chart(
        _radar(ctx.framework, profile), config=frontend_words.chart_config(), key="radar"
    )
    if not ctx.actor.may(Permission.EVERY_AGENCY):
        left.caption(
            _n(
                "Type medians are shown only where at least {count} other agency of your type "
                "has a score, so that no median points at one agency.",
                "Type medians are shown only where at least {count} other agencies of your type "
                "have a score, so that no median points at one agency.",
                agency_profiles.PEER_GROUP_MINIMUM,
            )
        )
    right.subheader(_("Over time"))
    right.plotly_chart(
        _over_time(ctx.framework, profile), config=frontend_words.chart_config(), key="timeline"
    )
    _indicators(ctx.framework, profile)
    st.subheader(_("Submission history"))
    st.dataframe(
        display.readable(
            submissions_page.versions_in_words(profile.submissions),
            ctx.framework,
            status_columns=(),
        ),
        hide_index=True,
        column_config={
            "agency_code": None,
            **{column: str(title) for column, title in submissions_page.VERSION_COLUMNS.items()},
        },
    )
    if ctx.actor.may_for(Permission.UPLOAD_FIGURES, why.agency_code):
        submissions_page.restore(ctx.actor, profile.submissions)


def _indicators(framework: Framework, profile: agency_profiles.Profile) -> None:
    """Every indicator's value, score and weight, then where the most points are."""
    st.subheader(_("Indicators"))
    if profile.draft_only:
        st.caption(_("Today's draft: scores and values may change until the period is published."))
    dimensions = {d.id: i18n.label(d) for d in framework.dimensions}
    indicators = {i.label: i18n.label(i) for i in framework.indicators}
    st.dataframe(
        display.readable(profile.indicators, framework).style.format(
            {
                "indicator": lambda i: indicators.get(str(i), str(i)),
                "dimension": lambda d: dimensions.get(str(d), str(d)),
                "value": display.figure,
                "score": display.score,
                "weight": display.share,
                "contribution": lambda v: display.figure(v, 2),
                "peer_median": display.score,
            },
            na_rep=display.EMPTY,
        ),
        hide_index=True,
        key="indicators",
        column_config={
            "indicator": _("indicator"),
            "dimension": _("dimension"),
            "status": _("status"),
            "value": _("value"),
            "score": _("score"),
            "weight": _("share of the score"),
            "contribution": _("contribution"),
            "peer_median": _("type median score"),
        },
    )
    why = profile.explanation
    if why.opportunities:
        st.subheader(_("Where the most points are"))
        st.dataframe(
            [
                {
                    _("indicator"): i18n.label(framework.indicator(o.indicator_id)),
                    _("score now"): display.score(o.current_score),
                    _("points at full marks"): display.score(o.gain),
                }
                for o in why.opportunities
            ],
            hide_index=True,
            key="opportunities",
        )


def _standing(profile: agency_profiles.Profile, period: str) -> None:
    """Score, rank, tier and the way to the next tier, each saying whether it is a draft."""
    why, standing = profile.explanation, profile.standing
    a, b, c, d = st.columns(4)
    if standing.source == "draft":
        a.metric(_("Score"), display.score(why.score))
        b.metric(_("Rank"), standing.rank or display.EMPTY)
        c.metric(_("Tier"), standing.tier or display.EMPTY)
        gap = why.points_to_next_tier
        if why.tier is None:
            d.metric(_("Next tier"), display.EMPTY)
        elif why.next_tier is None:
            d.metric(_("Next tier"), _("top tier"))
        else:
            # Rounded up: the points still needed are never understated.
            needed = math.ceil((gap or 0.0) * 10 - 1e-9) / 10
            d.metric(
                _("To tier {tier}", tier=why.next_tier),
                _("{points:.1f} points", points=needed) if gap else "–",
            )
        if standing.reason:
            st.caption(_("Tier: {reason}", reason=standing.reason))
        return
    a.metric(_("Score (draft)"), display.score(why.score), help=_("Today's figures; may change."))
    b.metric(_("Rank (published)"), standing.rank or display.EMPTY)
    c.metric(_("Tier (published)"), standing.tier or display.EMPTY)
    if standing.source == "published":
        d.metric(_("Published score"), display.score(standing.score))
        st.caption(_published_said(standing))
    else:
        d.metric(_("Published score"), display.EMPTY)
        st.caption(
            _(
                "{period} is not published yet: a rank and a tier depend on every agency's "
                "figures and are shown once the joint office publishes them. The draft score "
                "is today's and may change.",
                period=period_label(period),
            )
        )


def _published_said(standing: agency_profiles.Standing) -> str:
    """Where the rank and tier shown come from: which publication, and when."""
    return _(
        "Rank and tier as publication #{id} of {when} gave them. The draft score is today's "
        "and may change until the period is published again.",
        id=standing.publication_id,
        when=i18n.when(standing.published_at),
    )
