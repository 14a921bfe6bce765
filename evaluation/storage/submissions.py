"""Submissions: every uploaded version of an agency-month's figures, the current figures, the
history of a month, restores and the data version."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError, OperationalError

from evaluation.audit import AuditAction
from evaluation.errors import StorageError
from evaluation.i18n import N_
from evaluation.storage.audit import append
from evaluation.storage.models import Agency, PublishedEvaluation, Submission, utcnow

RETRIES = 5
CHUNK = 1000


# Recorded as each row's own agency: a coordinator's file covering several agencies.
EACH_ROW_AGENCY = "*"


@dataclass(frozen=True)
class UploadMeta:
    """Who uploaded what: recorded on every submission made by one upload."""

    uploaded_by: str
    source_file: str = ""
    sha256: str = ""
    note: str = ""
    on_behalf_of: str = ""  # an agency code, or EACH_ROW_AGENCY
    restored_from: int | None = None  # the submission a restore copies


def commit_figures(
    engine: Engine,
    figures: pd.DataFrame,
    meta: UploadMeta,
    uploaded_at: list[datetime] | None = None,
    carry_over: bool = True,
) -> list[int]:
    """Store every row (agency_code, period, fields...) as a new current version, all or nothing.

    With `carry_over`, fields the rows give no value for keep the superseded version's values
    (see `_figure_texts`); without it each row is stored exactly as given (a restore).

    The previous current version of each agency-month becomes superseded. When a concurrent
    upload takes the same version number first, the whole transaction is retried on top of it,
    so both uploads end up in the history and exactly one is current.
    """
    for attempt in range(RETRIES):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    # Take the write lock first: a concurrent upload waits for this one.
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                return _commit(conn, figures, meta, uploaded_at, carry_over)
        except (IntegrityError, OperationalError) as exc:
            if attempt == RETRIES - 1:
                raise StorageError(
                    N_(
                        "could not store the upload after {attempts} attempts: {error}",
                        attempts=RETRIES,
                        error=type(exc.orig).__name__,
                    )
                ) from exc
    raise AssertionError("unreachable")


def _commit(
    conn,
    figures: pd.DataFrame,
    meta: UploadMeta,
    uploaded_at: list[datetime] | None,
    carry_over: bool,
) -> list[int]:
    """One attempt at storing an upload inside an open transaction."""
    ids = dict(conn.execute(select(Agency.code, Agency.id)).all())
    unknown = sorted(set(figures["agency_code"]) - set(ids))
    if unknown:
        raise StorageError(N_("unknown agency code {codes}", codes=", ".join(map(str, unknown))))
    keys = [(ids[c], p) for c, p in zip(figures["agency_code"], figures["period"], strict=True)]
    _wait_for_agency_months(conn, keys)
    agency_ids = sorted({a for a, _ in keys})
    periods = sorted({p for _, p in keys})
    latest = {
        (a, p): v
        for a, p, v in conn.execute(
            select(Submission.agency_id, Submission.period, func.max(Submission.version))
            .where(Submission.agency_id.in_(agency_ids))
            .where(Submission.period.in_(periods))
            .group_by(Submission.agency_id, Submission.period)
        ).all()
    }
    now = utcnow()
    wanted = set(keys)
    stored = {
        (a, p): (sid, text)
        for sid, a, p, text in conn.execute(
            select(Submission.id, Submission.agency_id, Submission.period, Submission.figures)
            .where(Submission.status == "current")
            .where(Submission.agency_id.in_(agency_ids))
            .where(Submission.period.in_(periods))
        ).all()
        if (a, p) in wanted
    }
    current = [sid for sid, _text in stored.values()]
    for chunk in _chunks(current, CHUNK):
        conn.execute(update(Submission).where(Submission.id.in_(chunk)).values(status="superseded"))
    rows = [
        {
            "agency_id": a,
            "period": p,
            "version": latest.get((a, p), 0) + 1,
            "status": "current",
            "uploaded_by": meta.uploaded_by,
            "on_behalf_of": code if meta.on_behalf_of == EACH_ROW_AGENCY else meta.on_behalf_of,
            "uploaded_at": now if uploaded_at is None else uploaded_at[k],
            "source_file": meta.source_file,
            "sha256": meta.sha256,
            "note": meta.note,
            "restored_from": meta.restored_from,
            "figures": text,
        }
        for k, ((a, p), code, text) in enumerate(
            zip(
                keys,
                figures["agency_code"],
                _figure_texts(
                    figures,
                    [stored.get(key, (0, None))[1] if carry_over else None for key in keys],
                ),
                strict=True,
            )
        )
    ]
    new_ids = _insert_submissions(conn, rows)
    if meta.restored_from is not None:
        details = {"from": meta.restored_from, "to": new_ids}
        append(conn, meta.uploaded_by, AuditAction.RESTORE, details)
        return new_ids
    append(
        conn,
        meta.uploaded_by,
        AuditAction.UPLOAD,
        {
            "file": meta.source_file,
            "sha256": meta.sha256,
            "rows": len(rows),
            "on_behalf_of": meta.on_behalf_of,
            "submission_ids": new_ids,
        },
    )
    return new_ids


def _wait_for_agency_months(conn, keys: list[tuple[int, str]]) -> None:
    """On PostgreSQL, lock each agency-month for this transaction, in one order, so that
    concurrent uploads of the same month wait for each other instead of failing."""
    if conn.dialect.name != "postgresql":
        return
    numbers = sorted({a * 1_000_000 + int(p[:4]) * 100 + int(p[5:7]) for a, p in keys})
    for chunk in _chunks(numbers, CHUNK):
        conn.execute(
            sql("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"),
            {"keys": chunk},
        )


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def given_fields(figures: pd.DataFrame) -> list[str]:
    """The fields an upload gives: those with a value in at least one row. The others keep the
    values of the versions the upload supersedes."""
    return [
        c
        for c in figures.columns
        if c not in ("agency_code", "period") and bool(figures[c].notna().any())
    ]


def _figure_texts(figures: pd.DataFrame, stored: list[str | None]) -> list[str]:
    """Each row's figures as a JSON object {field: value}, blanks left out, keys sorted.

    A field the file gives no value for in any row (its column is missing or empty) keeps the
    value of the version it supersedes (`stored`, the JSON of the current version or None), so
    a file correcting a few fields never wipes the others; a blank cell in a column that has
    values elsewhere clears that field.
    """
    given = given_fields(figures)
    values = figures[given].to_numpy(dtype=float, na_value=np.nan).tolist()
    texts = []
    for row, before in zip(values, stored, strict=True):
        kept = {} if before is None else json.loads(before)
        for f, v in zip(given, row, strict=True):
            if v == v:
                kept[f] = v
            else:
                kept.pop(f, None)
        texts.append(json.dumps(dict(sorted(kept.items()))))
    return texts


def _insert_submissions(conn, rows: list[dict[str, object]]) -> list[int]:
    """Insert submission rows in batches; their ids in the order given."""
    statement = insert(Submission).returning(Submission.id, sort_by_parameter_order=True)
    return list(conn.execute(statement, rows).scalars())


def _parse_figures(text: str) -> dict[str, float]:
    """A submission's stored figures."""
    return {str(k): float(v) for k, v in json.loads(text).items()}


def figures_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(agency code, period, figures JSON) rows as the engine reads them."""
    if not rows:
        return pd.DataFrame(columns=["agency_code", "period"])
    keys = pd.DataFrame([(c, p) for c, p, _ in rows], columns=["agency_code", "period"])
    values = pd.DataFrame.from_records([_parse_figures(t) for _, _, t in rows], index=keys.index)
    values = values.reindex(columns=sorted(values.columns)).astype(float)
    return pd.concat([keys, values], axis=1)


def current_figures(engine: Engine, months: Iterable[str] | None = None) -> pd.DataFrame:
    """Current figures as the engine reads them: agency_code, period, one column per field."""
    query = (
        select(Agency.code, Submission.period, Submission.figures)
        .join(Submission, Submission.agency_id == Agency.id)
        .where(Submission.status == "current")
        .order_by(Agency.code, Submission.period)
    )
    if months is not None:
        query = query.where(Submission.period.in_(list(months)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return figures_frame([(c, p, t) for c, p, t in rows])


def history(engine: Engine, agency_code: str, period: str) -> pd.DataFrame:
    """Every version of one agency-month, newest first, with its figures as JSON."""
    query = (
        select(Submission)
        .join(Agency, Agency.id == Submission.agency_id)
        .where(Agency.code == agency_code, Submission.period == period)
        .order_by(Submission.version.desc())
    )
    with engine.connect() as conn:
        subs = conn.execute(query).mappings().all()
    return pd.DataFrame(
        [
            {**dict(s), "figures": json.dumps(_parse_figures(s["figures"]), sort_keys=True)}
            for s in subs
        ]
    )


def submission_agency(engine: Engine, submission_id: int) -> str | None:
    """The code of the agency a submission belongs to; None when there is no such submission."""
    query = (
        select(Agency.code)
        .join(Submission, Submission.agency_id == Agency.id)
        .where(Submission.id == submission_id)
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def restore(engine: Engine, submission_id: int, actor: str) -> int:
    """Make an old version current again by copying it as a new version."""
    with engine.connect() as conn:
        old = (
            conn.execute(
                select(Submission, Agency.code)
                .join(Agency, Agency.id == Submission.agency_id)
                .where(Submission.id == submission_id)
            )
            .mappings()
            .first()
        )
        if old is None:
            raise StorageError(N_("no submission with id {id}", id=submission_id))
        figures = _parse_figures(old["figures"])
    frame = pd.DataFrame([{"agency_code": old["code"], "period": old["period"], **figures}])
    meta = UploadMeta(
        uploaded_by=actor,
        source_file=old["source_file"],
        sha256=old["sha256"],
        note=f"restored version {old['version']}",
        on_behalf_of=old["on_behalf_of"],
        restored_from=submission_id,
    )
    (new_id,) = commit_figures(engine, frame, meta, carry_over=False)
    return new_id


def current_submission_ids(engine: Engine, months: Iterable[str]) -> list[int]:
    """Ids of the current submissions of active agencies in the given months, ascending."""
    query = (
        select(Submission.id)
        .join(Agency, Agency.id == Submission.agency_id)
        .where(Agency.active)
        .where(Submission.status == "current")
        .where(Submission.period.in_(list(months)))
        .order_by(Submission.id)
    )
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


SUBMISSION_COLUMNS = [
    "id",
    "agency_code",
    "period",
    "version",
    "status",
    "uploaded_by",
    "on_behalf_of",
    "uploaded_at",
    "source_file",
    "note",
    "restored_from",
]


def submissions(
    engine: Engine, agency_code: str | None = None, months: Iterable[str] | None = None
) -> pd.DataFrame:
    """Every version of every agency-month (figures left out), oldest first."""
    query = (
        select(
            Submission.id,
            Agency.code,
            Submission.period,
            Submission.version,
            Submission.status,
            Submission.uploaded_by,
            Submission.on_behalf_of,
            Submission.uploaded_at,
            Submission.source_file,
            Submission.note,
            Submission.restored_from,
        )
        .join(Agency, Agency.id == Submission.agency_id)
        .order_by(Submission.id)
    )
    if agency_code is not None:
        query = query.where(Agency.code == agency_code)
    if months is not None:
        query = query.where(Submission.period.in_(list(months)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)
    frame["uploaded_at"] = pd.to_datetime(frame["uploaded_at"], utc=True)
    return frame


def data_version(engine: Engine) -> str:
    """Changes whenever figures or agencies change (rows are only ever added)."""
    with engine.connect() as conn:
        subs = conn.execute(select(func.max(Submission.id))).scalar()
        agencies_seen = conn.execute(select(func.count(), func.max(Agency.id))).one()
        published_seen = conn.execute(select(func.max(PublishedEvaluation.id))).scalar()
    return f"s{subs or 0}.a{agencies_seen[0]}-{agencies_seen[1] or 0}.p{published_seen or 0}"
