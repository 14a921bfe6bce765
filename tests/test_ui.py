"""Streamlit AppTest: every page on the demo data and on an empty database; key widgets work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from evaluation.errors import PermissionDeniedError
from evaluation.permissions import Actor, console
from evaluation.services import admin, demo, sessions, uploads, users
from evaluation.services import store as stored
from evaluation.storage import audit as audit_store
from evaluation.storage import submissions as submission_store

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "overview",
    "rankings",
    "profile",
    "indicators",
    "submissions",
    "upload",
    "framework",
    "publish",
    "weights",
)
ADMIN_PAGES = ("audit", "admin")


PASSWORD = "a long enough password"
ACCOUNTS = (
    ("ada", "admin", None),
    ("cora", "coordinator", None),
    ("bank1", "agency", "BK01"),
    ("otto", "auditor", None),
)


def add_accounts(url: str) -> None:
    """An administrator, a coordinator and an agency user of BK01 (when BK01 exists)."""
    engine = stored.open_store(url)
    codes = set(stored.load_dataset(engine).agencies["code"])
    for name, role, agency in ACCOUNTS:
        if agency is None or agency in codes:
            users.create_user(console(), engine, name, role, PASSWORD, agency=agency)
    engine.dispose()


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the Y-city demo and three accounts."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'evaluation.db'}"
    engine = stored.open_store(url)
    framework = stored.framework_status(ROOT / "indicators.yaml").framework
    assert framework is not None
    demo.load_demo(console(), engine, framework, date.today(), with_accounts=False)
    engine.dispose()
    add_accounts(url)
    return url


def revised_month(engine: Engine, agency_code: str) -> str:
    """The month whose upload the demo revised for `agency_code` (the demo ends last month)."""
    versions = submission_store.submissions(engine, agency_code)
    return str(versions.loc[versions["version"] == 2, "period"].iloc[0])


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    """A migrated SQLite database with accounts and nothing else."""
    url = f"sqlite:///{tmp_path / 'evaluation.db'}"
    add_accounts(url)
    return url


def signed_in(at: AppTest, url: str, username: str) -> AppTest:
    """The AppTest with a fresh session of `username` in its browser session."""
    engine = stored.open_store(url)
    token, _viewer = sessions.sign_in(engine, username, PASSWORD, datetime.now(UTC))
    engine.dispose()
    at.session_state["session_token"] = token
    return at


def exchanged(at: AppTest) -> AppTest:
    """After a sign-in: the run draws nothing but "Signing in…" while the browser exchanges the
    new session for its cookie, then the reload (here: the next run) draws the page."""
    assert not at.exception, at.exception
    assert [c.value for c in at.caption] == ["Signing in…"]
    assert not at.title and not at.sidebar.caption and not at.text_input and not at.button
    return at.run()


def page(name: str, url: str, monkeypatch: pytest.MonkeyPatch, username: str = "cora") -> AppTest:
    """An AppTest of one page's render function on the given database, signed in."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", url)
    script = f"from evaluation.ui import {name}_page\n{name}_page.render()\n"
    return signed_in(AppTest.from_string(script, default_timeout=60), url, username)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_on_the_demo_data(
    name: str, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page(name, demo_url, monkeypatch).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"
    if name != "framework":
        assert any("synthetic" in w.value for w in at.warning), "the demo banner is shown"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_on_an_empty_database(
    name: str, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page(name, empty_url, monkeypatch).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert not any("synthetic" in w.value for w in at.warning)


@pytest.mark.parametrize(("name", "username"), [("audit", "otto"), ("admin", "ada")])
def test_administration_pages_render_for_their_role_on_both_databases(
    name: str, username: str, demo_url: str, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for url in (demo_url, empty_url):
        at = page(name, url, monkeypatch, username=username).run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        assert at.title, "every page has a title"


def test_on_an_empty_database_the_auditor_still_reads_the_audit_log(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", empty_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at = signed_in(at, empty_url, "otto").run()
    assert not at.exception
    assert at.title[0].value == "Audit"


def test_the_dashboard_opens_on_the_welcome_page_when_empty(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", empty_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at = signed_in(at, empty_url, "ada").run()
    assert not at.exception
    assert at.title[0].value == "Welcome"
    at.button[0].click().run()  # load the demo data
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert any("synthetic" in w.value and "demo-coordinator" in w.value for w in at.warning)
    passwords = at.dataframe[0].value
    assert "demo-bank" in set(passwords["username"]) and passwords["password"].str.len().min() >= 12
    at.run()
    assert not any("shown only now" in i.value for i in at.info), "passwords are shown once"


def test_the_dashboard_opens_on_the_overview_with_data(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at = signed_in(at, demo_url, "cora").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    received = next(m for m in at.metric if m.label == "Submissions received")
    assert " of 30" in received.value


def test_switching_the_period_changes_the_table(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("rankings", demo_url, monkeypatch).run()
    months = at.sidebar.selectbox[0].options
    first = at.dataframe[0].value.copy()
    at.sidebar.selectbox[0].select(months[6]).run()
    assert not at.exception
    later = at.dataframe[0].value
    assert months[6] in at.caption[0].value
    assert list(first["score"]) != list(later["score"])


def test_the_type_filter_filters(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("rankings", demo_url, monkeypatch).run()
    everyone = at.dataframe[0].value
    assert len(everyone) == 30
    at.multiselect[0].select("bank").run()
    banks = at.dataframe[0].value
    assert 0 < len(banks) < len(everyone)
    assert set(banks["agency_type"]) == {"bank"}
    assert list(banks["rank_in_type"].sort_values()) == list(range(1, len(banks) + 1))


def test_the_quarter_view_scores_three_months(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("overview", demo_url, monkeypatch).run()
    at.sidebar.segmented_control[0].set_value("Quarter").run()
    assert not at.exception
    assert "-Q" in at.caption[0].value


def test_the_profile_follows_the_agency_in_the_address(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("profile", demo_url, monkeypatch)
    at.query_params["agency"] = "BK03"
    at.run()
    assert not at.exception
    assert at.title[0].value.startswith("Nongxing")
    assert at.selectbox(key="agency").value == "BK03"


def test_an_unknown_agency_in_the_address_is_said(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("profile", demo_url, monkeypatch)
    at.query_params["agency"] = "NOPE"
    at.run()
    assert not at.exception
    assert any('no agency "NOPE"' in w.value for w in at.warning)


def test_an_invalid_framework_keeps_the_last_valid_one(
    tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("framework", demo_url, monkeypatch).run()  # serves and remembers the valid file
    assert not at.error
    bad = tmp_path / "indicators.yaml"
    bad.write_text(
        (ROOT / "indicators.yaml")
        .read_text(encoding="utf-8")
        .replace("version: 1", "version: 9", 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("INDICATORS_FILE", str(bad))
    at = page("framework", demo_url, monkeypatch).run()
    assert not at.exception
    assert "is invalid" in at.error[0].value
    assert "serving the last valid framework" in at.error[0].value
    assert "version: expected 1, got 9" in at.code[0].value
    assert at.title[0].value.startswith("Y City")
    ranking = page("rankings", demo_url, monkeypatch).run()
    assert len(ranking.dataframe[0].value) == 30


def test_an_invalid_framework_with_nothing_kept_stops_scoring(
    tmp_path: Path, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "indicators.yaml"
    bad.write_text("version: 9\n", encoding="utf-8")
    monkeypatch.setenv("INDICATORS_FILE", str(bad))
    at = page("framework", empty_url, monkeypatch).run()
    assert not at.exception
    assert "nothing can be scored" in at.error[0].value
    assert at.code, "every problem is listed"


@pytest.fixture
def demo_copy(demo_url: str, tmp_path: Path) -> str:
    """A private copy of the demo database, for tests that change it."""
    import shutil

    target = tmp_path / "copy.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


def test_publishing_marks_the_period_published(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("publish", demo_copy, monkeypatch).run()
    assert "draft" in at.caption[0].value
    assert any("never been published" in i.value for i in at.info)
    publish = next(b for b in at.button if b.label == "Publish")
    assert publish.disabled, "publishing needs the confirmation ticked"
    at.checkbox(key="publish_sure").check().run()
    next(b for b in at.button if b.label == "Publish").click().run()
    assert not at.exception
    assert "published on" in at.caption[0].value
    assert len(at.dataframe[-1].value) == 1  # the list of publications
    assert any("matches today's result" in s.value for s in at.success)
    rankings = page("rankings", demo_copy, monkeypatch).run()
    assert "published on" in rankings.caption[0].value


def test_an_agency_user_sees_only_its_own_and_what_was_published(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("rankings", demo_copy, monkeypatch, username="bank1").run()
    assert not at.exception
    assert any("has not been published yet" in i.value for i in at.info)
    assert not at.dataframe, "no draft table for agency users"
    coordinator = page("publish", demo_copy, monkeypatch).run()
    coordinator.checkbox(key="publish_sure").check().run()
    next(b for b in coordinator.button if b.label == "Publish").click().run()
    at = page("rankings", demo_copy, monkeypatch, username="bank1").run()
    league = at.dataframe[0].value
    assert len(league) == 30
    assert list(league.columns) == ["rank", "agency_name", "agency_type", "tier", "score"]
    profile = page("profile", demo_copy, monkeypatch, username="bank1")
    profile.query_params["agency"] = "BK02"
    profile.run()
    assert not profile.exception
    assert any('no agency "BK02" you may see' in w.value for w in profile.warning)
    assert profile.selectbox(key="agency").options == ["Huaxia Commerce Bank, Y City Branch (BK01)"]
    upload = page("upload", demo_copy, monkeypatch, username="bank1").run()
    assert not upload.exception
    assert "(BK01)" in upload.caption[0].value


def test_the_navigation_depends_on_the_role() -> None:
    from evaluation.permissions import Actor
    from evaluation.ui import pages

    everything = [p.url_path for p in pages.PAGES]
    assert pages.allowed_paths(Actor("ada", "admin")) == [p for p in everything if p != "audit"]
    assert pages.allowed_paths(Actor("cora", "coordinator")) == everything[:-2]  # no Audit, admin
    assert pages.allowed_paths(Actor("otto", "auditor")) == ["audit"]
    agency = pages.allowed_paths(Actor("bank1", "agency", "BK01"))
    assert agency == ["rankings", "agency", "upload", "framework"]


def test_signing_in_through_the_dashboard(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert at.title[0].value == "Sign in"
    at.text_input(key="sign_in_user").input("cora")
    at.text_input(key="sign_in_password").input("not the password")
    at.button[0].click().run()
    assert "Sign-in failed" in at.error[0].value
    at.text_input(key="sign_in_user").input("nobody")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert "Sign-in failed" in at.error[0].value
    at.text_input(key="sign_in_user").input("cora")
    at.text_input(key="sign_in_password").input(PASSWORD)
    exchanged(at.button[0].click().run())
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "cora" in at.sidebar.caption[0].value
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "Sign in"


def test_a_new_database_asks_for_the_first_administrator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert at.title[0].value == "Create the first administrator"
    at.text_input(key="admin_user").input("ada")
    at.text_input(key="admin_password").input("short")
    at.text_input(key="admin_again").input("short")
    at.button[0].click().run()
    assert "at least 12 visible characters" in at.error[0].value
    at.text_input(key="admin_password").input(PASSWORD)
    at.text_input(key="admin_again").input(PASSWORD)
    exchanged(at.button[0].click().run())
    assert not at.exception
    assert at.title[0].value == "Welcome"


def test_the_audit_page_filters_and_exports_for_auditors(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("audit", demo_copy, monkeypatch, username="otto").run()
    assert not at.exception
    log = at.dataframe[0].value
    assert {"login", "user.add", "upload"} <= set(log["action"])
    at.multiselect(key="audit_actions").select("login").run()
    assert set(at.dataframe[0].value["action"]) == {"login"}
    at.text_input(key="audit_actor").input("nobody").run()
    assert at.dataframe[0].value.empty
    for username in ("cora", "ada"):  # the administrator manages accounts, not the audit log
        refused = page("audit", demo_copy, monkeypatch, username=username).run()
        assert "may not read the audit log" in refused.error[0].value


def test_single_sign_on_is_offered_when_configured(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", demo_url)
    plain = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not any(b.label == "Sign in with single sign-on" for b in plain.button)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a test secret that is long enough",
        "client_id": "dashboard",
        "client_secret": "not used",
        "server_metadata_url": "https://sso.example.gov.cn/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception
    assert any(b.label == "Sign in with single sign-on" for b in at.button)
    assert at.title[0].value == "Sign in"


def test_the_administration_page_adds_accounts_for_admins_only(
    demo_copy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    framework_file = tmp_path / "indicators.yaml"
    framework_file.write_text((ROOT / "indicators.yaml").read_text(encoding="utf-8"), "utf-8")
    monkeypatch.setenv("INDICATORS_FILE", str(framework_file))
    at = page("admin", demo_copy, monkeypatch, username="ada").run()
    assert not at.exception
    assert {"ada", "cora", "bank1"} <= set(at.dataframe[0].value["username"])
    at.text_input(key="new_user").input("dora")
    at.text_input(key="new_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Add account").click().run()
    assert not at.exception
    assert any("Added coordinator dora" in s.value for s in at.success)
    refused = page("admin", demo_copy, monkeypatch, username="cora").run()
    assert "Only administrators" in refused.error[0].value


def test_the_weights_page_moves_ranks_when_a_weight_changes(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def what_if(at: AppTest) -> pd.DataFrame:
        return next(d.value for d in at.dataframe if "rank_move" in d.value.columns)

    at = page("weights", demo_url, monkeypatch).run()
    assert not at.exception, at.exception
    table = what_if(at)
    assert (table["rank_move"] == "–").all(), "unchanged weights move nobody"
    at.number_input(key="w_dim_information_sharing").set_value(100.0).run()
    assert not at.exception
    moved = what_if(at)
    assert (moved["rank_move"] != "–").any()
    assert any("change rank" in c.value for c in at.caption)
    uncertainty = next(
        d.value for d in at.dataframe if "median_rank" in getattr(d.value, "columns", [])
    )
    assert len(uncertainty) == 30
    # The uncertainty tab analyses the edited weights: its nominal ranks are the new ranks.
    nominal = uncertainty.set_index("agency_code")["nominal_rank"].astype(float)
    new_ranks = moved.set_index("agency_code")["rank_new"].astype(float)
    pd.testing.assert_series_equal(nominal.sort_index(), new_ranks.sort_index(), check_names=False)
    assert any("the weights of the What-if tab" in c.value for c in at.caption)


def test_the_sensitivity_analysis_runs_and_stays_until_its_settings_change(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("weights", demo_url, monkeypatch).run()
    at.number_input(key="s_samples").set_value(64)
    at.number_input(key="s_boot").set_value(50)
    at.button(key="s_run").click().run()
    assert not at.exception, at.exception

    def sobol(at: AppTest) -> pd.DataFrame | None:
        tables = [d.value for d in at.dataframe if "total_order" in getattr(d.value, "columns", [])]
        return tables[0] if tables else None

    first = sobol(at)
    assert first is not None and len(first) == 18 + 5  # every indicator and dimension weight
    assert any("N = 64, seed 20261125" in c.value for c in at.caption)
    at.number_input(key="u_samples").set_value(200).run()  # another tab's setting: still shown
    again = sobol(at)
    assert again is not None
    pd.testing.assert_frame_equal(first, again)
    at.number_input(key="s_seed").set_value(7).run()  # its own setting: asks to run again
    assert sobol(at) is None


def test_an_administrator_writes_new_weights_keeping_comments_and_a_backup(
    demo_copy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "indicators.yaml"
    original = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    monkeypatch.setenv("INDICATORS_FILE", str(target))
    at = page("weights", demo_copy, monkeypatch, username="ada").run()
    at.number_input(key="w_dim_information_sharing").set_value(40.0).run()
    at.checkbox(key="write_weights_sure").check().run()  # writing needs the tier changes confirmed
    at.button(key="write_weights").click().run()
    assert not at.exception, at.exception
    assert any("Written; the framework in force now has fingerprint" in s.value for s in at.success)
    written = target.read_text(encoding="utf-8")
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in written.splitlines() for line in comments)
    assert len(written.splitlines()) == len(original.splitlines())
    backups = list(tmp_path.glob("indicators.*.yaml.bak"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == original
    from evaluation import load_framework

    fresh = load_framework(target)
    assert next(d for d in fresh.dimensions if d.id == "information_sharing").weight == 40.0
    engine = stored.open_store(demo_copy)
    assert "framework.replace" in set(audit_store.audit_log(engine)["action"])
    engine.dispose()


def test_invalid_weights_are_explained_not_applied(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("weights", demo_url, monkeypatch).run()
    for number in at.number_input:
        if number.key and number.key.startswith("w_dim_"):
            number.set_value(0.0)
    at.run()
    assert not at.exception
    assert any("not a valid framework" in e.value for e in at.error)


def test_a_superseded_version_is_restored_from_the_profile(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = stored.open_store(demo_copy)
    month = revised_month(engine, "BK02")
    before = submission_store.history(engine, "BK02", month)
    assert list(before["status"]) == ["current", "superseded"]
    at = page("profile", demo_copy, monkeypatch)
    at.query_params["agency"] = "BK02"
    at.run()
    at.selectbox(key="restore_version").set_value(int(before.loc[1, "id"])).run()
    at.button(key="restore").click().run()
    assert not at.exception
    assert any(f"Restored {month} version 1" in s.value for s in at.success)
    after = submission_store.history(engine, "BK02", month)
    assert list(after["version"]) == [3, 2, 1]
    assert after.loc[0, "figures"] == before.loc[1, "figures"]
    assert after.loc[0, "uploaded_by"] == "cora"
    # An agency user may restore its own agency's versions only.
    with pytest.raises(PermissionDeniedError):
        uploads.restore(Actor("bank1", "agency", "BK01"), engine, int(after.loc[1, "id"]))
    engine.dispose()


def test_reloading_the_framework_is_recorded_with_who_asked(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("admin", demo_copy, monkeypatch, username="ada").run()
    at.button(key="reload_framework").click().run()
    assert not at.exception, at.exception
    engine = stored.open_store(demo_copy)
    log = audit_store.audit_log(engine)
    reloads = log[log["action"] == "framework.reload"]
    assert list(reloads["actor"]) == ["ada"]
    with pytest.raises(PermissionDeniedError):
        admin.reload_framework(Actor("cora", "coordinator"), engine, ROOT / "indicators.yaml")
    engine.dispose()


def test_administrators_see_and_lift_sign_in_locks(
    demo_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaluation.errors import AuthenticationError

    engine = stored.open_store(demo_copy)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            sessions.sign_in(engine, "cora", "not the password", datetime.now(UTC), "192.0.2.7")
    engine.dispose()
    at = page("admin", demo_copy, monkeypatch, username="ada").run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    locks = next(t for t in tables if "source" in t.columns)
    assert list(locks["username"]) == ["cora"] and list(locks["source"]) == ["192.0.2.7"]
    at.button(key="unlock").click().run()
    assert any("cora: 1 locked address(es) unlocked" in s.value for s in at.success)
    engine = stored.open_store(demo_copy)
    sessions.sign_in(engine, "cora", PASSWORD, datetime.now(UTC), "192.0.2.7")
    engine.dispose()
