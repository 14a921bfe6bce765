"""The product's security promises, one test per promise: what one agency can learn of another,
what bad input can do to the server, and what the sign-in allows (see docs/security.md)."""

from __future__ import annotations

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
