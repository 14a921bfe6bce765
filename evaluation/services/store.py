"""The store and the framework in force: opening the database, the framework file (or the last
valid one), the data version, the stored data pages read, and scoring from the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation import i18n
from evaluation.errors import FrameworkError, InputError
from evaluation.framework import Framework, load_framework, parse_framework
from evaluation.i18n import N_, Text
from evaluation.ingest.validate import parse_month
from evaluation.permissions import Actor, Permission, require, require_for
from evaluation.scoring.engine import Evaluator, evaluate
from evaluation.scoring.result import Evaluation
from evaluation.scoring.texts import Lazy
from evaluation.settings import setting
from evaluation.storage import agencies as agency_store
from evaluation.storage import frameworks as framework_store
from evaluation.storage import state as state_store
from evaluation.storage import submissions as submission_store
from evaluation.storage.db import Engine, current_revision, make_engine, upgrade


@dataclass(frozen=True)
class FrameworkStatus:
    """The framework in force and, when the file on disk is invalid, why it is not used."""

    framework: Framework | None
    error: FrameworkError | None
    path: Path


def framework_status(path: str | Path | None = None) -> FrameworkStatus:
    """Load the framework file named by the settings (or `path`)."""
    file = Path(path or setting("INDICATORS_FILE"))
    try:
        return FrameworkStatus(load_framework(file), None, file)
    except FrameworkError as exc:
        return FrameworkStatus(None, exc, file)


def served_framework(engine: Engine, status: FrameworkStatus) -> tuple[Framework | None, Text]:
    """The framework to serve and a note (a message, "" when none): the file when valid, else
    the last valid one kept."""
    if status.framework is not None:
        framework = status.framework
        framework_store.remember_framework(
            engine, framework.fingerprint, framework.text, str(status.path)
        )
        return framework, ""
    kept = framework_store.last_framework(engine)
    if kept is None:
        return None, N_("no earlier valid framework is stored, so nothing can be scored")
    framework = parse_framework(str(kept["text"]), str(kept["source"]))
    when = pd.Timestamp(str(kept["last_served"])).to_pydatetime()
    return framework, N_(
        "serving the last valid framework ({fingerprint}, last loaded {when}) until the file "
        "is fixed",
        fingerprint=framework.short_fingerprint,
        when=Lazy(i18n.when, when),  # in the office's zone, the reader's way
    )


def open_store(url: str | None = None) -> Engine:
    """The database named by the settings, upgraded to the newest schema."""
    engine = make_engine(url or setting("DATABASE_URL"))
    upgrade(engine)
    return engine


def schema_revision(engine: Engine) -> str | None:
    """The schema revision of the store."""
    return current_revision(engine)


def data_version(engine: Engine) -> str:
    """A token that changes whenever stored figures, agencies or publications change."""
    return submission_store.data_version(engine)


def store_is_empty(engine: Engine) -> bool:
    """True while no agency is registered."""
    return agency_store.agencies(engine).empty


@dataclass(frozen=True)
class Dataset:
    """Everything stored that scoring and the dashboard read, at one data version."""

    version: str
    agencies: pd.DataFrame  # code, name, name_zh, type, active, synthetic
    figures: pd.DataFrame  # current figures: agency_code, period, one column per field
    submissions: pd.DataFrame  # every version, figures left out

    @property
    def empty(self) -> bool:
        """True when no agency is registered yet."""
        return self.agencies.empty

    @property
    def synthetic(self) -> bool:
        """True when the stored agencies are the synthetic demo."""
        return bool(len(self.agencies)) and bool(self.agencies["synthetic"].any())

    @property
    def months(self) -> tuple[str, ...]:
        """Months with at least one current submission, oldest first."""
        if self.figures.empty:
            return ()
        return tuple(sorted(self.figures["period"].unique()))


def load_dataset(engine: Engine) -> Dataset:
    """Read agencies, current figures and the submission log."""
    version = submission_store.data_version(engine)
    return Dataset(
        version=version,
        agencies=agency_store.agencies(engine),
        figures=submission_store.current_figures(engine),
        submissions=submission_store.submissions(engine),
    )


def _scored_inputs(
    framework: Framework, agencies: pd.DataFrame, figures: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The active agencies and their figures in the framework's fields."""
    active = agencies[agencies["active"].astype(bool)].reset_index(drop=True)
    known = [c for c in figures.columns if c in ("agency_code", "period", *framework.field_ids())]
    figures = figures[known]
    if not figures.empty:
        figures = figures[figures["agency_code"].isin(active["code"])]
    return active, figures


def make_evaluator(framework: Framework, dataset: Dataset) -> Evaluator | None:
    """An evaluator over the stored figures; None while there are none."""
    agencies, figures = _scored_inputs(framework, dataset.agencies, dataset.figures)
    if figures.empty:
        return None
    return Evaluator(framework, figures, agencies)


def stored_evaluation(engine: Engine, framework: Framework, period: str) -> Evaluation:
    """Score a period from the current figures of the active agencies in the store: the
    building block of the use cases that check their actor (publishing, `score_period`)."""
    return evaluation_of_state(state_store.current_state(engine), framework, period)


def evaluation_of_state(state: state_store.State, framework: Framework, period: str) -> Evaluation:
    """Score a period from one consistent read of the store."""
    agencies, figures = _scored_inputs(framework, state.agencies, state.figures)
    return evaluate(framework, figures, agencies, period)


def score_period(actor: Actor, engine: Engine, framework: Framework, period: str) -> Evaluation:
    """The draft evaluation of a period from the store (the command line's `score`, `export`
    and analyses)."""
    require(actor, Permission.SEE_DRAFTS, N_("see draft results"))
    return stored_evaluation(engine, framework, period)


def parse_month_or_error(text: str) -> str:
    """A month written any accepted way, as `YYYY-MM`."""
    month = parse_month(text)
    if month is None:
        raise InputError(N_('expected a month like 2026-10, got "{found}"', found=text))
    return month


def history(actor: Actor, engine: Engine, agency_code: str, period: str) -> pd.DataFrame:
    """Every version of one agency-month, newest first."""
    require_for(
        actor,
        Permission.SEE_AGENCY,
        agency_code,
        N_("see the uploads of {agency}", agency=agency_code),
    )
    return submission_store.history(engine, agency_code, parse_month_or_error(period))
