"""The method registries own their metadata: a normalisation registered in one place is
accepted by the framework checks with the parameters it declares, scored by the engine, offered
by the analyses (library, command line and page) and shown on the Framework page."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from evaluation import evaluate, parse_framework
from evaluation.analysis.batch import model_of
from evaluation.cli.analysis import methods_of
from evaluation.errors import FrameworkError
from evaluation.framework import KEYS
from evaluation.permissions import console
from evaluation.scoring import normalisers
from evaluation.scoring.aggregators import AGGREGATORS
from evaluation.scoring.normalisers import NORMALISERS, Method
from evaluation.scoring.period_aggregates import PERIOD_AGGREGATES
from evaluation.services.pages import framework_tree
from tests.conftest import SMALL, agencies_frame


def halves(
    values: np.ndarray, higher: bool, scale: float, worst: float | None, best: float | None
) -> np.ndarray:
    """A toy method: half the scale for everyone."""
    return np.full(values.shape, scale / 2)


def capped(
    values: np.ndarray, higher: bool, scale: float, worst: float | None, best: float | None
) -> np.ndarray:
    """A toy method with a parameter: values over `best` get full marks, others none."""
    assert best is not None
    return np.where(values >= best, scale, 0.0)


@pytest.fixture
def registered() -> Iterator[None]:
    """Two methods added to the registry, and nothing else changed anywhere."""
    extra = {
        "halves": Method("halves", halves, "half marks"),
        "capped": Method("capped", capped, "full marks from best", ("best",), peer_scope=False),
    }
    NORMALISERS.update(extra)
    try:
        yield
    finally:
        for name in extra:
            del NORMALISERS[name]


def with_method(spec: str) -> str:
    """The small test framework with its first indicator normalised by `spec`."""
    return SMALL.replace("{method: goalposts, worst: 0.0, best: 0.5}", spec, 1)


def test_a_registered_method_is_accepted_scored_and_offered(registered: None) -> None:
    framework = parse_framework(with_method("{method: halves, scope: type}"))
    figures = {"agency_code": ["B1", "B2"], "period": ["2026-10"] * 2}
    figures |= {"loss": [100.0, 200.0], "frozen": [10.0, 20.0]}
    agencies = agencies_frame([("B1", "bank"), ("B2", "bank")])
    result = evaluate(framework, pd.DataFrame(figures), agencies, "2026-10")
    assert set(result.table["ind.freeze_rate"].dropna()) == {50.0}
    assert methods_of("halves,capped") == ("halves", "capped")
    model = model_of(result, ("halves",))
    assert model.methods == ("", "halves")
    tree = framework_tree(console(), framework)
    assert tree.loc[0, "normalise"] == "halves" and tree.loc[0, "goalposts / scope"] == "type"


def test_a_method_declares_its_parameters_and_scope(registered: None) -> None:
    framework = parse_framework(with_method("{method: capped, best: 0.2}"))
    assert framework.indicators[0].normalise.best == 0.2
    assert framework_tree(console(), framework).loc[0, "goalposts / scope"] == "0.2"
    with pytest.raises(FrameworkError) as missing:
        parse_framework(with_method("{method: capped}"))
    assert 'capped need "best"' in str(missing.value)
    with pytest.raises(FrameworkError) as extra:
        parse_framework(with_method("{method: capped, best: 1, worst: 0, scope: type}"))
    found = str(extra.value)
    assert "worst is used only by goalposts, not by capped" in found
    assert "scope has no effect on capped; remove it" in found


def test_an_unregistered_method_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(FrameworkError) as refused:
        parse_framework(with_method("{method: halves}"))
    assert 'unknown method "halves"; valid: ' + ", ".join(normalisers.NORMALISERS) in str(
        refused.value
    )


def test_the_framework_keys_come_from_the_registries() -> None:
    assert set(normalisers.PARAMETERS) | {"method", "scope"} == set(KEYS["normalise"])
    parameters = {p for method in AGGREGATORS.values() for p in method.parameters}
    assert parameters <= set(KEYS["aggregation"])
    assert {"sum", "mean", "weighted_mean", "min", "max", "last"} == set(PERIOD_AGGREGATES)
    assert [a.name for a in PERIOD_AGGREGATES.values() if a.weighted] == ["weighted_mean"]
