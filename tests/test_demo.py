"""The synthetic Y-city demo data: realistic, reproducible, and with the stories it promises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from evaluation import evaluate, load_framework
from evaluation.demo import AGENCIES, DECLINING, generate, write_csv
from evaluation.framework import Framework
from evaluation.periods import last_complete_month

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(ROOT / "indicators.yaml")


@pytest.fixture(scope="module")
def demo(framework: Framework):  # type: ignore[no-untyped-def]
    return generate(framework, "2026-10")


def test_thirty_agencies_of_all_nine_types(demo, framework: Framework) -> None:  # type: ignore[no-untyped-def]
    assert len(demo.agencies) == 30
    assert set(demo.agencies["type"]) == set(framework.type_ids())
    assert demo.agencies["name_zh"].str.len().min() > 0
    assert (demo.agencies["synthetic"] == "yes").all()


def test_thirty_six_months_ending_with_the_given_month(demo) -> None:  # type: ignore[no-untyped-def]
    months = sorted(demo.figures["period"].unique())
    assert len(months) == 36 and months[0] == "2023-11" and months[-1] == "2026-10"


def test_last_complete_month() -> None:
    assert last_complete_month(date(2026, 11, 25)) == "2026-10"
    assert last_complete_month(date(2027, 1, 3)) == "2026-12"


def test_same_seed_same_data(framework: Framework, demo) -> None:  # type: ignore[no-untyped-def]
    again = generate(framework, "2026-10")
    pd.testing.assert_frame_equal(again.figures, demo.figures)


def test_the_committed_csv_files_are_the_generator_output(
    framework: Framework,
    demo,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    write_csv(demo, str(tmp_path))
    for name in ("agencies.csv", "figures.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (
            ROOT / "data" / "demo" / name
        ).read_text(encoding="utf-8"), f"data/demo/{name} is out of date"


def test_at_most_holds_everywhere(demo, framework: Framework) -> None:  # type: ignore[no-untyped-def]
    for field in framework.fields:
        if field.at_most and field.id in demo.figures and field.at_most in demo.figures:
            both = demo.figures[[field.id, field.at_most]].dropna()
            assert (both[field.id] <= both[field.at_most]).all(), field.id


def test_city_scale_is_realistic(demo) -> None:  # type: ignore[no-untyped-def]
    afc = demo.figures[demo.figures["agency_code"] == "AFC01"]
    yearly_loss = afc["loss_reported"].tail(12).sum()
    assert 80e6 < yearly_loss < 250e6  # about 130 million CNY a year
    rate = afc["amount_frozen"].sum() / afc["loss_reported"].sum()
    assert 0.10 <= rate <= 0.30


def test_spring_festival_peak(demo) -> None:  # type: ignore[no-untyped-def]
    afc = demo.figures[demo.figures["agency_code"] == "AFC01"].set_index("period")
    february = afc.loc[[p for p in afc.index if p.endswith("-02")], "loss_reported"].mean()
    autumn = afc.loc[[p for p in afc.index if p[5:] in ("09", "10")], "loss_reported"].mean()
    assert february > 1.2 * autumn


def test_most_improve_and_two_decline(demo, framework: Framework) -> None:  # type: ignore[no-untyped-def]
    first = evaluate(framework, demo.figures, demo.agencies, "2024").table.set_index("agency_code")[
        "score"
    ]
    last = evaluate(framework, demo.figures, demo.agencies, "2026-Q3").table.set_index(
        "agency_code"
    )["score"]
    change = last - first
    assert (change[list(DECLINING)] < 0).all()
    assert (change.drop(list(DECLINING)) > 0).mean() >= 0.8


def test_missing_late_revised_and_one_red_line(demo) -> None:  # type: ignore[no-untyped-def]
    assert len(demo.figures) == 30 * 36 - 4
    assert 3 <= demo.submissions["late"].sum() <= 8
    assert 3 <= len(demo.revisions) <= 8
    assert (demo.submissions["version"] == 2).sum() == len(demo.revisions)
    assert demo.figures["red_line_events"].sum() == 1


def test_demo_agency_codes_are_unique() -> None:
    codes = [a[0] for a in AGENCIES]
    assert len(codes) == len(set(codes))
