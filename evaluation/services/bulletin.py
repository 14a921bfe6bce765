"""The documents of a publication: the month's bulletin for coordinators and administrators,
and each agency's feedback letter (one agency user may have its own), as PDF or Word, made
from one immutable publication and the figures its submissions fixed, and recorded in the
audit log."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from typing import Literal

import pandas as pd

from evaluation import i18n
from evaluation.audit import AuditAction
from evaluation.errors import InputError, StorageError
from evaluation.framework import Framework, parse_framework
from evaluation.i18n import N_
from evaluation.periods import months_ending, parse_period
from evaluation.permissions import Actor, Permission, require, require_for
from evaluation.reports import docx, pdf
from evaluation.reports.bulletin import bulletin as bulletin_content
from evaluation.reports.content import Document, Publication, Sources
from evaluation.reports.letter import letter as letter_content
from evaluation.reports.letter import published_evaluation
from evaluation.scoring.texts import period_text
from evaluation.services.profile import PEER_GROUP_MINIMUM
from evaluation.services.publication import published_reasons
from evaluation.settings import setting
from evaluation.storage import accounts as account_store
from evaluation.storage import audit
from evaluation.storage import publications as publication_store
from evaluation.storage import state as state_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine

Format = Literal["pdf", "docx"]
FORMATS: tuple[Format, ...] = ("pdf", "docx")
CHART_MONTHS = 12  # the months the bulletin's chart of the city's money covers


def bulletin(
    actor: Actor,
    engine: Engine,
    framework: Framework,
    period: str,
    publication: int | None = None,
    fmt: Format = "pdf",
    language: str | None = None,
    office: str | None = None,
    number: str = "",
    marking: str | None = None,
) -> bytes:
    """The bulletin of a period's publication (its latest, or no. `publication`)."""
    require(actor, Permission.PUBLISH, N_("make the bulletin"))
    sources = _sources(engine, framework, period, publication)
    with i18n.reading(language) as read:
        made = _render(bulletin_content(_particulars(sources, office, number, marking)), fmt)
    _record(engine, actor, AuditAction.BULLETIN_MADE, sources, fmt, read, number)
    return made


def letter(
    actor: Actor,
    engine: Engine,
    framework: Framework,
    period: str,
    agency_code: str,
    publication: int | None = None,
    fmt: Format = "pdf",
    language: str | None = None,
    office: str | None = None,
    number: str = "",
    marking: str | None = None,
) -> bytes:
    """One agency's feedback letter for a published period: its own for an agency user."""
    what = N_("get the feedback letter of {agency}", agency=agency_code)
    require(actor, Permission.SEE_PUBLISHED, what)
    require_for(actor, Permission.SEE_AGENCY, agency_code, what)
    sources = _sources(engine, framework, period, publication)
    if agency_code not in {str(r["agency_code"]) for r in sources.publication.results}:
        raise InputError(
            N_(
                'agency "{code}" is not in publication {id} of {period}',
                code=agency_code,
                id=sources.publication.id,
                period=period_text(sources.publication.period),
            )
        )
    with i18n.reading(language or actor.language) as read:
        chosen = _particulars(sources, office, number, marking)
        document = letter_content(chosen, published_evaluation(chosen), agency_code)
        made = _render(document, fmt)
    _record(engine, actor, AuditAction.LETTER_MADE, sources, fmt, read, number, agency_code)
    return made


def letter_files(
    actor: Actor,
    engine: Engine,
    framework: Framework,
    period: str,
    publication: int | None = None,
    fmt: Format = "pdf",
    language: str | None = None,
    office: str | None = None,
    number: str = "",
    marking: str | None = None,
    languages: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """Every agency's letter by file name, each in its agency's own language where an agency
    user of it chose one (`languages`, read from the accounts when None; `{}` puts every letter
    in `language`), else in `language`."""
    require(actor, Permission.PUBLISH, N_("make every agency's feedback letter"))
    if languages is None:
        languages = account_store.agency_languages(engine)
    sources = _sources(engine, framework, period, publication)
    evaluation = published_evaluation(sources)
    files = {}
    for row in sources.publication.results:
        code = str(row["agency_code"])
        with i18n.reading((languages or {}).get(code) or language):
            document = letter_content(
                _particulars(sources, office, number, marking), evaluation, code
            )
            files[f"{document.file_name}.{fmt}"] = _render(document, fmt)
    with i18n.reading(language) as read:
        _record(engine, actor, AuditAction.LETTERS_MADE, sources, fmt, read, number)
    return files


def letters_zip(
    actor: Actor,
    engine: Engine,
    framework: Framework,
    period: str,
    publication: int | None = None,
    fmt: Format = "pdf",
    language: str | None = None,
    office: str | None = None,
    number: str = "",
    marking: str | None = None,
    languages: Mapping[str, str] | None = None,
) -> bytes:
    """Every agency's letter of a publication in one ZIP, one file per agency."""
    files = letter_files(
        actor,
        engine,
        framework,
        period,
        publication,
        fmt,
        language,
        office,
        number,
        marking,
        languages,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), files[name])
    return buffer.getvalue()


def file_name(period: str, kind: Literal["bulletin", "letters"], fmt: str) -> str:
    """The file name a download or the command line offers: bulletin-2026-10.pdf,
    letters-2026-10-pdf.zip (the ZIPs of PDF and of Word letters apart)."""
    label = parse_period(period).label
    return f"letters-{label}-{fmt}.zip" if kind == "letters" else f"bulletin-{label}.{fmt}"


def _render(document: Document, fmt: str) -> bytes:
    """The document in the format asked for."""
    if fmt == "pdf":
        return pdf.render(document)
    if fmt == "docx":
        return docx.render(document)
    raise InputError(N_('document format: expected "pdf" or "docx", got "{found}"', found=fmt))


def _particulars(sources: Sources, office: str | None, number: str, marking: str | None) -> Sources:
    """The sources with the office's name and marking in the reader's language (the settings
    unless given) and the document number."""
    english = not i18n.is_chinese()
    if marking is None:
        marking = setting("DOCUMENT_MARKING_EN" if english else "DOCUMENT_MARKING")
    office = office or setting("OFFICE_NAME_EN" if english else "OFFICE_NAME")
    return replace(sources, office=office, number=number, marking=marking)


def _record(
    engine: Engine,
    actor: Actor,
    action: AuditAction,
    sources: Sources,
    fmt: str,
    language: str,
    number: str,
    agency: str | None = None,
) -> None:
    """Who made which document of which publication."""
    details: dict[str, object] = {
        "period": sources.publication.period,
        "publication": sources.publication.id,
        "format": fmt,
        "language": language,
        "number": number,
    }
    if agency is not None:
        details["agency"] = agency
    audit.record(engine, actor.name, action, details)


@cache
def _framework_of(text: str, fingerprint: str) -> Framework:
    """A publication's own framework, from the text it stored."""
    return parse_framework(text, f"publication-{fingerprint[:12]}.yaml")  # i18n: not text


def _chosen(rows: pd.DataFrame, label: str, publication: int | None) -> pd.Series:
    """The period's latest publication, or its publication no. `publication`."""
    mine = rows[rows["period"] == label]
    if publication is not None:
        mine = mine[mine["id"] == publication]
    if mine.empty:
        if publication is None:
            raise StorageError(N_("{period} has not been published", period=period_text(label)))
        raise StorageError(
            N_("{period} has no publication {id}", period=period_text(label), id=publication)
        )
    return mine.iloc[0]


def _month_sources(
    chosen: pd.Series, earlier: pd.DataFrame, months: list[str]
) -> dict[str, set[int]]:
    """For each month, the submission ids of the latest publication (this one, else an earlier
    one) that covered it; months no publication covered are left out."""
    own = set(parse_period(str(chosen["period"])).months)
    found: dict[str, set[int]] = {}
    for month in months:
        if month in own:
            found[month] = set(json.loads(str(chosen["submission_ids"])))
            continue
        for row in earlier.itertuples():  # newest first
            if month in parse_period(str(row.period)).months:
                found[month] = set(json.loads(str(row.submission_ids)))
                break
    return found


def _published_figures(engine: Engine, wanted: dict[str, set[int]]) -> pd.DataFrame:
    """The figures of the submissions publications fixed, whether or not they are still
    current: current ones from one read of the store, replaced ones from their history."""
    log = submission_store.submissions(engine, months=list(wanted))
    keep = [
        int(i) in wanted.get(str(p), set()) for i, p in zip(log["id"], log["period"], strict=True)
    ]
    chosen = log[keep]
    state = state_store.current_state(engine)
    current = state.ids["id"].isin(chosen["id"]).to_numpy()
    parts = [state.figures[current]]
    replaced = chosen[~chosen["id"].isin(state.ids["id"])]
    old = []
    for row in replaced.itertuples():
        versions = submission_store.history(engine, str(row.agency_code), str(row.period))
        text = versions.loc[versions["id"] == row.id, "figures"].iloc[0]
        old.append((str(row.agency_code), str(row.period), str(text)))
    if old:
        parts.append(submission_store.figures_frame(old))
    figures = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return figures.sort_values(["agency_code", "period"], ignore_index=True)


def _moment(value: object) -> datetime:
    """A stored time as an aware UTC datetime."""
    stamp = pd.Timestamp(str(value))
    return (stamp if stamp.tzinfo else stamp.tz_localize(UTC)).to_pydatetime()


def _sources(engine: Engine, framework: Framework, period: str, publication: int | None) -> Sources:
    """Everything a period's publication fixed that its documents show."""
    label = parse_period(period).label
    rows = publication_store.published(engine)  # newest first
    chosen = _chosen(rows, label, publication)
    earlier = rows[rows["id"] < chosen["id"]]
    own = parse_period(label)
    chart = months_ending(own.months[-1], CHART_MONTHS)
    needed = sorted({*own.months, *own.previous().months, *chart})
    wanted = _month_sources(chosen, earlier, needed)
    published_at = _moment(chosen["published_at"])
    log = submission_store.submissions(engine, months=list(own.months))
    stored = Publication(
        id=int(chosen["id"]),
        period=label,
        fingerprint=str(chosen["fingerprint"]),
        framework_text=str(chosen["framework_text"]),
        published_at=published_at,
        published_by=str(chosen["published_by"]),
        results=tuple(json.loads(str(chosen["results"]))),
    )
    own_framework = (
        framework
        if framework.fingerprint == stored.fingerprint
        else _framework_of(stored.framework_text, stored.fingerprint)
    )
    return Sources(
        publication=stored,
        framework=own_framework,
        figures=_published_figures(engine, wanted),
        chart_months=tuple(m for m in chart if m in wanted),
        # What was stored before it was published: ids only grow, whatever the clocks said.
        submissions=log[log["id"] <= max(json.loads(str(chosen["submission_ids"])), default=0)],
        office="",
        number="",
        marking="",
        reasons={str(r["agency_code"]): published_reasons(dict(r)) for r in stored.results},
        peer_minimum=PEER_GROUP_MINIMUM,
    )
