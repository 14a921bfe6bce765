"""Numbers and words as people read them: scores to one decimal (never rounded up across a
tier threshold), no floating-point noise, labels instead of ids, nothing shown as None.

Machine outputs (`score --format csv|json`) keep full precision and ids; this module is for
tables and sentences a person reads, on screen and in documents.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from evaluation import i18n
from evaluation.demo import SYNTHETIC_NOTE
from evaluation.framework import Framework
from evaluation.i18n import N_, Message, _
from evaluation.scoring.texts import Bilingual, Lazy

EMPTY = "–"  # what a cell with no value shows
# An indicator's status in words; `str()` reads them in the reader's language.
STATUS_WORDS: dict[str, Message] = {
    "ok": N_("reported"),
    "not_applicable": N_("not applicable"),
    "no_activity": N_("no activity"),
    "missing": N_("missing"),
    "imputed": N_("imputed"),
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
    """A fraction as a percentage: 0.253 -> 25.3 % (25.3% for a Chinese reader)."""
    number = _number(value)
    if number is None:
        return EMPTY
    return f"{number * 100:.{decimals}f}" + ("%" if i18n.is_chinese() else " %")


def type_label(framework: Framework, type_id: object) -> str:
    """An agency type's label in the reader's language (`bank` -> Bank, 银行); the id itself
    when the framework lacks it."""
    for agency_type in framework.agency_types:
        if agency_type.id == str(type_id):
            return i18n.label(agency_type)
    return EMPTY if _blank(type_id) else str(type_id)


def status_word(status: object) -> str:
    """An indicator status in the reader's words (`not_applicable` -> not applicable, 不适用)."""
    word = STATUS_WORDS.get(str(status))
    if word is not None:
        return str(word)
    return EMPTY if _blank(status) else str(status)


def listing(items: Iterable[object]) -> str:
    """Items one after another as the reader lists them: `a, b` (English), `a、b` (Chinese)."""
    return ("、" if i18n.is_chinese() else ", ").join(str(item) for item in items)


def readable(
    frame: pd.DataFrame,
    framework: Framework,
    type_columns: Iterable[str] = ("agency_type", "type"),
    status_columns: Iterable[str] = ("status",),
) -> pd.DataFrame:
    """A copy of `frame` with type ids and statuses in the reader's words, messages read in the
    reader's language and None/NaN in text columns blank.

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
    if "note" in out.columns:
        out["note"] = out["note"].map(stored_note)
    for column in out.columns:
        kind = out[column].dtype
        if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind)):
            out[column] = out[column].astype(object).map(_cell)
    return out


# Notes the product itself stores with an upload, in English; read in the reader's language.
RESTORED = re.compile(r"^restored version (\d+)$")  # i18n: not text (matches a stored note)


def stored_note(note: object) -> object:
    """An upload's note: the ones the product writes (the demo's, a restore's) in the
    reader's words, any other as its author wrote it."""
    text = "" if _blank(note) else str(note)
    if text == SYNTHETIC_NOTE:
        return _("synthetic demo data (not real figures)")
    if found := RESTORED.match(text):
        return _("restored version {version}", version=found.group(1))
    return note


def agency_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose `agency_name` is in the reader's language (the Chinese name for
    a Chinese reader, when set) and without the `agency_name_zh` column."""
    if "agency_name" not in frame.columns:
        return frame
    out = frame.copy()
    if "agency_name_zh" in out.columns:
        out["agency_name"] = [
            i18n.name(en, zh)
            for en, zh in zip(out["agency_name"], out["agency_name_zh"], strict=True)
        ]
        out = out.drop(columns=["agency_name_zh"])
    return out


def score_formats(frame: pd.DataFrame) -> dict[str, object]:
    """Styler formats: every score column (`score`, `dim.*`) cut to one decimal."""
    return {c: score for c in frame.columns if c in SCORE_COLUMNS or str(c).startswith("dim.")}


def _cell(value: object) -> object:
    """A text cell as shown: blank for None/NaN, a message (or other lazy text) read now."""
    if _blank(value):
        return ""
    return str(value) if isinstance(value, Message | Lazy | Bilingual) else value


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
