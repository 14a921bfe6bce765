"""Security promises between agencies: what one agency can learn of another's figures, and
what nobody can change once stored or published (see docs/security.md)."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from evaluation.framework import Framework, load_framework
from evaluation.permissions import Actor, console
from evaluation.services import demo, uploads
from evaluation.services import store as stored
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
BANK1 = Actor("bank1", "agency", "BK01")


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(ROOT / "indicators.yaml")


@pytest.fixture
def demo_store(tmp_path: Path, framework: Framework) -> Engine:
    engine = stored.open_store(f"sqlite:///{tmp_path / 'evaluation.db'}")
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    return engine


def stored_numbers(engine: Engine, code: str) -> set[str]:
    """Every stored figure of an agency, written as the messages write numbers."""
    figures = submission_store.current_figures(engine)
    mine = figures[figures["agency_code"] == code].drop(columns=["agency_code", "period"])
    return {f"{v:,.0f}" for v in mine.to_numpy().ravel() if v == v and v >= 1000}


def test_no_message_quotes_another_agencys_stored_figure(
    demo_store: Engine, framework: Framework
) -> None:
    """Probing another agency's paired fields (one side huge, the other left out) is refused
    for permission and checked no further, so the stored side is never quoted."""
    probes = [
        "agency_code,period,amount_returned\nBK02,2026-09,1000000000000000\n",
        "agency_code,period,amount_frozen\nBK02,2026-09,0\n",
        "agency_code,period,loss_reported\nBK02,2026-09,0\n",
    ]
    secrets = stored_numbers(demo_store, "BK02")
    assert secrets
    for probe in probes:
        preview = uploads.preview_upload(
            BANK1, demo_store, framework, probe.encode(), "probe.csv", None, TODAY
        )
        said = " ".join(str(i) for i in preview.checked.errors + preview.checked.warnings)
        assert "may not submit figures for agency BK02" in said
        quoted = set(re.findall(r"\d{1,3}(?:,\d{3})+", said))
        assert not quoted & secrets, said
        assert preview.changes.empty


def test_demo_accounts_stop_working_once_real_data_is_registered(
    demo_store: Engine, framework: Framework
) -> None:
    import pandas as pd

    from evaluation.errors import AuthenticationError
    from evaluation.services import admin, sessions

    made = demo.create_demo_accounts(console(), demo_store)
    coordinator = made[0]
    token, who = sessions.sign_in(demo_store, coordinator.username, coordinator.password, NOW)
    assert who.role == "coordinator" and sessions.actor_for(demo_store, token, NOW) == who
    real = pd.DataFrame({"code": ["ZZ01"], "name": ["Real bank"], "type": ["bank"]})
    raw = real.to_csv(index=False).encode()
    admin.register_agencies(Actor("ada", "admin"), demo_store, framework, raw, "real.csv")
    assert sessions.actor_for(demo_store, token, NOW) is None  # the open session ends
    with pytest.raises(AuthenticationError):
        sessions.sign_in(demo_store, coordinator.username, coordinator.password, NOW)


def test_every_publication_matches_its_own_inputs_while_uploads_race(
    db_url: str, framework: Framework
) -> None:
    import json
    import threading

    import pandas as pd
    import sqlalchemy

    from evaluation import evaluate
    from evaluation.services import publication
    from evaluation.storage import publications as publication_store

    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    cora = Actor("cora", "coordinator")
    done = threading.Event()

    def upload_forever() -> None:
        writer = stored.open_store(db_url)
        k = 0
        while not done.is_set():
            loss = 1_000_000 + 500_000 * (k % 2)
            raw = f"agency_code,period,loss_reported\nBK01,2026-09,{loss}\n".encode()
            uploads.commit_upload(cora, writer, framework, raw, "race.csv", None, TODAY)
            k += 1
        writer.dispose()

    racer = threading.Thread(target=upload_forever)
    racer.start()
    try:
        for _ in range(12):
            # The racing upload may not have landed between two publications; a repeat is
            # refused and is no snapshot to check.
            with contextlib.suppress(publication.RepeatedPublicationError):
                publication.publish(cora, engine, framework, "2026-09")
    finally:
        done.set()
        racer.join()
    agencies = stored.load_dataset(engine).agencies
    for _, snapshot in publication_store.published(engine, "2026-09").iterrows():
        ids = json.loads(snapshot["submission_ids"])
        with engine.connect() as conn:
            rows = conn.execute(
                sqlalchemy.text(
                    "SELECT a.code, s.period, s.figures FROM submissions s "
                    "JOIN agencies a ON a.id = s.agency_id WHERE s.id IN ("
                    + ",".join(str(int(i)) for i in ids)
                    + ")"
                )
            ).all()
        figures = pd.DataFrame(
            [{"agency_code": c, "period": p, **json.loads(f)} for c, p, f in rows]
        )
        again = evaluate(framework, figures, agencies, "2026-09").table.set_index("agency_code")
        published = pd.DataFrame(json.loads(snapshot["results"])).set_index("agency_code")
        assert (published["tier"] == again.loc[published.index, "tier"]).all()
        scores = again.loc[published.index, "score"].to_numpy(dtype=float)
        assert abs(published["score"].to_numpy(dtype=float) - scores).max() < 1e-9
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "UPDATE published_evaluations SET results = '[]'",
        "DELETE FROM published_evaluations",
    ],
)
def test_the_audit_log_and_publications_are_append_only(
    db_url: str, framework: Framework, statement: str
) -> None:
    import sqlalchemy

    from evaluation.services import publication

    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    publication.publish(Actor("cora", "coordinator"), engine, framework, "2026-09")
    with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(statement))
    with engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("SELECT count(*) FROM audit_log")).scalar_one() > 0
    engine.dispose()


def test_concurrent_uploads_of_one_month_wait_for_each_other_and_all_land(
    db_url: str, framework: Framework
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    before = len(submission_store.history(engine, "BK01", "2026-09"))
    cora = Actor("cora", "coordinator")

    from evaluation.storage.db import make_engine

    def upload(k: int) -> list[int]:
        writer = make_engine(db_url)  # migrations are not run from several threads at once
        raw = f"agency_code,period,loss_reported\nBK01,2026-09,{1_000_000 + k}\n".encode()
        try:
            return uploads.commit_upload(cora, writer, framework, raw, f"w{k}.csv", None, TODAY)
        finally:
            writer.dispose()

    with ThreadPoolExecutor(max_workers=16) as pool:
        stored_ids = list(pool.map(upload, range(16)))
    assert all(len(ids) == 1 for ids in stored_ids)  # none refused
    history = submission_store.history(engine, "BK01", "2026-09")
    assert len(history) == before + 16
    assert sorted(history["version"]) == list(range(1, before + 17))
    assert (history["status"] == "current").sum() == 1
    engine.dispose()


@pytest.mark.postgres
def test_an_application_role_that_owns_nothing_cannot_undo_the_append_only_tables(
    framework: Framework,
) -> None:
    """The role docs/deployment.md describes: it stores and reads as the dashboard does, but it
    can neither change the audit log nor drop the triggers that guard it."""
    import uuid

    import sqlalchemy

    from evaluation.audit import AuditAction
    from evaluation.services import publication
    from evaluation.storage import audit as audit_store
    from evaluation.storage.db import make_engine, upgrade
    from tests.conftest import postgres_url_or_skip

    base = postgres_url_or_skip()
    schema, role = f"t_{uuid.uuid4().hex[:12]}", f"app_{uuid.uuid4().hex[:12]}"
    owner = sqlalchemy.create_engine(base)
    with owner.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    owned = make_engine(f"{base}?options=-csearch_path%3D{schema}")
    upgrade(owned)  # the migrations run as the owner
    demo.load_demo(console(), owned, framework, TODAY, with_accounts=False)
    with owner.begin() as conn:
        for statement in (
            f"CREATE ROLE {role} LOGIN",
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        ):
            conn.execute(sqlalchemy.text(statement))
    url = base.replace("postgres@", f"{role}@", 1) + f"?options=-csearch_path%3D{schema}"
    app = make_engine(url)
    try:
        publication.publish(Actor("cora", "coordinator"), app, framework, "2026-09")
        audit_store.record(app, "cora", AuditAction.LOGIN, {})
        for statement in (
            "UPDATE audit_log SET actor = 'x'",
            "DELETE FROM published_evaluations",
            "DROP TRIGGER audit_log_append_only ON audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        ):
            refused = "append-only|must be owner|permission denied"
            with pytest.raises(sqlalchemy.exc.DatabaseError, match=refused):
                with app.begin() as conn:
                    conn.execute(sqlalchemy.text(statement))
    finally:
        app.dispose()
        owned.dispose()
        with owner.begin() as conn:
            conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
            conn.execute(sqlalchemy.text(f"DROP OWNED BY {role}"))
            conn.execute(sqlalchemy.text(f"DROP ROLE {role}"))
        owner.dispose()
