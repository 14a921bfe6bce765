"""The scoring rules, one test (or more) per rule, on hand-computed figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evaluation import evaluate, parse_framework
from evaluation.errors import InputError
from evaluation.framework import Framework
from tests.conftest import agencies_frame

BANKS = agencies_frame([("B1", "bank"), ("B2", "bank"), ("T1", "telecom")])


def fig(code: str, period: str, **values: float | None) -> dict[str, object]:
    """One figures row."""
    return {"agency_code": code, "period": period, **values}


def row(ev, code: str) -> pd.Series:  # type: ignore[no-untyped-def]
    """The table row of an agency."""
    return ev.table.set_index("agency_code").loc[code]


# 1. Indicator values -------------------------------------------------------------------------
def test_ratio_sums_over_months_with_both_fields(small: Framework) -> None:
    figures = pd.DataFrame(
        [
            fig("B1", "2026-01", loss=100, frozen=10),
            fig("B1", "2026-02", loss=300, frozen=90),
            fig("B1", "2026-03", loss=50, frozen=None),  # numerator not reported: month skipped
        ]
    )
    ev = evaluate(small, figures, BANKS, "2026-Q1")
    assert row(ev, "B1")["raw.freeze_rate"] == pytest.approx(100 / 400)


def test_zero_denominator_is_no_activity_not_a_penalty(small: Framework) -> None:
    figures = pd.DataFrame([fig("B1", "2026-01", loss=0, frozen=0, minutes=10, orders=50)])
    ev = evaluate(small, figures, BANKS, "2026-01")
    b1 = row(ev, "B1")
    assert math.isnan(b1["ind.freeze_rate"])
    assert "no_activity:freeze_rate" in b1["flags"]
    # Only speed counts in the money dimension: (60 - 10) / 60 x 100.
    assert b1["dim.money"] == pytest.approx(50 / 60 * 100)


def test_weighted_mean_uses_the_weight_field(small: Framework) -> None:
    figures = pd.DataFrame(
        [
            fig("T1", "2026-01", minutes=10, orders=30),
            fig("T1", "2026-02", minutes=40, orders=10),
            fig("T1", "2026-03", minutes=99, orders=None),
        ]
    )
    ev = evaluate(small, figures, BANKS, "2026-Q1")
    assert row(ev, "T1")["raw.speed"] == pytest.approx((10 * 30 + 40 * 10) / 40)


def test_zero_total_weight_is_no_activity(small: Framework) -> None:
    figures = pd.DataFrame([fig("T1", "2026-01", minutes=10, orders=0)])
    ev = evaluate(small, figures, BANKS, "2026-01")
    assert "no_activity:speed" in row(ev, "T1")["flags"]


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", 60.0), ("mean", 20.0), ("min", 5.0), ("max", 40.0), ("last", 15.0)],
)
def test_period_aggregates(small_text: str, how: str, expected: float) -> None:
    fw = parse_framework(
        small_text.replace("period_aggregate: sum", f"period_aggregate: {how}").replace(
            "best: 100}", "best: 1000}"
        )
    )
    figures = pd.DataFrame(
        [
            fig("T1", "2026-01", orders=40),
            fig("T1", "2026-02", orders=5),
            fig("T1", "2026-03", orders=15),
        ]
    )
    ev = evaluate(fw, figures, BANKS, "2026-Q1")
    assert row(ev, "T1")["raw.orders_total"] == pytest.approx(expected)


def test_last_takes_the_latest_month_reported(small_text: str) -> None:
    fw = parse_framework(small_text.replace("period_aggregate: sum", "period_aggregate: last"))
    figures = pd.DataFrame(
        [
            fig("T1", "2026-01", orders=40),
            fig("T1", "2026-02", orders=7),
            fig("T1", "2026-03", minutes=3),
        ]
    )
    assert row(evaluate(fw, figures, BANKS, "2026-Q1"), "T1")["raw.orders_total"] == 7


# 2. Normalisation -----------------------------------------------------------------------------
def normalised(
    small_text: str, method: str, values: list[float], direction: str = "higher", scope: str = "all"
) -> list[float]:
    """Scores of orders_total for B1, B2, T1 with the given method."""
    text = small_text.replace(
        "direction: higher\n        normalise: {method: goalposts, worst: 0, best: 100}",
        f"direction: {direction}\n        normalise: {{method: {method}, scope: {scope}}}",
    )
    fw = parse_framework(text)
    figures = pd.DataFrame(
        [fig(c, "2026-01", orders=v) for c, v in zip(["B1", "B2", "T1"], values, strict=True)]
    )
    table = evaluate(fw, figures, BANKS, "2026-01").table
    return list(table["ind.orders_total"])


def test_goalposts_clip_to_the_scale(small: Framework) -> None:
    figures = pd.DataFrame(
        [
            fig("B1", "2026-01", orders=150),
            fig("B2", "2026-01", orders=25),
            fig("T1", "2026-01", orders=-5),
        ]
    )
    table = evaluate(small, figures, BANKS, "2026-01").table
    assert list(table["ind.orders_total"]) == [100.0, 25.0, 0.0]


def test_minmax_higher_and_lower(small_text: str) -> None:
    assert normalised(small_text, "minmax", [10, 30, 20]) == [0.0, 100.0, 50.0]
    assert normalised(small_text, "minmax", [10, 30, 20], "lower") == [100.0, 0.0, 50.0]
    assert normalised(small_text, "minmax", [7, 7, 7]) == [100.0, 100.0, 100.0]


def test_minmax_by_type_compares_within_the_type(small_text: str) -> None:
    # T1 is alone in its type: max == min, so it gets the full scale.
    assert normalised(small_text, "minmax", [10, 30, 20], scope="type") == [0.0, 100.0, 100.0]


def test_rank_ties_take_the_lowest_rank(small_text: str) -> None:
    assert normalised(small_text, "rank", [10, 30, 10]) == [0.0, 100.0, 0.0]
    assert normalised(small_text, "rank", [10, 30, 20], "lower") == [100.0, 0.0, 50.0]


def test_zscore(small_text: str) -> None:
    # mean 20, sample sd 10: z = -1, 1, 0.
    assert normalised(small_text, "zscore", [10, 30, 20]) == pytest.approx([40.0, 60.0, 50.0])
    assert normalised(small_text, "zscore", [10, 30, 20], "lower") == pytest.approx(
        [60.0, 40.0, 50.0]
    )
    assert normalised(small_text, "zscore", [5, 5, 5]) == [50.0, 50.0, 50.0]


# 3. Not applicable, missing ------------------------------------------------------------------
def missing_case(small_text: str, policy: str) -> pd.DataFrame:
    """B1 reports everything; B2 misses the freeze figures."""
    fw = parse_framework(small_text + f"missing: {policy}\n")
    agencies = agencies_frame([("B1", "bank"), ("B2", "bank"), ("B3", "bank")])
    figures = pd.DataFrame(
        [
            fig("B1", "2026-01", loss=100, frozen=40, minutes=30, orders=50),
            fig("B3", "2026-01", loss=100, frozen=20, minutes=30, orders=50),
            fig("B2", "2026-01", minutes=30, orders=50),
        ]
    )
    return evaluate(fw, figures, agencies, "2026-01").table.set_index("agency_code")


def test_missing_zero_scores_zero_at_full_weight(small_text: str) -> None:
    table = missing_case(small_text, "zero")
    assert table.loc["B2", "ind.freeze_rate"] == 0.0
    assert table.loc["B2", "dim.money"] == pytest.approx((0 + 50) / 2)
    assert "missing:freeze_rate" in table.loc["B2", "flags"]


def test_missing_exclude_leaves_it_out(small_text: str) -> None:
    table = missing_case(small_text, "exclude")
    assert math.isnan(table.loc["B2", "ind.freeze_rate"])
    assert table.loc["B2", "dim.money"] == pytest.approx(50.0)


def test_missing_peer_median_takes_the_type_median(small_text: str) -> None:
    table = missing_case(small_text, "peer_median")
    # Peers: B1 0.4 -> 80, B3 0.2 -> 40; median 60.
    assert table.loc["B2", "ind.freeze_rate"] == pytest.approx(60.0)
    assert "imputed:freeze_rate" in table.loc["B2", "flags"]


def test_not_applicable_is_left_out_and_weights_renormalised(small: Framework) -> None:
    figures = pd.DataFrame([fig("T1", "2026-01", loss=100, frozen=50, minutes=30, orders=50)])
    t1 = row(evaluate(small, figures, BANKS, "2026-01"), "T1")
    assert math.isnan(t1["ind.freeze_rate"]) and math.isnan(t1["raw.freeze_rate"])
    assert t1["dim.money"] == pytest.approx(50.0)
    assert t1["score"] == pytest.approx(0.6 * 50 + 0.4 * 50)


# 4-5. Aggregation ----------------------------------------------------------------------------
def test_arithmetic_overall(small: Framework) -> None:
    figures = pd.DataFrame([fig("B1", "2026-01", loss=100, frozen=25, minutes=15, orders=80)])
    b1 = row(evaluate(small, figures, BANKS, "2026-01"), "B1")
    money = (50 + 75) / 2
    assert b1["score"] == pytest.approx(0.6 * money + 0.4 * 80)


def test_geometric_with_floor(small_text: str) -> None:
    fw = parse_framework(
        small_text + "aggregation: {indicators: geometric, dimensions: "
        "geometric, geometric_floor: 1}\n"
    )
    figures = pd.DataFrame([fig("B1", "2026-01", loss=100, frozen=0, minutes=15, orders=80)])
    b1 = row(evaluate(fw, figures, BANKS, "2026-01"), "B1")
    money = math.sqrt(1 * 75)  # the zero is raised to the floor 1
    assert b1["dim.money"] == pytest.approx(money)
    assert b1["score"] == pytest.approx(money**0.6 * 80**0.4)


def test_an_agency_with_nothing_to_score_is_not_scored(small_text: str) -> None:
    fw = parse_framework(small_text + "missing: exclude\n")
    figures = pd.DataFrame([fig("B1", "2026-01", orders=10)])
    t1 = row(evaluate(fw, figures, BANKS, "2026-01"), "B2")
    assert math.isnan(t1["score"]) and pd.isna(t1["rank"]) and pd.isna(t1["tier"])
    assert "not_scored" in t1["flags"] and "no_submission" in t1["flags"]


# 6. Ranks -------------------------------------------------------------------------------------
def test_ties_share_the_lowest_rank_and_rank_change(small: Framework, small_text: str) -> None:
    agencies = agencies_frame(
        [("T1", "telecom"), ("T2", "telecom"), ("T3", "telecom"), ("B1", "bank")]
    )
    figures = pd.DataFrame(
        [
            fig("T1", "2026-01", minutes=60, orders=50),
            fig("T2", "2026-01", minutes=60, orders=50),
            fig("T3", "2026-01", minutes=60, orders=10),
            fig("T1", "2026-02", minutes=60, orders=10),
            fig("T2", "2026-02", minutes=60, orders=50),
            fig("T3", "2026-02", minutes=60, orders=50),
            fig("B1", "2026-02", minutes=60, orders=90),
        ]
    )
    table = evaluate(small, figures, agencies, "2026-02").table.set_index("agency_code")
    assert list(table["rank"]) == [4, 2, 2, 1]
    assert list(table["rank_in_type"]) == [3, 1, 1, 1]
    # January: T1 1, T2 1, T3 3; B1 not ranked.
    assert table.loc["T1", "rank_change"] == -3
    assert table.loc["T3", "rank_change"] == 1
    # B1 sent nothing in January: missing = zero scored it 0 (rank 4), so it climbed 3.
    assert table.loc["B1", "rank_change"] == 3
    excluded = parse_framework(small_text + "missing: exclude\n")
    table = evaluate(excluded, figures, agencies, "2026-02").table.set_index("agency_code")
    assert pd.isna(table.loc["B1", "rank_change"])  # not ranked in January


def test_unknown_agency_in_figures_is_refused(small: Framework) -> None:
    with pytest.raises(InputError, match='figures row 1, agency_code: unknown agency "X9"'):
        evaluate(small, pd.DataFrame([fig("X9", "2026-01", orders=1)]), BANKS, "2026-01")


def test_duplicate_agency_month_is_refused(small: Framework) -> None:
    figures = pd.DataFrame([fig("B1", "2026-01", orders=1), fig("B1", "2026-01", orders=2)])
    with pytest.raises(InputError, match="a second row for agency B1 and month 2026-01"):
        evaluate(small, figures, BANKS, "2026-01")


def test_text_in_a_number_cell_is_refused(small: Framework) -> None:
    figures = pd.DataFrame([fig("B1", "2026-01", orders="many")])  # type: ignore[arg-type]
    with pytest.raises(InputError, match='figures row 1, orders: expected a number, got "many"'):
        evaluate(small, figures, BANKS, "2026-01")


def test_unknown_agency_type_is_refused(small: Framework) -> None:
    agencies = agencies_frame([("S1", "school")])
    with pytest.raises(InputError, match='unknown agency type "school"; valid: bank, telecom'):
        evaluate(small, pd.DataFrame(columns=["agency_code", "period"]), agencies, "2026-01")


# 7. Tiers -------------------------------------------------------------------------------------
TIER_FW = """\
version: 1
name: Tiers
agency_types:
  bank: {label: Bank}
  telecom: {label: Telecom}
fields:
  points: {label: Points}
  events: {label: Events}
dimensions:
  - id: all
    label: All
    weight: 1
    indicators:
      - id: points
        label: Points
        field: points
        period_aggregate: mean
        direction: higher
        normalise: {method: goalposts, worst: 0, best: 100}
        weight: 1
tiers:
  - {id: A, label: Excellent, min_score: 85, max_share: 0.2}
  - {id: B, label: Good, min_score: 70, max_share: 0.5}
  - {id: C, label: Pass, min_score: 60}
  - {id: D, label: Fail, min_score: 0}
red_lines:
  - {field: events, above: 0, cap: D, reason: one-vote veto}
  - {indicator: points, below: 65, cap: C, reason: too few points}
  - {no_submission: true, cap: D, reason: nothing submitted}
"""


def tiers_of(
    points: dict[str, float | None], events: dict[str, float] | None = None, extra: str = ""
) -> pd.DataFrame:
    """Evaluate agencies whose single score equals their points."""
    fw = parse_framework(TIER_FW + extra)
    agencies = agencies_frame([(c, "bank") for c in points])
    rows = [
        fig(c, "2026-01", points=p, events=(events or {}).get(c))
        for c, p in points.items()
        if p is not None
    ]
    return evaluate(fw, pd.DataFrame(rows), agencies, "2026-01").table.set_index("agency_code")


def test_tier_by_score_boundaries() -> None:
    table = tiers_of(
        {
            "a": 85,
            "b": 84.999,
            "c": 70,
            "d": 60,
            "e": 59.9,
            "f": 0,
            "g": 10,
            "h": 20,
            "i": 30,
            "j": 40,
        }
    )
    assert list(table["tier_by_score"]) == ["A", "B", "B", "C", "D", "D", "D", "D", "D", "D"]


def test_red_line_caps_with_reason() -> None:
    table = tiers_of({"a": 95, "b": 90, "c": 64, "d": 50, "e": 40}, events={"a": 1, "b": 0})
    assert table.loc["a", "tier"] == "D" and table.loc["a", "tier_by_score"] == "A"
    assert "capped at D from A: one-vote veto (events > 0)" in str(table.loc["a", "tier_reasons"])
    assert table.loc["b", "tier"] == "A"  # events = 0 is not above 0
    assert table.loc["c", "tier"] == "C"  # 64 < 65 caps at C, but it is C already
    assert table.loc["c", "tier_reasons"] == ""


def test_no_submission_cap() -> None:
    table = tiers_of({"a": 90, "b": None, "c": 10, "d": 10, "e": 10})
    assert table.loc["b", "tier"] == "D"  # missing: zero scores it 0
    assert "no_submission" in table.loc["b", "flags"]


def test_quota_moves_the_lowest_down_and_ties_at_the_cut_off_together() -> None:
    # 10 agencies: A limited to floor(0.2 x 10) = 2. Three reach A with 95, 90, 90.
    points = {
        "a": 95,
        "b": 90,
        "c": 90,
        "d": 75,
        "e": 72,
        "f": 71,
        "g": 50,
        "h": 40,
        "i": 30,
        "j": 20,
    }
    table = tiers_of(points)
    assert table.loc["a", "tier"] == "A"
    assert table.loc["b", "tier"] == "B" and table.loc["c", "tier"] == "B"
    assert "A is limited to 20% of 10 agencies (2)" in str(table.loc["b", "tier_reasons"])
    # B limited to 5: b, c (moved) + d, e, f = 5, all keep B.
    assert list(table.loc[["d", "e", "f"], "tier"]) == ["B", "B", "B"]


def test_moved_agencies_count_in_the_next_tier() -> None:
    points = {
        "a": 95,
        "b": 94,
        "c": 93,
        "d": 80,
        "e": 79,
        "f": 78,
        "g": 77,
        "h": 10,
        "i": 10,
        "j": 10,
    }
    table = tiers_of(points)
    # A keeps 2 (a, b); c moves to B; B then holds c, d, e, f, g = 5 = floor(0.5 x 10).
    assert list(table["tier"][:7]) == ["A", "A", "B", "B", "B", "B", "B"]
    points["g"] = 78  # now 6 would be in B? no: still 5 members; tie f/g at the edge is fine
    points["h"] = 76
    table = tiers_of(points)
    # B now has c, d, e, f, g, h = 6 > 5: h (lowest) moves to C.
    assert table.loc["h", "tier"] == "C"
    assert "moved from B to C" in str(table.loc["h", "tier_reasons"])


def test_quota_by_type() -> None:
    fw = parse_framework(TIER_FW + "quota_scope: type\n")
    agencies = agencies_frame(
        [
            ("b1", "bank"),
            ("b2", "bank"),
            ("b3", "bank"),
            ("b4", "bank"),
            ("b5", "bank"),
            ("t1", "telecom"),
        ]
    )
    rows = [fig(c, "2026-01", points=90) for c in ["b1", "t1"]]
    rows += [fig(c, "2026-01", points=p) for c, p in [("b2", 89), ("b3", 1), ("b4", 1), ("b5", 1)]]
    table = evaluate(fw, pd.DataFrame(rows), agencies, "2026-01").table.set_index("agency_code")
    # Banks: 5 scored, floor(0.2 x 5) = 1 keeps A. Telecom: 1 scored, floor(0.2 x 1) = 0 keep
    # A and floor(0.5 x 1) = 0 keep B, so the lone telecom agency moves down twice.
    assert table.loc["b1", "tier"] == "A" and table.loc["b2", "tier"] == "B"
    assert table.loc["t1", "tier"] == "C"
    assert "moved from A to B" in str(table.loc["t1", "tier_reasons"])
    assert "moved from B to C" in str(table.loc["t1", "tier_reasons"])


# 8. Explanations ------------------------------------------------------------------------------
def test_contributions_sum_to_the_score_and_weights_multiply(small: Framework) -> None:
    figures = pd.DataFrame([fig("B1", "2026-01", loss=100, frozen=25, minutes=15, orders=80)])
    ev = evaluate(small, figures, BANKS, "2026-01")
    explanation = ev.explain("B1")
    lines = {line.indicator_id: line for line in explanation.indicators}
    assert lines["freeze_rate"].effective_weight == pytest.approx(0.6 * 0.5)
    assert lines["orders_total"].effective_weight == pytest.approx(0.4)
    total = sum(line.contribution or 0 for line in explanation.indicators)
    assert total == pytest.approx(explanation.score)


def test_gap_to_next_tier_and_biggest_gain(small: Framework) -> None:
    figures = pd.DataFrame([fig("B1", "2026-01", loss=100, frozen=25, minutes=15, orders=80)])
    explanation = evaluate(small, figures, BANKS, "2026-01").explain("B1")
    score = 0.6 * 62.5 + 0.4 * 80
    assert explanation.tier == "B" and explanation.next_tier == "A"
    assert explanation.points_to_next_tier == pytest.approx(85 - score)
    best = explanation.opportunities[0]
    assert best.indicator_id == "freeze_rate"
    assert best.gain == pytest.approx(0.3 * 50)
    assert "more points would reach tier A" in str(explanation.summary)


def test_explain_unknown_agency(small: Framework) -> None:
    ev = evaluate(small, pd.DataFrame([fig("B1", "2026-01", orders=1)]), BANKS, "2026-01")
    with pytest.raises(KeyError):
        ev.explain("nobody")


def test_every_evaluation_carries_the_fingerprint(small: Framework) -> None:
    ev = evaluate(small, pd.DataFrame([fig("B1", "2026-01", orders=1)]), BANKS, "2026-01")
    assert ev.fingerprint == small.fingerprint and len(ev.fingerprint) == 64
    assert not np.isnan(ev.table["score"]).all()


def test_no_rank_change_when_the_previous_period_has_no_figures(small: Framework) -> None:
    figures = pd.DataFrame([fig("B1", "2026-09", orders=10), fig("B2", "2026-09", orders=20)])
    table = evaluate(small, figures, BANKS, "2026-09").table
    assert table["rank_change"].isna().all()
