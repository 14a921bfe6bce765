"""City-wide headline figures of a period, as the framework declares them, and their change
against the previous period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.framework import Framework, HeadlineFigure
from evaluation.periods import Period

RATIO = "ratio"
COLUMNS = ["key", "label", "label_zh", "unit", "value", "previous", "change"]


def city_total(
    figures: pd.DataFrame,
    agency_types: pd.Series,
    field: str,
    months: tuple[str, ...],
    city_total_from: str | None,
) -> float:
    """The city's total of one field over some months (NaN when nobody reported it).

    With `city_total_from`, only that agency type's figures are added when it reported the
    field: it reports the city's total, which already holds the other agencies' share.
    """
    if field not in figures.columns:
        return float("nan")
    rows = figures["period"].isin(months)
    if city_total_from is not None:
        lead = (figures["agency_code"].map(agency_types) == city_total_from).to_numpy()
        if (lead & rows.to_numpy() & figures[field].notna().to_numpy()).any():
            rows &= lead
    values = figures.loc[rows, field]
    return float(values.sum()) if values.notna().any() else float("nan")


def _value(
    figures: pd.DataFrame, types: pd.Series, spec: HeadlineFigure, months: tuple[str, ...]
) -> float:
    """The headline figure over some months."""
    top = city_total(figures, types, spec.numerator, months, spec.city_total_from)
    if spec.denominator is None:
        return top
    bottom = city_total(figures, types, spec.denominator, months, spec.city_total_from)
    return top / bottom if bottom and not np.isnan(bottom) else float("nan")


def headline_figures(
    framework: Framework, figures: pd.DataFrame, agency_types: pd.Series, period: Period
) -> pd.DataFrame:
    """key, label, label_zh, unit, value, previous, change for each headline of a period.

    `agency_types` maps agency code to type; `figures` are the current figures (wide). A
    framework without headline figures gives an empty table.
    """
    now, before = period.months, period.previous().months
    rows = []
    for spec in framework.headline:
        value = _value(figures, agency_types, spec, now)
        previous = _value(figures, agency_types, spec, before)
        unit = RATIO if spec.is_ratio else framework.field_def(spec.numerator).unit
        rows.append(
            {
                "key": spec.id,
                "label": spec.label,
                "label_zh": spec.label_zh,
                "unit": unit,
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
