"""City-wide headline figures: totals, ratios, change, and money not counted twice."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from evaluation.analysis.headline import headline_figures
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
