"""Publishing twice: a publication identical to its period's latest is refused (service, command
line, Publish page), and the database lets only one of two racing publishers commit."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button
from streamlit.testing.v1.errors import AppTestError

from evaluation import load_framework
from evaluation.cli import main
from evaluation.errors import StorageError
from evaluation.framework import Framework, parse_framework
from evaluation.permissions import Actor, console
from evaluation.services import admin, demo, publication, sessions, users
from evaluation.services import store as stored
from evaluation.services.publication import RepeatedPublicationError
from evaluation.storage import audit as audit_store
from evaluation.storage import publications as publication_store
from evaluation.storage.db import current_revision, downgrade, head_revision, make_engine, upgrade
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
PERIOD = "2026-09"
CORA = Actor("cora", "coordinator")
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def framework() -> Framework:
    """The shipped framework."""
    return load_framework(ROOT / "indicators.yaml")


@pytest.fixture
def store(db_url: str, framework: Framework):  # type: ignore[no-untyped-def]
    """The demo data on a migrated database (SQLite file or PostgreSQL schema)."""
    engine = stored.open_store(db_url)
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    yield engine
    engine.dispose()


def repeat_message(period: str, publication_id: int, framework: Framework) -> str:
    """The refusal of a publication that would repeat `publication_id`."""
    return (
        f"{period} is already published as publication {publication_id} with the same framework "
        f"({framework.fingerprint[:12]}) and the same submissions; nothing has changed since"
    )


def other_framework(framework: Framework) -> Framework:
    """The framework with one dimension weight changed: another fingerprint."""
    other = parse_framework(framework.text.replace("\n    weight: 25\n", "\n    weight: 26\n", 1))
    assert other.fingerprint != framework.fingerprint
    return other


def count(engine: Engine, table: str) -> int:
    """Rows of a table."""
    with engine.connect() as conn:
        return int(conn.execute(sqlalchemy.text(f"SELECT count(*) FROM {table}")).scalar_one())


# -- the service --------------------------------------------------------------------------------
def test_publishing_the_same_inputs_again_is_refused_with_the_number(
    store: Engine, framework: Framework
) -> None:
    first = publication.publish(CORA, store, framework, PERIOD)
    with pytest.raises(RepeatedPublicationError) as refused:
        publication.publish(CORA, store, framework, PERIOD)
    assert str(refused.value) == repeat_message(PERIOD, first, framework)
    assert refused.value.publication_id == first and isinstance(refused.value, StorageError)
    assert len(publication_store.published(store, PERIOD)) == 1
    assert list(audit_store.audit_log(store, ["publish"])["actor"]) == ["cora"]
    # Another period is not the same publication.
    assert publication.publish(CORA, store, framework, "2026-10") != first


def test_after_a_different_publication_the_same_inputs_may_be_published_again(
    store: Engine, framework: Framework
) -> None:
    ada = Actor("ada", "admin")
    a = publication.publish(CORA, store, framework, PERIOD)
    admin.set_agency_active(ada, store, "BK02", False)  # B: one agency fewer
    b = publication.publish(CORA, store, framework, PERIOD)
    admin.set_agency_active(ada, store, "BK02", True)  # A's inputs again, after B
    again = publication.publish(CORA, store, framework, PERIOD)
    rows = publication_store.published(store, PERIOD)
    assert list(rows["id"]) == [again, b, a]
    assert list(rows["previous_id"].fillna(0).astype(int)) == [b, a, 0]
    assert rows.iloc[0]["submission_ids"] == rows.iloc[2]["submission_ids"]
    with pytest.raises(RepeatedPublicationError, match=f"as publication {again} "):
        publication.publish(CORA, store, framework, PERIOD)


def test_another_framework_is_a_new_publication(store: Engine, framework: Framework) -> None:
    other = other_framework(framework)
    first = publication.publish(CORA, store, framework, PERIOD)
    second = publication.publish(CORA, store, other, PERIOD)
    with pytest.raises(RepeatedPublicationError) as refused:
        publication.publish(CORA, store, other, PERIOD)
    assert str(refused.value) == repeat_message(PERIOD, second, other)
    assert second != first


# -- races -------------------------------------------------------------------------------------
def race(
    db_url: str, publishers: list[Callable[[Engine], int]]
) -> tuple[list[int], list[BaseException]]:
    """Run each publisher in its own thread on its own engine, all at once."""
    engines = [make_engine(db_url) for _ in publishers]
    start = threading.Barrier(len(publishers), timeout=60)
    won: list[int] = []
    lost: list[BaseException] = []

    def run(k: int) -> None:
        start.wait()
        try:
            won.append(publishers[k](engines[k]))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            lost.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(publishers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for engine in engines:
        engine.dispose()
    return won, lost


def both_read_the_latest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each of two publishers after it read the latest until the other has read it too."""
    both_read = threading.Barrier(2, timeout=60)
    add = publication_store.add_published

    def add_after_both_read(*args: object) -> int:
        both_read.wait()
        return add(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(publication_store, "add_published", add_after_both_read)


def test_racing_identical_publishers_store_one_publication(
    store: Engine, db_url: str, framework: Framework
) -> None:
    won, lost = race(db_url, [lambda e: publication.publish(CORA, e, framework, PERIOD)] * 4)
    assert len(won) == 1, lost
    assert [type(e) for e in lost] == [RepeatedPublicationError] * 3
    assert {str(e) for e in lost} == {repeat_message(PERIOD, won[0], framework)}
    assert list(publication_store.published(store, PERIOD)["id"]) == won
    assert len(audit_store.audit_log(store, ["publish"])) == 1


@pytest.mark.parametrize("published_before", [False, True])
def test_the_database_lets_one_of_two_publishers_of_the_same_latest_commit(
    store: Engine,
    db_url: str,
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
    published_before: bool,
) -> None:
    if published_before:
        publication.publish(CORA, store, framework, PERIOD)
        admin.set_agency_active(Actor("ada", "admin"), store, "BK02", False)
    before = count(store, "published_evaluations")
    both_read_the_latest_first(monkeypatch)
    won, lost = race(db_url, [lambda e: publication.publish(CORA, e, framework, PERIOD)] * 2)
    assert len(won) == 1 and len(lost) == 1, lost
    assert str(lost[0]) == repeat_message(PERIOD, won[0], framework)
    assert count(store, "published_evaluations") == before + 1


def test_of_two_different_publishers_of_the_same_latest_the_loser_is_told_to_look_again(
    store: Engine, db_url: str, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = other_framework(framework)
    both_read_the_latest_first(monkeypatch)
    won, lost = race(
        db_url,
        [
            lambda e: publication.publish(CORA, e, framework, PERIOD),
            lambda e: publication.publish(Actor("ada", "admin"), e, other, PERIOD),
        ],
    )
    assert len(won) == 1 and len(lost) == 1, lost
    assert type(lost[0]) is StorageError
    assert f"{PERIOD} was published meanwhile as publication {won[0]} by " in str(lost[0])
    assert "nothing was published" in str(lost[0])
    assert list(publication_store.published(store, PERIOD)["id"]) == won


# -- the database itself ----------------------------------------------------------------------
# Publications made before migration 0006, in this order (ids 1..4); 1 and 2 are the same one
# made twice, as the double click did.
OLD = [("2026-09", "[1, 2]"), ("2026-09", "[1, 2]"), ("2026-10", "[3]"), ("2026-09", "[5]")]


def test_the_migration_chains_the_publications_a_database_already_holds(db_url: str) -> None:
    engine = make_engine(db_url)
    downgrade(engine, "0005")
    with engine.begin() as conn:
        for period, ids in OLD:
            conn.execute(
                sqlalchemy.text(
                    "INSERT INTO published_evaluations (period, fingerprint, framework_text, "
                    "submission_ids, results, published_by, published_at) VALUES "
                    "(:period, 'f', 'version: 1', :ids, '[]', 'old', CURRENT_TIMESTAMP)"
                ),
                {"period": period, "ids": ids},
            )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    rows = publication_store.published(engine)
    assert dict(zip(rows["id"], rows["previous_id"].fillna(0).astype(int), strict=True)) == {
        4: 2,
        3: 0,
        2: 1,
        1: 0,
    }
    latest = publication_store.latest_published(engine, "2026-09")
    assert latest is not None and latest.id == 4
    with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("UPDATE published_evaluations SET results = 'x'"))
    record: dict[str, object] = {
        "period": "2026-09",
        "fingerprint": "f",
        "framework_text": "version: 1",
        "submission_ids": "[6]",
        "results": "[]",
    }
    assert publication_store.add_published(engine, record, "new", 4) == 5
    for supersedes in (4, 2, None):  # already superseded, or a second first of the period
        with pytest.raises(publication_store.PublishedMeanwhileError):
            publication_store.add_published(engine, record, "late", supersedes)
    assert count(engine, "published_evaluations") == 5
    downgrade(engine, "0005")  # and back, keeping the append-only guards
    upgrade(engine)
    assert len(publication_store.published(engine)) == 5
    engine.dispose()


# -- the command line ---------------------------------------------------------------------------
def test_the_command_line_refuses_a_repeat_with_exit_2(
    store: Engine,
    db_url: str,
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["publish", PERIOD]) == 0
    first = int(publication_store.published(store, PERIOD).iloc[0]["id"])
    assert f"published {PERIOD} as publication {first} with framework" in capsys.readouterr().out
    assert main(["publish", PERIOD]) == 2
    assert capsys.readouterr().err == f"error: {repeat_message(PERIOD, first, framework)}\n"
    assert len(publication_store.published(store, PERIOD)) == 1


def test_the_command_line_subprocess_says_so_without_a_traceback(
    tmp_path: Path, framework: Framework
) -> None:
    database = tmp_path / "evaluation.db"
    engine = stored.open_store(f"sqlite:///{database}")
    demo.load_demo(console(), engine, framework, TODAY, with_accounts=False)
    engine.dispose()
    assert run_cli("publish", PERIOD, database=database).returncode == 0
    again = run_cli("publish", PERIOD, database=database)
    assert again.returncode == 2, again.stderr
    assert again.stderr == f"error: {repeat_message(PERIOD, 1, framework)}\n"


# -- the Publish page ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory, framework: Framework) -> Path:
    """A SQLite file with the demo data and a coordinator."""
    path = tmp_path_factory.mktemp("publish") / "demo.db"
    engine = stored.open_store(f"sqlite:///{path}")
    demo.load_demo(console(), engine, framework, date.today(), with_accounts=False)
    users.create_user(console(), engine, "cora", "coordinator", PASSWORD)
    engine.dispose()
    return path


@pytest.fixture
def page(
    demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AppTest, Engine]]:
    """The Publish page on a private copy of the demo, signed in as the coordinator, and its
    engine."""
    target = tmp_path / "copy.db"
    shutil.copy(demo_file, target)
    url = f"sqlite:///{target}"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    token, _ = sessions.sign_in(engine, "cora", PASSWORD, datetime.now(UTC))
    script = "from evaluation.ui import publish_page\npublish_page.render()\n"
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["session_token"] = token
    yield at, engine
    engine.dispose()


def publish_button(at: AppTest) -> Button:
    """The Publish button."""
    return next(b for b in at.button if b.label == "Publish")


def test_after_publishing_the_confirmation_is_cleared_and_the_button_disabled(
    page: tuple[AppTest, Engine],
) -> None:
    at, engine = page
    at.run()
    at.checkbox(key="publish_sure").check().run()
    assert not publish_button(at).disabled
    publish_button(at).click().run()
    assert not at.exception and not at.error
    period = at.caption[0].value.split(" · ")[0]
    assert [t.value for t in at.toast] == [f"Published {period} as publication #1"]
    assert at.checkbox(key="publish_sure").value is False
    assert publish_button(at).disabled
    assert len(publication_store.published(engine)) == 1
    # Ticked again, the button stays disabled: nothing has changed since.
    at.checkbox(key="publish_sure").check().run()
    assert publish_button(at).disabled
    assert "Nothing has changed since publication #1" in (publish_button(at).help or "")
    with pytest.raises(AppTestError, match="disabled"):
        publish_button(at).click()  # what a browser cannot do either
    assert len(publication_store.published(engine)) == 1


def test_a_publication_made_elsewhere_meanwhile_is_refused_in_plain_words(
    page: tuple[AppTest, Engine], framework: Framework
) -> None:
    at, engine = page
    at.run()
    period = at.caption[0].value.split(" · ")[0]
    at.checkbox(key="publish_sure").check().run()
    elsewhere = publication.publish(CORA, engine, framework, period)  # another replica, say
    publish_button(at).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [repeat_message(period, elsewhere, framework)]
    assert at.checkbox(key="publish_sure").value is False and publish_button(at).disabled
    assert len(publication_store.published(engine)) == 1
    assert json.loads(publication_store.published(engine).iloc[0]["submission_ids"])
