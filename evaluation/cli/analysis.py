"""Commands that analyse the ranking: `uncertainty` and `sensitivity`, their settings checked
and written as trailing CSV columns."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from evaluation.analysis import sensitivity, uncertainty
from evaluation.analysis.batch import model_of, setting_problems
from evaluation.cli.scoring import evaluation_of, with_figures, write_table
from evaluation.errors import InputError
from evaluation.scoring.normalisers import NORMALISERS
from evaluation.scoring.result import Evaluation

OPTION_OF_SETTING = {
    "samples": "--samples",
    "noise_indicator": "--noise",
    "noise_dimension": "--noise-dimension",
    "seed": "--seed",
    "bootstrap": "--bootstrap",
}


def methods_of(text: str) -> tuple[str, ...]:
    """A comma-separated list of normalisation methods of the registry."""
    methods = tuple(m.strip() for m in text.split(",") if m.strip())
    unknown = [m for m in methods if m not in NORMALISERS]
    if unknown:
        raise InputError(
            f'--methods: unknown normalisation "{unknown[0]}"; valid: ' + ", ".join(NORMALISERS)
        )
    return methods


def _noise(args: argparse.Namespace) -> tuple[float, float]:
    """(indicator f, dimension f): --noise-dimension defaults to --noise."""
    dimension = args.noise if args.noise_dimension is None else args.noise_dimension
    return args.noise, dimension


def _check_settings(args: argparse.Namespace, bootstrap: int | None = None) -> None:
    """Every bad numeric option at once, named as on the command line."""
    problems = setting_problems(args.samples, _noise(args), args.seed, bootstrap)
    if args.noise_dimension is None:
        problems = [p for p in problems if p[0] != "noise_dimension"]
    if problems:
        raise InputError(
            "; ".join(f"{OPTION_OF_SETTING[name]}: {message}" for name, message in problems)
        )


def _analysed(args: argparse.Namespace) -> Evaluation:
    """The evaluation of --period for an analysis, refused when the period has no figures."""
    source = "the database" if args.figures is None else args.figures
    return with_figures(evaluation_of(args), source, "analyse")


def _with_settings(table: pd.DataFrame, settings: dict[str, int | float | str]) -> pd.DataFrame:
    """The table with the settings that produced it as trailing columns, on every row."""
    out = table.copy()
    for name, value in settings.items():
        out[name] = value
    return out


def cmd_uncertainty(args: argparse.Namespace) -> int:
    """Rank and tier distributions when every weight is perturbed."""
    _check_settings(args)
    methods = methods_of(args.methods)
    evaluation = _analysed(args)
    model = model_of(evaluation, methods)
    result = uncertainty.uncertainty(model, args.samples, _noise(args), args.seed)
    columns = ["agency_code", "nominal_rank", "median_rank", "q05_rank", "q95_rank", "mean_score"]
    columns += [c for c in result.table.columns if c.startswith("p_tier_")]
    write_table(_with_settings(result.table[columns], result.settings()), args)
    shaky = result.table.loc[~result.table["tier_robust"] & result.table["nominal_tier"].notna()]
    print(
        f"{evaluation.period.label}: {args.samples} samples, noise {result.noise[0]:g} "
        f"(indicators) and {result.noise[1]:g} (dimensions), seed {args.seed}"
        + (f", normalisations drawn from {', '.join(result.methods)}" if result.methods else "")
        + f"; tier not robust (<80 %): {', '.join(shaky['agency_code']) or 'none'}",
        file=sys.stderr,
    )
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Sobol indices of each uncertain input, and the effect of leaving out each indicator."""
    _check_settings(args, args.bootstrap)
    methods = methods_of(args.methods)
    evaluation = _analysed(args)
    model = model_of(evaluation, methods)
    table = sensitivity.sobol(model, args.samples, _noise(args), args.seed, args.bootstrap)
    settings = {
        k: table.attrs[k]
        for k in ("samples", "noise_indicator", "noise_dimension", "seed", "methods", "bootstrap")
    }
    write_table(_with_settings(table, settings), args)
    print(
        f"{evaluation.period.label}: N = {args.samples} ({table.attrs['evaluations']:,} "
        f"evaluations), seed {args.seed}, {args.bootstrap} bootstrap resamples",
        file=sys.stderr,
    )
    left_out = sensitivity.leave_one_out(model)
    print("leave one indicator out (mean absolute rank change):", file=sys.stderr)
    for row in left_out.head(5).itertuples():
        print(f"  {row.indicator:32s} {row.mean_abs_rank_change:.2f}", file=sys.stderr)
    return 0
