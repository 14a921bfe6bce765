"""What a document says, as frozen values: its title block, sections of sentences, tables and
charts, and the closing block for the seal. Built from one publication (and the figures its
submissions and earlier publications fixed), never from a draft, so the same publication
gives the same content whenever it is made. Texts are rendered in the language being read
(`i18n.reading`), so that the PDF and Word renderers only lay them out."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import pandas as pd

from evaluation import display, i18n
from evaluation.analysis.timeliness import submission_matrix
from evaluation.framework import Framework
from evaluation.i18n import Text, _
from evaluation.periods import parse_period
from evaluation.scoring.texts import framework_text, rendered, rule_words

Row = Mapping[str, object]


@dataclass(frozen=True)
class Table:
    """A table: header, rows of text, column widths as shares of the text width, and each
    row's tier id (its colour shades the cell of `tier_column`; the cell also names it)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    tiers: tuple[str, ...] = ()
    tier_column: int = -1


@dataclass(frozen=True)
class Chart:
    """A chart's data: categories along the axis, named series of values, and their colours."""

    kind: Literal["bars", "lines", "boxes"]
    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    colours: tuple[str, ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class Section:
    """A numbered part of a document: its heading, paragraphs, and a table or charts."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Document:
    """A bulletin or a letter, every word in the language it was made for."""

    kind: Literal["bulletin", "letter"]
    language: str
    marking: str
    number: str
    title: str
    recipient: str
    provenance: str
    sections: tuple[Section, ...]
    office: str
    date: str
    tier_colours: tuple[tuple[str, str], ...]
    file_name: str


@dataclass(frozen=True)
class Publication:
    """A stored publication as documents read it."""

    id: int
    period: str
    fingerprint: str
    framework_text: str
    published_at: datetime
    published_by: str
    results: tuple[Row, ...]


@dataclass(frozen=True)
class Sources:
    """Everything a document is made of: the publication, its framework, the figures fixed by
    its submissions and earlier publications, the submission log as it stood when it was
    published, and the office's particulars."""

    publication: Publication
    framework: Framework
    figures: pd.DataFrame  # agency_code, period, one column per field
    chart_months: tuple[str, ...]  # the published months of the twelve ending with the period
    submissions: pd.DataFrame  # agency_code, period, version, uploaded_at, uploaded_by
    office: str
    number: str
    marking: str
    reasons: Mapping[str, Text]  # why each agency has its tier, read in the reader's language
    peer_minimum: int = 5  # a type median is shown only where at least this many peers

    @property
    def ranked(self) -> list[Row]:
        """The publication's ranked agencies, best first."""
        rows = [r for r in self.publication.results if _number(r.get("rank")) is not None]
        return sorted(rows, key=lambda r: (_number(r.get("rank")) or 0, agency_name(r)))

    @property
    def types(self) -> pd.Series:
        """Each published agency's type, by code."""
        return pd.Series(
            {str(r["agency_code"]): str(r.get("agency_type")) for r in self.publication.results}
        )


def _number(value: object) -> float | None:
    """A stored number, None when missing (null or NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def agency_name(row: Row) -> str:
    """A published agency's name in the reader's language."""
    return i18n.name(row.get("agency_name"), row.get("agency_name_zh")) or str(row["agency_code"])


def tier_cell(framework: Framework, tier: object) -> str:
    """A tier as a cell reads in black and white too: its id and its label (`A 优秀`)."""
    for one in framework.tiers:
        if one.id == tier:
            return f"{one.id} {i18n.label(one)}"
    return display.EMPTY if tier in (None, "") else str(tier)


def rank_move(change: object) -> str:
    """A rank change: ↑2, ↓1, 0, or – when there is nothing to compare with."""
    moved = _number(change)
    if moved is None:
        return display.EMPTY
    return f"↑{int(moved)}" if moved > 0 else f"↓{int(-moved)}" if moved < 0 else "0"


def published_day(publication: Publication) -> str:
    """The publication's date in the office's zone, as the reader writes dates."""
    return i18n.day(i18n.local(publication.published_at).date())


def provenance(publication: Publication) -> str:
    """Which publication a document comes from: its number, framework and date."""
    return _(
        "From publication no. {id} of {period}, framework {fingerprint}, published {day}.",
        id=publication.id,
        period=i18n.period_name(publication.period),
        fingerprint=publication.fingerprint[:12],
        day=published_day(publication),
    )


def tier_colours(framework: Framework) -> tuple[tuple[str, str], ...]:
    """Each tier's colour as the framework gives it."""
    return tuple((t.id, t.colour) for t in framework.tiers if t.colour)


def red_line_rules(framework: Framework, flags: object) -> list[str]:
    """The red lines a published agency tripped, each with its reason and rule, in words."""
    rules = {r.target or "no_submission": r for r in framework.red_lines}
    tripped = []
    for flag in str(flags or "").split("; "):
        kind, _sep, target = flag.partition(":")
        if kind == "red_line" and target in rules:
            rule = rules[target]
            reason = rendered(framework_text(rule, "reason"))
            tripped.append(f"{reason} ({rule_words(framework, rule, labelled=True)})")
    return tripped


def submission_status(sources: Sources, codes: list[str]) -> pd.DataFrame:
    """Each agency-month of the period on time, late, revised or missing, as it stood when the
    period was published."""
    publication = sources.publication
    return submission_matrix(
        sources.submissions,
        codes,
        list(parse_period(publication.period).months),
        sources.framework.submission_deadline_day,
        publication.published_at,
    )
