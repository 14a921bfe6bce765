"""Upload: template, file, preview with every problem in place, confirm, result, history."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from evaluation import display, i18n
from evaluation.errors import EvaluationError, UploadError
from evaluation.framework import Framework
from evaluation.i18n import N_, _, _n
from evaluation.ingest.checks import Issue
from evaluation.ingest.validate import row_numbers
from evaluation.permissions import Permission
from evaluation.services import uploads
from evaluation.ui import components, state

ERROR_CELL = "background-color: #f8d7da; color: #842029; font-weight: 600"  # i18n: not text
WARNING_CELL = "background-color: #fff3cd"
CHANGE_WORDS = {"new": N_("new"), "changed": N_("changed"), "removed": N_("removed")}
STATUS_WORDS = {"current": N_("current"), "superseded": N_("superseded")}


def _highlighted(table: pd.DataFrame, errors: tuple[Issue, ...], warnings: tuple[Issue, ...]):  # type: ignore[no-untyped-def]
    """The file as read, with rows numbered as in Excel and problem cells coloured."""
    shown = table.fillna("")
    shown.index = pd.Index(row_numbers(table), name=_("row"))
    styles = pd.DataFrame("", index=shown.index, columns=shown.columns)
    for issues, css in ((warnings, WARNING_CELL), (errors, ERROR_CELL)):
        for issue in issues:
            if issue.row in styles.index:
                columns = [issue.column] if issue.column in styles.columns else list(styles.columns)
                styles.loc[issue.row, columns] = css
    return shown.style.apply(lambda _frame: styles, axis=None)


def _problems(rows: Iterable[tuple[int | None, str, object]], key: str | None = None) -> None:
    """Problems as a table: row, column, message (in the reader's language)."""
    table = pd.DataFrame(
        [{"row": row, "column": column, "problem": str(text)} for row, column, text in rows],
        columns=["row", "column", "problem"],
    )
    st.dataframe(
        table,
        hide_index=True,
        key=key,
        column_config={
            "row": st.column_config.NumberColumn(_("row")),
            "column": st.column_config.Column(_("column")),
            "problem": st.column_config.Column(_("problem")),
        },
    )


def _issues(issues: tuple[Issue, ...]) -> list[tuple[int | None, str, object]]:
    """The rows of the problems table for checked issues, in the reader's words."""
    return [(i.row, str(i.column_name), str(i.message)) for i in issues]


def _template(framework: Framework, kind: str, language: str) -> bytes:
    """The upload template of an agency type, in the language of whoever asked for it."""
    with i18n.reading(language):
        return uploads.upload_template(framework, kind, i18n.today())


def _templates(ctx: state.Context) -> None:
    """The expander offering each agency type's template."""
    with st.expander(_("Templates"), icon=":material/description:"):
        kind = st.selectbox(
            _("Agency type"),
            ctx.framework.type_ids(),
            format_func=lambda t: display.type_label(ctx.framework, t),
            key="template_type",
        )
        language = i18n.language()
        st.download_button(
            _(
                "Download the {type} template (XLSX)",
                type=display.type_label(ctx.framework, kind),
            ),
            lambda: _template(ctx.framework, kind, language),
            file_name=f"template-{kind}.xlsx",
            on_click="ignore",
        )


def _history(ctx: state.Context, code: str, name: str) -> None:
    """Every version the agency uploaded, newest first."""
    with st.expander(_("Upload history of {agency}", agency=name)):
        history = uploads.agency_submissions(ctx.actor, ctx.data, code)
        moments = pd.to_datetime(history["uploaded_at"], utc=True)
        st.dataframe(
            history.assign(
                period=history["period"].map(lambda p: components.period_label(str(p))),
                status=history["status"].map(lambda s: str(STATUS_WORDS.get(str(s), s))),
                uploaded_at=[i18n.when(m.to_pydatetime()) for m in moments],
            ),
            hide_index=True,
            column_config={
                "agency_code": None,
                "id": st.column_config.NumberColumn(_("id")),
                "period": st.column_config.Column(_("period")),
                "version": st.column_config.NumberColumn(_("version")),
                "status": st.column_config.Column(_("status")),
                "uploaded_by": st.column_config.Column(_("uploaded by")),
                "on_behalf_of": st.column_config.Column(_("on behalf of")),
                "uploaded_at": st.column_config.Column(_("uploaded at")),
                "source_file": st.column_config.Column(_("source file")),
                "note": st.column_config.Column(_("note")),
                "restored_from": st.column_config.NumberColumn(_("restored from")),
            },
        )


def _changes(changes: pd.DataFrame) -> None:
    """Figure by figure, what storing the upload changes."""
    st.dataframe(
        changes.assign(
            period=changes["period"].map(lambda p: components.period_label(str(p))),
            change=changes["change"].map(lambda c: str(CHANGE_WORDS.get(str(c), c))),
        ),
        hide_index=True,
        key="changes",
        column_config={
            "agency_code": st.column_config.Column(_("agency")),
            "period": st.column_config.Column(_("period")),
            "field": st.column_config.Column(_("field")),
            "current": st.column_config.Column(_("current value")),
            "new": st.column_config.Column(_("new value")),
            "change": st.column_config.Column(_("kind of change")),
        },
    )


def render() -> None:
    """Agencies upload their month; coordinators may upload on an agency's behalf."""
    ctx = state.context()
    if ctx is None:
        return
    components.banners(ctx)
    st.title(_("Upload figures"))
    agencies = ctx.data.agencies
    names = {
        code: i18n.name(en, zh)
        for code, en, zh in zip(
            agencies["code"], agencies["name"], agencies["name_zh"], strict=True
        )
    }
    if ctx.actor.may(Permission.EVERY_AGENCY):
        on_behalf = st.selectbox(
            _("Upload on behalf of"),
            [None, *agencies["code"]],
            format_func=lambda c: (
                _("several agencies (any code in the file)")
                if c is None
                else _("{agency} ({code})", agency=names[c], code=c)
            ),
            key="on_behalf",
        )
    else:
        on_behalf = ctx.actor.agency
        st.caption(
            _(
                "Figures of {agency} ({code})",
                agency=names.get(on_behalf or "", on_behalf),
                code=on_behalf,
            )
        )
    _templates(ctx)
    if on_behalf:
        _history(ctx, on_behalf, names.get(on_behalf, on_behalf))
    _upload(ctx, on_behalf)


def _upload(ctx: state.Context, on_behalf: str | None) -> None:
    """The file: read, checked and previewed; stored once confirmed."""
    nonce = st.session_state.setdefault("upload_nonce", 0)
    file = st.file_uploader(
        _("Figures file (CSV or XLSX)"), type=["csv", "xlsx"], key=f"upload_{nonce}"
    )
    if done := st.session_state.pop("upload_done", None):
        st.success(str(done), icon=":material/check_circle:")
    if file is None:
        return
    raw = file.getvalue()
    try:
        with st.spinner(_("Checking {file}…", file=file.name)):
            preview = uploads.preview_upload(
                ctx.actor, state.engine(), ctx.framework, raw, file.name, on_behalf, i18n.today()
            )
    except UploadError as exc:
        st.error(_("{file} cannot be read:", file=file.name))
        _problems((None, "", problem) for problem in exc.problems)
        return
    except EvaluationError as exc:
        st.error(str(exc))
        return
    checked = preview.checked
    rows = len(checked.figures)
    if checked.errors:
        st.error(
            _(
                "{file} is refused: {count} problem(s). Nothing was stored. Fix them and upload "
                "the file again.",
                file=file.name,
                count=len(checked.errors),
            )
        )
        _problems(_issues(checked.errors), key="problems")
    if checked.warnings:
        st.warning(
            _n(
                "{count} value looks unusual; check it before storing.",
                "{count} values look unusual; check them before storing.",
                len(checked.warnings),
            )
        )
        _problems(_issues(checked.warnings), key="warnings")
    st.subheader(_("The file"))
    st.dataframe(_highlighted(preview.table, checked.errors, checked.warnings), key="file")
    if checked.errors:
        return
    st.subheader(
        _(
            "What changes: {rows} agency-month(s), {figures} figure(s)",
            rows=rows,
            figures=len(preview.changes),
        )
    )
    st.caption(
        _(
            "Fields the file has no column for (or a column with no values) keep their stored "
            "values; an empty cell in a column that has values elsewhere removes that figure."
        )
    )
    _changes(preview.changes)
    if st.button(_("Store this upload"), type="primary", icon=":material/cloud_upload:"):
        try:
            with st.spinner(_("Storing {rows} agency-month(s)…", rows=rows)):
                ids = uploads.commit_upload(
                    ctx.actor,
                    state.engine(),
                    ctx.framework,
                    raw,
                    file.name,
                    on_behalf,
                    i18n.today(),
                )
        except EvaluationError as exc:
            st.error(str(exc))
            return
        st.session_state["upload_nonce"] = nonce + 1
        st.session_state["upload_done"] = N_(
            "Stored {file}: {count} agency-month(s) as new versions.",
            file=file.name,
            count=len(ids),
        )
        st.rerun()
