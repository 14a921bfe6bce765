"""Shared fixtures: small frameworks written as YAML text, figures as real DataFrames."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.framework import Framework, parse_framework  # noqa: E402

SMALL = """\
version: 1
name: Test framework
agency_types:
  bank: {label: Bank}
  telecom: {label: Telecom}
fields:
  loss: {label: Loss, unit: CNY}
  frozen: {label: Frozen, unit: CNY}
  minutes: {label: Minutes, unit: minutes}
  orders: {label: Orders, unit: count}
  events: {label: Events, unit: count}
dimensions:
  - id: money
    label: Money
    weight: 60
    indicators:
      - id: freeze_rate
        label: Freeze rate
        numerator: frozen
        denominator: loss
        direction: higher
        applies_to: [bank]
        normalise: {method: goalposts, worst: 0.0, best: 0.5}
        weight: 50
      - id: speed
        label: Speed
        field: minutes
        period_aggregate: weighted_mean
        weight_field: orders
        direction: lower
        normalise: {method: goalposts, worst: 60, best: 0}
        weight: 50
  - id: other
    label: Other
    weight: 40
    indicators:
      - id: orders_total
        label: Orders handled
        field: orders
        period_aggregate: sum
        direction: higher
        normalise: {method: goalposts, worst: 0, best: 100}
        weight: 1
tiers:
  - {id: A, label: Excellent, min_score: 85}
  - {id: B, label: Good, min_score: 60}
  - {id: D, label: Fail, min_score: 0}
"""


@pytest.fixture
def small_text() -> str:
    """The YAML text of a small, valid framework."""
    return SMALL


@pytest.fixture
def small() -> Framework:
    """A small, valid framework."""
    return parse_framework(SMALL)


def agencies_frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """Agencies from (code, type) pairs."""
    return pd.DataFrame(
        {
            "code": [c for c, _ in rows],
            "name": [f"Agency {c}" for c, _ in rows],
            "type": [t for _, t in rows],
        }
    )


def figures_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Figures from dicts with agency_code, period and fields."""
    return pd.DataFrame(rows)
