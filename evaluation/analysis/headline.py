"""City-wide figures, computed one way for every page: each field's city figure (a total, or
for a field of averages the city's average), the Overview's headline figures of a period, and
their change against the same months of the period before."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation import i18n
from evaluation.framework import Framework, HeadlineFigure
from evaluation.i18n import _n
from evaluation.periods import Period
from evaluation.scoring.period_aggregates import PERIOD_AGGREGATES

RATIO = "ratio"
TOTAL, AVERAGE = "total", "average"
COLUMNS = ["key", "label", "label_zh", "unit", "better", "value", "previous", "change"]
SERIES_COLUMNS = ["period", "field", "label", "unit", "measure", "value"]


@dataclass(frozen=True)
class CityRule:
    """How one field becomes a city-wide figure.

    A total adds every agency's figure, or, with `source`, only the figures of that agency
    type when it reported the field: it reports the city's total, which already holds the
    others' share. A field of averages (minutes, hours) is never added: the city's figure is
    the mean over agencies, weighted by `weight` when the framework weights it.
    """

    field: str
    measure: str = TOTAL
    source: str | None = None
    weight: str | None = None


def city_rule(framework: Framework, field_id: str) -> CityRule:
    """The one rule by which `field_id` becomes a city-wide figure, from the framework."""
    for indicator in framework.indicators:
        if indicator.field == field_id:
            aggregate = PERIOD_AGGREGATES[indicator.period_aggregate]
            if aggregate.weighted:
                return CityRule(field_id, AVERAGE, weight=indicator.weight_field)
            if aggregate.name != "sum":
                return CityRule(field_id, AVERAGE)
    for spec in framework.headline:
        if field_id in spec.fields_used() and spec.city_total_from is not None:
            return CityRule(field_id, TOTAL, source=spec.city_total_from)
    return CityRule(field_id)


def city_figure(
    figures: pd.DataFrame, agency_types: pd.Series, rule: CityRule, months: Iterable[str]
) -> float:
    """The city's figure of one field over some months (NaN when nobody reported it)."""
    if rule.field not in figures.columns:
        return float("nan")
    rows = figures["period"].isin(tuple(months)).to_numpy(copy=True)
    values = figures[rule.field].to_numpy(dtype=float)
    rows &= ~np.isnan(values)
    if rule.measure == AVERAGE:
        if rule.weight is None or rule.weight not in figures.columns:
            return float(values[rows].mean()) if rows.any() else float("nan")
        weights = figures[rule.weight].to_numpy(dtype=float)
        rows &= ~np.isnan(weights)
        total_weight = weights[rows].sum()
        return (
            float((values[rows] * weights[rows]).sum() / total_weight)
            if total_weight
            else float("nan")
        )
    if rule.source is not None:
        lead = (figures["agency_code"].map(agency_types) == rule.source).to_numpy()
        if (lead & rows).any():
            rows &= lead
    return float(values[rows].sum()) if rows.any() else float("nan")


def city_series(
    framework: Framework, figures: pd.DataFrame, agency_types: pd.Series, fields: Iterable[str]
) -> pd.DataFrame:
    """period, field, label (in the reader's language), unit, measure, value: each field's city
    figure in each month."""
    months = sorted(figures["period"].unique()) if not figures.empty else []
    rows = []
    for field_id in fields:
        definition = framework.field_def(field_id)
        rule = city_rule(framework, field_id)
        label = i18n.label(definition)  # in the reader's language
        for month in months:
            value = city_figure(figures, agency_types, rule, (month,))
            rows.append((month, field_id, label, definition.unit, rule.measure, value))
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


@dataclass(frozen=True)
class Comparison:
    """The months a period's figures cover and the months of the period before they are set
    against: the same months, so that a quarter one month old is not compared with a whole one.

    `previous` is empty when the period before lacks figures for any of those months.
    """

    period: Period
    months: tuple[str, ...]
    previous: tuple[str, ...]
    previous_period: Period

    @property
    def partial(self) -> bool:
        """True while some months of the period have no figures."""
        return len(self.months) < len(self.period.months)

    def coverage(self) -> str:
        """How many months have figures, of how many, in the reader's language: `1 of 3
        months`."""
        return _n(
            "{have} of {count} month",
            "{have} of {count} months",
            len(self.period.months),
            have=len(self.months),
        )


def comparison(period: Period, months_with_figures: Iterable[str]) -> Comparison:
    """The months of `period` that have figures, and the same months of the period before."""
    have = set(months_with_figures)
    before = period.previous()
    positions = [k for k, month in enumerate(period.months) if month in have]
    previous = tuple(before.months[k] for k in positions)
    if not all(month in have for month in previous):
        previous = ()
    return Comparison(period, tuple(period.months[k] for k in positions), previous, before)


def _value(
    framework: Framework,
    figures: pd.DataFrame,
    types: pd.Series,
    spec: HeadlineFigure,
    months: tuple[str, ...],
) -> float:
    """The headline figure over some months."""
    if not months:
        return float("nan")
    top = city_figure(figures, types, city_rule(framework, spec.numerator), months)
    if spec.denominator is None:
        return top
    bottom = city_figure(figures, types, city_rule(framework, spec.denominator), months)
    return top / bottom if bottom and not np.isnan(bottom) else float("nan")


def headline_figures(
    framework: Framework,
    figures: pd.DataFrame,
    agency_types: pd.Series,
    period: Period,
    compared: Comparison | None = None,
) -> pd.DataFrame:
    """key, label, label_zh, unit, better, value, previous, change for each headline figure.

    `agency_types` maps agency code to type; `figures` are the current figures (wide). The
    change sets the period's months with figures against the same months of the period
    before (`compared`, by default from the months `figures` cover). A framework without
    headline figures gives an empty table.
    """
    if compared is None:
        compared = comparison(period, figures["period"].unique() if len(figures) else ())
    rows = []
    for spec in framework.headline:
        value = _value(framework, figures, agency_types, spec, compared.months)
        previous = _value(framework, figures, agency_types, spec, compared.previous)
        unit = RATIO if spec.is_ratio else framework.field_def(spec.numerator).unit
        rows.append(
            {
                "key": spec.id,
                "label": spec.label,
                "label_zh": spec.label_zh,
                "unit": unit,
                "better": spec.better,
                "value": value,
                "previous": previous,
                "change": value - previous if spec.is_ratio else _relative(value, previous),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _relative(value: float, previous: float) -> float:
    """Relative change, NaN when there is nothing to compare with."""
    if np.isnan(value) or np.isnan(previous) or previous == 0:
        return float("nan")
    return value / previous - 1.0
