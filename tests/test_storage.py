"""The store on SQLite and PostgreSQL: versions, history, restore, all-or-nothing, races."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from evaluation.errors import StorageError
from evaluation.storage import agencies as agency_store
from evaluation.storage import audit as audit_store
from evaluation.storage import frameworks as framework_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import current_revision, downgrade, head_revision, make_engine, upgrade
from evaluation.storage.models import Submission

AGENCIES = pd.DataFrame(
    {
        "code": ["BK01", "BK02"],
        "name": ["Bank one", "Bank two"],
        "name_zh": ["一行", "二行"],
        "type": ["bank", "bank"],
    }
)


def upload(engine: Engine, rows: list[dict[str, object]], who: str = "alice") -> list[int]:
    """Commit rows as one upload."""
    return submission_store.commit_figures(
        engine,
        pd.DataFrame(rows),
        submission_store.UploadMeta(uploaded_by=who, source_file="f.csv"),
    )


def test_the_schema_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()


def test_agencies_are_added_once(engine: Engine) -> None:
    assert agency_store.add_agencies(engine, AGENCIES, "tester") == 2
    assert agency_store.add_agencies(engine, AGENCIES, "tester") == 0
    assert list(agency_store.agencies(engine)["name_zh"]) == ["一行", "二行"]


def test_a_new_upload_supersedes_and_keeps_history(engine: Engine) -> None:
    agency_store.add_agencies(engine, AGENCIES, "tester")
    upload(engine, [{"agency_code": "BK01", "period": "2026-10", "loss": 100.0, "frozen": 10.0}])
    upload(
        engine,
        [{"agency_code": "BK01", "period": "2026-10", "loss": 100.0, "frozen": 30.0}],
        who="bob",
    )
    current = submission_store.current_figures(engine)
    assert current.loc[0, "frozen"] == 30.0 and len(current) == 1
    history = submission_store.history(engine, "BK01", "2026-10")
    assert list(history["version"]) == [2, 1]
    assert list(history["status"]) == ["current", "superseded"]
    assert list(history["uploaded_by"]) == ["bob", "alice"]


def test_fields_a_file_leaves_out_keep_their_values(engine: Engine) -> None:
    agency_store.add_agencies(engine, AGENCIES, "tester")
    upload(engine, [{"agency_code": "BK01", "period": "2026-10", "loss": 100.0, "frozen": 10.0}])
    upload(engine, [{"agency_code": "BK01", "period": "2026-10", "frozen": 30.0}])
    upload(
        engine,
        [
            {"agency_code": "BK01", "period": "2026-10", "loss": None, "frozen": 40.0},
            {"agency_code": "BK02", "period": "2026-10", "loss": 7.0, "frozen": 1.0},
        ],
    )
    current = submission_store.current_figures(engine).set_index("agency_code")
    assert current.loc["BK01", "frozen"] == 40.0
    assert pd.isna(current.loc["BK01", "loss"])  # a blank cell in a column with values clears
    upload(engine, [{"agency_code": "BK02", "period": "2026-10", "loss": 8.0, "frozen": None}])
    current = submission_store.current_figures(engine).set_index("agency_code")
    assert (current.loc["BK02", "loss"], current.loc["BK02", "frozen"]) == (8.0, 1.0)
    assert list(submission_store.history(engine, "BK01", "2026-10")["version"]) == [3, 2, 1]


def test_restore_is_a_new_version(engine: Engine) -> None:
    agency_store.add_agencies(engine, AGENCIES, "tester")
    (first,) = upload(engine, [{"agency_code": "BK01", "period": "2026-10", "frozen": 10.0}])
    upload(engine, [{"agency_code": "BK01", "period": "2026-10", "frozen": 99.0, "loss": 5.0}])
    new = submission_store.restore(engine, first, "carol")
    history = submission_store.history(engine, "BK01", "2026-10")
    assert list(history["version"]) == [3, 2, 1]
    assert history.loc[0, "restored_from"] == first and history.loc[0, "id"] == new
    assert history.loc[0, "figures"] == history.loc[2, "figures"]  # an exact copy, nothing kept
    assert submission_store.current_figures(engine).loc[0, "frozen"] == 10.0
    log = audit_store.audit_log(engine)
    assert list(log["action"])[-3:] == ["upload", "upload", "restore"]


def test_unknown_agency_leaves_nothing_behind(engine: Engine) -> None:
    agency_store.add_agencies(engine, AGENCIES, "tester")
    with pytest.raises(StorageError, match="unknown agency code XX"):
        upload(
            engine,
            [
                {"agency_code": "BK01", "period": "2026-10", "frozen": 1.0},
                {"agency_code": "XX", "period": "2026-10", "frozen": 1.0},
            ],
        )
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Submission)).scalar() == 0


def test_a_failure_half_way_leaves_no_trace(engine: Engine) -> None:
    agency_store.add_agencies(engine, AGENCIES, "tester")
    upload(engine, [{"agency_code": "BK01", "period": "2026-09", "frozen": 5.0}])
    # The second row repeats the first agency-month: the database refuses two current
    # versions, after the first row was already written in the same transaction.
    with pytest.raises(StorageError):
        upload(
            engine,
            [
                {"agency_code": "BK02", "period": "2026-10", "frozen": 1.0},
                {"agency_code": "BK02", "period": "2026-10", "frozen": 2.0},
            ],
        )
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Submission)).scalar() == 1
    assert submission_store.current_figures(engine).to_dict("records") == [
        {"agency_code": "BK01", "period": "2026-09", "frozen": 5.0}
    ]


def test_racing_uploads_both_land_in_history(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(4)]
    agency_store.add_agencies(engines[0], AGENCIES, "tester")
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            upload(
                engines[i],
                [{"agency_code": "BK01", "period": "2026-10", "frozen": float(i)}],
                who=f"user{i}",
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    history = submission_store.history(engines[0], "BK01", "2026-10")
    assert sorted(history["version"]) == [1, 2, 3, 4]
    assert list(history["status"]).count("current") == 1
    for e in engines:
        e.dispose()


OLD_FIGURES = [(1, "loss", 1000.0), (1, "frozen", 150.5), (2, "frozen", 99.0), (3, "loss", 7.0)]


def test_an_old_database_is_upgraded_with_its_figures(db_url: str) -> None:
    engine = make_engine(db_url)
    downgrade(engine, "base")
    upgrade(engine, "0001")
    agency_store.add_agencies(engine, AGENCIES, "tester")
    with engine.begin() as conn:
        for sid, code, period, version, status in [
            (1, "BK01", "2026-09", 1, "current"),
            (2, "BK01", "2026-10", 1, "superseded"),
            (3, "BK01", "2026-10", 2, "current"),
        ]:
            conn.exec_driver_sql(
                "INSERT INTO submissions (id, agency_id, period, version, status, uploaded_by, "
                "on_behalf_of, uploaded_at, source_file, sha256, note) "
                f"SELECT {sid}, id, '{period}', {version}, '{status}', 'old', '', "
                f"CURRENT_TIMESTAMP, 'old.csv', '', '' FROM agencies WHERE code = '{code}'"
            )
        for sid, field, value in OLD_FIGURES:
            conn.exec_driver_sql(f"INSERT INTO figure_values VALUES ({sid}, '{field}', {value})")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert len(agency_store.agencies(engine)) == 2
    current = submission_store.current_figures(engine).fillna(-1.0).to_dict("records")
    assert current == [
        {"agency_code": "BK01", "period": "2026-09", "frozen": 150.5, "loss": 1000.0},
        {"agency_code": "BK01", "period": "2026-10", "frozen": -1.0, "loss": 7.0},
    ]
    assert list(submission_store.history(engine, "BK01", "2026-10")["figures"]) == [
        '{"loss": 7.0}',
        '{"frozen": 99.0}',
    ]
    upload(engine, [{"agency_code": "BK01", "period": "2026-10", "frozen": 1.0}])
    assert list(submission_store.history(engine, "BK01", "2026-10")["version"]) == [3, 2, 1]
    engine.dispose()


KILLED_CHILD = """
import sys, time
import pandas as pd
from evaluation.storage import agencies as agency_store
from evaluation.storage import audit as audit_store
from evaluation.storage import frameworks as framework_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import make_engine

original = submission_store._insert_submissions

def stalled(conn, rows):
    ids = original(conn, rows)  # the rows are written inside the open transaction
    print("HALF", flush=True)
    time.sleep(120)
    return ids

submission_store._insert_submissions = stalled
engine = make_engine(sys.argv[1])
rows = [{"agency_code": "BK01", "period": f"2025-{m:02d}", "frozen": 1.0} for m in range(1, 13)]
meta = submission_store.UploadMeta(uploaded_by="doomed")
submission_store.commit_figures(engine, pd.DataFrame(rows), meta)
"""


def test_a_killed_process_leaves_the_database_as_before(db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    engine = make_engine(db_url)
    agency_store.add_agencies(engine, AGENCIES, "tester")
    upload(engine, [{"agency_code": "BK02", "period": "2026-10", "frozen": 3.0}])
    before = submission_store.current_figures(engine)
    script = tmp_path / "child.py"
    script.write_text(KILLED_CHILD, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(script), db_url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "HALF"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    engine.dispose()
    engine = make_engine(db_url)
    pd.testing.assert_frame_equal(submission_store.current_figures(engine), before)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Submission)).scalar() == 1
    upload(engine, [{"agency_code": "BK01", "period": "2025-01", "frozen": 2.0}])  # still usable
    engine.dispose()


def test_the_last_served_framework_is_remembered(engine: Engine) -> None:
    assert framework_store.last_framework(engine) is None
    assert framework_store.remember_framework(
        engine, "a" * 64, "version: 1  # A", "indicators.yaml"
    )
    assert not framework_store.remember_framework(
        engine, "a" * 64, "version: 1  # A", "indicators.yaml"
    )
    assert framework_store.remember_framework(
        engine, "b" * 64, "version: 1  # B", "indicators.yaml"
    )
    assert framework_store.last_framework(engine)["text"] == "version: 1  # B"  # type: ignore[index]
    assert framework_store.remember_framework(
        engine, "a" * 64, "version: 1  # A", "indicators.yaml"
    )
    assert framework_store.last_framework(engine)["fingerprint"] == "a" * 64  # type: ignore[index]
    served = [e for e in audit_store.audit_log(engine)["action"] if e == "framework.served"]
    assert len(served) == 3


def test_the_data_version_moves_with_every_upload(engine: Engine) -> None:
    agency_store.add_agencies(engine, AGENCIES, "tester")
    before = submission_store.data_version(engine)
    upload(engine, [{"agency_code": "BK01", "period": "2026-10", "frozen": 1.0}])
    after = submission_store.data_version(engine)
    assert after != before
    assert submission_store.data_version(engine) == after
    subs = submission_store.submissions(engine)
    assert list(subs["agency_code"]) == ["BK01"] and str(subs["uploaded_at"].dt.tz) == "UTC"
