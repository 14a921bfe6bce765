"""City-wide headline figures of a period and their change against the previous period."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.periods import Period


@dataclass(frozen=True)
class Headline:
    """A city-wide figure: a total of one field, or the ratio of two totals."""

    key: str
    label: str
    label_zh: str
    numerator: str
    denominator: str | None = None
    # The lead centre reports the city's money figures; banks report their share of the same
    # money, so adding both would count it twice. Empty means every agency's figure is added.
    types: tuple[str, ...] = ()
    unit: str = "CNY"


LEAD = ("anti_fraud_centre",)
HEADLINES: tuple[Headline, ...] = (
    Headline("loss", "Losses reported", "报案损失", "loss_reported", types=LEAD),
    Headline("frozen", "Frozen", "冻结金额", "amount_frozen", types=LEAD),
    Headline("returned", "Returned to victims", "返还金额", "amount_returned", types=LEAD),
    Headline(
        "freeze_rate",
        "Freeze share of losses",
        "冻结占损失比",
        "amount_frozen",
        "loss_reported",
        LEAD,
        "ratio",
    ),
    Headline(
        "return_rate", "Return rate", "返还率", "amount_returned", "amount_frozen", LEAD, "ratio"
    ),
    Headline(
        "data_access_rate",
        "Data access rate",
        "数据接入率",
        "data_items_on_time",
        "data_items_required",
        unit="ratio",
    ),
)


def _total(
    figures: pd.DataFrame, types: pd.Series, field: str, months: tuple[str, ...], only: tuple
) -> float:
    """Sum of one field over the given months and agency types (NaN when nobody reported it)."""
    if field not in figures.columns:
        return float("nan")
    rows = figures["period"].isin(months)
    lead = figures["agency_code"].map(types).isin(only).to_numpy()
    if only and (lead & rows.to_numpy() & figures[field].notna().to_numpy()).any():
        rows &= lead
    values = figures.loc[rows, field]
    return float(values.sum()) if values.notna().any() else float("nan")


def _value(
    figures: pd.DataFrame, types: pd.Series, spec: Headline, months: tuple[str, ...]
) -> float:
    """The headline figure over some months."""
    top = _total(figures, types, spec.numerator, months, spec.types)
    if spec.denominator is None:
        return top
    bottom = _total(figures, types, spec.denominator, months, spec.types)
    return top / bottom if bottom and not np.isnan(bottom) else float("nan")


def headline_figures(
    figures: pd.DataFrame, agency_types: pd.Series, period: Period
) -> pd.DataFrame:
    """key, label, label_zh, unit, value, previous, change for each headline of a period.

    `agency_types` maps agency code to type; `figures` are the current figures (wide).
    """
    now, before = period.months, period.previous().months
    rows = []
    for spec in HEADLINES:
        value = _value(figures, agency_types, spec, now)
        previous = _value(figures, agency_types, spec, before)
        rows.append(
            {
                "key": spec.key,
                "label": spec.label,
                "label_zh": spec.label_zh,
                "unit": spec.unit,
                "value": value,
                "previous": previous,
                "change": value - previous if spec.unit == "ratio" else _relative(value, previous),
            }
        )
    return pd.DataFrame(rows)


def _relative(value: float, previous: float) -> float:
    """Relative change, NaN when there is nothing to compare with."""
    if np.isnan(value) or np.isnan(previous) or previous == 0:
        return float("nan")
    return value / previous - 1.0
