"""City-wide headline figures: totals, ratios, change, and money not counted twice."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.analysis.headline import headline_figures
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
TYPES = pd.Series({"AFC": "anti_fraud_centre", "BK1": "bank", "PB1": "police_branch"})


def test_money_comes_from_the_lead_centre_and_rates_from_totals() -> None:
    table = headline_figures(FIGURES, TYPES, parse_period("2026-10")).set_index("key")
    assert table.loc["loss", "value"] == 2000.0
    assert table.loc["loss", "change"] == 1.0  # doubled against September
    assert table.loc["freeze_rate", "value"] == 0.15
    assert math.isclose(table.loc["freeze_rate", "change"], 0.15 - 0.10)
    assert table.loc["return_rate", "value"] == 60.0 / 300.0
    assert table.loc["data_access_rate", "value"] == 17.0 / 20.0
    assert math.isclose(table.loc["data_access_rate", "change"], 0.85 - 1.0)


def test_without_a_lead_centre_every_agency_counts_and_gaps_are_nan() -> None:
    figures = FIGURES[FIGURES["agency_code"] != "AFC"]
    table = headline_figures(figures, TYPES, parse_period("2026-10")).set_index("key")
    assert table.loc["loss", "value"] == 700.0
    assert math.isnan(table.loc["loss", "change"])  # nothing reported the month before
    empty = headline_figures(FIGURES, TYPES, parse_period("2025-01")).set_index("key")
    assert empty["value"].isna().all()
