"""Use cases the dashboard and the command line call: framework, store, uploads, scoring."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation import demo
from evaluation.demo import DemoData
from evaluation.engine import Evaluation, evaluate
from evaluation.errors import FrameworkError, InputError, StorageError, UploadError
from evaluation.framework import Framework, load_framework
from evaluation.ingest.readers import read_table_bytes
from evaluation.ingest.validate import Checked, check_upload, parse_month
from evaluation.settings import setting
from evaluation.storage import repository
from evaluation.storage.db import Engine, current_revision, make_engine, upgrade


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
) -> tuple[Checked, pd.DataFrame]:
    """Read and validate an uploaded file against the stored agencies and current figures."""
    table = read_table_bytes(raw, name)
    known = repository.agencies(engine)
    types = dict(zip(known["code"], known["type"], strict=True))
    current = repository.current_figures(engine)
    allowed = {as_agency} if as_agency else None
    return check_upload(framework, table, types, today, allowed, current), current


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
    checked, _current = _check_file(engine, framework, raw, path.name, as_agency, today)
    if not checked.ok:
        raise UploadError(path.name, list(checked.errors))
    meta = repository.UploadMeta(
        uploaded_by=actor,
        source_file=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        on_behalf_of=as_agency or "",
    )
    return repository.commit_figures(engine, checked.figures, meta)


def stored_evaluation(engine: Engine, framework: Framework, period: str) -> Evaluation:
    """Score a period from the current figures in the store."""
    figures = repository.current_figures(engine)
    known = [c for c in figures.columns if c in ("agency_code", "period", *framework.field_ids())]
    return evaluate(framework, figures[known], repository.agencies(engine), period)


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


def preview_upload(
    engine: Engine,
    framework: Framework,
    raw: bytes,
    name: str,
    as_agency: str | None,
    today: date,
) -> Preview:
    """Validate a file and list, figure by figure, what it changes against the current data."""
    checked, current = _check_file(engine, framework, raw, name, as_agency, today)
    new = checked.figures.melt(
        id_vars=["agency_code", "period"], var_name="field", value_name="new"
    ).dropna(subset=["new"])
    if current.empty:
        old = pd.DataFrame(columns=["agency_code", "period", "field", "current"])
    else:
        old = current.melt(
            id_vars=["agency_code", "period"], var_name="field", value_name="current"
        ).dropna(subset=["current"])
    merged = new.merge(old, on=["agency_code", "period", "field"], how="left")
    merged["change"] = np.where(
        merged["current"].isna(),
        "new",
        np.where(merged["current"] == merged["new"], "unchanged", "changed"),
    )
    changes = merged[merged["change"] != "unchanged"].reset_index(drop=True)
    return Preview(checked, changes[["agency_code", "period", "field", "current", "new", "change"]])


def restore(engine: Engine, submission_id: int, actor: str) -> int:
    """Make an earlier version of an agency-month current again, as a new version."""
    return repository.restore(engine, submission_id, actor)
