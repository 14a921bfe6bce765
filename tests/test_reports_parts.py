"""The documents' parts on their own: charts without a display, the fonts they need, and the
letters' dimension scores worked out again from what a publication fixed."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from evaluation import i18n
from evaluation.periods import add_months
from evaluation.permissions import console
from evaluation.reports import charts
from evaluation.reports.bulletin import bulletin
from evaluation.reports.content import Chart
from evaluation.reports.fonts import BODY, TITLE, Font, MissingFontError, installed
from evaluation.reports.letter import letter, published_evaluation
from evaluation.services import bulletin as documents
from evaluation.services import publication
from evaluation.storage import publications as publication_store
from evaluation.storage import submissions as submission_store
from tests.report_support import demo_store, framework

CHART = Chart(
    "bars", "各等次单位数", ("A 优秀", "B 良好"), (("单位数", (3.0, 11.0)),), ("#2e7d32",)
)


def test_a_chart_is_a_300_dpi_png_the_same_every_time() -> None:
    png = charts.image(CHART)
    assert png == charts.image(CHART)
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.format == "PNG"
        assert round(picture.info["dpi"][0]) == charts.DPI
        assert picture.size[0] == round(charts.WIDTH * charts.DPI)


def test_a_chart_can_be_svg() -> None:
    svg = charts.image(CHART, "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert svg == charts.image(CHART, "svg")


@pytest.mark.parametrize("kind", ["lines", "boxes"])
def test_every_kind_of_chart_draws(kind: str) -> None:
    chart = Chart(kind, "t", ("a", "b"), (("x", (1.0, 2.0)), ("y", (2.0, 3.0))))  # type: ignore[arg-type]
    assert charts.image(chart).startswith(b"\x89PNG")


def test_the_fonts_are_installed_and_a_missing_one_names_its_package(tmp_path: Path) -> None:
    assert installed(BODY).is_file() and installed(TITLE).is_file()
    gone = Font("Gone", tmp_path / "gone.ttc", 0, "fonts-gone")
    with pytest.raises(MissingFontError, match="fonts-gone"):
        installed(gone)


def test_the_scores_worked_out_again_are_those_published(tmp_path: Path) -> None:
    engine, month = demo_store(f"sqlite:///{tmp_path / 'evaluation.db'}", published=2)
    sources = documents._sources(engine, framework(), month, None)
    evaluation = published_evaluation(sources).table.set_index("agency_code")
    for row in sources.publication.results:
        again = evaluation.loc[str(row["agency_code"])]
        assert again["score"] == pytest.approx(row["score"], nan_ok=True)
        assert again["tier"] == row["tier"]
    assert sources.chart_months[-1] == month and len(sources.chart_months) == 2


def test_an_earlier_publication_keeps_the_figures_it_fixed(tmp_path: Path) -> None:
    engine, month = demo_store(f"sqlite:///{tmp_path / 'evaluation.db'}", published=1)
    first = int(publication_store.published(engine, month).iloc[0]["id"])
    before = submission_store.current_figures(engine, [month])
    revised = before[before["agency_code"] == "BK01"].copy()
    numeric = [c for c in revised.columns if c not in ("agency_code", "period")]
    revised[numeric] = revised[numeric] * 0.5
    meta = submission_store.UploadMeta(uploaded_by="late", source_file="late.csv")
    submission_store.commit_figures(engine, revised, meta)
    second = publication.publish(console(), engine, framework(), month)
    old = documents._sources(engine, framework(), month, first)
    new = documents._sources(engine, framework(), month, None)
    assert (old.publication.id, new.publication.id) == (first, second)

    def bk01(figures: pd.DataFrame) -> pd.Series:
        mine = figures[(figures["agency_code"] == "BK01") & (figures["period"] == month)]
        return mine[numeric].iloc[0].dropna()

    pd.testing.assert_series_equal(bk01(old.figures), bk01(before), check_names=False)
    pd.testing.assert_series_equal(bk01(new.figures), bk01(revised), check_names=False)


def test_a_type_median_shows_only_with_five_peers(tmp_path: Path) -> None:
    engine, month = demo_store(f"sqlite:///{tmp_path / 'evaluation.db'}", published=1)
    sources = documents._sources(engine, framework(), month, None)
    evaluation = published_evaluation(sources)
    with i18n.reading("en"):
        bank = letter(sources, evaluation, "BK01")  # five other banks
        centre = letter(sources, evaluation, "AFC01")  # the only anti-fraud centre
    medians = {
        code: [row[2] for row in made.sections[1].table.rows]  # type: ignore[union-attr]
        for code, made in (("BK01", bank), ("AFC01", centre))
    }
    assert any(m != "–" for m in medians["BK01"])
    assert set(medians["AFC01"]) == {"–"}
    assert len(bank.sections[2].table.rows) == 3  # type: ignore[union-attr]


def test_red_lines_and_late_months_are_named(tmp_path: Path) -> None:
    engine, last = demo_store(f"sqlite:///{tmp_path / 'evaluation.db'}", published=5)
    red, late = add_months(last, -4), add_months(last, -1)  # PY02's incident, CM05 late
    with i18n.reading("en"):
        made = {m: bulletin(documents._sources(engine, framework(), m, None)) for m in (red, late)}
    sections = {m: {s.heading[:2]: s for s in d.sections} for m, d in made.items()}
    events = sections[red]["4."].table
    assert events is not None
    assert [row[0] for row in events.rows] == ["Weixin Pay Services, Y City Office"]
    assert "Red-line events > 0" in events.rows[0][1] and events.rows[0][2] == "D Fail"
    overdue = sections[late]["5."].table
    assert overdue is not None
    assert any(row[0] == "Xinhe Township" and row[1] for row in overdue.rows)
