"""The product's security promises, one test per promise: what one agency can learn of another,
what bad input can do to the server, and what the sign-in allows (see docs/security.md)."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas.testing
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


BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (BOMB, "more than 100,000 values once its anchors and aliases"),
        ("version: 1\nloop: &x [*x]\n", "nested more than 32 levels deep"),
        ("version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 32 levels deep"),
        ("x: " + "y" * 1_000_001 + "\n", "a framework file of at most 1,000,000 is accepted"),
    ],
    ids=["alias-bomb", "recursive-alias", "deep-nesting", "huge"],
)
def test_a_hostile_framework_file_is_refused_in_plain_words(text: str, said: str) -> None:
    from evaluation.errors import FrameworkError
    from evaluation.framework import parse_framework

    with pytest.raises(FrameworkError) as refused:
        parse_framework(text, "hostile.yaml")
    assert said in str(refused.value)


def test_check_refuses_a_hostile_file_without_a_traceback(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    nested = tmp_path / "nested.yaml"
    nested.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    for path in (bomb, nested):
        result = run_cli("check", str(path))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.startswith(f"error: {path.name}")


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("weight: 30", "weight: .inf", "expected a number >= 0 and <= 1,000,000, got inf"),
        ("weight: 30", "weight: 1.0e+308", "expected a number >= 0 and <= 1,000,000, got 1e+308"),
        ("scale: 100", "scale: .inf", "scale: expected a number > 0 and <= 1,000,000, got inf"),
        ("best: 1", "best: .nan", "expected a number between"),
        ("    above: 0", "    above: -.inf", "above: expected a number between"),
    ],
)
def test_the_framework_refuses_non_finite_and_overflowing_numbers(
    old: str, new: str, said: str
) -> None:
    from evaluation.errors import FrameworkError
    from evaluation.framework import parse_framework

    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(FrameworkError) as refused:
        parse_framework(text.replace(old, new, 1))
    assert said in str(refused.value)
    assert "indicators.yaml line " in str(refused.value)


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        ("0000-01,1000", "0000-01 is before 2000-01, the first month figures are accepted for"),
        ("1900-01,1000", "1900-01 is before 2000-01"),
        ("2026-09,1.0e308", "expected a number of at most 1,000,000,000,000,000, got 1e+308"),
    ],
)
def test_impossible_months_and_huge_figures_are_refused(
    demo_store: Engine, framework: Framework, cells: str, said: str
) -> None:
    from evaluation.errors import UploadError

    before = submission_store.current_figures(demo_store)
    raw = f"agency_code,period,loss_reported\nBK01,{cells}\n".encode()
    with pytest.raises(UploadError) as refused:
        uploads.commit_upload(BANK1, demo_store, framework, raw, "bad.csv", None, TODAY)
    assert said in str(refused.value)
    pandas.testing.assert_frame_equal(submission_store.current_figures(demo_store), before)


def test_a_value_that_overflows_is_missing_and_flagged_not_dropped(framework: Framework) -> None:
    import pandas as pd

    from evaluation import evaluate

    agencies = pd.DataFrame({"code": ["B1", "B2"], "name": ["One", "Two"], "type": ["bank"] * 2})
    months = ["2026-07", "2026-08", "2026-09"]
    figures = pd.DataFrame(
        {
            "agency_code": ["B1"] * 3 + ["B2"] * 3,
            "period": months * 2,
            "loss_reported": [1e308] * 3 + [1e6] * 3,  # a file read by `score --figures`
            "amount_frozen": [1e308] * 3 + [2e5] * 3,
        }
    )
    result = evaluate(framework, figures, agencies, "2026-Q3").table.set_index("agency_code")
    assert "missing:freeze_rate" in result.loc["B1", "flags"]
    assert result.loc["B1", "ind.freeze_rate"] == 0  # missing counts as zero in this framework
    assert result.loc["B2", "ind.freeze_rate"] > 0


def test_framework_backups_never_overwrite_each_other(tmp_path: Path, demo_store: Engine) -> None:
    from evaluation.services import admin

    target = tmp_path / "indicators.yaml"
    original = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    ada = Actor("ada", "admin")
    texts = [original.replace("weight: 30", f"weight: {w}", 1) for w in (31, 32, 33)]
    backups = [admin.replace_framework(ada, demo_store, target, t, NOW)[1] for t in texts]
    assert len({b for b in backups if b is not None}) == 3  # the same second, three backups
    kept = [b.read_text(encoding="utf-8") for b in backups if b is not None]
    assert kept == [original, texts[0], texts[1]]


def test_out_never_overwrites_without_force_nor_follows_a_link(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    base = ["score", "--period", "2026-10", "--agencies", str(ROOT / "data/demo/agencies.csv")]
    base += ["--figures", str(ROOT / "data/demo/figures.csv")]
    out = tmp_path / "scores.csv"
    assert run_cli(*base, "--out", str(out)).returncode == 0
    first = out.read_text(encoding="utf-8")
    out.write_text("kept", encoding="utf-8")
    refused = run_cli(*base, "--out", str(out))
    assert refused.returncode == 2 and "already exists; add --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "kept"
    assert run_cli(*base, "--out", str(out), "--force").returncode == 0
    assert out.read_text(encoding="utf-8") == first
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    for extra in ((), ("--force",)):
        result = run_cli(*base, "--out", str(link), *extra)
        assert result.returncode == 2 and "symbolic link" in result.stderr
    assert victim.read_text(encoding="utf-8") == "precious"
    dash = run_cli(*base, "--out", "-")
    assert dash.stdout == first and not (ROOT / "-").exists()


def test_over_long_values_are_refused_alike_on_both_databases(
    db_url: str, framework: Framework
) -> None:
    import pandas as pd

    from evaluation.errors import InputError
    from evaluation.services import admin, users

    engine = stored.open_store(db_url)
    ada = Actor("ada", "admin")
    long_code = pd.DataFrame({"code": ["X" * 41], "name": ["Bank"], "type": ["bank"]})
    long_name = pd.DataFrame({"code": ["BK09"], "name": ["银" * 201], "type": ["bank"]})
    for table, said in ((long_code, "row 1, code"), (long_name, "row 1, name")):
        with pytest.raises(InputError, match=f"agencies {said}: expected at most"):
            raw = table.to_csv(index=False).encode()
            admin.register_agencies(ada, engine, framework, raw, "agencies.csv")
    with pytest.raises(InputError, match="email: expected at most 200 characters"):
        users.create_user(
            ada,
            engine,
            "mei",
            "coordinator",
            "a long enough password",
            email=("m" * 200 + "@example.gov.cn"),
        )
    raw = b"agency_code,period,loss_reported\nBK01,2026-09,1\n"
    with pytest.raises(InputError, match="file name: expected at most 255 characters"):
        uploads.preview_upload(ada, engine, framework, raw, "f" * 300 + ".csv", None, TODAY)
    assert stored.load_dataset(engine).agencies.empty
    engine.dispose()


def test_a_damaged_workbook_is_refused_in_plain_words() -> None:
    import io
    import zipfile

    from openpyxl import Workbook

    from evaluation.errors import InputError
    from evaluation.ingest.readers import read_table_bytes

    book = Workbook()
    book.active.append(["agency_code", "period"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    damaged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", b"<row r='2'><c r='A2'><v>1</sheetData>")
            target.writestr(item, data)
    with pytest.raises(InputError, match="is damaged and cannot be read"):
        read_table_bytes(damaged.getvalue(), "broken.xlsx")


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


def _accounts(engine: Engine) -> None:
    from evaluation.services import users

    for name, role in (("cora", "coordinator"), ("ada", "admin")):
        users.create_user(console(), engine, name, role, "correct horse battery")


def test_concurrent_guesses_cannot_outrun_the_lockout(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from evaluation.errors import AuthenticationError
    from evaluation.services import sessions

    engine = stored.open_store(db_url)
    _accounts(engine)
    guesses = [f"wrong guess number {k}" for k in range(40)]
    guesses[29] = "correct horse battery"  # the right one, 30th of 40 sent at once

    def attempt(password: str) -> bool:
        try:
            sessions.sign_in(engine, "cora", password, NOW, source="10.0.0.66")
        except AuthenticationError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, guesses))
    assert sum(results) <= 1
    assert results.count(True) == 0 or results.index(True) < 5
    engine.dispose()


def test_failures_from_one_address_lock_that_address_only(db_url: str) -> None:
    from datetime import timedelta

    from evaluation.errors import AuthenticationError, PermissionDeniedError
    from evaluation.services import sessions, users

    engine = stored.open_store(db_url)
    _accounts(engine)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            sessions.sign_in(engine, "ada", "a bad guess here", NOW, source="203.0.113.9")
    with pytest.raises(AuthenticationError):  # the attacker's address is locked out
        sessions.sign_in(engine, "ada", "correct horse battery", NOW, source="203.0.113.9")
    # The owner, from the office, still gets in; so does everyone else behind the attacker's NAT.
    sessions.sign_in(engine, "ada", "correct horse battery", NOW, source="10.1.2.3")
    sessions.sign_in(engine, "cora", "correct horse battery", NOW, source="203.0.113.9")
    ada = Actor("ada", "admin")
    shown = users.sign_in_locks(ada, engine, NOW)
    assert list(shown["username"]) == ["ada"] and list(shown["source"]) == ["203.0.113.9"]
    with pytest.raises(PermissionDeniedError):
        users.unlock(Actor("cora", "coordinator"), engine, "ada")
    assert users.unlock(ada, engine, "ada") == 1
    sessions.sign_in(engine, "ada", "correct horse battery", NOW, source="203.0.113.9")
    assert users.sign_in_locks(ada, engine, NOW + timedelta(minutes=1)).empty
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


def _workbook(sheet_rows: bytes = b"", strings: int = 0) -> bytes:
    """A real workbook with extra rows spliced into its sheet, or many shared strings."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["agency_code", "period", "loss_reported"])
    sheet.append(["BK01", "2026-09", "text"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", sheet_rows + b"</sheetData>")
            z.writestr(item, data)
        if strings:
            extra = b"".join(b"<si><t>x%d</t></si>" % k for k in range(strings))
            z.writestr("xl/sharedStrings.xml", b"<sst>" + extra + b"</sst>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (
            lambda: _workbook(b'<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>'),
            "reaches row 2,000,000,000",
        ),
        (
            lambda: _workbook(b"".join(b'<row r="%d"/>' % k for k in range(3, 250_000))),
            "at most 200,000 rows (blank ones included)",
        ),
        (lambda: _workbook(b'<row r="3"><c r="XFD3"><v>1</v></c></row>'), "column XFD"),
        (lambda: _workbook(strings=1_100_000), "more than 1,000,000 different texts"),
    ],
    ids=["far-row", "blank-rows", "far-column", "shared-strings"],
)
def test_a_small_workbook_that_would_stall_the_server_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch, raw: Any, said: str
) -> None:
    import openpyxl

    from evaluation.errors import InputError
    from evaluation.ingest.readers import read_table_bytes

    data = raw()
    assert len(data) < 10 * 1024 * 1024

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(InputError, match=re.escape(said)):
        read_table_bytes(data, "small.xlsx")


def test_an_ordinary_workbook_still_reads() -> None:
    from evaluation.ingest.readers import read_table_bytes

    table = read_table_bytes(_workbook(), "ordinary.xlsx")
    assert list(table.columns) == ["agency_code", "period", "loss_reported"] and len(table) == 1


@pytest.mark.parametrize(
    ("password", "said"),
    [
        ("123456789012", "too easy to guess"),
        ("passwordpassword", "too easy to guess"),
        ("admin1admin1", "too easy to guess"),
        ("\u200b" * 11 + "a", "at least 12 visible characters, got 1"),
        ("a", "at least 12 visible characters, got 1"),
        ("qwertyuiopasdf", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused(password: str, said: str) -> None:
    from evaluation import accounts
    from evaluation.errors import InputError

    with pytest.raises(InputError, match=said):
        accounts.check_password(password)


def test_a_password_is_the_same_however_its_letters_are_encoded(tmp_path: Path) -> None:
    from evaluation.services import sessions, users

    engine = stored.open_store(f"sqlite:///{tmp_path / 'e.db'}")
    wide = "ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ"  # typed with a full-width input method
    users.create_user(console(), engine, "mei", "coordinator", wide)
    sessions.sign_in(engine, "mei", "correct horse battery", NOW)
    sessions.sign_in(engine, "mei", wide, NOW)
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


def test_every_ratio_says_whether_it_can_exceed_one(framework: Framework) -> None:
    from evaluation.errors import FrameworkError
    from evaluation.framework import parse_framework

    text = framework.text
    undeclared = text.replace("        may_exceed_one: true\n", "", 1)  # stop_payment_rate
    with pytest.raises(FrameworkError) as refused:
        parse_framework(undeclared)
    assert "say whether stop_payment_rate can exceed 1: give the field amount_stop_paid" in str(
        refused.value
    )
    both = text.replace("    at_most: warnings_received\n", "    at_most: warnings_received\n", 1)
    both = both.replace(
        "        numerator: warnings_answered_in_time\n",
        "        numerator: warnings_answered_in_time\n        may_exceed_one: true\n",
        1,
    )
    with pytest.raises(FrameworkError, match="cannot exceed 1; remove may_exceed_one"):
        parse_framework(both)


def test_a_rate_above_one_is_warned_of_and_scores_full_marks(
    demo_store: Engine, framework: Framework
) -> None:
    raw = b"agency_code,period,loss_reported,amount_frozen,amount_returned\n"
    raw += b"BK01,2026-09,100000,150000,50000\n"
    preview = uploads.preview_upload(BANK1, demo_store, framework, raw, "f.csv", None, TODAY)
    assert preview.checked.ok
    said = [str(w) for w in preview.checked.warnings]
    assert any("freeze_rate is above 1 this month and scores as full marks" in w for w in said)
    uploads.commit_upload(BANK1, demo_store, framework, raw, "f.csv", None, TODAY)
    minmax = framework.text.replace(
        "normalise: {method: goalposts, worst: 0.05, best: 0.35}",
        "normalise: {method: zscore}",
    )
    from evaluation.framework import parse_framework

    scored = stored.stored_evaluation(demo_store, parse_framework(minmax), "2026-09")
    row = scored.table.set_index("agency_code").loc["BK01"]
    assert row["raw.freeze_rate"] == 1.5 and row["ind.freeze_rate"] == framework.scale


def test_a_session_ends_after_its_lifetime_however_busy(tmp_path: Path) -> None:
    from datetime import timedelta

    from evaluation import accounts
    from evaluation.services import sessions

    engine = stored.open_store(f"sqlite:///{tmp_path / 'e.db'}")
    _accounts(engine)
    token, who = sessions.sign_in(engine, "cora", "correct horse battery", NOW)
    moment = NOW
    while moment - NOW < accounts.LIFETIME - timedelta(hours=1):
        moment += timedelta(hours=1)  # busy every hour: never idle
        assert sessions.actor_for(engine, token, moment) == who
    assert sessions.actor_for(engine, token, NOW + accounts.LIFETIME + timedelta(minutes=1)) is None
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


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from evaluation.ui import state

    context = SimpleNamespace(
        headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.4"}, ip_address="10.0.0.2"
    )
    monkeypatch.setattr(state, "st", SimpleNamespace(context=context))
    monkeypatch.delenv("TRUST_FORWARDED_FOR", raising=False)
    assert state.client_address() == "10.0.0.2"  # a header a client wrote chooses nothing
    monkeypatch.setenv("TRUST_FORWARDED_FOR", "1")
    assert state.client_address() == "198.51.100.4"  # the hop the proxy appended
