"""Framework page: the loaded indicators.yaml as a readable tree."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from evaluation.framework import Framework
from evaluation.ui.state import current_framework


def _indicator_rows(framework: Framework) -> pd.DataFrame:
    """One row per indicator with its effective share of the overall weight."""
    total = sum(d.weight for d in framework.dimensions) or 1.0
    rows = []
    for dim in framework.dimensions:
        inner = sum(i.weight for i in dim.indicators) or 1.0
        for ind in dim.indicators:
            goalposts = (
                f"{ind.normalise.worst:g} → {ind.normalise.best:g}"
                if ind.normalise.method == "goalposts"
                else ind.normalise.scope
            )
            rows.append(
                {
                    "dimension": dim.label,
                    "indicator": f"{ind.label} {ind.label_zh}".strip(),
                    "direction": ind.direction,
                    "normalise": ind.normalise.method,
                    "goalposts / scope": goalposts,
                    "applies to": ", ".join(ind.applies_to or ("every type",)),
                    "share of dimension": ind.weight / inner,
                    "share of total (all apply)": dim.weight / total * ind.weight / inner,
                }
            )
    return pd.DataFrame(rows)


def render() -> None:
    """Show the framework in force."""
    framework = current_framework()
    if framework is None:
        return
    st.header(framework.name)
    st.caption(
        f"{framework.name_zh} · fingerprint `{framework.short_fingerprint}` · "
        f"scores 0–{framework.scale:g}"
    )
    st.subheader("Dimensions and indicators")
    st.dataframe(
        _indicator_rows(framework),
        hide_index=True,
        column_config={
            "share of dimension": st.column_config.NumberColumn(format="percent"),
            "share of total (all apply)": st.column_config.NumberColumn(format="percent"),
        },
    )
    st.subheader("Tiers")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "tier": t.id,
                    "label": f"{t.label} {t.label_zh}",
                    "min score": t.min_score,
                    "at most": "" if t.max_share is None else f"{t.max_share:.0%}",
                    "incentive": t.incentive,
                }
                for t in framework.tiers
            ]
        ),
        hide_index=True,
    )
    st.subheader("Red lines")
    for rule in framework.red_lines:
        st.markdown(f"- **{rule.describe()}** → tier no better than **{rule.cap}**: {rule.reason}")
