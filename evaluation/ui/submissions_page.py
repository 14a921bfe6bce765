"""Submissions: agencies x months, on time, late, missing or revised, and who uploaded."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from evaluation import display, i18n
from evaluation.analysis.timeliness import LATE, LATE_REVISED, MISSING, NOT_DUE, ON_TIME, REVISED
from evaluation.errors import EvaluationError
from evaluation.i18n import N_, _
from evaluation.permissions import Actor, Permission
from evaluation.services import pages, uploads
from evaluation.ui import components, state
from evaluation.ui.components import period_label

# A status as its cell shows it, and the cell's colour.
SYMBOLS = {
    ON_TIME: N_("✓"),
    REVISED: N_("✓ rev"),
    LATE: N_("late"),
    LATE_REVISED: N_("late rev"),
    MISSING: N_("✗"),
}
COLOURS = {
    REVISED: "background-color: #e3f2fd",  # i18n: not text
    LATE: "background-color: #fff3cd",  # i18n: not text
    LATE_REVISED: "background-color: #fff3cd",  # i18n: not text
    MISSING: "background-color: #f8d7da; font-weight: 600",  # i18n: not text
}
STATUS_NAMES = {
    ON_TIME: N_("on time"),
    REVISED: N_("revised"),
    LATE: N_("late"),
    LATE_REVISED: N_("late, revised"),
    MISSING: N_("missing"),
    NOT_DUE: N_("not due yet"),
}
VERSION_STATUS = {"current": N_("current"), "superseded": N_("superseded")}
EVERY_AGENCY = ""  # the agency filter's first choice
VERSION_COLUMNS = {
    "period": N_("month"),
    "agency_name": N_("agency"),
    "version": N_("version"),
    "status": N_("status"),
    "uploaded_at": N_("uploaded at"),
    "uploaded_by": N_("uploaded by"),
    "on_behalf_of": N_("on behalf of"),
    "source_file": N_("file"),
    "note": N_("note"),
    "restored_from": N_("restored from upload"),
    "id": N_("upload"),
}


def versions_in_words(versions: pd.DataFrame) -> pd.DataFrame:
    """Uploaded versions as people read them: months named, statuses in words, times in the
    office's zone (never UTC)."""
    out = versions.copy()
    if "period" in out.columns:
        out["period"] = out["period"].map(lambda p: period_label(str(p)))
    if "status" in out.columns:
        out["status"] = out["status"].map(lambda s: str(VERSION_STATUS.get(str(s), s)))
    if "uploaded_at" in out.columns:
        out["uploaded_at"] = out["uploaded_at"].map(
            lambda t: display.EMPTY if pd.isna(t) else i18n.when(pd.Timestamp(t).to_pydatetime())
        )
    return out


def _agency(ctx: state.Context) -> str:
    """The agency to show alone (from the address, as the Overview links here), or every one."""
    names = components.agency_name_of(ctx.data.agencies)
    codes = [c for c in names if ctx.actor.may_for(Permission.SEE_AGENCY, c)]
    wanted = st.query_params.get("agency", EVERY_AGENCY)
    chosen = st.selectbox(
        _("Agency"),
        [EVERY_AGENCY, *codes],
        index=[EVERY_AGENCY, *codes].index(wanted) if wanted in codes else 0,
        format_func=lambda c: (
            _("Every agency") if c == EVERY_AGENCY else _("{name} ({code})", name=names[c], code=c)
        ),
        key="submissions_agency",
    )
    if chosen:
        st.query_params["agency"] = chosen
    else:
        st.query_params.pop("agency", None)
    return chosen


def _matrix(ctx: state.Context, matrix: pd.DataFrame) -> None:
    """Agencies x months, the newest month first, each cell a status symbol."""
    symbols = {status: str(word) for status, word in SYMBOLS.items()}
    colours = {symbols[status]: css for status, css in COLOURS.items()}
    named = components.reader_names(matrix, ctx.data.agencies)
    grid = named.assign(cell=named["status"].map(symbols).fillna("")).pivot(
        index="agency_name", columns="period", values="cell"
    )
    grid = grid[sorted(grid.columns, reverse=True)]  # the newest month first, in sight
    grid.columns.name, grid.index.name = _("month"), _("agency")
    st.caption(
        _(
            "Newest month first. Due by day {day} of the following month. "
            "✓ on time · rev revised · late · ✗ missing",
            day=ctx.framework.submission_deadline_day,
        )
    )
    st.dataframe(
        grid.style.map(lambda v: colours.get(v, "")),
        height=min(900, 36 * len(grid) + 40),
        column_config={
            "_index": st.column_config.TextColumn(_("agency"), width="large"),
            **{str(m): period_label(str(m)) for m in grid.columns},
        },
    )
    counts = matrix["status"].value_counts()
    st.write(
        " · ".join(
            _("{status}: {count}", status=STATUS_NAMES.get(str(status), status), count=n)
            for status, n in counts.items()
        )
    )


def render() -> None:
    """The submission matrix of the last months, newest first, and every version uploaded."""
    ctx = state.context()
    if ctx is None:
        return
    components.banners(ctx)
    st.title(_("Submissions"))
    months = list(ctx.data.months)
    if not months:
        components.nothing_stored()
        return
    agency = _agency(ctx)
    count = st.slider(_("Months shown"), 3, max(3, min(36, len(months))), min(12, len(months)))
    shown_months = months[-count:]
    matrix = pages.submission_overview(
        ctx.actor, ctx.framework, ctx.data, shown_months, datetime.now(UTC)
    )
    if agency:
        matrix = matrix[matrix["agency_code"] == agency]
    _matrix(ctx, matrix)
    st.subheader(_("Every version"))
    versions = ctx.data.submissions[ctx.data.submissions["period"].isin(shown_months)]
    if not ctx.actor.may(Permission.EVERY_AGENCY):
        versions = versions[versions["agency_code"] == ctx.actor.agency]
    if agency:
        versions = versions[versions["agency_code"] == agency]
    names = components.agency_name_of(ctx.data.agencies)
    versions = versions.assign(agency_name=versions["agency_code"].map(names))
    table = display.readable(
        versions_in_words(versions.sort_values("id", ascending=False)),
        ctx.framework,
        status_columns=(),
    )
    titles = {column: str(title) for column, title in VERSION_COLUMNS.items()}
    st.dataframe(table[list(VERSION_COLUMNS)].rename(columns=titles), hide_index=True)


def restore(actor: Actor, submissions: pd.DataFrame) -> None:
    """Make a superseded version current again; the restore is itself a new version."""
    if done := st.session_state.pop("restore_done", None):
        st.success(done, icon=":material/check_circle:")
    earlier = submissions[submissions["status"] == "superseded"]
    if earlier.empty:
        return
    with st.expander(_("Restore an earlier version"), icon=":material/history:"):
        labels = {
            int(r["id"]): _(
                "{period} version {version}, uploaded by {user} on {when} ({file})",
                period=period_label(str(r["period"])),
                version=r["version"],
                user=r["uploaded_by"],
                when=i18n.when(pd.Timestamp(r["uploaded_at"]).to_pydatetime()),
                file=r["source_file"],
            )
            for r in earlier.to_dict("records")
        }
        chosen = st.selectbox(
            _("Version"), list(labels), format_func=labels.__getitem__, key="restore_version"
        )
        st.caption(
            _(
                "The version's figures are stored again as a new current version; nothing is "
                "deleted and the restore is recorded."
            )
        )
        if st.button(_("Make this version current again"), key="restore"):
            try:
                new_id = uploads.restore(actor, state.engine(), int(chosen))
            except EvaluationError as exc:
                st.error(str(exc))
                return
            st.session_state["restore_done"] = _(
                "Restored {version} as submission {id}.", version=labels[int(chosen)], id=new_id
            )
            st.rerun()
