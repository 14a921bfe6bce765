"""Accounts on a real store (SQLite and PostgreSQL): hashing, sign-in, lockout, expiry, roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy

from evaluation import accounts, load_framework
from evaluation.errors import (
    AuthenticationError,
    FrameworkError,
    InputError,
    PermissionDeniedError,
)
from evaluation.permissions import Actor, console
from evaluation.services import admin, demo, pages, profile, publication, sessions, uploads, users
from evaluation.services import store as stored
from evaluation.storage import agencies as agency_store
from evaluation.storage import audit as audit_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
ADMIN = Actor("ada", "admin")
COORDINATOR = Actor("cora", "coordinator")
AGENCY = Actor("bank1", "agency", "BK01")
AUDITOR = Actor("otto", "auditor")


@pytest.fixture
def store(db_url: str) -> Engine:
    """A store with the demo data and one account of each role."""
    engine = stored.open_store(db_url)
    demo.load_demo(
        console(), engine, load_framework(ROOT / "indicators.yaml"), TODAY, with_accounts=False
    )
    for viewer in (ADMIN, COORDINATOR, AGENCY):
        users.create_user(console(), engine, viewer.name, viewer.role, PASSWORD, viewer.agency)
    return engine


def test_passwords_are_argon2id_and_never_stored_in_clear(store: Engine) -> None:
    sessions.sign_in(store, "ada", PASSWORD, NOW)
    with pytest.raises(AuthenticationError):
        sessions.sign_in(store, "ada", PASSWORD + "!", NOW)
    users.reset_password(ADMIN, store, "cora", "another long password")
    found = []
    with store.connect() as conn:
        for table in sqlalchemy.inspect(conn).get_table_names():
            for row in conn.execute(sqlalchemy.text(f"SELECT * FROM {table}")):
                text = " ".join(map(str, row))
                found += [table for secret in (PASSWORD, "another long password") if secret in text]
        hashes = [h for (h,) in conn.execute(sqlalchemy.text("SELECT password_hash FROM users"))]
    assert found == []
    assert all(h.startswith("$argon2id$") for h in hashes) and len(hashes) == 3


def test_the_password_policy_is_enforced(store: Engine) -> None:
    with pytest.raises(InputError, match="at least 12 visible characters, got 11"):
        users.create_user(ADMIN, store, "newbie", "coordinator", "x" * 10 + "y")
    with pytest.raises(InputError, match="more than one distinct character"):
        users.create_user(ADMIN, store, "newbie", "coordinator", "a" * 20)
    with pytest.raises(InputError, match="must be bound to an agency"):
        users.create_user(ADMIN, store, "newbie", "agency", PASSWORD)
    with pytest.raises(InputError, match='no agency with code "ZZ99"'):
        users.create_user(ADMIN, store, "newbie", "agency", PASSWORD, agency="ZZ99")
    with pytest.raises(InputError, match="username"):
        users.create_user(ADMIN, store, "no spaces please", "coordinator", PASSWORD)


def test_failures_say_the_same_whether_or_not_the_user_exists(store: Engine) -> None:
    messages = set()
    for username, password in (("ada", "wrong password!!"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationError) as caught:
            sessions.sign_in(store, username, password, NOW)
        messages.add(str(caught.value))
    assert messages == {str(accounts.SIGN_IN_FAILED)}
    failures = audit_store.audit_log(store)
    assert list(failures["action"]).count("login.failed") == 2


def test_five_failures_lock_the_account_for_fifteen_minutes(store: Engine) -> None:
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            sessions.sign_in(store, "cora", "not the password", NOW)
    with pytest.raises(AuthenticationError) as caught:
        sessions.sign_in(store, "cora", PASSWORD, NOW + timedelta(minutes=14))
    assert str(caught.value) == str(accounts.SIGN_IN_FAILED)  # locked, and it does not say so
    token, viewer = sessions.sign_in(store, "cora", PASSWORD, NOW + timedelta(minutes=16))
    assert viewer == COORDINATOR and token
    # A success clears the count: four more failures do not lock.
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError):
            sessions.sign_in(store, "cora", "not the password", NOW + timedelta(minutes=17))
    sessions.sign_in(store, "cora", PASSWORD, NOW + timedelta(minutes=18))


def test_sessions_end_when_idle_after_their_lifetime_and_on_sign_out(store: Engine) -> None:
    token, viewer = sessions.sign_in(store, "bank1", PASSWORD, NOW)
    assert sessions.actor_for(store, token, NOW + timedelta(hours=7)) == AGENCY
    # Activity at 7 h moved the idle clock: 11 h after sign-in is only 4 h idle...
    assert sessions.actor_for(store, token, NOW + timedelta(hours=11)) == AGENCY
    # ...but no session outlives its 12-hour lifetime, however busy.
    assert sessions.actor_for(store, token, NOW + timedelta(hours=12, minutes=1)) is None
    assert sessions.actor_for(store, token, NOW + timedelta(hours=13)) is None
    idle, _ = sessions.sign_in(store, "bank1", PASSWORD, NOW)
    assert sessions.actor_for(store, idle, NOW + timedelta(hours=8, minutes=1)) is None
    token, _ = sessions.sign_in(store, "bank1", PASSWORD, NOW)
    sessions.sign_out(store, token, NOW + timedelta(minutes=1))
    assert sessions.actor_for(store, token, NOW + timedelta(minutes=2)) is None
    assert sessions.actor_for(store, "made-up-token", NOW) is None
    actions = list(audit_store.audit_log(store)["action"])
    assert actions.count("login") == 3 and "logout" in actions and "session.expired" in actions


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(store: Engine) -> None:
    token, _ = sessions.sign_in(store, "bank1", PASSWORD, NOW)
    users.set_user_active(ADMIN, store, "bank1", False)
    assert sessions.actor_for(store, token, NOW) is None
    with pytest.raises(AuthenticationError):
        sessions.sign_in(store, "bank1", PASSWORD, NOW)
    users.set_user_active(ADMIN, store, "bank1", True)
    assert sessions.actor_for(store, token, NOW) is None  # enabling again revives no session
    assert sessions.sign_in(store, "bank1", PASSWORD, NOW)[1] == AGENCY


def test_a_new_password_ends_every_session_of_the_account(store: Engine) -> None:
    first, _ = sessions.sign_in(store, "cora", PASSWORD, NOW)
    second, _ = sessions.sign_in(store, "cora", PASSWORD, NOW)
    other, _ = sessions.sign_in(store, "ada", PASSWORD, NOW)
    users.reset_password(ADMIN, store, "cora", "another long password")
    assert sessions.actor_for(store, first, NOW) is None
    assert sessions.actor_for(store, second, NOW) is None
    assert sessions.actor_for(store, other, NOW) == ADMIN
    with pytest.raises(AuthenticationError):
        sessions.sign_in(store, "cora", PASSWORD, NOW)
    assert sessions.sign_in(store, "cora", "another long password", NOW)[1] == COORDINATOR


def test_a_password_typed_as_the_username_never_reaches_the_audit_log(store: Engine) -> None:
    with pytest.raises(AuthenticationError):
        sessions.sign_in(store, PASSWORD, PASSWORD, NOW)
    shaped = "Tr0ub4dor3xK9mQ2"  # a password with the shape of a username, as generated ones
    with pytest.raises(AuthenticationError):
        sessions.sign_in(store, shaped, PASSWORD, NOW)
    with pytest.raises(AuthenticationError):
        sessions.sign_in(store, "mallory", PASSWORD, NOW)
    log = audit_store.audit_log(store)
    failed = log[log["action"] == "login.failed"]
    assert list(failed["actor"]) == ["(unknown username)"] * 3
    for secret in (PASSWORD, shaped, "mallory"):
        assert not log.astype(str).apply(lambda c, s=secret: c.str.contains(s)).any().any()


def test_only_admins_manage_accounts(store: Engine) -> None:
    for viewer in (COORDINATOR, AGENCY):
        with pytest.raises(PermissionDeniedError, match="may not manage accounts"):
            users.create_user(viewer, store, "eve", "admin", PASSWORD)
        with pytest.raises(PermissionDeniedError):
            users.list_users(viewer, store)
        with pytest.raises(PermissionDeniedError):
            users.reset_password(viewer, store, "ada", "hijacked password!")
        with pytest.raises(PermissionDeniedError):
            users.set_user_active(viewer, store, "ada", False)
    with pytest.raises(PermissionDeniedError, match="already exists"):
        users.create_first_admin(store, "eve", PASSWORD)
    assert "password_hash" not in users.list_users(ADMIN, store).columns


def test_each_service_refuses_what_an_agency_user_may_not_do(store: Engine) -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    data = stored.load_dataset(store)
    evaluator = stored.make_evaluator(framework, data)
    assert evaluator is not None
    evaluation = evaluator.evaluate("2026-10")
    raw = (ROOT / "tests" / "data" / "uploads" / "good.csv").read_bytes()  # BK01 and BK02
    refused = {
        "overview": lambda: pages.overview(AGENCY, framework, data, evaluation, NOW),
        "indicators": lambda: pages.indicator_detail(AGENCY, data, evaluation, "return_rate"),
        "other profile": lambda: profile.agency_profile(
            AGENCY, data, evaluation, pages.timeline(evaluator, data.months), "BK02", NOW
        ),
        "other uploads": lambda: uploads.agency_submissions(AGENCY, data, "BK02"),
        "upload for another": lambda: uploads.preview_upload(
            AGENCY, store, framework, raw, "good.csv", "BK02", TODAY
        ),
        "publish": lambda: publication.publish(AGENCY, store, framework, "2026-10"),
        "compare": lambda: publication.compare_with_published(AGENCY, store, framework, "2026-10"),
        "publications": lambda: publication.publications(AGENCY, store),
        "restore another's": lambda: uploads.restore(
            AGENCY, store, int(submission_store.history(store, "BK02", "2026-09")["id"].iloc[-1])
        ),
        "demo": lambda: demo.load_demo(AGENCY, store, framework, TODAY),
        "agencies": lambda: admin.register_agencies(AGENCY, store, framework, b"", "a.csv"),
    }
    for name, call in refused.items():
        with pytest.raises(PermissionDeniedError):
            call()
            pytest.fail(f"{name} was allowed")
    # Without naming an agency, an agency user's file is checked as its own: BK02 rows refused.
    preview = uploads.preview_upload(AGENCY, store, framework, raw, "good.csv", None, TODAY)
    assert any("may not submit figures for agency BK02" in str(e) for e in preview.checked.errors)
    # What it may see: its own profile and the league table without anyone's figures.
    own = profile.agency_profile(
        AGENCY, data, evaluation, pages.timeline(evaluator, data.months), "BK01", NOW
    )
    assert own.explanation.agency_code == "BK01"
    with pytest.raises(PermissionDeniedError):
        pages.league_table(AGENCY, evaluation, None)
    with pytest.raises(PermissionDeniedError):
        pages.export_ranking(AGENCY, evaluation, "csv")
    assert publication.published_league(console(), store, "2026-10") is None
    publication.publish(COORDINATOR, store, framework, "2026-10")
    league = publication.published_league(console(), store, "2026-10")
    assert league is not None and len(league) == 30
    assert list(league.columns) == ["rank", "agency_name", "agency_type", "tier", "score"]
    with pytest.raises(PermissionDeniedError):
        admin.register_agencies(COORDINATOR, store, framework, b"", "a.csv")


def test_cli_users_add_list_disable_reset(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    added = run_cli("users", "add", "boss", "--role", "admin", database=database, stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    again = run_cli("users", "add", "boss", "--role", "admin", database=database, stdin=PASSWORD)
    assert again.returncode == 2 and 'the username "boss" is already taken' in again.stderr
    short = run_cli("users", "add", "tiny", "--role", "admin", database=database, stdin="short")
    assert short.returncode == 2 and "at least 12 visible characters, got 5" in short.stderr
    listed = run_cli("users", "list", database=database).stdout.splitlines()
    assert listed[0].split()[:6] == ["username", "role", "agency_code", "email", "active", "demo"]
    assert listed[1].split()[:5] == ["boss", "admin", "None", "True", "False"]
    assert run_cli("users", "disable", "boss", database=database).returncode == 0
    listed = run_cli("users", "list", database=database)
    assert listed.stdout.splitlines()[1].split()[:5] == ["boss", "admin", "None", "False", "False"]
    assert PASSWORD not in listed.stdout
    reset = run_cli("users", "reset-password", "boss", database=database, stdin="a new password 1")
    assert reset.returncode == 0, reset.stderr
    missing = run_cli("users", "disable", "ghost", database=database)
    assert missing.returncode == 2 and 'there is no account "ghost"' in missing.stderr


def test_the_audit_trail_is_for_auditors_and_its_export_is_formula_safe(store: Engine) -> None:
    with pytest.raises(AuthenticationError):  # an identity provider's email, recorded as is
        sessions.sign_in_by_email(store, "=cmd|'/c calc'!A1", NOW)
    for viewer in (COORDINATOR, AGENCY, ADMIN):
        with pytest.raises(PermissionDeniedError, match="may not read the audit log"):
            admin.audit_trail(viewer, store, None, None, None, None)
    log = admin.audit_trail(AUDITOR, store, ["login.failed"], None, None, None)
    assert list(log["actor"]) == ["=cmd|'/c calc'!a1"]
    text = admin.audit_csv(log).decode("utf-8-sig")
    assert "'=cmd|" in text and ",=cmd" not in text and "\n=cmd" not in text
    everything = admin.audit_trail(AUDITOR, store, None, None, None, None)
    assert everything["id"].is_monotonic_decreasing  # newest first
    assert admin.audit_trail(AUDITOR, store, None, None, NOW + timedelta(days=400), None).empty


def test_demo_accounts_exist_only_with_demo_data_and_can_sign_in(
    store: Engine, db_url: str, tmp_path: Path
) -> None:
    made = demo.create_demo_accounts(console(), store)
    framework = load_framework(ROOT / "indicators.yaml")
    assert made[0].username == "demo-coordinator" and made[0].role == "coordinator"
    assert {a.username for a in made[1:]} == {f"demo-{t}" for t in framework.type_ids()}
    bank = next(a for a in made if a.username == "demo-bank")
    assert bank.role == "agency" and bank.agency == "BK01"
    _token, viewer = sessions.sign_in(store, "demo-bank", bank.password, NOW)
    assert viewer == Actor("demo-bank", "agency", "BK01")
    assert demo.demo_usernames(store)[0] == "demo-anti_fraud_centre"
    with store.connect() as conn:
        dump = " ".join(
            " ".join(map(str, row)) for row in conn.execute(sqlalchemy.text("SELECT * FROM users"))
        )
    assert not any(a.password in dump for a in made)
    real = stored.open_store(f"sqlite:///{tmp_path / 'real.db'}")
    agency_store.add_agencies(
        real,
        pd.DataFrame({"code": ["BK01"], "name": ["Bank"], "name_zh": [""], "type": ["bank"]}),
        "tester",
    )
    with pytest.raises(PermissionDeniedError, match="only in a database of synthetic demo data"):
        demo.create_demo_accounts(console(), real)
    assert demo.demo_usernames(real) == []


def test_single_sign_on_maps_an_email_to_an_active_account(store: Engine) -> None:
    users.create_user(ADMIN, store, "olga", "coordinator", PASSWORD, email="Olga@Example.gov.cn")
    token, viewer = sessions.sign_in_by_email(store, "olga@example.gov.cn", NOW)
    assert viewer == Actor("olga", "coordinator") and sessions.actor_for(store, token, NOW)
    with pytest.raises(AuthenticationError, match="no active account has this email"):
        sessions.sign_in_by_email(store, "stranger@example.com", NOW)
    users.set_user_active(ADMIN, store, "olga", False)
    with pytest.raises(AuthenticationError):
        sessions.sign_in_by_email(store, "olga@example.gov.cn", NOW)
    with pytest.raises(AuthenticationError):
        sessions.sign_in_by_email(store, "", NOW)  # accounts without an email never match
    with pytest.raises(InputError, match="already belongs to another account"):
        users.create_user(
            ADMIN, store, "olga2", "coordinator", PASSWORD, email="OLGA@example.gov.cn "
        )


def test_replacing_the_framework_validates_backs_up_and_records(
    store: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "indicators.yaml"
    original = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    with pytest.raises(PermissionDeniedError):
        admin.replace_framework(COORDINATOR, store, path, original, NOW)
    broken = original.replace("version: 1", "version: 9", 1)
    with pytest.raises(FrameworkError):
        admin.replace_framework(ADMIN, store, path, broken, NOW)
    assert path.read_text(encoding="utf-8") == original
    assert list(tmp_path.glob("*.bak")) == []
    edited = original.replace("submission_deadline_day: 10", "submission_deadline_day: 12", 1)
    framework, backup = admin.replace_framework(ADMIN, store, path, edited, NOW)
    assert framework.submission_deadline_day == 12
    assert path.read_text(encoding="utf-8") == edited
    assert backup is not None and backup.read_text(encoding="utf-8") == original
    assert backup.name == "indicators.20261125-090000.yaml.bak"
    log = audit_store.audit_log(store, ["framework.replace"])
    assert len(log) == 1 and framework.fingerprint in log["details"].iloc[0]


def test_an_agency_taken_out_is_not_scored(store: Engine) -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    with pytest.raises(PermissionDeniedError):
        admin.set_agency_active(COORDINATOR, store, "BK02", False)
    admin.set_agency_active(ADMIN, store, "BK02", False)
    evaluator = stored.make_evaluator(framework, stored.load_dataset(store))
    assert evaluator is not None
    codes = set(evaluator.evaluate("2026-10").table["agency_code"])
    assert "BK02" not in codes and len(codes) == 29
    admin.set_agency_active(ADMIN, store, "BK02", True)
    evaluator = stored.make_evaluator(framework, stored.load_dataset(store))
    assert evaluator is not None and len(evaluator.evaluate("2026-10").table) == 30


def test_an_agency_user_sees_no_peer_median_that_gives_away_a_peer(store: Engine) -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    data = stored.load_dataset(store)
    evaluator = stored.make_evaluator(framework, data)
    assert evaluator is not None
    evaluation = evaluator.evaluate("2026-10")
    timeline = pages.timeline(evaluator, data.months)
    table = evaluation.table.set_index("agency_code")
    small = table.loc["ED01", "agency_type"]
    assert (table["agency_type"] == small).sum() <= profile.PEER_GROUP_MINIMUM
    users.create_user(ADMIN, store, "edu1", "agency", PASSWORD, agency="ED01")
    mine = profile.agency_profile(
        Actor("edu1", "agency", "ED01"), data, evaluation, timeline, "ED01", NOW
    )
    assert mine.indicators["peer_median"].isna().all()
    assert mine.dimensions["type_median"].isna().all()
    seen = profile.agency_profile(COORDINATOR, data, evaluation, timeline, "ED01", NOW)
    assert seen.dimensions["type_median"].notna().any()  # coordinators see every agency anyway
    # A type with enough other agencies gets medians of the others, without the agency itself.
    counts = table["agency_type"].value_counts()
    big = counts[counts > profile.PEER_GROUP_MINIMUM].index[0]
    code = table.index[table["agency_type"] == big][0]
    users.create_user(ADMIN, store, "big1", "agency", PASSWORD, agency=code)
    theirs = profile.agency_profile(
        Actor("big1", "agency", code), data, evaluation, timeline, code, NOW
    )
    others = table[(table["agency_type"] == big) & (table.index != code)]
    dims = theirs.dimensions.set_index("dimension")["type_median"]
    for dim in framework.dimensions:
        expected = others[f"dim.{dim.id}"].dropna()
        if len(expected) >= profile.PEER_GROUP_MINIMUM:
            assert dims[dim.id] == pytest.approx(expected.median())


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_in(store: Engine) -> None:
    from argon2 import PasswordHasher

    from evaluation.audit import AuditAction
    from evaluation.storage import accounts as account_store

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    account_store.change_user(store, "cora", {"password_hash": weak}, "test", AuditAction.USER_ADD)
    assert accounts.needs_rehash(weak)
    sessions.sign_in(store, "cora", PASSWORD, NOW)
    upgraded = str(account_store.user(store, "cora")["password_hash"])  # type: ignore[index]
    assert upgraded != weak and not accounts.needs_rehash(upgraded)
    assert accounts.verify_password(upgraded, PASSWORD)
    assert "user.rehash" in set(audit_store.audit_log(store)["action"])
    sessions.sign_in(store, "cora", PASSWORD, NOW)  # a current hash is left alone
    assert str(account_store.user(store, "cora")["password_hash"]) == upgraded  # type: ignore[index]
