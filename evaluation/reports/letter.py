"""Each agency's feedback letter (考评结果反馈单) as content: its score, ranks, tier and why,
its dimension scores against its type's median (only where enough peers keep the median
anonymous), the indicators where it has the most points to gain, and its submission record,
all from one publication and the figures it fixed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from evaluation import display, i18n
from evaluation.analysis.timeliness import LATE, LATE_REVISED, MISSING, NOT_DUE, ON_TIME, REVISED
from evaluation.i18n import N_, Message, _, _n
from evaluation.periods import parse_period
from evaluation.reports.content import (
    Document,
    Row,
    Section,
    Sources,
    Table,
    _number,
    agency_name,
    provenance,
    published_day,
    rank_move,
    submission_status,
    tier_cell,
    tier_colours,
)
from evaluation.scoring.engine import Evaluator
from evaluation.scoring.explain import Explanation
from evaluation.scoring.result import Evaluation
from evaluation.scoring.texts import rendered

GAINS = 3  # the indicators a letter names where the most points are to gain
STATUS_WORDS: dict[str, Message] = {
    ON_TIME: N_("on time"),
    REVISED: N_("on time, revised"),
    LATE: N_("late"),
    LATE_REVISED: N_("late, revised"),
    MISSING: N_("missing"),
    NOT_DUE: N_("not due yet"),
}


def published_evaluation(sources: Sources) -> Evaluation:
    """The publication's evaluation worked out again from the framework and figures it fixed:
    the source of dimension scores and gains, which the snapshot does not keep."""
    results = sources.publication.results
    agencies = pd.DataFrame(
        {
            "code": [str(r["agency_code"]) for r in results],
            "name": [str(r.get("agency_name") or "") for r in results],
            "name_zh": [str(r.get("agency_name_zh") or "") for r in results],
            "type": [str(r.get("agency_type")) for r in results],
            "active": True,
            "synthetic": False,
        }
    )
    fields = ("agency_code", "period", *sources.framework.field_ids())
    figures = sources.figures[[c for c in sources.figures.columns if c in fields]]
    figures = figures[figures["agency_code"].isin(agencies["code"])]
    return Evaluator(sources.framework, figures, agencies).evaluate(sources.publication.period)


def row_of(sources: Sources, code: str) -> Row:
    """The agency's row of the publication; KeyError when it was not in it."""
    for row in sources.publication.results:
        if str(row["agency_code"]) == code:
            return row
    raise KeyError(code)


def letter(sources: Sources, evaluation: Evaluation, code: str) -> Document:
    """The feedback letter of one agency, in the language being read."""
    publication = sources.publication
    row = row_of(sources, code)
    why = evaluation.explain(code)  # made now: its labels are in the reader's language
    return Document(
        kind="letter",
        language=i18n.language(),
        marking=sources.marking,
        number=sources.number,
        title=_(
            "{office} {period} evaluation feedback letter",
            office=sources.office,
            period=i18n.period_name(publication.period),
        ),
        recipient=_("{agency}:", agency=agency_name(row)),
        provenance=provenance(publication),
        sections=(
            _standing(sources, row),
            _dimensions(sources, evaluation, why),
            _gains(why),
            _record(sources, code),
        ),
        office=sources.office,
        date=published_day(publication),
        tier_colours=tier_colours(sources.framework),
        file_name=f"letter-{publication.period}-{code}",
    )


def _whole(value: object) -> str:
    """A stored rank as text, – when missing."""
    number = _number(value)
    return display.EMPTY if number is None else str(int(number))


def _standing(sources: Sources, row: Row) -> Section:
    """Part 1: score, rank, rank within type, tier and why, as published."""
    framework = sources.framework
    ranked = len(sources.ranked)
    peers = sum(1 for r in sources.ranked if r.get("agency_type") == row.get("agency_type"))
    items = (
        (_("Agency type"), display.type_label(framework, row.get("agency_type"))),
        (_("Overall score"), display.score(row.get("score"))),
        (_("Rank"), _("{rank} of {count}", rank=_whole(row.get("rank")), count=ranked)),
        (
            _("Rank within type"),
            _("{rank} of {count}", rank=_whole(row.get("rank_in_type")), count=peers),
        ),
        (_("Change against the period before"), rank_move(row.get("rank_change"))),
        (_("Tier"), tier_cell(framework, row.get("tier"))),
        (_("Why"), rendered(sources.reasons.get(str(row["agency_code"]), ""))),
    )
    tier = str(row.get("tier") or "")
    table = Table(
        (_("Item"), _("Result")),
        items,
        (0.3, 0.7),
        tuple(tier if label == _("Tier") else "" for label, _value in items),
        1,
    )
    return Section(_("1. Result"), (), table)


def _type_median(evaluation: Evaluation, why: Explanation, column: str, minimum: int) -> str:
    """The median of the agency's peers (its type, itself left out), – with fewer than
    `minimum` of them, so that no median can be traced back to one agency."""
    table = evaluation.table
    peers = table[
        (table["agency_type"] == why.agency_type) & (table["agency_code"] != why.agency_code)
    ]
    values = peers[column].dropna()
    return display.score(values.median()) if len(values) >= minimum else display.EMPTY


def _dimensions(sources: Sources, evaluation: Evaluation, why: Explanation) -> Section:
    """Part 2: each dimension's score against the median of the agency's type."""
    rows = tuple(
        (
            i18n.label(d),
            display.score(why.dimensions.get(d.id)),
            _type_median(evaluation, why, f"dim.{d.id}", sources.peer_minimum),
        )
        for d in sources.framework.dimensions
    )
    note = _(
        "A type median is given only where at least {count} other agencies of the type have a "
        "score.",
        count=sources.peer_minimum,
    )
    table = Table((_("Dimension"), _("Score"), _("Type median")), rows, (0.5, 0.25, 0.25))
    return Section(_("2. Dimension scores"), (note,), table)


def _gains(why: Explanation) -> Section:
    """Part 3: the indicators where full marks would add the most points."""
    best = why.opportunities[:GAINS]
    heading = _("3. Where the most points are to gain")
    if not best:
        return Section(heading, (_("No indicator has points left to gain."),))
    rows = tuple((o.label, display.score(o.current_score), display.score(o.gain)) for o in best)
    table = Table(
        (_("Indicator"), _("Indicator score"), _("Points to gain overall")), rows, (0.5, 0.25, 0.25)
    )
    return Section(heading, (), table)


def _record_row(month: Mapping[Any, Any]) -> tuple[str, str, str, str]:
    """One month of the record: the month, its status, its versions and its first upload."""
    first = month["first_upload"]
    return (
        i18n.period_name(str(month["period"])),
        str(STATUS_WORDS.get(str(month["status"]), month["status"])),
        str(month["versions"]),
        i18n.when(first) if isinstance(first, datetime) and not pd.isna(first) else display.EMPTY,
    )


def _record(sources: Sources, code: str) -> Section:
    """Part 4: the agency's submissions for the period as they stood when it was published."""
    status = submission_status(sources, [code])
    rows = tuple(_record_row(s) for s in status.to_dict("records"))
    months = parse_period(sources.publication.period).months
    note = _n_months(len(months))
    table = Table(
        (_("Month"), _("Status"), _("Versions"), _("First upload")), rows, (0.25, 0.25, 0.15, 0.35)
    )
    return Section(_("4. Submission record"), (note,), table)


def _n_months(count: int) -> str:
    """What the submission record covers."""
    return _n(
        "The record covers the {count} month of the period.",
        "The record covers the {count} months of the period.",
        count,
    )
