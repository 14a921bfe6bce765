"""Use cases the dashboard and the command line call: framework, store, uploads, scoring."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation import accounts, demo, uncertainty, whatif
from evaluation.access import Viewer, require
from evaluation.demo import DemoData
from evaluation.engine import Evaluation, Evaluator, evaluate
from evaluation.errors import (
    AuthenticationError,
    FrameworkError,
    InputError,
    PermissionDeniedError,
    StorageError,
    UploadError,
)
from evaluation.explain import Explanation
from evaluation.export import safe_cell, score_columns, to_csv, to_xlsx
from evaluation.figures import check_agencies
from evaluation.framework import Framework, load_framework, parse_framework
from evaluation.headline import headline_figures
from evaluation.ingest.readers import read_table_bytes
from evaluation.ingest.template import template_xlsx
from evaluation.ingest.validate import (
    Checked,
    Issue,
    check_upload,
    comparison_months,
    parse_month,
    row_numbers,
)
from evaluation.periods import parse_period
from evaluation.settings import setting
from evaluation.storage import accounts as account_store
from evaluation.storage import repository
from evaluation.storage.db import Engine, current_revision, make_engine, upgrade
from evaluation.storage.models import utcnow
from evaluation.suggest import suggest_weights
from evaluation.timeliness import LATE, LATE_REVISED, NOT_DUE, ON_TIME, submission_matrix


@dataclass(frozen=True)
class FrameworkStatus:
    """The framework in force and, when the file on disk is invalid, why it is not used."""

    framework: Framework | None
    error: FrameworkError | None
    path: Path


def framework_status(path: str | Path | None = None) -> FrameworkStatus:
    """Load the framework file named by the settings (or `path`)."""
    file = Path(path or setting("INDICATORS_FILE"))
    try:
        return FrameworkStatus(load_framework(file), None, file)
    except FrameworkError as exc:
        return FrameworkStatus(None, exc, file)


def score_files(
    framework: Framework,
    agencies: tuple[bytes, str],
    figures: tuple[bytes, str],
    period: str,
) -> Evaluation:
    """Score a period from an agencies file and a figures file given as (bytes, file name)."""
    agency_table = read_table_bytes(*agencies)
    figure_table = read_table_bytes(*figures)
    return evaluate(framework, figure_table, agency_table, period)


# -- store ------------------------------------------------------------------------------------
def open_store(url: str | None = None) -> Engine:
    """The database named by the settings, upgraded to the newest schema."""
    engine = make_engine(url or setting("DATABASE_URL"))
    upgrade(engine)
    return engine


def load_demo(engine: Engine, framework: Framework, today: date) -> DemoData:
    """Fill an empty store with the synthetic Y-city demo data, revisions included."""
    if not repository.agencies(engine).empty:
        raise StorageError(
            "the database already holds agencies; the demo loads into an empty database only"
        )
    data = demo.generate(framework, demo.last_complete_month(today))
    repository.add_agencies(engine, data.agencies, synthetic=True)
    meta = repository.UploadMeta(uploaded_by="demo", source_file="demo", note=demo.SYNTHETIC_NOTE)
    times = data.submissions.set_index(["agency_code", "period", "version"])["submitted_on"]

    def stamps(frame: pd.DataFrame, version: int) -> list[datetime]:
        return [
            datetime.combine(times[(c, p, version)], time(9, 30), tzinfo=UTC)
            for c, p in zip(frame["agency_code"], frame["period"], strict=True)
        ]

    revised = set(zip(data.revisions["agency_code"], data.revisions["period"], strict=True))
    is_revised = [
        (c, p) in revised
        for c, p in zip(data.figures["agency_code"], data.figures["period"], strict=True)
    ]
    first = pd.concat(
        [data.figures[[not r for r in is_revised]], data.revisions], ignore_index=True
    )
    repository.commit_figures(engine, first, meta, stamps(first, 1))
    second = data.figures[is_revised].reset_index(drop=True)
    if len(second):
        repository.commit_figures(engine, second, meta, stamps(second, 2))
    return data


def _check_file(
    engine: Engine,
    framework: Framework,
    raw: bytes,
    name: str,
    as_agency: str | None,
    today: date,
) -> tuple[Checked, pd.DataFrame, pd.DataFrame]:
    """Read and validate a file; returns the check, the current figures and the file's table."""
    table = read_table_bytes(raw, name)
    known = repository.agencies(engine)
    types = dict(zip(known["code"], known["type"], strict=True))
    current = repository.current_figures(engine, months=comparison_months(framework, table))
    allowed = {as_agency} if as_agency else None
    checked = check_upload(framework, table, types, today, allowed, current)
    rows = row_numbers(table)
    errors = checked.errors + _kept_value_conflicts(framework, checked, current, rows)
    # Warnings compare with stored figures; a refused row (say, another agency's) gets none.
    refused = {issue.row for issue in errors}
    warnings = tuple(w for w in checked.warnings if w.row not in refused)
    return replace(checked, errors=errors, warnings=warnings), current, table


def _kept_value_conflicts(
    framework: Framework, checked: Checked, current: pd.DataFrame, rows: np.ndarray
) -> tuple[Issue, ...]:
    """A field the file leaves out keeps its stored value; refuse a row where that stored value
    and a new one would break an `at_most` rule (say, a new smaller loss under the stored
    frozen amount)."""
    figures = checked.figures
    given = set(repository.given_fields(figures))
    pairs = [
        (f.id, f.at_most)
        for f in framework.fields
        if f.at_most and (f.id in given) != (f.at_most in given)
    ]
    if not pairs or current.empty or figures.empty:
        return ()
    stored = figures[["agency_code", "period"]].merge(
        current, on=["agency_code", "period"], how="left"
    )
    issues = []
    for field, limit in pairs:
        value = figures[field] if field in given else stored.get(field)
        bound = figures[limit] if limit in given else stored.get(limit)
        if value is None or bound is None:
            continue
        over = (value.to_numpy(dtype=float) > bound.to_numpy(dtype=float)).tolist()
        for k in [i for i, bad in enumerate(over) if bad]:
            kept = limit if field in given else field
            issues.append(
                Issue(
                    int(rows[k]),
                    field if field in given else limit,
                    f"{field} ({value.iloc[k]:,.0f}) would be above {limit} "
                    f"({bound.iloc[k]:,.0f}); the file has no {kept} column, so the stored "
                    f"{kept} is kept: give both in the file",
                )
            )
    return tuple(issues)


def import_file(
    engine: Engine,
    framework: Framework,
    path: Path,
    actor: str,
    as_agency: str | None,
    today: date,
) -> list[int]:
    """Validate a figures file and store it as new versions; refuse it whole on any problem."""
    raw = path.read_bytes()
    checked, _current, _table = _check_file(engine, framework, raw, path.name, as_agency, today)
    if not checked.ok:
        raise UploadError(path.name, list(checked.errors))
    meta = repository.UploadMeta(
        uploaded_by=actor,
        source_file=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        on_behalf_of=as_agency or repository.EACH_ROW_AGENCY,
    )
    return repository.commit_figures(engine, checked.figures, meta)


def stored_evaluation(engine: Engine, framework: Framework, period: str) -> Evaluation:
    """Score a period from the current figures of the active agencies in the store."""
    agencies = repository.agencies(engine)
    agencies = agencies[agencies["active"].astype(bool)].reset_index(drop=True)
    figures = repository.current_figures(engine)
    known = [c for c in figures.columns if c in ("agency_code", "period", *framework.field_ids())]
    figures = figures[known]
    if not figures.empty:
        figures = figures[figures["agency_code"].isin(agencies["code"])]
    return evaluate(framework, figures, agencies, period)


def history(engine: Engine, agency_code: str, period: str) -> pd.DataFrame:
    """Every version of one agency-month, newest first."""
    return repository.history(engine, agency_code, parse_month_or_error(period))


def schema_revision(engine: Engine) -> str | None:
    """The schema revision of the store."""
    return current_revision(engine)


def parse_month_or_error(text: str) -> str:
    """A month written any accepted way, as `YYYY-MM`."""
    month = parse_month(text)
    if month is None:
        raise InputError(f'expected a month like 2026-10, got "{text}"')
    return month


# -- publication ------------------------------------------------------------------------------
PUBLISHED_COLUMNS = (
    "agency_code",
    "agency_name",
    "agency_type",
    "score",
    "rank",
    "rank_in_type",
    "rank_change",
    "tier",
    "tier_reasons",
    "flags",
)


@dataclass(frozen=True)
class Comparison:
    """How today's evaluation of a period differs from what was published for it."""

    published_id: int
    published_at: datetime
    framework_changed: bool
    data_changed: bool
    moves: pd.DataFrame  # agency_code, score/rank/tier then and now, for agencies that moved

    @property
    def identical(self) -> bool:
        """True when neither inputs nor results differ."""
        return not (self.framework_changed or self.data_changed or len(self.moves))


def _snapshot(evaluation: Evaluation) -> list[dict[str, object]]:
    """The published part of an evaluation as JSON-ready records."""
    table = evaluation.table[list(PUBLISHED_COLUMNS)].astype(object)
    return [
        {
            str(k): (None if v is None or (not isinstance(v, str) and pd.isna(v)) else v)
            for k, v in row.items()
        }
        for row in table.to_dict("records")
    ]


def publish(engine: Engine, framework: Framework, period: str, actor: str) -> int:
    """Publish the evaluation of a period as an immutable snapshot."""
    evaluation = stored_evaluation(engine, framework, period)
    label = evaluation.period.label
    ids = repository.current_submission_ids(engine, evaluation.period.months)
    if not ids:
        raise StorageError(f"no figures are stored for {label}; nothing to publish")
    record: dict[str, object] = {
        "period": label,
        "fingerprint": framework.fingerprint,
        "framework_text": framework.text,
        "submission_ids": json.dumps(ids),
        "results": json.dumps(_snapshot(evaluation), ensure_ascii=False, default=float),
    }
    return repository.add_published(engine, record, actor)


def compare_with_published(engine: Engine, framework: Framework, period: str) -> Comparison | None:
    """Today's evaluation of a period against its latest publication; None if never published."""
    evaluation = stored_evaluation(engine, framework, period)
    rows = repository.published(engine, evaluation.period.label)
    if rows.empty:
        return None
    latest = rows.iloc[0]
    then = pd.DataFrame(json.loads(latest["results"])).set_index("agency_code")
    now = pd.DataFrame(_snapshot(evaluation)).set_index("agency_code")
    joined = then[["score", "rank", "tier"]].merge(
        now[["score", "rank", "tier"]],
        how="outer",
        left_index=True,
        right_index=True,
        suffixes=("_published", "_now"),
    )
    score_moved = ~np.isclose(
        joined["score_published"].astype(float),
        joined["score_now"].astype(float),
        atol=1e-9,
        equal_nan=True,
    )
    other_moved = (joined["rank_published"].astype(str) != joined["rank_now"].astype(str)) | (
        joined["tier_published"].astype(str) != joined["tier_now"].astype(str)
    )
    moves = joined[score_moved | other_moved.to_numpy()].reset_index()
    ids = repository.current_submission_ids(engine, evaluation.period.months)
    return Comparison(
        published_id=int(latest["id"]),
        published_at=latest["published_at"],
        framework_changed=latest["fingerprint"] != framework.fingerprint,
        data_changed=json.loads(latest["submission_ids"]) != ids,
        moves=moves,
    )


# -- upload preview ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Preview:
    """What an upload would do, before anything is stored."""

    checked: Checked
    changes: pd.DataFrame  # agency_code, period, field, current, new, change (new/changed)
    table: pd.DataFrame  # the file as read, text cells, for showing problems in place


def preview_upload(
    engine: Engine,
    framework: Framework,
    raw: bytes,
    name: str,
    as_agency: str | None,
    today: date,
) -> Preview:
    """Validate a file and list, figure by figure, what it changes against the current data."""
    checked, current, table = _check_file(engine, framework, raw, name, as_agency, today)
    return Preview(checked, _changes(checked, current, row_numbers(table)), table)


def _changes(checked: Checked, current: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Figure by figure, what storing the checked rows changes (new, changed or removed).

    Only rows without errors are compared, so a refused row never shows stored figures. Fields
    the file has no value for in any row keep their stored values (see the store's commit) and
    are not listed; a blank cell in a column with values elsewhere removes that figure.
    """
    columns = ["agency_code", "period", "field", "current", "new", "change"]
    refused = {issue.row for issue in checked.errors}
    figures = checked.figures[[int(row) not in refused for row in rows]]
    given = repository.given_fields(figures)
    if figures.empty or not given:
        return pd.DataFrame(columns=columns)
    new = figures[["agency_code", "period", *given]].melt(
        id_vars=["agency_code", "period"], var_name="field", value_name="new"
    )
    stored = [c for c in given if c in current.columns]
    if current.empty or not stored:
        old = pd.DataFrame(columns=["agency_code", "period", "field", "current"])
    else:
        old = current[["agency_code", "period", *stored]].melt(
            id_vars=["agency_code", "period"], var_name="field", value_name="current"
        )
    merged = new.merge(old, on=["agency_code", "period", "field"], how="left")
    has_old, has_new = merged["current"].notna(), merged["new"].notna()
    merged["change"] = np.select(
        [has_new & ~has_old, ~has_new & has_old, has_new & (merged["current"] != merged["new"])],
        ["new", "removed", "changed"],
        "unchanged",
    )
    return merged.loc[merged["change"] != "unchanged", columns].reset_index(drop=True)


def restore(engine: Engine, submission_id: int, actor: str) -> int:
    """Make an earlier version of an agency-month current again, as a new version."""
    return repository.restore(engine, submission_id, actor)


# -- dashboard --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """Everything stored that scoring and the dashboard read, at one data version."""

    version: str
    agencies: pd.DataFrame  # code, name, name_zh, type, active, synthetic
    figures: pd.DataFrame  # current figures: agency_code, period, one column per field
    submissions: pd.DataFrame  # every version, figures left out

    @property
    def empty(self) -> bool:
        """True when no agency is registered yet."""
        return self.agencies.empty

    @property
    def synthetic(self) -> bool:
        """True when the stored agencies are the synthetic demo."""
        return bool(len(self.agencies)) and bool(self.agencies["synthetic"].any())

    @property
    def months(self) -> tuple[str, ...]:
        """Months with at least one current submission, oldest first."""
        if self.figures.empty:
            return ()
        return tuple(sorted(self.figures["period"].unique()))


def data_version(engine: Engine) -> str:
    """A token that changes whenever stored figures, agencies or publications change."""
    return repository.data_version(engine)


def load_dataset(engine: Engine) -> Dataset:
    """Read agencies, current figures and the submission log."""
    version = repository.data_version(engine)
    return Dataset(
        version=version,
        agencies=repository.agencies(engine),
        figures=repository.current_figures(engine),
        submissions=repository.submissions(engine),
    )


def make_evaluator(framework: Framework, dataset: Dataset) -> Evaluator | None:
    """An evaluator over the stored figures; None while there are none."""
    agencies = dataset.agencies[dataset.agencies["active"].astype(bool)]
    figures = dataset.figures
    if not figures.empty:
        figures = figures[figures["agency_code"].isin(agencies["code"])]
    if figures.empty:
        return None
    known = [c for c in figures.columns if c in ("period", *framework.field_ids())]
    return Evaluator(framework, figures[["agency_code", *known]], agencies.reset_index(drop=True))


def period_choices(dataset: Dataset, kind: str) -> list[str]:
    """Labels of the months, quarters or years that have figures, newest first."""
    labels = {parse_period(m).label for m in dataset.months}
    if kind == "quarter":
        labels = {f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in dataset.months}
    elif kind == "year":
        labels = {m[:4] for m in dataset.months}
    return sorted(labels, reverse=True)


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

    headline: pd.DataFrame
    received: int
    expected: int
    late: int
    tiers: pd.DataFrame  # tier, label, colour, agencies
    top: pd.DataFrame
    bottom: pd.DataFrame
    climbers: pd.DataFrame
    fallers: pd.DataFrame
    red_lines: pd.DataFrame  # agency_code, agency_name, red_lines, tier_by_score, tier


LEAGUE_COLUMNS = ["rank", "rank_change", "agency_name", "agency_type", "score", "tier"]


def overview(
    viewer: Viewer, framework: Framework, dataset: Dataset, evaluation: Evaluation, now: datetime
) -> Overview:
    """City-wide figures, tiers, leaders, movers and red-line events of a period."""
    require(viewer.sees_everything, viewer, "see the city-wide overview")
    types = dataset.agencies.set_index("code")["type"]
    months = list(evaluation.period.months)
    status = submission_matrix(
        dataset.submissions,
        list(dataset.agencies.loc[dataset.agencies["active"], "code"]),
        months,
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
                "label": f"{t.label} {t.label_zh}".strip(),
                "colour": t.colour,
                "agencies": int(counts.get(t.id, 0)),
            }
            for t in framework.tiers
        ]
    )
    moved = ranked[ranked["rank_change"].notna()]
    rules = {rule.target or "no_submission": rule for rule in framework.red_lines}
    tripped = [
        [
            rules[flag.split(":", 1)[1]]
            for flag in str(flags).split("; ")
            if flag.startswith("red_line:")
        ]
        for flags in table["flags"]
    ]
    events = table.assign(
        red_lines=["; ".join(f"{r.reason} ({r.describe()})" for r in hit) for hit in tripped]
    )[[bool(hit) for hit in tripped]]
    return Overview(
        headline=headline_figures(dataset.figures, types, evaluation.period),
        received=int((due["versions"] > 0).sum()),
        expected=len(due),
        late=int(due["status"].isin([LATE, LATE_REVISED]).sum()),
        tiers=tiers,
        top=ranked.head(5)[LEAGUE_COLUMNS],
        bottom=ranked.tail(5).iloc[::-1][LEAGUE_COLUMNS],
        climbers=moved[moved["rank_change"] > 0]
        .sort_values("rank_change", ascending=False)
        .head(5)[LEAGUE_COLUMNS],
        fallers=moved[moved["rank_change"] < 0].sort_values("rank_change").head(5)[LEAGUE_COLUMNS],
        red_lines=events[["agency_code", "agency_name", "red_lines", "tier_by_score", "tier"]],
    )


def league_table(viewer: Viewer, evaluation: Evaluation, types: list[str] | None) -> pd.DataFrame:
    """The ranked table with one column per dimension, optionally of some agency types only."""
    table = evaluation.table
    if types:
        table = table[table["agency_type"].isin(types)]
    require(viewer.sees_everything, viewer, "see the draft league table")
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
        *dims,
        "tier_reasons",
        "flags",
    ]
    return table.sort_values(["rank", "agency_name"])[columns].reset_index(drop=True)


# An agency user sees a median of its peers only when at least this many other agencies of its
# type have a value, so that no median can be traced back to one known agency's score.
PEER_GROUP_MINIMUM = 5


@dataclass(frozen=True)
class Profile:
    """One agency's result for a period, how it got there and how it has moved."""

    explanation: Explanation
    dimensions: pd.DataFrame  # dimension, label, label_zh, score, type_median
    indicators: pd.DataFrame  # indicator, dimension, status, value, score, weight, contribution,
    # peer_median
    timeline: pd.DataFrame  # period, score, rank, tier
    flags: list[str]
    submissions: pd.DataFrame


def agency_profile(
    viewer: Viewer,
    dataset: Dataset,
    evaluation: Evaluation,
    history_frame: pd.DataFrame,
    code: str,
    now: datetime,
) -> Profile:
    """Everything the profile page shows of one agency for one period."""
    require(viewer.may_see_agency(code), viewer, f"see the profile of agency {code}")
    if code not in set(evaluation.table["agency_code"]):
        raise InputError(f'no agency with code "{code}"')
    explanation = evaluation.explain(code)
    table = evaluation.table
    peers = table[table["agency_type"] == explanation.agency_type]
    if not viewer.sees_everything:
        peers = peers[peers["agency_code"] != code]
    framework = evaluation.framework

    def peer_median(column: str) -> float:
        values = peers[column].dropna()
        if not viewer.sees_everything and len(values) < PEER_GROUP_MINIMUM:
            return float("nan")
        return float(values.median()) if len(values) else float("nan")

    dimensions = pd.DataFrame(
        [
            {
                "dimension": d.id,
                "label": d.label,
                "label_zh": d.label_zh,
                "score": explanation.dimensions.get(d.id),
                "type_median": peer_median(f"dim.{d.id}"),
            }
            for d in framework.dimensions
        ]
    )
    indicators = pd.DataFrame(
        [
            {
                "indicator": line.label,
                "dimension": line.dimension_id,
                "status": line.status,
                "value": line.value,
                "score": line.score,
                "weight": line.effective_weight,
                "contribution": line.contribution,
                "peer_median": peer_median(f"ind.{line.indicator_id}"),
            }
            for line in explanation.indicators
        ]
    )
    row = table[table["agency_code"] == code].iloc[0]
    flags = [f for f in str(row["flags"]).split("; ") if f]
    subs = dataset.submissions[dataset.submissions["agency_code"] == code]
    late = submission_matrix(
        subs, [code], list(evaluation.period.months), framework.submission_deadline_day, now
    )
    flags += [f"{r.status}: {r.period}" for r in late.itertuples() if r.status != ON_TIME]
    mine = history_frame[history_frame["agency_code"] == code] if len(history_frame) else None
    return Profile(
        explanation=explanation,
        dimensions=dimensions,
        indicators=indicators,
        timeline=pd.DataFrame() if mine is None else mine.reset_index(drop=True),
        flags=flags,
        submissions=subs.sort_values("id", ascending=False).reset_index(drop=True),
    )


@dataclass(frozen=True)
class IndicatorDetail:
    """One indicator across agencies and over time."""

    heatmap: pd.DataFrame  # agencies x indicators, scores
    values: pd.DataFrame  # agency_name, agency_type, value, score (agencies it applies to)
    trend: pd.DataFrame  # period, field, total


def indicator_detail(
    viewer: Viewer, dataset: Dataset, evaluation: Evaluation, indicator_id: str
) -> IndicatorDetail:
    """The heatmap of every score, one indicator's spread, and the raw totals behind it."""
    require(viewer.sees_everything, viewer, "compare every agency's indicators")
    framework = evaluation.framework
    indicator = framework.indicator(indicator_id)
    names = evaluation.table.set_index("agency_code")["agency_name"]
    heat = evaluation.frame("scores").rename(index=names.to_dict())
    heat.columns = [
        f"{framework.indicator(i).label}<br>{framework.indicator(i).label_zh}".removesuffix("<br>")
        for i in heat.columns
    ]
    table = evaluation.table
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
    figures = dataset.figures
    if indicator.applies_to is not None and not figures.empty:
        figures = figures[figures["agency_code"].map(types).isin(indicator.applies_to)]
    trend = (
        figures.groupby("period")[fields].sum(min_count=1).reset_index()
        if fields and not figures.empty
        else pd.DataFrame(columns=["period"])
    )
    return IndicatorDetail(
        heatmap=heat.sort_index(),
        values=values.reset_index(drop=True),
        trend=trend.melt(id_vars="period", var_name="field", value_name="total").assign(
            field=lambda t: t["field"].map(
                {f.id: f"{f.label} {f.label_zh}".strip() for f in framework.fields}
            )
        ),
    )


def submission_overview(
    viewer: Viewer, framework: Framework, dataset: Dataset, months: list[str], now: datetime
) -> pd.DataFrame:
    """Status of every agency-month (on time, late, missing, revised) with the last uploader."""
    codes = list(dataset.agencies["code"])
    if not viewer.sees_everything:
        codes = [c for c in codes if viewer.may_see_agency(c)]
    matrix = submission_matrix(
        dataset.submissions, codes, months, framework.submission_deadline_day, now
    )
    names = dataset.agencies.set_index("code")["name"]
    matrix.insert(1, "agency_name", matrix["agency_code"].map(names))
    return matrix


def publication_state(engine: Engine, evaluation: Evaluation) -> str:
    """ "published on … with framework …" when this exact result is published, else "draft"."""
    rows = repository.published(engine, evaluation.period.label)
    ids = repository.current_submission_ids(engine, evaluation.period.months)
    for row in rows.to_dict("records"):
        fingerprint = str(row["fingerprint"])
        if fingerprint == evaluation.fingerprint and json.loads(str(row["submission_ids"])) == ids:
            when = pd.Timestamp(str(row["published_at"])).strftime("%Y-%m-%d %H:%M")
            return (
                f"published on {when} UTC by {row['published_by']} "
                f"with framework {fingerprint[:12]}"
            )
    return "draft"


def published_list(engine: Engine) -> pd.DataFrame:
    """Every publication, newest first: id, period, fingerprint, published_by, published_at."""
    rows = repository.published(engine)
    return rows[["id", "period", "fingerprint", "published_by", "published_at"]]


def commit_upload(
    engine: Engine,
    framework: Framework,
    raw: bytes,
    name: str,
    viewer: Viewer,
    as_agency: str | None,
    today: date,
) -> list[int]:
    """Validate an uploaded file again and store it; refuse it whole on any problem."""
    if as_agency is not None:
        require(viewer.may_upload_for(as_agency), viewer, f"upload figures for {as_agency}")
    elif not viewer.sees_everything:
        as_agency = viewer.agency
    checked, _current, _table = _check_file(engine, framework, raw, name, as_agency, today)
    if not checked.ok:
        raise UploadError(name, list(checked.errors))
    # A coordinator's upload is on behalf of the agency named, or of each row's agency.
    on_behalf = (as_agency or repository.EACH_ROW_AGENCY) if viewer.sees_everything else ""
    meta = repository.UploadMeta(
        uploaded_by=viewer.name,
        source_file=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        on_behalf_of=on_behalf,
    )
    return repository.commit_figures(engine, checked.figures, meta)


def agencies_template(framework: Framework) -> bytes:
    """A CSV to fill in with the city's agencies: the columns and one example row per type."""
    rows = [
        {"code": f"{t.id.upper()[:2]}01", "name": f"Example {t.label}", "name_zh": "", "type": t.id}
        for t in framework.agency_types
    ]
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8-sig")


def register_agencies(engine: Engine, framework: Framework, raw: bytes, name: str) -> int:
    """Add the agencies of a file (code, name, name_zh, type); returns how many were new."""
    table = read_table_bytes(raw, name)
    checked = check_agencies(framework, table)
    return repository.add_agencies(engine, checked)


def served_framework(engine: Engine, status: FrameworkStatus) -> tuple[Framework | None, str]:
    """The framework to serve and a note: the file when valid, else the last valid one kept."""
    if status.framework is not None:
        framework = status.framework
        repository.remember_framework(
            engine, framework.fingerprint, framework.text, str(status.path)
        )
        return framework, ""
    kept = repository.last_framework(engine)
    if kept is None:
        return None, "no earlier valid framework is stored, so nothing can be scored"
    framework = parse_framework(str(kept["text"]), str(kept["source"]))
    when = pd.Timestamp(str(kept["last_served"])).strftime("%Y-%m-%d %H:%M")
    return framework, (
        f"serving the last valid framework ({framework.short_fingerprint}, "
        f"last loaded {when} UTC) until the file is fixed"
    )


def export_ranking(viewer: Viewer, evaluation: Evaluation, kind: str) -> bytes:
    """The ranked table of the draft as CSV or XLSX, formula-safe."""
    require(viewer.sees_everything, viewer, "download the draft league table")
    columns = score_columns(evaluation.framework)
    if kind == "xlsx":
        return to_xlsx(evaluation, columns)
    if kind == "csv":
        return to_csv(evaluation, columns)
    raise InputError(f'export format: expected "csv" or "xlsx", got "{kind}"')


def store_is_empty(engine: Engine) -> bool:
    """True while no agency is registered."""
    return repository.agencies(engine).empty


def upload_preview(
    viewer: Viewer,
    engine: Engine,
    framework: Framework,
    raw: bytes,
    name: str,
    as_agency: str | None,
    today: date,
) -> Preview:
    """Preview an upload as this viewer: agency users only ever for their own agency."""
    if as_agency is not None:
        require(viewer.may_upload_for(as_agency), viewer, f"upload figures for {as_agency}")
    elif not viewer.sees_everything:
        as_agency = viewer.agency
    return preview_upload(engine, framework, raw, name, as_agency, today)


def upload_template(framework: Framework, agency_type: str, today: date) -> bytes:
    """The XLSX template of one agency type, its example row dated last month."""
    if agency_type not in framework.type_ids():
        raise InputError(
            f'agency type: expected one of {", ".join(framework.type_ids())}, got "{agency_type}"'
        )
    return template_xlsx(framework, agency_type, "CODE", demo.last_complete_month(today))


def agency_submissions(viewer: Viewer, dataset: Dataset, code: str) -> pd.DataFrame:
    """Every version an agency has uploaded, newest first."""
    require(viewer.may_see_agency(code), viewer, f"see the uploads of agency {code}")
    subs = dataset.submissions
    return subs[subs["agency_code"] == code].sort_values("id", ascending=False)


def restore_version(viewer: Viewer, engine: Engine, submission_id: int) -> int:
    """Make an earlier version current again as this viewer: whoever may upload for the agency."""
    code = repository.submission_agency(engine, submission_id)
    if code is None:
        raise InputError(f"there is no submission with id {submission_id}")
    require(viewer.may_upload_for(code), viewer, f"restore figures of agency {code}")
    return repository.restore(engine, submission_id, viewer.name)


def publication_check(
    viewer: Viewer, engine: Engine, framework: Framework, period: str
) -> Comparison | None:
    """Today's evaluation of a period against its publication (coordinators and admins)."""
    require(viewer.sees_everything, viewer, "compare drafts with publications")
    return compare_with_published(engine, framework, period)


def publications(viewer: Viewer, engine: Engine) -> pd.DataFrame:
    """Every publication, newest first (coordinators and admins)."""
    require(viewer.sees_everything, viewer, "list the publications")
    return published_list(engine)


def publish_period(viewer: Viewer, engine: Engine, framework: Framework, period: str) -> int:
    """Publish a period as this viewer (coordinators and admins only)."""
    require(viewer.sees_everything, viewer, "publish evaluations")
    return publish(engine, framework, period, viewer.name)


def framework_tree(framework: Framework) -> pd.DataFrame:
    """One row per indicator with its dimension and effective share of the overall weight."""
    rows = []
    for dim in framework.dimensions:
        for ind in dim.indicators:
            goalposts = (
                f"{ind.normalise.worst:g} → {ind.normalise.best:g}"
                if ind.normalise.method == "goalposts"
                else ind.normalise.scope
            )
            rows.append(
                {
                    "dimension": f"{dim.label} {dim.label_zh}".strip(),
                    "indicator": f"{ind.label} {ind.label_zh}".strip(),
                    "direction": ind.direction,
                    "normalise": ind.normalise.method,
                    "goalposts / scope": goalposts,
                    "applies to": ", ".join(ind.applies_to or ("every type",)),
                }
            )
    shares = whatif.effective_shares(framework)
    return pd.DataFrame(rows).assign(
        **{
            "share of dimension": shares["of_dimension"].to_numpy(),
            "share of total (all apply)": shares["of_total"].to_numpy(),
        }
    )


# -- accounts ---------------------------------------------------------------------------------
CONSOLE = "console"  # the actor recorded for commands run at the server's own console


@cache
def _unknown_user_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as known ones."""
    return accounts.hash_password("never-a-password-of-anyone")


def console_actor(engine: Engine, name: str) -> str:
    """The name a console command records as its actor: `cli`, or an existing active account."""
    name = name.strip()
    if name == CONSOLE:
        return name
    account = account_store.user(engine, name)
    if account is None or not account["active"]:
        raise InputError(
            f"--user: expected the username of an active account (or leave it out to record "
            f'"{CONSOLE}"), got "{name}"'
        )
    return name


def has_users(engine: Engine) -> bool:
    """True once the first account exists."""
    return account_store.count_users(engine) > 0


def create_user(
    engine: Engine,
    actor: Viewer | None,
    username: str,
    role: str,
    password: str,
    agency: str | None = None,
    email: str = "",
) -> int:
    """Create an account. `actor` None is the console, or the first-run screen of an empty store."""
    if actor is not None:
        require(actor.role == "admin", actor, "manage accounts")
    name = accounts.check_username(username)
    accounts.check_role(role, agency)
    if agency is not None and agency not in set(repository.agencies(engine)["code"]):
        raise InputError(f'agency: no agency with code "{agency}"')
    taken = set(account_store.users(engine)["email"].str.strip().str.lower()) - {""}
    if email.strip().lower() in taken:
        raise InputError(
            f'email: "{email.strip()}" already belongs to another account; single sign-on maps '
            "an email to exactly one account"
        )
    now = utcnow()
    record: dict[str, object] = {
        "username": name,
        "role": role,
        "agency_code": agency,
        "email": email.strip(),
        "password_hash": accounts.hash_password(password),
        "active": True,
        "demo": False,
        "failed_logins": 0,
        "created_at": now,
        "password_changed_at": now,
    }
    return account_store.add_user(engine, record, actor.name if actor else CONSOLE)


def create_first_admin(engine: Engine, username: str, password: str, email: str = "") -> int:
    """The first account, from the first-run screen; refused once any account exists."""
    if has_users(engine):
        raise PermissionDeniedError("the first administrator already exists; sign in instead")
    return create_user(engine, None, username, "admin", password, email=email)


def list_users(engine: Engine, actor: Viewer | None) -> pd.DataFrame:
    """Every account without its password hash."""
    if actor is not None:
        require(actor.role == "admin", actor, "see the accounts")
    return account_store.users(engine)


def set_user_active(engine: Engine, actor: Viewer | None, username: str, active: bool) -> None:
    """Disable or enable an account; a disabled account cannot sign in."""
    if actor is not None:
        require(actor.role == "admin", actor, "manage accounts")
    action = "user.enable" if active else "user.disable"
    account_store.change_user(
        engine,
        username,
        {"active": active},
        actor.name if actor else CONSOLE,
        action,
        end_sessions_at=None if active else utcnow(),
    )


def reset_password(engine: Engine, actor: Viewer | None, username: str, password: str) -> None:
    """Give an account a new password; it also unlocks the account."""
    if actor is not None:
        require(actor.role == "admin", actor, "reset passwords")
    values: dict[str, object] = {
        "password_hash": accounts.hash_password(password),
        "password_changed_at": utcnow(),
        "failed_logins": 0,
        "locked_until": None,
    }
    account_store.change_user(
        engine,
        username,
        values,
        actor.name if actor else CONSOLE,
        "user.reset_password",
        end_sessions_at=utcnow(),
    )


def sign_in(engine: Engine, username: str, password: str, now: datetime) -> tuple[str, Viewer]:
    """Check a username and password; a session token and the viewer, or AuthenticationError."""
    account = account_store.user(engine, username.strip())
    if account is None:
        accounts.verify_password(_unknown_user_hash(), password)  # same time as a real check
        # A password typed into the username field must not land in the audit log.
        typed = username.strip()
        shown = typed if accounts.USERNAME.match(typed) else "(not a username)"
        account_store.audit(engine, shown, "login.failed", {"reason": "unknown"})
        raise AuthenticationError(accounts.SIGN_IN_FAILED)
    user_id = int(str(account["id"]))
    locked_until = account["locked_until"]
    is_locked = isinstance(locked_until, datetime) and accounts.locked(_aware(locked_until), now)
    good = accounts.verify_password(str(account["password_hash"]), password)
    if is_locked or not account["active"] or not good:
        reason = "locked" if is_locked else "disabled" if not account["active"] else "password"
        details: dict[str, object] = {"reason": reason}
        if reason == "password" and account_store.failed_login(
            engine, user_id, accounts.MAX_FAILED_LOGINS, now + accounts.LOCKOUT
        ):
            details["locked_until"] = (now + accounts.LOCKOUT).isoformat()
        account_store.audit(engine, str(account["username"]), "login.failed", details)
        raise AuthenticationError(accounts.SIGN_IN_FAILED)
    token, digest = accounts.new_token()
    account_store.start_session(engine, user_id, digest, now)
    account_store.audit(engine, str(account["username"]), "login", {})
    viewer = Viewer(str(account["username"]), account["role"], account["agency_code"])  # type: ignore[arg-type]
    return token, viewer


def viewer_for(engine: Engine, token: str | None, now: datetime) -> Viewer | None:
    """The viewer of a session token; None when it is unknown, ended, idle too long or disabled."""
    if not token:
        return None
    digest = accounts.token_digest(token)
    row = account_store.session(engine, digest)
    if row is None or row["ended_at"] is not None or not row["active"]:
        return None
    if accounts.expired(_aware(row["last_seen"]), now):  # type: ignore[arg-type]
        account_store.end_session(engine, digest, now)
        account_store.audit(engine, str(row["username"]), "session.expired", {})
        return None
    if now - _aware(row["last_seen"]) > SESSION_TOUCH:  # type: ignore[arg-type]
        account_store.touch_session(engine, digest, now)
    return Viewer(str(row["username"]), row["role"], row["agency_code"])  # type: ignore[arg-type]


def sign_out(engine: Engine, token: str, now: datetime) -> None:
    """End a session."""
    digest = accounts.token_digest(token)
    row = account_store.session(engine, digest)
    account_store.end_session(engine, digest, now)
    if row is not None:
        account_store.audit(engine, str(row["username"]), "logout", {})


SESSION_TOUCH = timedelta(minutes=1)  # idle time is tracked to the minute, not every rerun


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def setup_demo(
    viewer: Viewer, engine: Engine, framework: Framework, today: date
) -> list[DemoAccount]:
    """Load the demo into an empty store with its demo accounts; returns them with passwords."""
    require(viewer.sees_everything, viewer, "load the demo data")
    load_demo(engine, framework, today)
    return create_demo_accounts(engine)


def register_agencies_as(
    viewer: Viewer, engine: Engine, framework: Framework, raw: bytes, name: str
) -> int:
    """Register agencies from a file, as an administrator."""
    require(viewer.role == "admin", viewer, "register agencies")
    return register_agencies(engine, framework, raw, name)


LEAGUE_PUBLIC = ["rank", "agency_name", "agency_type", "tier", "score"]


def published_league(engine: Engine, period: str) -> pd.DataFrame | None:
    """The latest published league table of a period (rank, agency, type, tier, score), or None.

    This is what agency users see of other agencies: never a draft, never anyone's figures.
    """
    label = parse_period(period).label
    rows = repository.published(engine, label)
    if rows.empty:
        return None
    latest = rows.iloc[0]
    table = pd.DataFrame(json.loads(str(latest["results"])))
    table = table[table["rank"].notna()].sort_values(["rank", "agency_name"])
    return table[LEAGUE_PUBLIC].reset_index(drop=True)


AUDIT_ACTIONS = [
    "login",
    "login.failed",
    "logout",
    "session.expired",
    "upload",
    "restore",
    "publish",
    "framework.served",
    "agencies.add",
    "agency.disable",
    "agency.enable",
    "framework.replace",
    "user.add",
    "user.disable",
    "user.enable",
    "user.reset_password",
]


def audit_trail(
    viewer: Viewer,
    engine: Engine,
    actions: list[str] | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
) -> pd.DataFrame:
    """The audit log for administrators, newest first, filtered."""
    require(viewer.role == "admin", viewer, "read the audit log")
    log = repository.audit_log(engine, actions, actor, since, until)
    return log.iloc[::-1].reset_index(drop=True)


def audit_csv(log: pd.DataFrame) -> bytes:
    """An audit extract as CSV (UTF-8 with BOM), every text cell formula-safe."""
    safe = log.astype(object).map(safe_cell)
    return safe.to_csv(index=False).encode("utf-8-sig")


@dataclass(frozen=True)
class DemoAccount:
    """A demo account and its password, shown once when the demo is loaded."""

    username: str
    role: str
    agency: str | None
    password: str


def create_demo_accounts(engine: Engine) -> list[DemoAccount]:
    """A demo coordinator and one agency user per agency type; only in a synthetic database."""
    agencies = repository.agencies(engine)
    if agencies.empty or not agencies["synthetic"].all():
        raise PermissionDeniedError("demo accounts exist only in a database of synthetic demo data")
    made = [DemoAccount("demo-coordinator", "coordinator", None, accounts.new_password())]
    for agency_type, group in agencies.sort_values("code").groupby("type", sort=True):
        code = str(group["code"].iloc[0])
        made.append(DemoAccount(f"demo-{agency_type}", "agency", code, accounts.new_password()))
    now = utcnow()
    for account in made:
        record: dict[str, object] = {
            "username": account.username,
            "role": account.role,
            "agency_code": account.agency,
            "email": "",
            "password_hash": accounts.hash_password(account.password),
            "active": True,
            "demo": True,
            "failed_logins": 0,
            "created_at": now,
            "password_changed_at": now,
        }
        account_store.add_user(engine, record, "demo")
    return made


def demo_usernames(engine: Engine) -> list[str]:
    """The demo accounts of this database (none outside a demo)."""
    table = account_store.users(engine)
    return sorted(table.loc[table["demo"].astype(bool), "username"])


def sign_in_by_email(engine: Engine, email: str, now: datetime) -> tuple[str, Viewer]:
    """Single sign-on: the identity provider vouched for `email`; map it to an active account."""
    wanted = email.strip().lower()
    table = account_store.users(engine)
    match = table[(table["email"].str.lower() == wanted) & table["active"].astype(bool)]
    if not wanted or len(match) != 1:
        account_store.audit(engine, wanted[:120] or "?", "login.failed", {"method": "sso"})
        if len(match) > 1:
            raise AuthenticationError(
                f"Single sign-on worked, but {len(match)} active accounts share this email "
                "address, so it cannot tell which one is yours. Ask an administrator to keep "
                "the address on one account only."
            )
        raise AuthenticationError(
            "Single sign-on worked, but no active account has this email address. "
            "Ask an administrator to add it to your account."
        )
    username = str(match["username"].iloc[0])
    account = account_store.user(engine, username)
    assert account is not None
    token, digest = accounts.new_token()
    account_store.start_session(engine, int(str(account["id"])), digest, now)
    account_store.audit(engine, username, "login", {"method": "sso"})
    return token, Viewer(username, account["role"], account["agency_code"])  # type: ignore[arg-type]


def set_agency_active(viewer: Viewer, engine: Engine, code: str, active: bool) -> None:
    """Take an agency out of the evaluation or back in (administrators)."""
    require(viewer.role == "admin", viewer, "manage agencies")
    repository.set_agency_active(engine, code, active, viewer.name)


def replace_framework(
    viewer: Viewer, engine: Engine, path: Path, text: str, now: datetime
) -> tuple[Framework, Path | None]:
    """Validate a new framework text, keep a timestamped backup, then write it atomically.

    Nothing is written when the text is invalid (FrameworkError lists every problem).
    """
    require(viewer.role == "admin", viewer, "replace the framework file")
    framework = parse_framework(text, path.name)
    backup = None
    if path.exists():
        backup = path.with_name(f"{path.stem}.{now:%Y%m%d-%H%M%S}{path.suffix}.bak")
        backup.write_bytes(path.read_bytes())
    staging = path.with_name(f".{path.name}.new")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)
    repository.record(
        engine,
        viewer.name,
        "framework.replace",
        {"fingerprint": framework.fingerprint, "backup": str(backup) if backup else None},
    )
    repository.remember_framework(engine, framework.fingerprint, framework.text, str(path))
    return framework, backup


def reload_framework(viewer: Viewer, engine: Engine, path: Path) -> FrameworkStatus:
    """Read the framework file again at an administrator's request, and record who asked."""
    require(viewer.role == "admin", viewer, "reload the framework file")
    status = framework_status(path)
    details: dict[str, object] = {"file": str(path), "valid": status.framework is not None}
    if status.framework is not None:
        details["fingerprint"] = status.framework.fingerprint
    repository.record(engine, viewer.name, "framework.reload", details)
    return status


# -- weights workbench ------------------------------------------------------------------------
def reweight(
    viewer: Viewer, framework: Framework, dimensions: dict[str, float], indicators: dict[str, float]
) -> Framework:
    """The framework with new weights (validated; FrameworkError when the set is invalid)."""
    require(viewer.sees_everything, viewer, "try other weights")
    return whatif.reweighted(framework, dimensions, indicators)


def weight_suggestions(viewer: Viewer, evaluation: Evaluation) -> dict[str, pd.DataFrame]:
    """Entropy and CRITIC suggestions for the period, per dimension."""
    require(viewer.sees_everything, viewer, "see weight suggestions")
    return {method: suggest_weights(evaluation, method) for method in ("entropy", "critic")}


def uncertainty_analysis(
    viewer: Viewer,
    evaluation: Evaluation,
    samples: int,
    noise: float | tuple[float, float],
    seed: int,
    methods: tuple[str, ...] = (),
) -> uncertainty.Uncertainty:
    """Rank and tier distributions of a period under perturbed weights (f per indicator and
    dimension level when `noise` is a pair) and, with `methods`, drawn normalisations."""
    require(viewer.sees_everything, viewer, "run an uncertainty analysis")
    return uncertainty.uncertainty(uncertainty.model_of(evaluation, methods), samples, noise, seed)


def sensitivity_analysis(
    viewer: Viewer,
    evaluation: Evaluation,
    samples: int,
    noise: float | tuple[float, float],
    seed: int,
    bootstrap: int,
    methods: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sobol indices of every weight (and, with `methods`, every normalisation choice) and the
    leave-one-indicator-out table."""
    require(viewer.sees_everything, viewer, "run a sensitivity analysis")
    model = uncertainty.model_of(evaluation, methods)
    return (
        uncertainty.sobol(model, samples, noise, seed, bootstrap),
        uncertainty.leave_one_out(model),
    )
