"""Ranked tables as people read them in a download: headings, agency names and types, periods,
tiers and flags in the reader's language (排名, 成员单位, 考评等次, 2026年10月 ...). The
machine outputs (`score --format csv|json`) keep ids and do not come here."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluation import display, i18n
from evaluation.framework import Framework
from evaluation.i18n import N_, Message, _

COLUMN_WORDS: dict[str, Message] = {
    "agency_code": N_("Agency code"),
    "agency_name": N_("Agency"),
    "agency_type": N_("Type"),
    "period": N_("Period"),
    "score": N_("Score"),
    "rank": N_("Rank"),
    "rank_in_type": N_("Rank in type"),
    "rank_change": N_("Rank change"),
    "tier": N_("Tier"),
    "flags": N_("Flags"),
}


def headings(framework: Framework, columns: list[str]) -> list[str]:
    """The reader's heading of each column (`dim.*`, `ind.*`, `raw.*` by their labels), each
    one distinct."""
    dimensions = {d.id: d for d in framework.dimensions}
    indicators = {i.id: i for i in framework.indicators}
    out: list[str] = []
    for column in columns:
        kind, _dot, key = column.partition(".")
        if column in COLUMN_WORDS:
            text = str(COLUMN_WORDS[column])
        elif kind == "dim" and key in dimensions:
            text = _("{dimension} (dimension score)", dimension=i18n.label(dimensions[key]))
        elif kind == "ind" and key in indicators:
            text = _("{indicator} (indicator score)", indicator=i18n.label(indicators[key]))
        elif kind == "raw" and key in indicators:
            text = _("{indicator} (value)", indicator=i18n.label(indicators[key]))
        else:
            text = column
        out.append(f"{text} [{column}]" if text in out else text)
    return out


def flag_words(framework: Framework, flags: object) -> object:
    """An agency's flags (`missing:freeze_rate; capped:D`) in the reader's words."""
    if not isinstance(flags, str) or not flags:
        return flags
    items = {**{f.id: f for f in framework.fields}, **{i.id: i for i in framework.indicators}}
    tiers = {t.id: t for t in framework.tiers}

    def name(key: str, known: Mapping[str, object]) -> str:
        return i18n.label(known[key]) if key in known else key

    def word(token: str) -> str:
        kind, _colon, rest = token.partition(":")
        if token in ("no_submission", "red_line:no_submission"):
            no_figures = _("no submission")
            return no_figures if token == kind else _("red line: {rule}", rule=no_figures)
        if token == "not_scored":
            return _("not scored")
        if kind == "no_activity":
            return _("no activity: {indicator}", indicator=name(rest, items))
        if kind == "imputed":
            return _("imputed: {indicator}", indicator=name(rest, items))
        if kind == "missing":
            return _("missing: {indicator}", indicator=name(rest, items))
        if kind == "red_line":
            return _("red line: {rule}", rule=name(rest, items))
        if kind == "capped":
            return _("capped at {tier}", tier=name(rest, tiers))
        if kind == "quota":
            high, _arrow, low = rest.partition("->")
            return _(
                "demoted from {tier} to {lower} by the quota",
                tier=name(high, tiers),
                lower=name(low, tiers),
            )
        return token

    words = [word(t) for t in flags.split("; ") if t]
    return ("；" if i18n.is_chinese() else "; ").join(words)


def readable(framework: Framework, frame: pd.DataFrame) -> pd.DataFrame:
    """A ranked table (its `agency_name_zh` too, when it has one) in the reader's language:
    one name column, types, tiers, periods and flags in words, headings translated; numbers
    stay numbers."""
    out = display.agency_names(frame)
    types = {t.id: t for t in framework.agency_types}
    tiers = {t.id: t for t in framework.tiers}
    words: dict[str, Mapping[str, object]] = {"agency_type": types, "tier": tiers}
    for column, known in words.items():
        if column in out.columns:
            out[column] = [i18n.label(known[v]) if v in known else v for v in out[column]]
    if "period" in out.columns:
        out["period"] = [i18n.period_name(str(p)) for p in out["period"]]
    if "flags" in out.columns:
        flags = [flag_words(framework, f) for f in out["flags"]]
        out["flags"] = pd.Series(flags, index=out.index, dtype=object)
    out.columns = pd.Index(headings(framework, [str(c) for c in out.columns]))
    return out
