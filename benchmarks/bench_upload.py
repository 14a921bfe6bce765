"""Time validating and committing a 10,000-row upload with 25 fields, on SQLite and PostgreSQL.

    python benchmarks/bench_upload.py [--repeat 3] [--postgres URL]

Each run starts from an empty, migrated database holding the agencies; the upload is read from a
real CSV file, validated, and committed as one transaction.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluation.framework import Framework, parse_framework  # noqa: E402
from evaluation.ingest.readers import read_table  # noqa: E402
from evaluation.ingest.validate import check_upload  # noqa: E402
from evaluation.storage import repository  # noqa: E402
from evaluation.storage.db import make_engine, upgrade  # noqa: E402

FIELDS = 25
AGENCIES = 834  # x 12 months = 10,008 rows


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


def upload_file(folder: Path) -> tuple[Path, pd.DataFrame]:
    """Write the CSV an agency would upload and return it with the agencies table."""
    rng = np.random.default_rng(7)
    codes = [f"B{i:04d}" for i in range(AGENCIES)]
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    frame = pd.DataFrame({"agency_code": np.repeat(codes, 12), "period": np.tile(months, AGENCIES)})
    for i in range(FIELDS):
        frame[f"f{i}"] = rng.integers(0, 100_000, len(frame))
    path = folder / "upload.csv"
    frame.to_csv(path, index=False)
    agencies = pd.DataFrame({"code": codes, "name": codes, "type": "bank"})
    return path, agencies


def one_run(url: str, fw: Framework, path: Path, agencies: pd.DataFrame) -> tuple[float, float]:
    """(validate seconds, commit seconds) on a fresh database."""
    engine = make_engine(url)
    upgrade(engine)
    repository.add_agencies(engine, agencies)
    start = time.perf_counter()
    checked = check_upload(
        fw, read_table(path), dict.fromkeys(agencies["code"], "bank"), date(2026, 11, 25)
    )
    assert checked.ok, checked.errors[:3]
    validated = time.perf_counter()
    repository.commit_figures(engine, checked.figures, repository.UploadMeta("bench", "up.csv"))
    done = time.perf_counter()
    engine.dispose()
    return validated - start, done - validated


def main() -> None:
    """Print medians for each database."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    fw = framework()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, agencies = upload_file(folder)
        print(f"{len(pd.read_csv(path))} rows x {FIELDS} fields; median of {args.repeat} runs\n")
        print("| database | validate | commit | total |")
        print("|---|---|---|---|")
        targets = [("SQLite", lambda k: f"sqlite:///{folder / f'b{k}.db'}")]
        admin = sqlalchemy.create_engine(args.postgres)
        schemas: list[str] = []

        def pg(k: int) -> str:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with admin.begin() as conn:
                conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
            schemas.append(schema)
            return f"{args.postgres}?options=-csearch_path%3D{schema}"

        targets.append(("PostgreSQL", pg))
        try:
            for name, make_url in targets:
                runs = [one_run(make_url(k), fw, path, agencies) for k in range(args.repeat)]
                v = statistics.median(r[0] for r in runs)
                c = statistics.median(r[1] for r in runs)
                t = statistics.median(r[0] + r[1] for r in runs)
                print(f"| {name} | {v:.2f} s | {c:.2f} s | {t:.2f} s |", flush=True)
        finally:
            with admin.begin() as conn:
                for schema in schemas:
                    conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
