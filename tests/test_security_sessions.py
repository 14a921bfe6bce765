"""Security promises of signing in: the lockout, passwords and session lifetime (see
docs/security.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from evaluation.framework import Framework, load_framework
from evaluation.permissions import Actor, console
from evaluation.services import demo
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
