"""Every Streamlit cache of the dashboard lives here."""

from __future__ import annotations

import streamlit as st

from evaluation import services
from evaluation.engine import Evaluation
from evaluation.framework import Framework


@st.cache_data(show_spinner=False, max_entries=8)
def framework_status(path: str, modified: float) -> services.FrameworkStatus:
    """The framework file, reloaded whenever its modification time changes."""
    return services.framework_status(path)


@st.cache_data(
    show_spinner="Scoring…", max_entries=16, hash_funcs={Framework: lambda f: f.fingerprint}
)
def score_files(
    framework: Framework, agencies: tuple[bytes, str], figures: tuple[bytes, str], period: str
) -> Evaluation:
    """Scores of uploaded files, cached per (framework fingerprint, files, period)."""
    return services.score_files(framework, agencies, figures, period)
