"""Numbers and words as people read them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluation import display
from evaluation.framework import load_framework

ROOT = Path(__file__).resolve().parents[1]


def test_scores_show_one_decimal_and_never_round_up_across_a_threshold() -> None:
    assert display.score(59.96) == "59.9"
    assert display.score(59.9) == "59.9"
    assert display.score(92.792376) == "92.7"
    assert display.score(60) == "60.0"
    assert display.score(0.05) == "0.0"
    for missing in (None, np.nan, float("inf"), "x", pd.NA):
        assert display.score(missing) == display.EMPTY


def test_figures_carry_no_floating_point_noise() -> None:
    assert display.figure(0.1 + 0.2) == "0.3"
    assert display.figure(47.7848) == "47.78"
    assert display.figure(12_345_678.0) == "12,345,678"
    assert display.figure(None) == display.EMPTY
    assert display.share(0.2534) == "25.3 %"


def test_tables_people_read_show_labels_not_ids_and_no_none() -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    frame = pd.DataFrame(
        {
            "agency_type": ["police_branch", "bank"],
            "status": ["not_applicable", "ok"],
            "note": [None, "late"],
            "score": [59.96, np.nan],
        }
    )
    shown = display.readable(frame, framework)
    labels = {t.id: t.label for t in framework.agency_types}
    assert list(shown["agency_type"]) == [labels["police_branch"], labels["bank"]]
    assert list(shown["status"]) == ["not applicable", "reported"]
    assert list(shown["note"]) == ["", "late"]
    assert shown["score"].dtype.kind == "f", "numbers stay numbers so that tables sort"
    assert frame.loc[0, "agency_type"] == "police_branch", "the input is not changed"
    formats = display.score_formats(pd.DataFrame(columns=["score", "dim.speed", "rank"]))
    assert set(formats) == {"score", "dim.speed"}
