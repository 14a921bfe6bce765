"""Numbers and words as people read them: scores to one decimal (never rounded up across a
tier threshold), no floating-point noise, labels instead of ids, nothing shown as None.

Machine outputs (`score --format csv|json`) keep full precision and ids; this module is for
tables and sentences a person reads, on screen and in documents.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from evaluation.framework import Framework

EMPTY = "–"  # what a cell with no value shows
STATUS_WORDS = {
    "ok": "reported",
    "not_applicable": "not applicable",
    "no_activity": "no activity",
    "missing": "missing",
}
SCORE_COLUMNS = ("score",)  # columns holding a 0..scale score; dimension scores start with dim.


def score(value: object) -> str:
    """A score to one decimal, cut rather than rounded: 59.96 reads 59.9, never 60.0."""
    number = _number(value)
    if number is None:
        return EMPTY
    # The small allowance keeps 59.9 (stored as 59.899999...) from reading 59.8.
    return f"{math.floor(number * 10 + 1e-9) / 10:.1f}"


def figure(value: object, decimals: int = 2) -> str:
    """A raw figure or indicator value without float noise: 1,234.5, 0.25, 12."""
    number = _number(value)
    if number is None:
        return EMPTY
    rounded = round(number, decimals)
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return f"{int(rounded):,}"
    return f"{rounded:,.{decimals}f}".rstrip("0").rstrip(".")


def share(value: object, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.253 -> 25.3 %."""
    number = _number(value)
    return EMPTY if number is None else f"{number * 100:.{decimals}f} %"


def type_label(framework: Framework, type_id: object) -> str:
    """An agency type's label (`bank` -> Bank); the id itself when the framework lacks it."""
    labels = {t.id: t.label for t in framework.agency_types}
    return labels.get(str(type_id), EMPTY if _blank(type_id) else str(type_id))


def status_word(status: object) -> str:
    """An indicator status in words (`not_applicable` -> not applicable)."""
    return STATUS_WORDS.get(str(status), EMPTY if _blank(status) else str(status))


def readable(
    frame: pd.DataFrame,
    framework: Framework,
    type_columns: Iterable[str] = ("agency_type", "type"),
    status_columns: Iterable[str] = ("status",),
) -> pd.DataFrame:
    """A copy of `frame` with type ids and statuses in words and None/NaN in text columns blank.

    Numeric columns keep their numbers (so tables still sort); format them with a column
    config or a Styler using `score` and `figure`.
    """
    out = frame.copy()
    for column in type_columns:
        if column in out.columns:
            out[column] = out[column].map(lambda t: type_label(framework, t))
    for column in status_columns:
        if column in out.columns:
            out[column] = out[column].map(status_word)
    for column in out.columns:
        kind = out[column].dtype
        if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind)):
            out[column] = out[column].astype(object).map(lambda v: "" if _blank(v) else v)
    return out


def score_formats(frame: pd.DataFrame) -> dict[str, object]:
    """Styler formats: every score column (`score`, `dim.*`) cut to one decimal."""
    return {c: score for c in frame.columns if c in SCORE_COLUMNS or str(c).startswith("dim.")}


def _blank(value: object) -> bool:
    """None, NaN or NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _number(value: object) -> float | None:
    """`value` as a finite float, or None when there is nothing to show."""
    if _blank(value) or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
