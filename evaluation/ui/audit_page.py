"""Audit (administrators): who did what and when, filtered, as a table and a CSV file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from evaluation import audit, i18n
from evaluation.errors import PermissionDeniedError
from evaluation.i18n import _
from evaluation.services import admin
from evaluation.ui import admin_page, components, state


def _office_day(day: date, end: bool) -> datetime:
    """The first (or last) moment of a day in the office's zone, in UTC."""
    moment = datetime.combine(day, time.max if end else time.min, tzinfo=i18n.zone())
    return moment.astimezone(UTC)


def _table(log: pd.DataFrame) -> None:
    """The log on screen: actions in words, times in the office's zone (ids stay in the data)."""
    shown = log.copy()
    shown["at"] = shown["at"].map(admin_page.time_text)
    shown["what"] = shown["action"].map(audit.word)
    titles = {
        "id": _("No."),
        "at": _("Time"),
        "actor": _("Person"),
        "what": _("Action"),
        "details": _("Details"),
    }
    st.dataframe(
        shown,
        hide_index=True,
        key="audit",
        column_order=list(titles),
        column_config={c: st.column_config.Column(t) for c, t in titles.items()},
    )


def render() -> None:
    """Filter the audit log by action, person and dates; download what is shown."""
    ctx = state.context()
    if ctx is None:
        return
    components.banners(ctx)
    st.title(_("Audit"))
    left, middle, right = st.columns([2, 1, 1])
    actions = left.multiselect(
        _("Actions"),
        [a.value for a in audit.AuditAction],
        format_func=audit.word,
        placeholder=_("every action"),
        key="audit_actions",
    )
    person = middle.text_input(_("Person"), placeholder=_("anyone"), key="audit_actor")
    today = i18n.today()
    dates = right.date_input(
        _("Between"), (today - timedelta(days=30), today), max_value=today, key="audit_dates"
    )
    start, end = (dates[0], dates[-1]) if isinstance(dates, tuple) and dates else (today, today)
    try:
        log = admin.audit_trail(
            ctx.actor,
            state.engine(),
            actions,
            person.strip() or None,
            _office_day(start, end=False),
            _office_day(end, end=True),
        )
    except PermissionDeniedError as exc:
        st.error(str(exc))
        return
    st.caption(_("{count} event(s), newest first", count=len(log)))
    _table(log)
    st.download_button(
        _("Download CSV"),
        lambda: admin.audit_csv(log),
        file_name=f"audit-{start}-{end}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
