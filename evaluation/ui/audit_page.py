"""Audit (administrators): who did what and when, filtered, as a table and a CSV file."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from evaluation.audit import AuditAction
from evaluation.errors import PermissionDeniedError
from evaluation.services import admin
from evaluation.ui import components, state


def render() -> None:
    """Filter the audit log by action, person and dates; download what is shown."""
    ctx = state.context()
    if ctx is None:
        return
    components.banners(ctx)
    st.title("Audit")
    left, middle, right = st.columns([2, 1, 1])
    actions = left.multiselect(
        "Actions", [a.value for a in AuditAction], placeholder="every action", key="audit_actions"
    )
    person = middle.text_input("Person", placeholder="anyone", key="audit_actor")
    today = datetime.now(UTC).date()
    dates = right.date_input(
        "Between", (today - timedelta(days=30), today), max_value=today, key="audit_dates"
    )
    start, end = (dates[0], dates[-1]) if isinstance(dates, tuple) and dates else (today, today)
    try:
        log = admin.audit_trail(
            ctx.actor,
            state.engine(),
            actions,
            person.strip() or None,
            datetime.combine(start, time.min, tzinfo=UTC),
            datetime.combine(end, time.max, tzinfo=UTC),
        )
    except PermissionDeniedError as exc:
        st.error(str(exc))
        return
    st.caption(f"{len(log)} event(s), newest first")
    st.dataframe(log, hide_index=True, key="audit")
    st.download_button(
        "Download CSV",
        lambda: admin.audit_csv(log),
        file_name=f"audit-{start}-{end}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
