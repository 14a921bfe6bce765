"""Every Streamlit cache of the dashboard lives here.

Results are cached per (database, framework fingerprint, data version, period). The data version
changes with every stored upload, so a replica never serves figures older than the database; none
of these caches holds anything that is not also in the database or the framework file.

No cache shows a spinner of its own: a decorator's text is fixed when this module is imported,
before anyone reads it; a page that waits shows `st.spinner(_(...))` around the call instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from evaluation.framework import Framework
from evaluation.i18n import Text
from evaluation.permissions import Actor
from evaluation.scoring.engine import Evaluator
from evaluation.scoring.result import Evaluation
from evaluation.services import analysis, pages
from evaluation.services import store as stored
from evaluation.storage.db import Engine

FRAMEWORK_KEY: dict[str | type, Callable[[Any], Any]] = {Framework: lambda f: f.fingerprint}


@st.cache_resource(show_spinner=False)
def store(url: str) -> Engine:
    """The database engine, upgraded to the newest schema once per process."""
    return stored.open_store(url)


@st.cache_data(show_spinner=False, max_entries=8)
def framework_status(path: str, modified: float) -> stored.FrameworkStatus:
    """The framework file, reloaded whenever its modification time changes."""
    return stored.framework_status(path)


@st.cache_resource(show_spinner=False, max_entries=8)
def served_framework(url: str, path: str, modified: float) -> tuple[Framework | None, Text]:
    """The framework to serve; recorded in the database once per file version and process. The
    note is a message, rendered in the language of whoever reads it."""
    return stored.served_framework(store(url), framework_status(path, modified))


@st.cache_resource(show_spinner=False, max_entries=4)
def dataset(url: str, version: str) -> stored.Dataset:
    """Agencies, current figures and the submission log at one data version."""
    return stored.load_dataset(store(url))


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=FRAMEWORK_KEY)
def evaluator(url: str, version: str, framework: Framework) -> Evaluator | None:
    """The evaluator over one data version (its figure cube is built once)."""
    return stored.make_evaluator(framework, dataset(url, version))


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=FRAMEWORK_KEY)
def evaluation(url: str, version: str, framework: Framework, period: str) -> Evaluation | None:
    """The evaluation of one period; None while nothing is stored."""
    scorer = evaluator(url, version, framework)
    return None if scorer is None else scorer.evaluate(period)


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=FRAMEWORK_KEY)
def timeline(url: str, version: str, framework: Framework) -> pd.DataFrame:
    """Score, rank and tier of every agency in every month with figures."""
    scorer = evaluator(url, version, framework)
    if scorer is None:
        return pd.DataFrame()
    return pages.timeline(scorer, dataset(url, version).months)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=FRAMEWORK_KEY)
def reweighted(
    actor: Actor,
    framework: Framework,
    dimensions: tuple[tuple[str, float], ...],
    indicators: tuple[tuple[str, float], ...],
) -> Framework:
    """The framework with other weights (the text rewritten and validated once per weight set)."""
    return analysis.reweight(actor, framework, dict(dimensions), dict(indicators))


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=FRAMEWORK_KEY)
def overview(
    actor: Actor, url: str, version: str, framework: Framework, period: str, hour: datetime
) -> pages.Overview:
    """The overview of a period as it stood at `hour` (submissions fall due by the day)."""
    result = evaluation(url, version, framework, period)
    assert result is not None
    return pages.overview(actor, framework, dataset(url, version), result, hour)


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=FRAMEWORK_KEY)
def uncertainty(
    actor: Actor,
    url: str,
    version: str,
    framework: Framework,
    period: str,
    samples: int,
    noise: tuple[float, float],
    seed: int,
    methods: tuple[str, ...],
) -> pd.DataFrame:
    """The uncertainty table of a period under a framework (coordinators only call this)."""
    result = evaluation(url, version, framework, period)
    assert result is not None
    return analysis.uncertainty_analysis(actor, result, samples, noise, seed, methods).table


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=FRAMEWORK_KEY)
def sensitivity(
    actor: Actor,
    url: str,
    version: str,
    framework: Framework,
    period: str,
    samples: int,
    noise: tuple[float, float],
    seed: int,
    bootstrap: int,
    methods: tuple[str, ...],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sobol indices and the leave-one-out table of a period under a framework."""
    result = evaluation(url, version, framework, period)
    assert result is not None
    return analysis.sensitivity_analysis(actor, result, samples, noise, seed, bootstrap, methods)
