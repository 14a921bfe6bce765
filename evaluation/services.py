"""Use cases the dashboard and the command line call: load the framework, score files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evaluation.engine import Evaluation, evaluate
from evaluation.errors import FrameworkError
from evaluation.framework import Framework, load_framework
from evaluation.ingest.readers import read_table_bytes
from evaluation.settings import setting


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


def score_files(
    framework: Framework,
    agencies: tuple[bytes, str],
    figures: tuple[bytes, str],
    period: str,
) -> Evaluation:
    """Score a period from an agencies file and a figures file given as (bytes, file name)."""
    agency_table = read_table_bytes(*agencies)
    figure_table = read_table_bytes(*figures)
    return evaluate(framework, figure_table, agency_table, period)
