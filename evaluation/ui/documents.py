"""The documents of a publication on the dashboard: the bulletin and every agency's feedback
letter for the office, an agency's own letter for its users.

Each file is made only when its button is clicked (Streamlit runs the callable in another
thread, where the button spins until the file is ready), so everything the callable needs,
the reader's language included, is taken at render time and passed in.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from evaluation import i18n
from evaluation.i18n import N_, _
from evaluation.periods import parse_period
from evaluation.services import bulletin
from evaluation.services.bulletin import Format
from evaluation.services.profile import Standing
from evaluation.settings import setting
from evaluation.ui import state

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}
BULLETIN_LABELS = {"pdf": N_("Bulletin (PDF)"), "docx": N_("Bulletin (Word)")}
LETTERS_LABELS = {"pdf": N_("All letters (PDF, ZIP)"), "docx": N_("All letters (Word, ZIP)")}
LETTER_LABELS = {"pdf": N_("Feedback letter (PDF)"), "docx": N_("Feedback letter (Word)")}
MARKINGS = {"zh_CN": "DOCUMENT_MARKING", "en": "DOCUMENT_MARKING_EN"}  # setting per language


def office_documents(ctx: state.Context, period: str, listed: pd.DataFrame) -> None:
    """For each publication of the period, newest first: the bulletin and all the letters."""
    st.subheader(_("Bulletin and feedback letters"))
    label = parse_period(period).label
    mine = listed[listed["period"] == label]
    if mine.empty:
        st.caption(_("Once the period is published, its bulletin and letters are made here."))
        return
    st.caption(
        _(
            "Made from a publication, never from the draft: the same publication always gives "
            "the same documents. Each document made is recorded in the audit log."
        )
    )
    for position, number in enumerate(int(i) for i in mine["id"]):
        with st.expander(_("Publication #{id}", id=number), expanded=position == 0):
            _publication_documents(ctx, label, number)


def _publication_documents(ctx: state.Context, period: str, publication: int) -> None:
    """The choices for one publication's documents, then their download buttons."""
    languages = list(i18n.LANGUAGES)
    language = st.radio(
        _("Language of the documents"),
        languages,
        index=languages.index(i18n.language()),
        format_func=i18n.LANGUAGES.__getitem__,
        horizontal=True,
        key=f"documents_language_{publication}",
    )
    left, right = st.columns(2)
    number = left.text_input(
        _("Document number"),
        placeholder=_("e.g. Y反诈联办〔2026〕12号"),
        key=f"documents_number_{publication}",
    )
    # One input per language: its default is that language's marking.
    marking = right.text_input(
        _("Marking"),
        value=setting(MARKINGS[language]),
        key=f"documents_marking_{publication}_{language}",
    )
    number, marking = number.strip(), marking.strip()
    made = (ctx.actor, state.engine(), ctx.framework, period, publication)
    columns = st.columns(4)
    fmt: Format
    for column, fmt in zip(columns[:2], bulletin.FORMATS, strict=True):
        column.download_button(
            str(BULLETIN_LABELS[fmt]),
            partial(bulletin.bulletin, *made, fmt, language, number=number, marking=marking),
            file_name=bulletin.file_name(period, "bulletin", fmt),
            mime=MIME[fmt],
            icon=":material/description:",
            on_click="ignore",
            key=f"bulletin_{publication}_{fmt}",
        )
    for column, fmt in zip(columns[2:], bulletin.FORMATS, strict=True):
        column.download_button(
            str(LETTERS_LABELS[fmt]),
            partial(bulletin.letters_zip, *made, fmt, language, number=number, marking=marking),
            file_name=bulletin.file_name(period, "letters", fmt),
            mime=MIME["zip"],
            icon=":material/folder_zip:",
            on_click="ignore",
            key=f"letters_{publication}_{fmt}",
        )


def own_letter(ctx: state.Context, period: str, agency: str, standing: Standing) -> None:
    """An agency user's feedback letter, in the account's language, when the rank and tier it
    sees come from a publication of the period (nothing otherwise)."""
    publication = standing.publication_id
    if standing.source != "published" or publication is None:
        return
    language = ctx.actor.language or i18n.language()
    label = parse_period(period).label
    st.caption(
        _(
            "The joint office's feedback letter of publication #{id}: score, rank, tier, "
            "dimensions, where the most points are and the submission record.",
            id=publication,
        )
    )
    columns = st.columns([2, 2, 1])
    fmt: Format
    for column, fmt in zip(columns[:2], bulletin.FORMATS, strict=True):
        column.download_button(
            str(LETTER_LABELS[fmt]),
            partial(
                bulletin.letter,
                ctx.actor,
                state.engine(),
                ctx.framework,
                label,
                agency,
                publication,
                fmt,
                language,
            ),
            file_name=f"letter-{label}-{agency}.{fmt}",
            mime=MIME[fmt],
            icon=":material/description:",
            on_click="ignore",
            key=f"letter_{fmt}",
        )
