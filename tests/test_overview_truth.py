"""The dashboard tells the truth (issue 11): partial periods compared like with like, changes
coloured by whether they are good news, one city-wide total on every page, every agency named,
and the newest month in sight. Service level and AppTest, on the demo data."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import plotly.io
import pytest
from plotly.graph_objects import Figure
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from evaluation import display
from evaluation.analysis.headline import city_figure, city_rule
from evaluation.framework import Framework
from evaluation.periods import add_months, label_of_kind, parse_period
from evaluation.permissions import Actor
from evaluation.services import pages
from evaluation.services import store as stored
from evaluation.services.store import Dataset
from tests.test_ui import ROOT, demo_url, page  # noqa: F401 (demo_url is a fixture)

COORDINATOR = Actor("cora", "coordinator")
RED, GREEN, GRAY = (
    MetricProto.MetricColor.RED,
    MetricProto.MetricColor.GREEN,
    MetricProto.MetricColor.GRAY,
)
NO_ARROW = MetricProto.MetricDirection.NONE


@pytest.fixture(scope="module")
def demo(demo_url: str) -> tuple[Framework, Dataset]:  # noqa: F811
    """The framework in force and the demo's stored data."""
    engine = stored.open_store(demo_url)
    framework = stored.framework_status(ROOT / "indicators.yaml").framework
    data = stored.load_dataset(engine)
    engine.dispose()
    assert framework is not None
    return framework, data


def overview_of(framework: Framework, data: Dataset, period: str) -> pages.Overview:
    """The Overview of a period of `data`."""
    evaluator = stored.make_evaluator(framework, data)
    assert evaluator is not None
    return pages.overview(
        COORDINATOR, framework, data, evaluator.evaluate(period), datetime.now(UTC)
    )


def afc_total(framework: Framework, data: Dataset, field: str, months: tuple[str, ...]) -> float:
    """The anti-fraud centre's own total of a field over some months (its city total)."""
    codes = data.agencies.loc[data.agencies["type"] == "anti_fraud_centre", "code"]
    rows = data.figures["agency_code"].isin(codes) & data.figures["period"].isin(months)
    return float(data.figures.loc[rows, field].sum())


# -- 1. partial periods ------------------------------------------------------------------------
def test_a_quarter_one_month_old_is_set_against_the_first_month_of_the_quarter_before(
    demo: tuple[Framework, Dataset],
) -> None:
    framework, data = demo
    # The newest first month of a quarter whose quarter before has all its figures.
    first = next(
        m for m in reversed(data.months) if int(m[5:]) % 3 == 1 and add_months(m, -3) in data.months
    )
    cut = replace(data, figures=data.figures[data.figures["period"] <= first])
    quarter = label_of_kind(first, "quarter")
    view = overview_of(framework, cut, quarter)
    assert view.comparison.months == (first,)
    assert view.comparison.previous == (add_months(first, -3),)
    assert view.comparison.coverage() == "1 of 3 months"
    loss = view.headline.set_index("key").loc["loss"]
    assert loss["value"] == afc_total(framework, cut, "loss_reported", (first,))
    assert loss["previous"] == afc_total(framework, cut, "loss_reported", (add_months(first, -3),))
    whole = parse_period(quarter).previous().months
    assert loss["previous"] < afc_total(framework, cut, "loss_reported", whole) / 2


def test_the_year_so_far_is_set_against_the_same_months_of_the_year_before(
    demo: tuple[Framework, Dataset],
) -> None:
    framework, data = demo
    last = data.months[-1]
    view = overview_of(framework, data, last[:4])
    count = int(last[5:])
    assert view.comparison.coverage() == f"{count} of 12 months"
    previous = tuple(f"{int(last[:4]) - 1}-{m:02d}" for m in range(1, count + 1))
    assert view.comparison.previous == previous
    loss = view.headline.set_index("key").loc["loss"]
    assert loss["previous"] == afc_total(framework, data, "loss_reported", previous)


def test_the_overview_says_how_many_months_the_current_quarter_has(
    demo_url: str,  # noqa: F811
    demo: tuple[Framework, Dataset],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, data = demo
    last = data.months[-1]
    quarter = parse_period(label_of_kind(last, "quarter"))
    count = sum(m in data.months for m in quarter.months)
    at = page("overview", demo_url, monkeypatch).run()
    at.sidebar.segmented_control[0].set_value("Quarter").run()
    assert not at.exception
    assert at.caption[0].value.startswith(f"{quarter} · figures for {count} of 3 months")
    before = quarter.previous().months[:count]
    months = before[0] if count == 1 else f"{before[0]} to {before[-1]}"
    assert any(f"same months of {quarter.previous()} ({months})" in c.value for c in at.caption)


# -- 2. direction of change --------------------------------------------------------------------
def test_each_change_is_coloured_by_whether_it_is_good_news(
    demo_url: str,  # noqa: F811
    demo: tuple[Framework, Dataset],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework, data = demo
    headline = overview_of(framework, data, data.months[-1]).headline
    at = page("overview", demo_url, monkeypatch).run()
    metrics = {m.label: m for m in at.metric}
    checked = 0
    for row in headline.to_dict("records"):
        shown = metrics[row["label"]].proto
        if pd.isna(row["change"]) or round(abs(row["change"]) * 100, 1) == 0:
            assert shown.color == GRAY
            continue
        good = (row["change"] > 0) == (row["better"] == "higher")
        assert shown.color == (GREEN if good else RED), row["label"]
        checked += 1
    assert checked >= 3
    received = metrics["Submissions received"].proto
    assert received.direction == NO_ARROW, "a count of late submissions has no arrow"


# -- 3. one city-wide total --------------------------------------------------------------------
def _indicator_using(framework: Framework, field: str) -> str:
    """An indicator that reads `field`."""
    return next(i.id for i in framework.indicators if field in i.fields_used())


def test_the_indicators_page_totals_equal_the_overview_for_every_headline_field(
    demo: tuple[Framework, Dataset],
) -> None:
    framework, data = demo
    month = data.months[-1]
    evaluator = stored.make_evaluator(framework, data)
    assert evaluator is not None
    evaluation = evaluator.evaluate(month)
    headline = overview_of(framework, data, month).headline.set_index("key")
    types = data.agencies.set_index("code")["type"]
    for spec in framework.headline:
        shown = []
        for field in spec.fields_used():
            detail = pages.indicator_detail(
                COORDINATOR, data, evaluation, _indicator_using(framework, field)
            )
            trend = detail.trend.set_index(["field_id", "period"])["value"]
            assert trend[field, month] == city_figure(
                data.figures, types, city_rule(framework, field), (month,)
            )
            shown.append(trend[field, month])
        value = shown[0] if len(shown) == 1 else shown[0] / shown[1]
        assert value == pytest.approx(headline.loc[spec.id, "value"], rel=1e-12), spec.id
    assert headline.loc["loss", "value"] == afc_total(framework, data, "loss_reported", (month,))


def _figure(at: AppTest, key: str) -> Figure:
    """The plotly figure of the page's chart with this key."""
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert charts, f"no chart {key}"
    return plotly.io.from_json(charts[0].proto.spec)


def _numbers(values: object) -> list[float]:
    """A trace's values, whether plain or a typed array ({"dtype", "bdata"})."""
    if isinstance(values, dict):
        raw = base64.b64decode(values["bdata"])
        return [float(v) for v in np.frombuffer(raw, dtype=np.dtype(values["dtype"]))]
    return [float(v) for v in values]  # type: ignore[attr-defined]


def test_the_indicators_chart_plots_the_overview_losses_with_their_unit(
    demo_url: str,  # noqa: F811
    demo: tuple[Framework, Dataset],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework, data = demo
    month = data.months[-1]
    losses = overview_of(framework, data, month).headline.set_index("key").loc["loss", "value"]
    at = page("indicators", demo_url, monkeypatch).run()
    at.selectbox(key="indicator").set_value(_indicator_using(framework, "loss_reported")).run()
    assert not at.exception
    figure = _figure(at, "trend")
    label = framework.field_def("loss_reported").label
    trace = next(t for t in figure.data if t.name.startswith(label))
    plotted = dict(zip(trace.x, _numbers(trace.y), strict=True))
    assert plotted[month] == losses
    axis = figure.layout[trace.yaxis.replace("y", "yaxis")]
    assert "CNY" in axis.title.text
    overview = page("overview", demo_url, monkeypatch).run()
    shown = next(m for m in overview.metric if m.label == "Losses reported").value
    assert shown == f"¥{plotted[month] / 1e6:,.2f} m"


# -- 4. the heatmap names every agency ---------------------------------------------------------
def test_the_heatmap_names_every_agency_in_plain_words(
    demo_url: str,  # noqa: F811
    demo: tuple[Framework, Dataset],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, data = demo
    at = page("indicators", demo_url, monkeypatch).run()
    figure = _figure(at, "heatmap")
    names = sorted(data.agencies["name"])
    assert list(figure.layout.yaxis.tickvals) == names
    assert list(figure.layout.yaxis.ticktext) == names
    assert figure.layout.yaxis.title.text == "agency"
    assert figure.layout.xaxis.title.text == "indicator"
    assert figure.layout.height >= 20 * len(names)


# -- 5. the Overview names agencies, in words ---------------------------------------------------
def test_late_and_missing_agencies_are_named_and_linked_to_their_submissions(
    demo_url: str,  # noqa: F811
    demo: tuple[Framework, Dataset],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework, data = demo
    year = data.months[-1][:4]
    overdue = overview_of(framework, data, year).overdue
    assert not overdue.empty, "the demo has late and missing submissions in its last year"
    at = page("overview", demo_url, monkeypatch).run()
    at.sidebar.segmented_control[0].set_value("Year").run()
    links = {p.proto.query_string: p.proto for p in at.get("page_link")}
    for row in overdue.to_dict("records"):
        link = links[f"agency={row['agency_code']}"]
        assert link.page == "submissions"
        assert link.label.startswith(f"{row['agency_name']}: ")
        for month in filter(None, f"{row['late']}, {row['missing']}".split(", ")):
            assert month in link.label


def test_the_submissions_page_opens_on_the_linked_agency(
    demo_url: str,  # noqa: F811
    demo: tuple[Framework, Dataset],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, data = demo
    at = page("submissions", demo_url, monkeypatch)
    at.query_params["agency"] = "BK03"
    at.run()
    assert not at.exception
    name = data.agencies.set_index("code").loc["BK03", "name"]
    assert list(at.dataframe[0].value.index) == [name]
    assert set(at.dataframe[1].value["agency"]) == {name}


NOISE = re.compile(r"\d\.\d{3,}")


def test_the_overview_tables_show_names_type_labels_and_cut_scores(
    demo_url: str,  # noqa: F811
    demo: tuple[Framework, Dataset],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework, data = demo
    view = overview_of(framework, data, data.months[-1])
    at = page("overview", demo_url, monkeypatch).run()
    tables = [t.value for t in at.table]
    leaders = [t for t in tables if "score" in t.columns]
    assert len(leaders) >= 2
    top = leaders[0]
    assert list(top.columns) == ["rank", "change", "agency", "type", "score", "tier"]
    assert list(top["agency"]) == list(view.top["agency_name"])
    assert list(top["score"]) == [display.score(s) for s in view.top["score"]]
    type_ids = set(framework.type_ids())
    labels = {t.label for t in framework.agency_types}
    for table in tables:
        cells = [str(v) for v in table.to_numpy().ravel()]
        assert not type_ids & set(cells), "no raw type ids"
        assert not {"None", "nan", "NaN"} & set(cells)
        assert not any(NOISE.search(c) for c in cells), "no float noise"
    assert set(top["type"]) <= labels


# -- 6. the newest month in sight ---------------------------------------------------------------
def test_the_submissions_matrix_shows_the_newest_month_first(
    demo_url: str,  # noqa: F811
    demo: tuple[Framework, Dataset],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, data = demo
    at = page("submissions", demo_url, monkeypatch).run()
    assert not at.exception
    months = [str(c) for c in at.dataframe[0].value.columns]
    assert months[0] == data.months[-1]
    assert months == sorted(months, reverse=True)


def test_the_submissions_tables_name_agencies_and_show_no_none(
    demo_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = page("submissions", demo_url, monkeypatch).run()
    versions = at.dataframe[1].value
    assert "agency_code" not in versions.columns and "agency" in versions.columns
    cells = {str(v) for v in versions.drop(columns=["uploaded at"]).to_numpy().ravel()}
    assert not {"None", "nan", "NaN", "NaT"} & cells
