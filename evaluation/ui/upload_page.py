"""Upload: template, file, preview with every problem in place, confirm, result, history."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from evaluation.errors import EvaluationError, UploadError
from evaluation.ingest.checks import Issue
from evaluation.ingest.validate import row_numbers
from evaluation.permissions import Permission
from evaluation.services import uploads
from evaluation.ui import components, state

ERROR_CELL = "background-color: #f8d7da; color: #842029; font-weight: 600"
WARNING_CELL = "background-color: #fff3cd"


def _highlighted(table: pd.DataFrame, errors: tuple[Issue, ...], warnings: tuple[Issue, ...]):  # type: ignore[no-untyped-def]
    """The file as read, with rows numbered as in Excel and problem cells coloured."""
    shown = table.fillna("")
    shown.index = pd.Index(row_numbers(table), name="row")
    styles = pd.DataFrame("", index=shown.index, columns=shown.columns)
    for issues, css in ((warnings, WARNING_CELL), (errors, ERROR_CELL)):
        for issue in issues:
            if issue.row in styles.index:
                columns = [issue.column] if issue.column in styles.columns else list(styles.columns)
                styles.loc[issue.row, columns] = css
    return shown.style.apply(lambda _: styles, axis=None)


def _issues(issues: tuple[Issue, ...]) -> pd.DataFrame:
    """Problems as a table: row, column, message."""
    return pd.DataFrame(
        [{"row": i.row, "column": i.column, "problem": i.message} for i in issues],
        columns=["row", "column", "problem"],
    )


def render() -> None:
    """Agencies upload their month; coordinators may upload on an agency's behalf."""
    ctx = state.context()
    if ctx is None:
        return
    components.banners(ctx)
    st.title("Upload figures")
    agencies = ctx.data.agencies
    names = dict(zip(agencies["code"], agencies["name"], strict=True))
    if ctx.actor.may(Permission.EVERY_AGENCY):
        on_behalf = st.selectbox(
            "Upload on behalf of",
            [None, *agencies["code"]],
            format_func=lambda c: (
                "several agencies (any code in the file)" if c is None else f"{names[c]} ({c})"
            ),
            key="on_behalf",
        )
    else:
        on_behalf = ctx.actor.agency
        st.caption(f"Figures of {names.get(on_behalf or '', on_behalf)} ({on_behalf})")
    with st.expander("Templates", icon=":material/description:"):
        kind = st.selectbox("Agency type", ctx.framework.type_ids(), key="template_type")
        st.download_button(
            f"Download the {kind} template (XLSX)",
            lambda: uploads.upload_template(ctx.framework, kind, date.today()),
            file_name=f"template-{kind}.xlsx",
            on_click="ignore",
        )
    if on_behalf:
        with st.expander(f"Upload history of {names.get(on_behalf, on_behalf)}"):
            st.dataframe(
                uploads.agency_submissions(ctx.actor, ctx.data, on_behalf),
                hide_index=True,
                column_config={"agency_code": None},
            )
    nonce = st.session_state.setdefault("upload_nonce", 0)
    file = st.file_uploader(
        "Figures file (CSV or XLSX)", type=["csv", "xlsx"], key=f"upload_{nonce}"
    )
    if done := st.session_state.pop("upload_done", None):
        st.success(done, icon=":material/check_circle:")
    if file is None:
        return
    raw = file.getvalue()
    try:
        with st.spinner(f"Checking {file.name}…"):
            preview = uploads.preview_upload(
                ctx.actor, state.engine(), ctx.framework, raw, file.name, on_behalf, date.today()
            )
    except UploadError as exc:
        st.error(f"{file.name} cannot be read:")
        st.dataframe(_issues(tuple(Issue(None, "", str(p)) for p in exc.problems)))
        return
    except EvaluationError as exc:
        st.error(str(exc))
        return
    checked = preview.checked
    rows = len(checked.figures)
    if checked.errors:
        st.error(
            f"{file.name} is refused: {len(checked.errors)} problem(s). Nothing was stored. "
            "Fix them and upload the file again."
        )
        st.dataframe(_issues(checked.errors), hide_index=True, key="problems")
    if checked.warnings:
        st.warning(f"{len(checked.warnings)} value(s) look unusual; check them before storing.")
        st.dataframe(_issues(checked.warnings), hide_index=True, key="warnings")
    st.subheader("The file")
    st.dataframe(_highlighted(preview.table, checked.errors, checked.warnings), key="file")
    if checked.errors:
        return
    st.subheader(f"What changes: {rows} agency-month(s), {len(preview.changes)} figure(s)")
    st.caption(
        "Fields the file has no column for (or a column with no values) keep their stored "
        "values; an empty cell in a column that has values elsewhere removes that figure."
    )
    st.dataframe(preview.changes, hide_index=True, key="changes")
    if st.button("Store this upload", type="primary", icon=":material/cloud_upload:"):
        try:
            with st.spinner(f"Storing {rows} agency-month(s)…"):
                ids = uploads.commit_upload(
                    ctx.actor,
                    state.engine(),
                    ctx.framework,
                    raw,
                    file.name,
                    on_behalf,
                    date.today(),
                )
        except EvaluationError as exc:
            st.error(str(exc))
            return
        st.session_state["upload_nonce"] = nonce + 1
        st.session_state["upload_done"] = (
            f"Stored {file.name}: {len(ids)} agency-month(s) as new versions."
        )
        st.rerun()
