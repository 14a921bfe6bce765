"""Navigation in AppTest: one address per page for every role, the root opening each role's first
page, choices kept across pages, and the period in the address."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from evaluation.periods import label_of_kind
from evaluation.permissions import Actor, console
from evaluation.services import demo
from evaluation.services import store as stored
from evaluation.ui import pages
from tests.test_ui import PASSWORD, ROOT, add_accounts, exchanged, signed_in

ROLES = {
    "ada": Actor("ada", "admin"),
    "cora": Actor("cora", "coordinator"),
    "bank1": Actor("bank1", "agency", "BK01"),
    "otto": Actor("otto", "auditor"),
}


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the Y-city demo and the accounts of tests/test_ui.py."""
    url = f"sqlite:///{tmp_path_factory.mktemp('navigation') / 'evaluation.db'}"
    engine = stored.open_store(url)
    framework = stored.framework_status(ROOT / "indicators.yaml").framework
    assert framework is not None
    demo.load_demo(console(), engine, framework, date.today(), with_accounts=False)
    engine.dispose()
    add_accounts(url)
    return url


@pytest.fixture(scope="module")
def months(demo_url: str) -> list[str]:
    """The demo's months, newest first (the demo ends at the last complete month)."""
    engine = stored.open_store(demo_url)
    found = sorted(stored.load_dataset(engine).months, reverse=True)
    engine.dispose()
    return found


def labels(months: list[str], kind: str) -> list[str]:
    """The quarters or years of the demo, newest first."""
    return sorted({label_of_kind(m, kind) for m in months}, reverse=True)  # type: ignore[arg-type]


def dashboard(url: str, monkeypatch: pytest.MonkeyPatch, username: str | None = "cora") -> AppTest:
    """The whole dashboard on `url`, signed in as `username` (None: signed out), not yet run."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    return at if username is None else signed_in(at, url, username)


def open_path(at: AppTest, path: str, **params: str) -> AppTest:
    """Run /`path`?`params` as a browser asks for it. AppTest.switch_page opens page files only;
    st.navigation names every page, callables too, by the hash of its url path."""
    at._page_hash = calc_hash(path)
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def alone(spec: pages.PageSpec, url: str, username: str) -> AppTest:
    """The page's own render function run by itself, signed in (the environment is set)."""
    module, function = spec.render.__module__, spec.render.__name__
    script = f"from {module} import {function}\n{function}()\n"
    return settled(signed_in(AppTest.from_string(script, default_timeout=60), url, username).run())


def settled(at: AppTest) -> AppTest:
    """The AppTest, having checked that the run raised nothing."""
    assert not at.exception, at.exception
    return at


def title(at: AppTest) -> str:
    """The page's title."""
    return str(at.title[0].value)


def picked(at: AppTest) -> tuple[str, str]:
    """The picker's kind and period."""
    return str(at.sidebar.segmented_control[0].value), str(at.sidebar.selectbox[0].value)


# -- one address per page ----------------------------------------------------------------------
@pytest.mark.parametrize(("username", "first"), [("cora", "Overview"), ("bank1", "Rankings")])
def test_the_root_opens_the_first_page_of_each_role(
    username: str, first: str, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = settled(dashboard(demo_url, monkeypatch, username).run())
    assert title(at) == first
    assert any(f"Signed in as **{username}**" in c.value for c in at.sidebar.caption)


def test_the_root_keeps_the_query_parameters(
    demo_url: str, months: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    quarter = labels(months, "quarter")[1]
    at = dashboard(demo_url, monkeypatch)
    at.query_params["period"] = quarter
    settled(at.run())
    assert title(at) == "Overview"
    assert picked(at) == ("Quarter", quarter)
    assert at.query_params["period"] == quarter


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_is_at_its_own_address_for_every_role(
    username: str, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = ROLES[username]
    at = settled(dashboard(demo_url, monkeypatch, username).run())
    for spec in pages.PAGES:
        settled(open_path(at, spec.url_path))
        refused = [e.value for e in at.error if "is not open to" in e.value]
        if actor.may(spec.permission):
            assert not refused, spec.url_path
            assert title(at) == title(alone(spec, demo_url, username)), spec.url_path
        else:  # said plainly, and nothing of the page itself is drawn
            assert title(at) == spec.title, spec.url_path
            assert refused == [f"The {spec.title} page is not open to {actor.role} accounts."]
            assert not at.dataframe and not at.metric and not at.sidebar.selectbox


def test_a_signed_out_visitor_signs_in_on_the_page_asked_for(
    demo_url: str, months: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = dashboard(demo_url, monkeypatch, username=None)
    settled(open_path(at, "rankings", period=months[3]))
    assert title(at) == "Sign in"
    at.text_input(key="sign_in_user").input("cora")
    at.text_input(key="sign_in_password").input(PASSWORD)
    settled(exchanged(at.button[0].click().run()))
    assert title(at) == "Rankings"
    assert picked(at) == ("Month", months[3])


# -- choices kept across pages -----------------------------------------------------------------
def test_the_period_is_kept_across_pages(
    demo_url: str, months: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    quarters = labels(months, "quarter")
    at = settled(dashboard(demo_url, monkeypatch).run())
    at.sidebar.selectbox[0].select(months[4]).run()
    at.sidebar.segmented_control[0].set_value("Quarter").run()
    settled(at.sidebar.selectbox[0].select(quarters[2]).run())
    for path in ("rankings", "indicators", "agency", "weights"):
        settled(open_path(at, path))  # as the menu opens a page: no query parameters
        assert picked(at) == ("Quarter", quarters[2]), path
        assert at.query_params["period"] == quarters[2], path
    settled(at.sidebar.segmented_control[0].set_value("Month").run())
    assert picked(at) == ("Month", months[4]), "each kind keeps its own period"
    assert at.query_params["period"] == months[4]


def test_a_page_switching_to_another_keeps_the_period(
    demo_url: str, months: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = settled(dashboard(demo_url, monkeypatch).run())
    settled(open_path(at, "rankings"))
    settled(at.sidebar.selectbox[0].select(months[2]).run())
    # Rankings opens a profile with st.switch_page(..., query_params={"agency": code}).
    settled(open_path(at, "agency", agency="BK03"))
    assert picked(at) == ("Month", months[2])
    assert at.query_params == {"agency": "BK03", "period": months[2]}


KEPT_SCRIPT = """
import streamlit as st
from evaluation.ui import state

state.keep_choices()

def first():
    st.multiselect("Types", ["bank", "telecom", "platform"], key=state.keep("types"))
    st.number_input("Weight", min_value=0.0, key=state.keep("weight", 30.0))

def second():
    st.write("another page")

st.navigation([st.Page(first, url_path="first"), st.Page(second, url_path="second")]).run()
"""


def test_a_kept_widget_outlives_the_pages_that_do_not_draw_it() -> None:
    at = AppTest.from_string(KEPT_SCRIPT, default_timeout=60).run()
    assert at.number_input[0].value == 30.0, "the default comes from keep()"
    at.multiselect[0].select("telecom").run()
    at.number_input[0].set_value(45.0).run()
    settled(open_path(at, "second"))
    assert not at.multiselect
    settled(open_path(at, "second"))  # a second run without the widgets forgets unkept state
    settled(open_path(at, "first"))
    assert at.multiselect[0].value == ["telecom"]
    assert at.number_input[0].value == 45.0
    assert not at.warning


# -- the period in the address -----------------------------------------------------------------
@pytest.mark.parametrize(("kind", "position"), [("Month", 5), ("Quarter", 1), ("Year", 1)])
def test_the_address_opens_a_period_of_any_kind(
    kind: str, position: int, demo_url: str, months: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = (months if kind == "Month" else labels(months, kind.lower()))[position]
    at = settled(dashboard(demo_url, monkeypatch).run())
    settled(open_path(at, "rankings", period=wanted))
    assert title(at) == "Rankings"
    assert picked(at) == (kind, wanted)
    assert wanted in at.caption[0].value
    assert at.query_params["period"] == wanted
    assert not [w for w in at.warning if "period" in w.value]


def test_the_picker_writes_the_address(
    demo_url: str, months: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = settled(dashboard(demo_url, monkeypatch).run())
    assert at.query_params["period"] == months[0], "the newest, in the address from the start"
    settled(at.sidebar.selectbox[0].select(months[7]).run())
    assert at.query_params["period"] == months[7]
    assert picked(at) == ("Month", months[7])
    settled(at.sidebar.segmented_control[0].set_value("Year").run())
    assert at.query_params["period"] == labels(months, "year")[0]


def test_a_link_with_another_period_is_followed_in_a_running_session(
    demo_url: str, months: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = settled(dashboard(demo_url, monkeypatch).run())
    settled(at.sidebar.selectbox[0].select(months[7]).run())
    quarter = labels(months, "quarter")[2]
    settled(open_path(at, "rankings", period=quarter))
    assert picked(at) == ("Quarter", quarter)
    settled(at.sidebar.selectbox[0].select(labels(months, "quarter")[1]).run())
    assert picked(at) == ("Quarter", labels(months, "quarter")[1]), "the user's change wins"


@pytest.mark.parametrize(
    ("wanted", "said", "kind"),
    [
        ("2026-13", "is not a period", "Month"),
        ("last month", "is not a period", "Month"),
        ("<script>", "is not a period", "Month"),
        ("1999-Q1", "There are no figures for 1999-Q1", "Quarter"),
        ("1999-03", "There are no figures for 1999-03", "Month"),
    ],
)
def test_a_period_the_address_cannot_show_is_said_and_the_newest_shown(
    wanted: str,
    said: str,
    kind: str,
    demo_url: str,
    months: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    newest = months[0] if kind == "Month" else labels(months, kind.lower())[0]
    at = dashboard(demo_url, monkeypatch)
    at.query_params["period"] = wanted
    settled(at.run())
    assert not at.error
    warned = [w.value for w in at.warning if said in w.value]
    assert len(warned) == 1 and f"showing the newest, {newest}" in warned[0]
    assert picked(at) == (kind, newest)
    assert at.query_params["period"] == newest
    settled(at.run())
    assert not [w for w in at.warning if said in w.value], "said once, then the address is fixed"
