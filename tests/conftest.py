"""Shared fixtures: small frameworks written as YAML text, figures as real DataFrames."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The tests read English unless a test chooses Chinese (i18n.reading, or LANGUAGE=zh_CN for a
# server or CLI it starts); the servers and commands they start inherit it.
os.environ["LANGUAGE"] = "en"
os.environ["TIMEZONE"] = "Asia/Shanghai"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.framework import Framework, parse_framework  # noqa: E402

SMALL = """\
version: 1
name: Test framework
agency_types:
  bank: {label: Bank}
  telecom: {label: Telecom}
fields:
  loss: {label: Loss, unit: CNY}
  frozen: {label: Frozen, unit: CNY, at_most: loss}
  minutes: {label: Minutes, unit: minutes}
  orders: {label: Orders, unit: count}
  events: {label: Events, unit: count}
dimensions:
  - id: money
    label: Money
    weight: 60
    indicators:
      - id: freeze_rate
        label: Freeze rate
        numerator: frozen
        denominator: loss
        direction: higher
        applies_to: [bank]
        normalise: {method: goalposts, worst: 0.0, best: 0.5}
        weight: 50
      - id: speed
        label: Speed
        field: minutes
        period_aggregate: weighted_mean
        weight_field: orders
        direction: lower
        normalise: {method: goalposts, worst: 60, best: 0}
        weight: 50
  - id: other
    label: Other
    weight: 40
    indicators:
      - id: orders_total
        label: Orders handled
        field: orders
        period_aggregate: sum
        direction: higher
        normalise: {method: goalposts, worst: 0, best: 100}
        weight: 1
tiers:
  - {id: A, label: Excellent, min_score: 85}
  - {id: B, label: Good, min_score: 60}
  - {id: D, label: Fail, min_score: 0}
"""


@pytest.fixture
def small_text() -> str:
    """The YAML text of a small, valid framework."""
    return SMALL


@pytest.fixture
def small() -> Framework:
    """A small, valid framework."""
    return parse_framework(SMALL)


def agencies_frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """Agencies from (code, type) pairs."""
    return pd.DataFrame(
        {
            "code": [c for c, _ in rows],
            "name": [f"Agency {c}" for c, _ in rows],
            "type": [t for _, t in rows],
        }
    )


def figures_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Figures from dicts with agency_code, period and fields."""
    return pd.DataFrame(rows)


# -- databases --------------------------------------------------------------------------------
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url_or_skip() -> str:
    """The PostgreSQL URL for tests; skip (or fail under REQUIRE_POSTGRES=1) when unreachable."""
    import os

    import sqlalchemy

    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    try:
        probe = sqlalchemy.create_engine(url)
        with probe.connect():
            pass
        probe.dispose()
    except sqlalchemy.exc.OperationalError as exc:
        reason = f"PostgreSQL at {url} is not reachable: {exc.orig}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A migrated, empty database URL: a SQLite file, or a fresh PostgreSQL schema."""
    import uuid

    import sqlalchemy

    from evaluation.storage.db import make_engine, upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'evaluation.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    base = postgres_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    url = f"{base}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    """An engine on the migrated test database."""
    from evaluation.storage.db import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def run_cli(
    *args: str,
    database: Path | None = None,
    timeout: float = 120,
    stdin: str | None = None,
    settings: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m evaluation ARGS` in a subprocess, on a SQLite file when one is given,
    with `settings` as extra environment variables."""
    env = dict(os.environ, **(settings or {}))
    if database is not None:
        env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [sys.executable, "-m", "evaluation", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin if stdin is not None else "",
    )
