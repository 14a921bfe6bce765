"""Time a 10,008-row upload with 25 fields as a user makes it, on SQLite and PostgreSQL.

    python benchmarks/bench_upload.py [--repeat 5] [--postgres URL]

Each run starts from a fresh, migrated database holding the agencies and last year's figures
(10,008 agency-months, so the month-on-month check and the preview have stored data to compare
with). A coordinator then previews a real CSV file with `uploads.preview_upload` (read,
validate, what changes) and stores it with `uploads.commit_upload` (read and validate again,
commit as one transaction). Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluation.framework import Framework, parse_framework  # noqa: E402
from evaluation.permissions import Actor  # noqa: E402
from evaluation.services import uploads  # noqa: E402
from evaluation.storage import agencies as agency_store  # noqa: E402
from evaluation.storage import submissions as submission_store  # noqa: E402
from evaluation.storage.db import make_engine, upgrade  # noqa: E402

FIELDS = 25
AGENCIES = 834  # x 12 months = 10,008 rows
TODAY = date(2026, 11, 25)
VIEWER = Actor("bench-coordinator", "coordinator")


def framework() -> Framework:
    """25 count fields, each scored as a single-field indicator."""
    fields = "".join(f"  f{i}: {{label: Field {i}, unit: count}}\n" for i in range(FIELDS))
    indicators = "".join(
        f"      - {{id: i{i}, label: I{i}, field: f{i}, direction: higher, "
        f"normalise: {{method: minmax}}, weight: 1}}\n"
        for i in range(FIELDS)
    )
    return parse_framework(
        "version: 1\nname: Upload benchmark\nagency_types:\n  bank: {label: Bank}\n"
        f"fields:\n{fields}dimensions:\n  - id: d\n    label: D\n    weight: 1\n"
        f"    indicators:\n{indicators}tiers:\n  - {{id: A, label: A, min_score: 0}}\n"
    )


def year_of_figures(year: int, seed: int) -> pd.DataFrame:
    """Twelve months of figures for every agency: a level per agency and field, +-30 % a month."""
    levels = np.random.default_rng(1).lognormal(10, 1, (AGENCIES, FIELDS))
    rng = np.random.default_rng(seed)
    codes = [f"B{i:04d}" for i in range(AGENCIES)]
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    frame = pd.DataFrame({"agency_code": np.repeat(codes, 12), "period": np.tile(months, AGENCIES)})
    for i in range(FIELDS):
        level = np.repeat(levels[:, i], 12)
        frame[f"f{i}"] = np.round(level * rng.uniform(0.7, 1.3, len(frame))).astype(np.int64)
    return frame


def prepare(url: str, agencies: pd.DataFrame, stored: pd.DataFrame) -> sqlalchemy.Engine:
    """A migrated database with the agencies and last year's figures."""
    engine = make_engine(url)
    upgrade(engine)
    agency_store.add_agencies(engine, agencies, "bench")
    submission_store.commit_figures(
        engine,
        stored.astype({f"f{i}": float for i in range(FIELDS)}),
        submission_store.UploadMeta("seed", "seed.csv"),
    )
    return engine


def one_run(
    url: str, fw: Framework, raw: bytes, agencies: pd.DataFrame, stored: pd.DataFrame
) -> tuple[float, float]:
    """(preview seconds, commit seconds) on a fresh database."""
    engine = prepare(url, agencies, stored)
    try:
        start = time.perf_counter()
        preview = uploads.preview_upload(VIEWER, engine, fw, raw, "upload.csv", None, TODAY)
        previewed = time.perf_counter()
        assert preview.checked.ok, preview.checked.errors[:3]
        ids = uploads.commit_upload(VIEWER, engine, fw, raw, "upload.csv", None, TODAY)
        done = time.perf_counter()
        assert len(ids) == AGENCIES * 12
    finally:
        engine.dispose()
    return previewed - start, done - previewed


def main() -> None:
    """Print medians for each database."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    fw = framework()
    upload = year_of_figures(2025, 7)
    stored = year_of_figures(2024, 8)
    raw = upload.to_csv(index=False).encode()
    agencies = pd.DataFrame({"code": upload["agency_code"].unique(), "type": "bank"}).assign(
        name=lambda t: t["code"]
    )
    print(
        f"{len(upload):,} rows x {FIELDS} fields ({len(raw) / 1048576:.1f} MB CSV) over "
        f"{len(stored):,} stored agency-months; median of {args.repeat} runs\n"
    )
    print("| database | preview (`upload_preview`) | store (`commit_upload`) | total | target |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        targets: list[tuple[str, Callable[[int], str]]] = [
            ("SQLite", lambda k: f"sqlite:///{folder / f'b{k}.db'}")
        ]
        admin = sqlalchemy.create_engine(args.postgres)
        schemas: list[str] = []
        try:
            with admin.connect() as conn:
                version = conn.execute(sqlalchemy.text("SHOW server_version")).scalar_one()
        except sqlalchemy.exc.OperationalError as exc:
            print(f"PostgreSQL skipped: {args.postgres} is not reachable ({exc.orig})")
        else:

            def pg(k: int) -> str:
                schema = f"bench_{uuid.uuid4().hex[:8]}"
                with admin.begin() as conn:
                    conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
                schemas.append(schema)
                return f"{args.postgres}?options=-csearch_path%3D{schema}"

            targets.append((f"PostgreSQL {str(version).split()[0]}", pg))
        try:
            for name, make_url in targets:
                runs = [one_run(make_url(k), fw, raw, agencies, stored) for k in range(args.repeat)]
                p = statistics.median(r[0] for r in runs)
                c = statistics.median(r[1] for r in runs)
                t = statistics.median(r[0] + r[1] for r in runs)
                print(f"| {name} | {p:.2f} s | {c:.2f} s | {t:.2f} s | 5 s |", flush=True)
        finally:
            if schemas:
                with admin.begin() as conn:
                    for schema in schemas:
                        conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
