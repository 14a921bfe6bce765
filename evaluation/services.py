"""Use cases the dashboard and the command line call: framework, store, uploads, scoring."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import pandas as pd

from evaluation import demo
from evaluation.demo import DemoData
from evaluation.engine import Evaluation, evaluate
from evaluation.errors import FrameworkError, InputError, StorageError, UploadError
from evaluation.framework import Framework, load_framework
from evaluation.ingest.readers import read_table_bytes
from evaluation.ingest.validate import check_upload, parse_month
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
    table = read_table_bytes(raw, path.name)
    known = repository.agencies(engine)
    types = dict(zip(known["code"], known["type"], strict=True))
    checked = check_upload(
        framework,
        table,
        types,
        today,
        allowed={as_agency} if as_agency else None,
        previous=repository.current_figures(engine),
    )
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
