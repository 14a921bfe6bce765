"""Uncertainty and sensitivity: the batch scorer agrees with the engine; analysis properties."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import Evaluator, evaluate, load_framework, parse_framework
from evaluation.analysis.batch import model_of, overall_batch, rank_batch, tier_batch
from evaluation.analysis.sensitivity import leave_one_out, sobol
from evaluation.analysis.uncertainty import draws, rank_quantiles, uncertainty
from evaluation.errors import InputError
from evaluation.framework import Framework
from evaluation.framework.weights import reweighted
from evaluation.scoring.result import Evaluation
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
        for tier in result.table.filter(like="p_tier_").columns:
            nominal = (evaluation.table["tier"] == tier.removeprefix("p_tier_")).to_numpy()
            assert (table[tier].to_numpy()[scored & nominal] == 1.0).all(), (period, tier)
            assert (table[tier].to_numpy()[scored & ~nominal] == 0.0).all(), (period, tier)
        reasons = " ".join("; ".join(map(str, r)) for r in evaluation.tier_reasons)
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


def test_the_seed_repeats_and_the_rank_interval_is_ordered(evaluator: Evaluator) -> None:
    model = model_of(evaluator.evaluate("2026-10"), ("minmax", "rank"))
    first = uncertainty(model, samples=2000, noise=0.4, seed=7).table
    again = uncertainty(model, samples=2000, noise=0.4, seed=7).table
    other = uncertainty(model, samples=2000, noise=0.4, seed=8).table
    pd.testing.assert_frame_equal(first, again)
    assert not first["mean_score"].equals(other["mean_score"])
    assert (first["q05_rank"] <= first["median_rank"]).all()
    assert (first["median_rank"] <= first["q95_rank"]).all()
    assert (~first["tier_robust"]).any(), "large noise and other normalisations shake some tiers"


def configured(
    framework: Framework, methods: list[str], ind: np.ndarray, dim: np.ndarray
) -> Framework:
    """The framework with these weights and indicator j normalised by methods[j] ("" = as
    written; goalposts only where the indicator sets goalposts), as one would write it by hand."""
    dims, j = [], 0
    for d, dimension in enumerate(framework.dimensions):
        inds = []
        for indicator in dimension.indicators:
            norm = indicator.normalise
            settable = norm.worst is not None and norm.best is not None
            if methods[j] and (methods[j] != "goalposts" or settable):
                norm = replace(norm, method=methods[j])
            inds.append(replace(indicator, normalise=norm, weight=float(ind[j])))
            j += 1
        dims.append(replace(dimension, weight=float(dim[d]), indicators=tuple(inds)))
    return replace(framework, dimensions=tuple(dims))


def test_tier_probabilities_are_the_engines_tier_shares(framework: Framework) -> None:
    """Each sample scored by the engine itself, with its weights and normalisations written into
    the framework: the share of samples in each tier is the reported probability."""
    figures, agencies = pd.read_csv(FIGURES), pd.read_csv(AGENCIES)
    nominal = evaluate(framework, figures, agencies, "2026-06")
    model = model_of(nominal, ("minmax", "rank"))
    samples = 24
    result = uncertainty(model, samples=samples, noise=(0.5, 0.4), seed=11)
    ind, dim, choice = draws(model, samples, (0.5, 0.4), 11)
    assert choice is not None
    counts: dict[tuple[str, str], int] = {}
    for k in range(samples):
        changed = configured(framework, [model.methods[m] for m in choice[k]], ind[k], dim[k])
        table = evaluate(changed, figures, agencies, "2026-06").table
        for code, tier in zip(table["agency_code"], table["tier"], strict=True):
            if isinstance(tier, str):
                counts[code, tier] = counts.get((code, tier), 0) + 1
    reported = result.table.set_index("agency_code")
    moved = 0
    for tier in [t.id for t in framework.tiers]:
        for code in nominal.table["agency_code"]:
            share = counts.get((code, tier), 0) / samples
            assert reported.loc[code, f"p_tier_{tier}"] == pytest.approx(share, abs=1e-12), (
                code,
                tier,
            )
            moved += 0 < share < 1
    assert moved, "the noise moves some agencies between tiers"


def test_the_batch_scorer_matches_the_engine_for_drawn_normalisations(
    framework: Framework,
) -> None:
    figures, agencies = pd.read_csv(FIGURES), pd.read_csv(AGENCIES)
    methods = ("goalposts", "minmax", "rank", "zscore")
    rng = np.random.default_rng(5)
    for period in ("2026-10", "2026-Q1"):
        model = model_of(evaluate(framework, figures, agencies, period), methods)
        choice = rng.integers(0, len(model.methods), (4, len(model.ind_weights)))
        ind = np.tile(model.ind_weights, (4, 1))
        dim = np.tile(model.dim_weights, (4, 1))
        overall = overall_batch(model, ind, dim, choice)
        for k in range(4):
            changed = configured(framework, [model.methods[m] for m in choice[k]], ind[k], dim[k])
            engine = evaluate(changed, figures, agencies, period).table["score"]
            assert np.allclose(overall[k], engine.to_numpy(dtype=float), atol=1e-9, equal_nan=True)


def test_noise_per_level_is_used_and_recorded(evaluator: Evaluator) -> None:
    model = model_of(evaluator.evaluate("2026-10"))
    only_dimensions = uncertainty(model, samples=300, noise=(0.0, 0.5), seed=2)
    assert only_dimensions.noise == (0.0, 0.5)
    assert only_dimensions.settings() == {
        "samples": 300,
        "noise_indicator": 0.0,
        "noise_dimension": 0.5,
        "seed": 2,
        "methods": "",
    }
    ind, dim, _choice = draws(model, 300, (0.0, 0.5), 2)
    assert (ind == model.ind_weights).all() and not (dim == model.dim_weights).all()
    moved = only_dimensions.table["q95_rank"] - only_dimensions.table["q05_rank"]
    assert (moved > 0).any()
    indices = sobol(model, base_samples=64, noise=(0.0, 0.5), seed=2, bootstrap=20)
    by_input = indices.set_index("input")
    for indicator in (i.id for i in model.framework.indicators):
        assert by_input.loc[f"indicator:{indicator}", "first_order"] == 0.0
        assert by_input.loc[f"indicator:{indicator}", "total_order"] == 0.0
    assert by_input.filter(like="dimension:", axis=0)["total_order"].max() > 0
    assert indices.attrs == {
        "samples": 64,
        "evaluations": 64 * (len(by_input) + 2),
        "noise_indicator": 0.0,
        "noise_dimension": 0.5,
        "seed": 2,
        "methods": "",
        "bootstrap": 20,
    }


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"seed": -1}, "seed: expected a whole number from 0 to 4,294,967,295, got -1"),
        ({"samples": 0}, "samples: expected a whole number from 1 to 1,000,000, got 0"),
        ({"noise": (0.2, 1.0)}, "noise_dimension: expected a fraction from 0 to below 1"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(
    evaluator: Evaluator, settings: dict[str, object], message: str
) -> None:
    model = model_of(evaluator.evaluate("2026-10"))
    with pytest.raises(InputError, match=re.escape(message)):
        uncertainty(model, **settings)  # type: ignore[arg-type]


def test_a_run_too_large_to_hold_is_refused(
    evaluator: Evaluator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("evaluation.analysis.batch.MAX_CELLS", 3_000)
    model = model_of(evaluator.evaluate("2026-10"))
    assert len(uncertainty(model, samples=100).table) == 30
    with pytest.raises(InputError, match="101 evaluations x 30 agencies is 3,030 scores"):
        uncertainty(model, samples=101)


def test_bad_sobol_settings_are_refused(evaluator: Evaluator) -> None:
    model = model_of(evaluator.evaluate("2026-10"))
    with pytest.raises(InputError, match="bootstrap: expected a whole number from 1 to 10,000"):
        sobol(model, base_samples=64, bootstrap=0)
    with pytest.raises(InputError, match="samples: expected a whole number from 2 to 100,000"):
        sobol(model, base_samples=1)


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


def test_a_normalisation_choice_that_changes_nothing_has_sobol_indices_of_zero() -> None:
    """Field c is the same for every bank, so whichever normalisation indicator ic draws, every
    bank gets the same ic score: the choice shifts all scores alike and moves no rank. The
    choices of ia and ib rescale one dimension against the other, which moves ranks."""
    model = model_of(constant_input_evaluation(), ("minmax", "rank"))
    assert len(np.unique(model.scores[:, :, 2])) == 3, "each choice gives its own ic score"
    table = sobol(model, base_samples=512, seed=5).set_index("input")
    assert {"normalisation:ia", "normalisation:ib", "normalisation:ic"} <= set(table.index)
    assert abs(table.loc["normalisation:ic", "first_order"]) < 1e-9
    assert abs(table.loc["normalisation:ic", "total_order"]) < 1e-9
    assert table.loc["normalisation:ic", "total_high"] < 1e-9
    assert table.loc["normalisation:ia", "total_order"] > 0.01
    assert table.attrs["methods"] == "minmax,rank"
    assert table.attrs["evaluations"] == 512 * (3 + 3 + 3 + 2)


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
    run = run_cli(
        "uncertainty",
        *common,
        *("--samples", "500", "--seed", "3", "--noise", "0.3", "--noise-dimension", "0.1"),
        *("--methods", "minmax,rank", "--out", str(out)),
    )
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(out, keep_default_na=False)
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
        "samples",
        "noise_indicator",
        "noise_dimension",
        "seed",
        "methods",
    ]
    assert len(table) == 30 and "seed 3" in run.stderr
    assert set(table["samples"]) == {500} and set(table["seed"]) == {3}
    assert set(table["noise_indicator"]) == {0.3} and set(table["noise_dimension"]) == {0.1}
    assert set(table["methods"]) == {"minmax,rank"}
    sens_out = tmp_path / "s.csv"
    sens = run_cli(
        "sensitivity",
        *common,
        *("--samples", "64", "--bootstrap", "50", "--noise-dimension", "0.2"),
        *("--methods", "rank", "--out", str(sens_out)),
    )
    assert sens.returncode == 0, sens.stderr
    indices = pd.read_csv(sens_out, keep_default_na=False)
    assert list(indices.columns) == [
        *("input", "first_order", "first_low", "first_high"),
        *("total_order", "total_low", "total_high"),
        *("samples", "noise_indicator", "noise_dimension", "seed", "methods", "bootstrap"),
    ]
    assert indices["input"].str.startswith("normalisation:").sum() == 18
    assert set(indices["samples"]) == {64} and set(indices["bootstrap"]) == {50}
    assert set(indices["noise_indicator"]) == {0.25} and set(indices["noise_dimension"]) == {0.2}
    assert set(indices["seed"]) == {20261125} and set(indices["methods"]) == {"rank"}
    assert "leave one indicator out" in sens.stderr
    bad = run_cli("uncertainty", *common, "--methods", "magic")
    assert bad.returncode == 2 and 'unknown normalisation "magic"' in bad.stderr


def test_rank_quantiles_are_numpys_linear_quantiles() -> None:
    rng = np.random.default_rng(4)
    ranks = rng.integers(1, 41, (3001, 40)).astype(float)
    ranks[:, 3] = np.nan  # never scored
    ranks[::5, 7] = np.nan  # left out of some samples
    ranks[:, 9] = 40.0
    quantiles = (0.05, 0.5, 0.95)
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning, match="All-NaN"):
        expected = [np.nanquantile(ranks, q, axis=0) for q in quantiles]
    for got, want in zip(rank_quantiles(ranks, quantiles), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


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
