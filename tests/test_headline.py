"""City-wide headline figures: totals, ratios, change, and money not counted twice."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from evaluation.analysis.headline import (
    AVERAGE,
    city_figure,
    city_rule,
    city_series,
    comparison,
    headline_figures,
)
from evaluation.errors import FrameworkError
from evaluation.framework import load_framework, parse_framework
from evaluation.periods import parse_period

FIGURES = pd.DataFrame(
    [
        ("AFC", "2026-09", 1000.0, 100.0, 50.0, None, None),
        ("AFC", "2026-10", 2000.0, 300.0, 60.0, None, None),
        ("BK1", "2026-10", 700.0, 200.0, 10.0, 8.0, 10.0),  # part of the centre's city figure
        ("PB1", "2026-10", None, None, None, 9.0, 10.0),
        ("PB1", "2026-09", None, None, None, 10.0, 10.0),
    ],
    columns=[
        "agency_code",
        "period",
        "loss_reported",
        "amount_frozen",
        "amount_returned",
        "data_items_on_time",
        "data_items_required",
    ],
)
ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = load_framework(ROOT / "indicators.yaml")
TYPES = pd.Series({"AFC": "anti_fraud_centre", "BK1": "bank", "PB1": "police_branch"})


def test_money_comes_from_the_lead_centre_and_rates_from_totals() -> None:
    table = headline_figures(FRAMEWORK, FIGURES, TYPES, parse_period("2026-10")).set_index("key")
    assert table.loc["loss", "value"] == 2000.0
    assert table.loc["loss", "change"] == 1.0  # doubled against September
    assert table.loc["freeze_rate", "value"] == 0.15
    assert math.isclose(table.loc["freeze_rate", "change"], 0.15 - 0.10)
    assert table.loc["return_rate", "value"] == 60.0 / 300.0
    assert table.loc["data_access_rate", "value"] == 17.0 / 20.0
    assert math.isclose(table.loc["data_access_rate", "change"], 0.85 - 1.0)


def test_without_a_lead_centre_every_agency_counts_and_gaps_are_nan() -> None:
    figures = FIGURES[FIGURES["agency_code"] != "AFC"]
    table = headline_figures(FRAMEWORK, figures, TYPES, parse_period("2026-10")).set_index("key")
    assert table.loc["loss", "value"] == 700.0
    assert math.isnan(table.loc["loss", "change"])  # nothing reported the month before
    empty = headline_figures(FRAMEWORK, FIGURES, TYPES, parse_period("2025-01")).set_index("key")
    assert empty["value"].isna().all()


def test_a_framework_without_headline_figures_gets_an_empty_table() -> None:
    text = FRAMEWORK.text[
        : FRAMEWORK.text.index("\n# ----", FRAMEWORK.text.index("submission_deadline_day"))
    ]
    bare = parse_framework(text)
    assert bare.headline == () and bare.fingerprint == FRAMEWORK.fingerprint
    table = headline_figures(bare, FIGURES, TYPES, parse_period("2026-10"))
    assert table.empty and list(table.columns) == [
        "key",
        "label",
        "label_zh",
        "unit",
        "better",
        "value",
        "previous",
        "change",
    ]


def test_headline_figures_follow_the_framework_not_fixed_field_names() -> None:
    renamed = FRAMEWORK.text.replace("loss_reported", "losses_cny")
    framework = parse_framework(renamed)
    figures = FIGURES.rename(columns={"loss_reported": "losses_cny"})
    table = headline_figures(framework, figures, TYPES, parse_period("2026-10")).set_index("key")
    assert table.loc["loss", "value"] == 2000.0 and table.loc["loss", "unit"] == "CNY"
    assert table.loc["freeze_rate", "value"] == 0.15 and table.loc["freeze_rate", "unit"] == "ratio"


def problems(text: str) -> list[str]:
    """The problem lines a framework text produces."""
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text)
    return [str(p) for p in caught.value.problems]


def test_every_headline_figure_says_which_way_is_better() -> None:
    assert {spec.id: spec.better for spec in FRAMEWORK.headline}["loss"] == "lower"
    assert all(spec.better == "higher" for spec in FRAMEWORK.headline if spec.id != "loss")
    table = headline_figures(FRAMEWORK, FIGURES, TYPES, parse_period("2026-10")).set_index("key")
    assert table.loc["loss", "better"] == "lower" and table.loc["frozen", "better"] == "higher"


def test_a_missing_or_unknown_direction_is_refused_with_its_line() -> None:
    text = FRAMEWORK.text
    start = text.index("  - id: loss\n")
    line = text[:start].count("\n") + 1  # the line of headline[0]
    unknown = text.replace("    better: lower\n", "    better: up\n", 1)
    found = problems(unknown)
    better_line = line + unknown[start:].splitlines().index("    better: up")
    assert found == [
        f'indicators.yaml line {better_line}, headline[0].better: unknown direction "up"; '
        "valid: higher, lower"
    ]
    missing = text.replace("    better: lower\n", "", 1)
    assert problems(missing) == [f'indicators.yaml line {line}, headline[0]: missing key "better"']


def test_a_field_takes_its_city_total_from_one_place_only() -> None:
    text = FRAMEWORK.text
    head = text.index("headline:")
    bad = text[:head] + (
        "headline:\n"
        "  - {id: loss, label: Losses, field: loss_reported, city_total_from: anti_fraud_centre,"
        " better: lower}\n"
        "  - {id: rate, label: Rate, numerator: amount_frozen, denominator: loss_reported,"
        " better: higher}\n"
    )
    found = problems(bad)
    assert len(found) == 1
    assert "headline[1].city_total_from: loss_reported takes its city total from " in found[0]
    assert "anti_fraud_centre in headline[0], here from every agency" in found[0]


def test_a_partial_quarter_is_compared_with_the_same_months_of_the_quarter_before() -> None:
    q4 = parse_period("2026-Q4")
    one = comparison(q4, ["2026-07", "2026-08", "2026-09", "2026-10"])
    assert one.months == ("2026-10",) and one.previous == ("2026-07",)
    assert one.coverage() == "1 of 3 months" and one.partial
    year = comparison(
        parse_period("2026"), [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 11)]
    )
    assert year.months[0] == "2026-01" and year.months[-1] == "2026-10"
    assert year.previous == tuple(f"2025-{m:02d}" for m in range(1, 11))
    assert year.coverage() == "10 of 12 months"
    assert comparison(q4, ["2026-10"]).previous == ()  # nothing like to compare with
    whole = comparison(
        parse_period("2026-Q3"), ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
    )
    assert whole.previous == ("2026-04", "2026-05", "2026-06") and not whole.partial


def test_one_month_of_a_quarter_is_not_set_against_a_whole_quarter() -> None:
    rows = [("AFC", f"2026-{m:02d}", 1000.0, 100.0, 50.0, None, None) for m in (7, 8, 9)]
    rows.append(("AFC", "2026-10", 1100.0, 120.0, 60.0, None, None))
    figures = pd.DataFrame(rows, columns=FIGURES.columns)
    table = headline_figures(FRAMEWORK, figures, TYPES, parse_period("2026-Q4")).set_index("key")
    assert table.loc["loss", "value"] == 1100.0
    assert table.loc["loss", "previous"] == 1000.0  # July alone, not July to September
    assert math.isclose(table.loc["loss", "change"], 0.1)


def test_a_field_of_averages_is_averaged_not_added() -> None:
    rule = city_rule(FRAMEWORK, "stop_payment_minutes_avg")
    assert rule.measure == AVERAGE and rule.weight == "stop_payment_orders"
    figures = pd.DataFrame(
        {
            "agency_code": ["BK1", "BK2"],
            "period": ["2026-10", "2026-10"],
            "stop_payment_minutes_avg": [10.0, 20.0],
            "stop_payment_orders": [300.0, 100.0],
        }
    )
    types = pd.Series({"BK1": "bank", "BK2": "bank"})
    assert city_figure(figures, types, rule, ("2026-10",)) == 12.5


def test_the_city_series_counts_money_once_like_the_headline() -> None:
    series = city_series(FRAMEWORK, FIGURES, TYPES, ["loss_reported", "data_items_on_time"])
    by = series.set_index(["field", "period"])["value"]
    assert by["loss_reported", "2026-10"] == 2000.0  # the centre's city total, not 2000 + 700
    assert by["data_items_on_time", "2026-10"] == 17.0  # no lead type: every agency adds
    month = headline_figures(FRAMEWORK, FIGURES, TYPES, parse_period("2026-10")).set_index("key")
    assert by["loss_reported", "2026-10"] == month.loc["loss", "value"]
    assert set(series["unit"]) == {"CNY", "count"}
