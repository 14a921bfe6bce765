"""What the coordinators' pages show: period choices, the score timeline, the Overview, the
league table and its export, the submissions matrix, indicator details and the framework tree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from evaluation import display, i18n
from evaluation.analysis import whatif
from evaluation.analysis.headline import Comparison, city_series, comparison, headline_figures
from evaluation.analysis.timeliness import (
    LATE,
    LATE_REVISED,
    MISSING,
    NOT_DUE,
    submission_matrix,
)
from evaluation.errors import InputError
from evaluation.framework import Framework, RedLine
from evaluation.i18n import N_, Message, Text, _
from evaluation.io.export import score_columns, to_csv, to_xlsx
from evaluation.periods import PeriodKind, label_of_kind
from evaluation.permissions import Actor, Permission, require
from evaluation.scoring.engine import Evaluator
from evaluation.scoring.normalisers import NORMALISERS
from evaluation.scoring.result import Evaluation
from evaluation.scoring.texts import framework_text, joined, rendered, rule_words
from evaluation.services.store import Dataset

LEAGUE_COLUMNS = ["rank", "rank_change", "agency_name", "agency_type", "score", "tier"]


def period_choices(dataset: Dataset, kind: PeriodKind) -> list[str]:
    """Labels of the months, quarters or years that have figures, newest first."""
    return sorted({label_of_kind(m, kind) for m in dataset.months}, reverse=True)


def timeline(evaluator: Evaluator, months: tuple[str, ...]) -> pd.DataFrame:
    """Score, rank and tier of every agency in every month: period, agency_code, score, ..."""
    frames = [
        evaluator.evaluate(month).table[
            ["period", "agency_code", "agency_type", "score", "rank", "rank_in_type", "tier"]
        ]
        for month in months
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@dataclass(frozen=True)
class Overview:
    """The coordinators' home page for one period."""

    headline: pd.DataFrame  # empty when the framework declares no headline figures
    comparison: Comparison  # the months with figures, set against the same months before
    received: int
    expected: int
    late: int
    missing: int
    overdue: pd.DataFrame  # agency_code, agency_name, late, missing (months, "" if none)
    tiers: pd.DataFrame  # tier, label, colour, agencies
    top: pd.DataFrame
    bottom: pd.DataFrame
    climbers: pd.DataFrame
    fallers: pd.DataFrame
    red_lines: pd.DataFrame  # agency_code, agency_name, red_lines, tier_by_score, tier


def _red_line_text(framework: Framework, rule: RedLine) -> Message:
    """A red line and its reason in the framework's words (`Red-line events > 0`, not
    `red_line_events > 0`), read in the reader's language when shown."""
    return N_(
        "{reason} ({rule})",
        reason=framework_text(rule, "reason"),
        rule=rule_words(framework, rule, labelled=True),
    )


def _overdue(status: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """The agencies that sent some month late or not at all, with those months."""

    def months(codes: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
        rows = status[status["status"].isin(wanted)]
        found = rows.groupby("agency_code")["period"].agg(lambda p: ", ".join(sorted(p)))
        return found.reindex(codes).fillna("")

    codes = pd.Series(
        sorted(set(status.loc[status["status"].isin([LATE, LATE_REVISED, MISSING]), "agency_code"]))
    )
    out = pd.DataFrame(
        {
            "agency_code": codes,
            "agency_name": codes.map(names),
            "late": months(codes, (LATE, LATE_REVISED)).to_numpy(),
            "missing": months(codes, (MISSING,)).to_numpy(),
        },
        columns=["agency_code", "agency_name", "late", "missing"],
    )
    return out.sort_values("agency_name", ignore_index=True)


def _red_line_events(framework: Framework, table: pd.DataFrame) -> pd.DataFrame:
    """The agencies that tripped a red line in the period, each with the rules it tripped."""
    rules = {
        rule.target or "no_submission": _red_line_text(framework, rule)
        for rule in framework.red_lines
    }
    tripped = [
        [
            rules[flag.split(":", 1)[1]]
            for flag in str(flags).split("; ")
            if flag.startswith("red_line:")
        ]
        for flags in table["flags"]
    ]
    # Messages, not text: the Overview is cached for readers of every language.
    said = pd.Series([joined(hit) for hit in tripped], index=table.index, dtype=object)
    events = table.assign(red_lines=said)[[bool(hit) for hit in tripped]]
    return events[["agency_code", "agency_name", "red_lines", "tier_by_score", "tier"]]


def overview(
    actor: Actor, framework: Framework, dataset: Dataset, evaluation: Evaluation, now: datetime
) -> Overview:
    """City-wide figures, tiers, leaders, movers and red-line events of a period."""
    require(actor, Permission.SEE_DRAFTS, N_("see the city-wide overview"))
    types = dataset.agencies.set_index("code")["type"]
    compared = comparison(evaluation.period, dataset.months)
    status = submission_matrix(
        dataset.submissions,
        list(dataset.agencies.loc[dataset.agencies["active"], "code"]),
        list(evaluation.period.months),
        framework.submission_deadline_day,
        now,
    )
    due = status[status["status"] != NOT_DUE]
    table = evaluation.table
    ranked = table[table["rank"].notna()].sort_values(["rank", "agency_name"])
    counts = table["tier"].value_counts()
    tiers = pd.DataFrame(
        [
            {
                "tier": t.id,
                "label": framework_text(t),
                "colour": t.colour,
                "agencies": int(counts.get(t.id, 0)),
            }
            for t in framework.tiers
        ]
    )
    moved = ranked[ranked["rank_change"].notna()]
    return Overview(
        headline=headline_figures(framework, dataset.figures, types, evaluation.period, compared),
        comparison=compared,
        received=int((due["versions"] > 0).sum()),
        expected=len(due),
        late=int(due["status"].isin([LATE, LATE_REVISED]).sum()),
        missing=int((due["status"] == MISSING).sum()),
        overdue=_overdue(due, dataset.agencies.set_index("code")["name"]),
        tiers=tiers,
        top=ranked.head(5)[LEAGUE_COLUMNS],
        bottom=ranked.tail(5).iloc[::-1][LEAGUE_COLUMNS],
        climbers=moved[moved["rank_change"] > 0]
        .sort_values("rank_change", ascending=False)
        .head(5)[LEAGUE_COLUMNS],
        fallers=moved[moved["rank_change"] < 0].sort_values("rank_change").head(5)[LEAGUE_COLUMNS],
        red_lines=_red_line_events(framework, table),
    )


def league_table(
    actor: Actor,
    evaluation: Evaluation,
    types: list[str] | None,
    tiers: list[str] | None = None,
) -> pd.DataFrame:
    """The ranked table with one column per dimension and every agency's tier reason (in the
    reader's language), optionally of some agency types and some tiers only."""
    require(actor, Permission.SEE_DRAFTS, N_("see the draft league table"))
    table = evaluation.table
    if types:
        table = table[table["agency_type"].isin(types)]
    if tiers:
        table = table[table["tier"].isin(tiers)]
    dims = [f"dim.{d.id}" for d in evaluation.framework.dimensions]
    columns = [
        "rank",
        "rank_change",
        "rank_in_type",
        "agency_code",
        "agency_name",
        "agency_name_zh",
        "agency_type",
        "score",
        "tier",
        "tier_reason",
        *dims,
        "flags",
    ]
    league = table.sort_values(["rank", "agency_name"])[columns].reset_index(drop=True)
    return league.assign(tier_reason=league["tier_reason"].map(rendered))


def export_ranking(actor: Actor, evaluation: Evaluation, kind: str) -> bytes:
    """The ranked table of the draft as CSV or XLSX, formula-safe."""
    require(actor, Permission.SEE_DRAFTS, N_("download the draft league table"))
    columns = score_columns(evaluation.framework)
    if kind == "xlsx":
        return to_xlsx(evaluation, columns)
    if kind == "csv":
        return to_csv(evaluation, columns)
    raise InputError(N_('export format: expected "csv" or "xlsx", got "{found}"', found=kind))


def submission_overview(
    actor: Actor, framework: Framework, dataset: Dataset, months: list[str], now: datetime
) -> pd.DataFrame:
    """Status of every agency-month (on time, late, missing, revised) with the last uploader;
    an agency user's own agency only."""
    codes = [c for c in dataset.agencies["code"] if actor.may_for(Permission.SEE_AGENCY, c)]
    matrix = submission_matrix(
        dataset.submissions, codes, months, framework.submission_deadline_day, now
    )
    names = display.agency_names(
        dataset.agencies.rename(columns={"name": "agency_name", "name_zh": "agency_name_zh"})
    ).set_index("code")["agency_name"]  # in the reader's language
    matrix.insert(1, "agency_name", matrix["agency_code"].map(names))
    return matrix


@dataclass(frozen=True)
class IndicatorDetail:
    """One indicator across agencies and over time."""

    heatmap: pd.DataFrame  # agencies x indicators, scores
    values: pd.DataFrame  # agency_name, agency_type, value, score (agencies it applies to)
    trend: pd.DataFrame  # period, field_id, field (its label), unit, measure, value


def indicator_detail(
    actor: Actor, dataset: Dataset, evaluation: Evaluation, indicator_id: str
) -> IndicatorDetail:
    """The heatmap of every score, one indicator's spread, and the city-wide figures of its
    fields, computed as the Overview computes them."""
    require(actor, Permission.SEE_DRAFTS, N_("compare every agency's indicators"))
    framework = evaluation.framework
    indicator = framework.indicator(indicator_id)
    table = display.agency_names(evaluation.table)  # names in the reader's language
    names = table.set_index("agency_code")["agency_name"]
    heat = evaluation.frame("scores").rename(index=names.to_dict())
    heat.columns = [i18n.label(framework.indicator(i)) for i in heat.columns]
    applies = table["agency_type"].map(indicator.applies)
    values = pd.DataFrame(
        {
            "agency_name": table["agency_name"],
            "agency_type": table["agency_type"],
            "value": table[f"raw.{indicator_id}"],
            "score": table[f"ind.{indicator_id}"],
        }
    )[applies.to_numpy()]
    types = dataset.agencies.set_index("code")["type"]
    fields = [f for f in indicator.fields_used() if f in dataset.figures.columns]
    return IndicatorDetail(
        heatmap=heat.sort_index(),
        values=values.reset_index(drop=True),
        trend=city_series(framework, dataset.figures, types, fields).rename(
            columns={"field": "field_id", "label": "field"}
        ),
    )


def _settings(framework: Framework, indicator_id: str) -> str:
    """An indicator's normalisation settings as shown: its parameters, or its peer-group scope."""
    norm = framework.indicator(indicator_id).normalise
    method = NORMALISERS[norm.method]
    if method.parameters:
        return " → ".join(f"{getattr(norm, key):g}" for key in method.parameters)
    return _yaml_word(norm.scope, SCOPE_WORDS) if method.peer_scope else ""


# Values of the framework file in words for a Chinese reader; an English reader sees them as the
# file writes them.
DIRECTION_WORDS = {"higher": N_("higher is better"), "lower": N_("lower is better")}
SCOPE_WORDS = {"type": N_("within the type"), "all": N_("among all agencies")}


def _method_words() -> dict[str, Text]:
    """Each normalisation method's label, by its id."""
    return {name: method.label for name, method in NORMALISERS.items()}


def _yaml_word(value: str, words: Mapping[str, Text]) -> str:
    """A value of the framework file as the reader reads it: Chinese words with the value
    itself in brackets (it is what the file says), or the value alone for an English reader."""
    if not i18n.is_chinese() or value not in words:
        return value
    return _("{words} ({value})", words=words[value], value=value)


def framework_tree(actor: Actor, framework: Framework) -> pd.DataFrame:
    """One row per indicator with its dimension and effective share of the overall weight;
    labels in the reader's language, column ids in English (the page titles them)."""
    require(actor, Permission.SEE_FRAMEWORK, N_("see the framework"))
    every_type = [N_("every type")]
    rows = [
        {
            "dimension": i18n.label(dim),
            "indicator": i18n.label(ind),
            "direction": _yaml_word(ind.direction, DIRECTION_WORDS),
            "normalise": _yaml_word(ind.normalise.method, _method_words()),
            "goalposts / scope": _settings(framework, ind.id),  # i18n: not text (column ids)
            "applies to": display.listing(  # i18n: not text
                [display.type_label(framework, t) for t in ind.applies_to or ()] or every_type
            ),
        }
        for dim in framework.dimensions
        for ind in dim.indicators
    ]
    shares = whatif.effective_shares(framework)
    return pd.DataFrame(rows).assign(
        **{
            "share of dimension": shares["of_dimension"].to_numpy(),  # i18n: not text
            "share of total (all apply)": shares["of_total"].to_numpy(),  # i18n: not text
        }
    )
