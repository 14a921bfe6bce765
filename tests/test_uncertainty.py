"""Uncertainty and sensitivity: the batch scorer agrees with the engine; analysis properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import Evaluator, evaluate, load_framework, parse_framework
from evaluation.engine import Evaluation
from evaluation.framework import Framework
from evaluation.uncertainty import (
    leave_one_out,
    model_of,
    overall_batch,
    rank_batch,
    sobol,
    tier_batch,
    uncertainty,
)
from evaluation.whatif import reweighted
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "data" / "demo" / "figures.csv"
AGENCIES = ROOT / "data" / "demo" / "agencies.csv"


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(ROOT / "indicators.yaml")


@pytest.fixture(scope="module")
def evaluator(framework: Framework) -> Evaluator:
    return Evaluator(framework, pd.read_csv(FIGURES), pd.read_csv(AGENCIES))


def months(evaluator: Evaluator) -> list[str]:
    """Every month of the demo."""
    return sorted(pd.read_csv(FIGURES)["period"].unique())


@pytest.fixture(scope="module")
def tight(framework: Framework) -> Evaluator:
    """The demo with the A quota cut to 5 %, so quotas bite in many months."""
    text = framework.text.replace("max_share: 0.2", "max_share: 0.05", 1)
    return Evaluator(parse_framework(text), pd.read_csv(FIGURES), pd.read_csv(AGENCIES))


@pytest.mark.parametrize("which", ["demo", "tight quota"])
def test_without_noise_every_sample_is_the_nominal_result(
    which: str, evaluator: Evaluator, tight: Evaluator
) -> None:
    evaluator = evaluator if which == "demo" else tight
    capped = quota = 0
    for period in [*months(evaluator), "2026-Q3", "2025"]:
        evaluation = evaluator.evaluate(period)
        result = uncertainty(model_of(evaluation), samples=50, noise=0.0, seed=1)
        table = result.table.set_index("agency_code").loc[evaluation.table["agency_code"]]
        ranks = evaluation.table["rank"].to_numpy(dtype=float, na_value=np.nan)
        assert np.array_equal(table["median_rank"].to_numpy(), ranks, equal_nan=True)
        assert np.array_equal(table["q05_rank"].to_numpy(), ranks, equal_nan=True)
        assert np.array_equal(table["q95_rank"].to_numpy(), ranks, equal_nan=True)
        scored = evaluation.table["tier"].notna().to_numpy()
        assert table["tier_robust"].to_numpy()[scored].all(), period
        reasons = " ".join("; ".join(r) for r in evaluation.tier_reasons)
        capped += "capped at" in reasons
        quota += "is limited to" in reasons
    assert capped, "the demo has a red-line event"
    assert quota or which == "demo", "the tight quota moves agencies down"


def test_the_batch_scorer_matches_the_engine_for_other_weights(
    framework: Framework, evaluator: Evaluator
) -> None:
    rng = np.random.default_rng(42)
    figures, agencies = pd.read_csv(FIGURES), pd.read_csv(AGENCIES)
    for period in ("2026-10", "2026-Q1", "2025-02", "2026-06", "2025-03"):
        nominal = evaluator.evaluate(period)
        model = model_of(nominal)
        for _ in range(3):
            ind = model.ind_weights * rng.uniform(0.5, 1.5, model.ind_weights.size)
            dim = model.dim_weights * rng.uniform(0.5, 1.5, model.dim_weights.size)
            changed = reweighted(
                framework,
                {d.id: float(w) for d, w in zip(framework.dimensions, dim, strict=True)},
                {i.id: float(w) for i, w in zip(framework.indicators, ind, strict=True)},
            )
            engine = evaluate(changed, figures, agencies, period)
            ind = np.array([i.weight for i in changed.indicators])  # as written in the file
            dim = np.array([d.weight for d in changed.dimensions])
            overall = overall_batch(model, ind[np.newaxis, :], dim[np.newaxis, :])[0]
            expected = engine.table["score"].to_numpy(dtype=float)
            assert np.allclose(overall, expected, atol=1e-9, equal_nan=True)
            ranks = rank_batch(overall[np.newaxis, :])[0]
            assert np.array_equal(
                ranks, engine.table["rank"].to_numpy(dtype=float, na_value=np.nan), equal_nan=True
            )
            tiers = tier_batch(model, overall[np.newaxis, :])[0]
            ids = [t.id for t in framework.tiers]
            named = [ids[t] if t >= 0 else None for t in tiers]
            assert named == list(engine.table["tier"].where(engine.table["tier"].notna(), None))


def test_tier_probabilities_sum_to_one_and_the_seed_repeats(evaluator: Evaluator) -> None:
    model = model_of(evaluator.evaluate("2026-10"), ("minmax", "rank"))
    first = uncertainty(model, samples=2000, noise=0.4, seed=7).table
    again = uncertainty(model, samples=2000, noise=0.4, seed=7).table
    other = uncertainty(model, samples=2000, noise=0.4, seed=8).table
    pd.testing.assert_frame_equal(first, again)
    assert not first["mean_score"].equals(other["mean_score"])
    sums = first.filter(like="p_tier_").sum(axis=1)
    assert np.allclose(sums, 1.0)
    assert (first["q05_rank"] <= first["median_rank"]).all()
    assert (first["median_rank"] <= first["q95_rank"]).all()
    assert (~first["tier_robust"]).any(), "large noise and other normalisations shake some tiers"


CONSTANT = """\
version: 1
name: Sensitivity check
agency_types:
  bank: {label: Bank}
fields:
  a: {label: A, unit: count}
  b: {label: B, unit: count}
  c: {label: C, unit: count}
dimensions:
  - id: first
    label: First
    weight: 50
    indicators:
      - {id: ia, label: IA, field: a, direction: higher, weight: 1,
         normalise: {method: goalposts, worst: 0, best: 100}}
  - id: second
    label: Second
    weight: 50
    indicators:
      - {id: ib, label: IB, field: b, direction: higher, weight: 1,
         normalise: {method: goalposts, worst: 0, best: 100}}
  - id: third
    label: Third
    weight: 20
    indicators:
      - {id: ic, label: IC, field: c, direction: higher, weight: 1,
         normalise: {method: goalposts, worst: 0, best: 100}}
tiers:
  - {id: A, label: A, min_score: 50}
  - {id: B, label: B, min_score: 0}
"""


def constant_input_evaluation() -> Evaluation:
    """Ten banks, each dimension a single indicator, and field c the same for everyone.

    Then no indicator weight can change a rank (each is renormalised to 1 in its dimension), and
    neither can the weight of the constant third dimension (a positive affine change of every
    agency's score alike); only the balance of the first two dimensions matters.
    """
    rng = np.random.default_rng(3)
    codes = [f"B{i}" for i in range(10)]
    agencies = pd.DataFrame({"code": codes, "name": codes, "type": "bank"})
    figures = pd.DataFrame(
        {
            "agency_code": codes,
            "period": "2026-10",
            "a": rng.uniform(0, 100, 10),
            "b": rng.uniform(0, 100, 10),
            "c": 40.0,
        }
    )
    return evaluate(parse_framework(CONSTANT), figures, agencies, "2026-10")


def test_an_input_that_changes_nothing_has_sobol_indices_of_zero() -> None:
    table = sobol(model_of(constant_input_evaluation()), base_samples=512, seed=5).set_index(
        "input"
    )
    for inert in ("indicator:ia", "indicator:ib", "indicator:ic", "dimension:third"):
        assert abs(table.loc[inert, "first_order"]) < 1e-9, inert
        assert abs(table.loc[inert, "total_order"]) < 1e-9, inert
    assert table.loc["dimension:first", "total_order"] > 0.05
    assert (table["total_low"] <= table["total_order"] + 1e-12).all()
    assert (table["total_order"] <= table["total_high"] + 1e-12).all()


def test_leaving_out_an_indicator(evaluator: Evaluator, framework: Framework) -> None:
    table = leave_one_out(model_of(evaluator.evaluate("2026-10")))
    assert set(table["indicator"]) == {i.id for i in framework.indicators}
    assert (table["mean_abs_rank_change"] >= 0).all() and table["mean_abs_rank_change"].max() > 0
    constant = leave_one_out(model_of(constant_input_evaluation())).set_index("indicator")
    assert constant.loc["ic", "mean_abs_rank_change"] == 0.0  # a constant dimension left out
    assert constant.loc["ia", "mean_abs_rank_change"] > 0


def test_cli_uncertainty_and_sensitivity(tmp_path: Path) -> None:
    common = ["--figures", str(FIGURES), "--agencies", str(AGENCIES), "--period", "2026-10"]
    out = tmp_path / "u.csv"
    run = run_cli("uncertainty", *common, "--samples", "500", "--seed", "3", "--out", str(out))
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "agency_code",
        "nominal_rank",
        "median_rank",
        "q05_rank",
        "q95_rank",
        "mean_score",
        "p_tier_A",
        "p_tier_B",
        "p_tier_C",
        "p_tier_D",
    ]
    assert len(table) == 30 and "seed 3" in run.stderr
    sens = run_cli("sensitivity", *common, "--samples", "64", "--bootstrap", "50")
    assert sens.returncode == 0, sens.stderr
    assert sens.stdout.startswith("input,first_order,first_low,first_high,total_order")
    assert "leave one indicator out" in sens.stderr
    bad = run_cli("uncertainty", *common, "--methods", "magic")
    assert bad.returncode == 2 and 'unknown normalisation "magic"' in bad.stderr


def test_red_line_caps_hold_whatever_the_nominal_tier(evaluator: Evaluator) -> None:
    evaluation = evaluator.evaluate("2026-06")  # PY02 has a red-line event; PB04 is fine
    model = model_of(evaluation)
    codes = list(evaluation.table["agency_code"])
    worst = len(evaluation.framework.tiers) - 1
    assert model.caps[codes.index("PY02")] == worst
    assert model.caps[codes.index("PB04")] == 0
    # Even a score at the top of the scale keeps a capped agency at its cap.
    lifted = model.nominal_score.copy()
    lifted[codes.index("PY02")] = 100.0
    assert tier_batch(model, lifted[np.newaxis, :])[0][codes.index("PY02")] == worst
