"""Property tests of the scoring engine on small random frameworks and random monthly figures.

Every framework is written as YAML text and read with `parse_framework`, so the tests go through
the same validation as a hand-edited `indicators.yaml`. Each indicator reads fields of its own
(`n3`/`d3` for a ratio, `x3` and the weight `w3` for a single field), so changing one figure
touches exactly one indicator.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, assume, given, seed, settings
from hypothesis import strategies as st

from evaluation.framework import Framework, parse_framework
from evaluation.periods import parse_period
from evaluation.scoring.engine import Evaluator, evaluate
from evaluation.scoring.result import Evaluation

TYPES = ("bank", "tel", "solo")
MONTHS = ("2026-01", "2026-02", "2026-03")
PERIODS = ("2026-01", "2026-02", "2026-03", "2026-Q1")
TIER_IDS = ("A", "B", "C", "D")
TIER_FLOORS = (0.8, 0.6, 0.4, 0.0)  # min_score as a share of the scale
TOLERANCE = 1e-9

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- framework specs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator; its fields are named after its position `k`."""

    k: int
    ratio: bool
    direction: str
    method: str
    scope: str
    worst: float
    best: float
    aggregate: str
    applies_to: tuple[str, ...] | None
    weight: float

    @property
    def id(self) -> str:
        return f"i{self.k}"

    @property
    def fields(self) -> tuple[str, ...]:
        if self.ratio:
            return (f"n{self.k}", f"d{self.k}")
        if self.aggregate == "weighted_mean":
            return (f"x{self.k}", f"w{self.k}")
        return (f"x{self.k}",)


@dataclass(frozen=True)
class FrameworkSpec:
    """Everything a generated framework is built from."""

    scale: float
    dimensions: tuple[tuple[float, tuple[IndicatorSpec, ...]], ...]
    indicators_agg: str
    dimensions_agg: str
    floor: float
    missing: str
    max_shares: tuple[float | None, ...]  # for A, B, C
    quota_scope: str
    red_lines: tuple[dict[str, Any], ...]

    @property
    def indicators(self) -> tuple[IndicatorSpec, ...]:
        return tuple(ind for _, inds in self.dimensions for ind in inds)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for ind in self.indicators for f in ind.fields) + ("events",)

    def yaml_text(self, weight_factor: float = 1.0) -> str:
        """The framework as YAML; every weight multiplied by `weight_factor`."""
        dimensions = []
        for d, (weight, inds) in enumerate(self.dimensions):
            dimensions.append(
                {
                    "id": f"dim{d}",
                    "label": f"Dimension {d}",
                    "weight": weight * weight_factor,
                    "indicators": [_indicator_yaml(ind, weight_factor) for ind in inds],
                }
            )
        tiers = []
        for tier_id, floor, share in zip(
            TIER_IDS, TIER_FLOORS, self.max_shares + (None,), strict=True
        ):
            tier: dict[str, Any] = {
                "id": tier_id,
                "label": tier_id,
                "min_score": floor * self.scale,
            }
            if share is not None:
                tier["max_share"] = share
            tiers.append(tier)
        data: dict[str, Any] = {
            "version": 1,
            "name": "Generated",
            "scale": self.scale,
            "agency_types": {t: {"label": t.title()} for t in TYPES},
            "fields": {f: {"label": f.upper()} for f in self.fields},
            "dimensions": dimensions,
            "aggregation": {
                "indicators": self.indicators_agg,
                "dimensions": self.dimensions_agg,
                "geometric_floor": self.floor,
            },
            "missing": self.missing,
            "tiers": tiers,
            "quota_scope": self.quota_scope,
        }
        if self.red_lines:
            data["red_lines"] = list(self.red_lines)
        return "\n".join(_yaml_lines(data, 0)) + "\n"

    def framework(self, weight_factor: float = 1.0) -> Framework:
        return _parse(self.yaml_text(weight_factor))


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> Framework:
    """parse_framework, cached: a property often scores one framework several times."""
    return parse_framework(text)


def _yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        # PyYAML reads 1e-05 as a string: write such numbers out in full.
        return text if "e" not in text else f"{value:.20f}"
    return str(value)


def _yaml_lines(value: object, indent: int) -> list[str]:
    """Block-style YAML for the plain dicts, lists and scalars of a generated framework.

    Written by hand because yaml.safe_dump took a third of the run time.
    """
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list):
                lines.append(f"{pad}{key}:")
                lines.extend(_yaml_lines(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {_yaml_scalar(item)}")
    else:
        assert isinstance(value, list)
        for item in value:
            if not isinstance(item, dict | list):
                lines.append(f"{pad}- {_yaml_scalar(item)}")
                continue
            inner = _yaml_lines(item, indent + 2)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines.extend(inner[1:])
    return lines


def _indicator_yaml(ind: IndicatorSpec, weight_factor: float) -> dict[str, Any]:
    body: dict[str, Any] = {"id": ind.id, "label": f"Indicator {ind.k}"}
    if ind.ratio:
        body["numerator"], body["denominator"] = ind.fields
        # Random figures may put the numerator above the denominator.
        body["may_exceed_one"] = True
    else:
        body["field"] = ind.fields[0]
        body["period_aggregate"] = ind.aggregate
        if ind.aggregate == "weighted_mean":
            body["weight_field"] = ind.fields[1]
    body["direction"] = ind.direction
    if ind.applies_to is not None:
        body["applies_to"] = list(ind.applies_to)
    if ind.method == "goalposts":
        body["normalise"] = {"method": "goalposts", "worst": ind.worst, "best": ind.best}
    else:
        body["normalise"] = {"method": ind.method, "scope": ind.scope}
    body["weight"] = ind.weight * weight_factor
    return body


@st.composite
def indicator_specs(
    draw: st.DrawFn,
    k: int,
    applies_to: bool = True,
) -> IndicatorSpec:
    ratio = draw(st.booleans())
    direction = draw(st.sampled_from(("higher", "lower")))
    method = draw(st.sampled_from(("goalposts", "minmax", "rank", "zscore")))
    # Ratios of figures 0..12 mostly fall in 0..3; single figures in 0..12.
    far = draw(st.sampled_from((0.5, 1.0, 2.0) if ratio else (4.0, 10.0, 30.0)))
    worst, best = (0.0, far) if direction == "higher" else (far, 0.0)
    subsets = [s for r in (1, 2, 3) for s in _subsets(TYPES, r)]
    applies = draw(st.none() | st.sampled_from(subsets)) if applies_to else None
    return IndicatorSpec(
        k=k,
        ratio=ratio,
        direction=direction,
        method=method,
        scope=draw(st.sampled_from(("all", "type"))),
        worst=worst,
        best=best,
        aggregate=draw(st.sampled_from(("sum", "mean", "weighted_mean", "min", "max", "last"))),
        applies_to=applies,
        weight=draw(st.sampled_from((0.5, 1.0, 2.0, 3.0, 5.0))),
    )


def _subsets(items: tuple[str, ...], size: int) -> list[tuple[str, ...]]:
    if size == 0:
        return [()]
    if len(items) < size:
        return []
    first, rest = items[0], items[1:]
    return [(first, *s) for s in _subsets(rest, size - 1)] + _subsets(rest, size)


@st.composite
def framework_specs(
    draw: st.DrawFn,
    scale: float | None = None,
    aggregation: str | None = None,
    quotas: bool = True,
    red_lines: bool = True,
    missing: str | None = None,
    min_indicators: int = 1,
) -> FrameworkSpec:
    n_dims = draw(st.integers(1, 3))
    dims = []
    k = 0
    for d in range(n_dims):
        count = draw(st.integers(max(1, min_indicators - k) if d == n_dims - 1 else 1, 3))
        inds = []
        for _ in range(count):
            # The first indicator applies to every type, so that no type is left unscorable.
            inds.append(draw(indicator_specs(k, applies_to=k > 0)))
            k += 1
        dims.append((draw(st.sampled_from((0.5, 1.0, 2.0, 4.0))), tuple(inds)))
    the_scale = scale if scale is not None else draw(st.sampled_from((100.0, 10.0)))
    agg = st.sampled_from(("arithmetic", "geometric"))
    rules: list[dict[str, Any]] = []
    if red_lines:
        if draw(st.booleans()):
            rules.append({"field": "events", "above": 0, "cap": draw(st.sampled_from(("C", "D")))})
        if draw(st.booleans()):
            rules.append({"no_submission": True, "cap": draw(st.sampled_from(("B", "D")))})
        if draw(st.booleans()):
            first = dims[0][1][0]
            threshold = (first.worst + first.best) / 2
            rules.append({"indicator": first.id, "below": threshold, "cap": "C"})
    share = st.none() | st.sampled_from((0.1, 0.2, 0.25, 1 / 3, 0.5))
    return FrameworkSpec(
        scale=the_scale,
        dimensions=tuple(dims),
        indicators_agg=aggregation or draw(agg),
        dimensions_agg=aggregation or draw(agg),
        floor=draw(st.sampled_from((0.5, 1.0, 2.0))) * the_scale / 100,
        missing=missing or draw(st.sampled_from(("zero", "exclude", "peer_median"))),
        max_shares=tuple(draw(share) for _ in range(3)) if quotas else (None, None, None),
        quota_scope=draw(st.sampled_from(("all", "type"))),
        red_lines=tuple(rules),
    )


# --- agencies and figures -------------------------------------------------------------------------


def agencies_frame(types: list[str]) -> pd.DataFrame:
    codes = [f"AG{i:02d}" for i in range(len(types))]
    return pd.DataFrame({"code": codes, "name": [f"Agency {c}" for c in codes], "type": types})


@st.composite
def agency_types(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(st.sampled_from(TYPES), min_size=3, max_size=8))


@st.composite
def figures_frames(draw: st.DrawFn, fields: tuple[str, ...], n_agencies: int) -> pd.DataFrame:
    """One row per reported agency-month; a cell is a whole number 0..12 or not reported.

    The cells come from a numpy generator seeded by hypothesis: drawing hundreds of cells one by
    one through hypothesis would cost most of the time budget for little gain in shrinking.
    """
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    blank_share = draw(st.sampled_from((0.0, 0.1, 0.3)))
    codes = np.repeat([f"AG{a:02d}" for a in range(n_agencies)], len(MONTHS))
    periods = np.tile(MONTHS, n_agencies)
    shape = (codes.size, len(fields))
    cells = rng.integers(0, 13, size=shape).astype(float)
    cells[rng.random(shape) < blank_share] = np.nan
    if "events" in fields:  # a red-line event is rare: about one agency-month in six
        events = cells[:, fields.index("events")]
        events[rng.random(codes.size) < 5 / 6] = 0.0
    frame = pd.DataFrame(cells, columns=list(fields))
    frame.insert(0, "period", periods)
    frame.insert(0, "agency_code", codes)
    reported = rng.random(codes.size) >= 0.1  # about one agency-month in ten sends nothing
    return frame[reported].reset_index(drop=True)


@dataclass(frozen=True)
class Case:
    spec: FrameworkSpec
    agencies: pd.DataFrame
    figures: pd.DataFrame
    period: str

    def run(self, weight_factor: float = 1.0) -> Evaluation:
        framework = self.spec.framework(weight_factor)
        return evaluate(framework, self.figures, self.agencies, self.period)


@st.composite
def cases(draw: st.DrawFn, **spec_options: Any) -> Case:
    spec = draw(framework_specs(**spec_options))
    types = draw(agency_types())
    figures = draw(figures_frames(spec.fields, len(types)))
    return Case(spec, agencies_frame(types), figures, draw(st.sampled_from(PERIODS)))


def scored(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["score"].notna()]


# --- scores stay on the scale ---------------------------------------------------------------------


@pytest.mark.parametrize("scale", [100.0, 10.0])
@seed(20261001)
@SETTINGS
@given(data=st.data())
def test_scores_stay_within_zero_and_the_scale(scale: float, data: st.DataObject) -> None:
    case = data.draw(cases(scale=scale))
    table = case.run().table
    columns = ["score"] + [c for c in table.columns if c.startswith(("dim.", "ind."))]
    values = table[columns].to_numpy(dtype=float)
    present = values[~np.isnan(values)]
    assert (present >= -TOLERANCE).all(), table[columns]
    assert (present <= scale + TOLERANCE).all(), table[columns]


def test_a_scale_of_ten_reaches_the_scores() -> None:
    """A fixed example: with `scale: 10` the goalposts give 5 and 10, and tiers follow."""
    spec = FrameworkSpec(
        scale=10.0,
        dimensions=(
            (
                1.0,
                (IndicatorSpec(0, True, "higher", "goalposts", "all", 0, 1, "sum", None, 1),),
            ),
        ),
        indicators_agg="arithmetic",
        dimensions_agg="arithmetic",
        floor=0.1,
        missing="zero",
        max_shares=(None, None, None),
        quota_scope="all",
        red_lines=(),
    )
    figures = pd.DataFrame(
        {"agency_code": ["AG00", "AG01"], "period": "2026-01", "n0": [1.0, 3.0], "d0": [2.0, 2.0]}
    )
    table = evaluate(spec.framework(), figures, agencies_frame(["bank", "tel"]), "2026-01").table
    assert table["score"].tolist() == [5.0, 10.0]
    assert table["tier"].tolist() == ["C", "A"]


# --- ranks ----------------------------------------------------------------------------------------


@seed(20261002)
@SETTINGS
@given(case=cases())
def test_ranks_count_the_agencies_scoring_higher(case: Case) -> None:
    table = case.run().table
    done = scored(table)
    scores = done["score"].to_numpy(dtype=float)
    n = len(done)
    for score, rank in zip(scores, done["rank"], strict=True):
        assert 1 <= rank <= n
        assert rank == 1 + int((scores > score + TOLERANCE).sum())
    for agency_type, group in done.groupby("agency_type"):
        within = group["score"].to_numpy(dtype=float)
        for score, rank in zip(within, group["rank_in_type"], strict=True):
            assert rank == 1 + int((within > score + TOLERANCE).sum()), agency_type
    # Unscored agencies have no rank and no tier, and say why.
    left = table[table["score"].isna()]
    assert left["rank"].isna().all() and left["rank_in_type"].isna().all()
    assert left["tier"].isna().all()
    assert all("not_scored" in f.split("; ") for f in left["flags"])
    # Without ties (beyond the tolerance) the ranks are a permutation of 1..n.
    distinct = np.diff(np.sort(scores)) > TOLERANCE
    if distinct.all():
        assert sorted(done["rank"].astype(int)) == list(range(1, n + 1))


@seed(20261003)
@SETTINGS
@given(case=cases())
def test_rank_change_is_previous_rank_minus_rank(case: Case) -> None:
    framework = case.spec.framework()
    now = Evaluator(framework, case.figures, case.agencies).evaluate(case.period)
    before = now.period.previous()
    previous = evaluate(framework, case.figures, case.agencies, before).table
    expected = (previous["rank"] - now.table["rank"]).astype("Float64")
    fields = case.figures.drop(columns=["agency_code", "period"])
    reported = case.figures["period"].isin(before.months) & fields.notna().any(axis=1)
    if not reported.any():
        # Nobody reported in the previous period, so nobody was ranked in it.
        expected[:] = pd.NA
    assert now.table["rank_change"].astype("Float64").equals(expected)


@seed(20261011)
@settings(SETTINGS, phases=[Phase.explicit, Phase.generate])  # no shrinking: it is a known bug
@given(case=cases())
def test_rank_change_does_not_depend_on_the_periods_scored_before(case: Case) -> None:
    framework = case.spec.framework()
    evaluator = Evaluator(framework, case.figures, case.agencies)
    for label in ("2025-12", "2026-01"):
        in_turn = evaluator.evaluate(label).table
        alone = evaluate(framework, case.figures, case.agencies, label).table
        assert in_turn["rank_change"].equals(alone["rank_change"]), label


# --- monotonicity ---------------------------------------------------------------------------------


@st.composite
def monotone_cases(draw: st.DrawFn, direction: str) -> tuple[Case, int, str]:
    """A case whose indicator i0 uses goalposts in `direction`, plus an agency and a field."""
    spec = draw(framework_specs(red_lines=False, quotas=False))
    first = spec.dimensions[0][1][0]
    far = draw(st.sampled_from((0.5, 1.0, 2.0) if direction == "higher" else (4.0, 10.0, 30.0)))
    target = replace(
        first,
        ratio=direction == "higher",
        direction=direction,
        method="goalposts",
        worst=0.0 if direction == "higher" else far,
        best=far if direction == "higher" else 0.0,
    )
    (weight, inds), *rest = spec.dimensions
    spec = replace(spec, dimensions=((weight, (target, *inds[1:])), *rest))
    types = draw(agency_types())
    figures = draw(figures_frames(spec.fields, len(types)))
    case = Case(spec, agencies_frame(types), figures, draw(st.sampled_from(PERIODS)))
    field = target.fields[0]  # the numerator, or the single field
    reported = figures[field].notna().to_numpy()
    inside = reported & figures["period"].isin(parse_period(case.period).months).to_numpy()
    candidates = np.flatnonzero(inside if inside.any() else reported)
    assume(candidates.size > 0)
    return case, int(draw(st.sampled_from(list(candidates)))), field


def _score_of(evaluation: Evaluation, code: str) -> float:
    table = evaluation.table
    return float(table.loc[table["agency_code"] == code, "score"].iloc[0])


@seed(20261004)
@SETTINGS
@given(pick=monotone_cases("higher"), step=st.sampled_from((0.5, 1.0, 3.0, 50.0)))
def test_raising_a_higher_is_better_numerator_never_lowers_the_score(
    pick: tuple[Case, int, str], step: float
) -> None:
    case, row, field = pick
    code = case.figures["agency_code"].iloc[row]
    raised = case.figures.copy()
    raised.loc[raised.index[row], field] += step
    before = _score_of(case.run(), code)
    after = _score_of(replace(case, figures=raised).run(), code)
    assert math.isnan(before) == math.isnan(after)
    if not math.isnan(before):
        assert after >= before - TOLERANCE


@seed(20261005)
@SETTINGS
@given(pick=monotone_cases("lower"), factor=st.sampled_from((0.0, 0.25, 0.5, 0.9)))
def test_lowering_a_lower_is_better_field_never_lowers_the_score(
    pick: tuple[Case, int, str], factor: float
) -> None:
    case, row, field = pick
    code = case.figures["agency_code"].iloc[row]
    lowered = case.figures.copy()
    lowered.loc[lowered.index[row], field] *= factor
    before = _score_of(case.run(), code)
    after = _score_of(replace(case, figures=lowered).run(), code)
    assert math.isnan(before) == math.isnan(after)
    if not math.isnan(before):
        assert after >= before - TOLERANCE


# --- tiers ----------------------------------------------------------------------------------------


@seed(20261006)
@SETTINGS
@given(case=cases(quotas=False, red_lines=False))
def test_without_quotas_or_red_lines_a_higher_score_never_gets_a_worse_tier(case: Case) -> None:
    table = scored(case.run().table)
    position = table["tier"].map(TIER_IDS.index).to_numpy()
    order = np.argsort(-table["score"].to_numpy(dtype=float), kind="stable")
    assert (np.diff(position[order]) >= 0).all(), table[["score", "tier"]]
    assert (table["tier"] == table["tier_by_score"]).all()
    assert (table["tier_reasons"] == "").all()


@seed(20261007)
@SETTINGS
@given(case=cases(quotas=True))
def test_a_tier_with_a_quota_never_holds_more_than_its_share(case: Case) -> None:
    table = scored(case.run().table)
    groups = table.groupby("agency_type") if case.spec.quota_scope == "type" else [("all", table)]
    for _, group in groups:
        n = len(group)
        for tier_id, share in zip(TIER_IDS, case.spec.max_shares, strict=False):
            if share is None:
                continue
            held = int((group["tier"] == tier_id).sum())
            assert held <= math.floor(share * n + TOLERANCE), (tier_id, share, n, group)
    # Whoever ends below the tier its score reached is told why.
    lowered = table[table["tier"] != table["tier_by_score"]]
    assert (lowered["tier_reasons"] != "").all(), lowered
    assert (lowered["tier"] > lowered["tier_by_score"]).all()  # A < B < C < D: only ever down


# --- weights are relative -------------------------------------------------------------------------


@seed(20261008)
@SETTINGS
@given(case=cases(), factor=st.sampled_from((7.5, 0.01, 3.0)))
def test_multiplying_every_weight_changes_nothing(case: Case, factor: float) -> None:
    base = case.run().table
    scaled = case.run(weight_factor=factor).table
    numbers = ["score"] + [c for c in base.columns if c.startswith(("dim.", "ind.", "raw."))]
    np.testing.assert_allclose(
        scaled[numbers].to_numpy(dtype=float),
        base[numbers].to_numpy(dtype=float),
        rtol=1e-9,
        atol=1e-9,
    )
    for column in ("rank", "rank_in_type", "tier", "tier_by_score", "flags"):
        assert scaled[column].equals(base[column]), column


# --- explanations ---------------------------------------------------------------------------------


@seed(20261009)
@SETTINGS
@given(case=cases(aggregation="arithmetic"))
def test_contributions_add_up_to_the_score(case: Case) -> None:
    evaluation = case.run()
    for code, score in zip(evaluation.table["agency_code"], evaluation.table["score"], strict=True):
        explanation = evaluation.explain(code)
        parts = [line.contribution for line in explanation.indicators]
        if math.isnan(score):
            assert explanation.score is None
            assert all(p is None for p in parts)
            continue
        total = sum(p for p in parts if p is not None)
        assert abs(total - score) <= TOLERANCE, (code, score, total)
        assert explanation.score == pytest.approx(score, rel=0, abs=TOLERANCE)
        weights = [ln.effective_weight for ln in explanation.indicators]
        assert sum(w for w in weights if w is not None) == pytest.approx(1.0, abs=TOLERANCE)


# --- missing: exclude -----------------------------------------------------------------------------


@st.composite
def exclude_cases(draw: st.DrawFn) -> tuple[Case, Case, int]:
    """The same figures under two frameworks: indicator k missing vs. not applicable to 'solo'.

    The last agency is the only one of type `solo` and reports none of indicator k's fields.
    """
    spec = draw(framework_specs(missing="exclude", min_indicators=2))
    k = draw(st.integers(1, len(spec.indicators) - 1))
    others = draw(st.sampled_from([("bank",), ("tel",), ("bank", "tel")]))

    def with_applies_to(applies: tuple[str, ...]) -> FrameworkSpec:
        dims = tuple(
            (w, tuple(replace(i, applies_to=applies) if i.k == k else i for i in inds))
            for w, inds in spec.dimensions
        )
        return replace(spec, dimensions=dims)

    measured = with_applies_to((*others, "solo"))
    not_applicable = with_applies_to(others)
    types = [*draw(st.lists(st.sampled_from(("bank", "tel")), min_size=2, max_size=7)), "solo"]
    figures = draw(figures_frames(spec.fields, len(types)))
    solo = f"AG{len(types) - 1:02d}"
    blank = list(measured.indicators[k].fields)
    figures.loc[figures["agency_code"] == solo, blank] = np.nan
    period = draw(st.sampled_from(PERIODS))
    agencies = agencies_frame(types)
    return (
        Case(measured, agencies, figures, period),
        Case(not_applicable, agencies, figures, period),
        k,
    )


@seed(20261010)
@SETTINGS
@given(pair=exclude_cases())
def test_excluding_a_missing_indicator_equals_it_not_applying(pair: tuple[Case, Case, int]) -> None:
    measured, not_applicable, k = pair
    missing = measured.run().table
    skipped = not_applicable.run().table
    solo = missing.index[-1]
    assert f"missing:i{k}" in missing.loc[solo, "flags"].split("; ")
    assert np.isnan(missing.loc[solo, f"ind.i{k}"])
    numbers = ["score"] + [c for c in missing.columns if c.startswith("dim.")]
    np.testing.assert_allclose(
        missing[numbers].to_numpy(dtype=float),
        skipped[numbers].to_numpy(dtype=float),
        rtol=1e-12,
        atol=1e-12,
    )
    assert missing["rank"].equals(skipped["rank"])
    assert missing["tier"].equals(skipped["tier"])
