"""Commands that analyse the ranking: `uncertainty` and `sensitivity`, their settings checked
and written as trailing CSV columns."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from evaluation.analysis import sensitivity, uncertainty
from evaluation.analysis.batch import model_of, setting_problems
from evaluation.cli.scoring import evaluation_of, shown_period, with_figures, write_table
from evaluation.errors import InputError
from evaluation.i18n import N_, _, _n
from evaluation.scoring.normalisers import NORMALISERS
from evaluation.scoring.result import Evaluation

OPTION_OF_SETTING = {
    "samples": "--samples",
    "noise_indicator": "--noise",
    "noise_dimension": "--noise-dimension",  # i18n: not text (an option)
    "seed": "--seed",
    "bootstrap": "--bootstrap",
}


def methods_of(text: str) -> tuple[str, ...]:
    """A comma-separated list of normalisation methods of the registry."""
    methods = tuple(m.strip() for m in text.split(",") if m.strip())
    unknown = [m for m in methods if m not in NORMALISERS]
    if unknown:
        raise InputError(
            N_(
                '--methods: unknown normalisation "{method}"; valid: {valid}',
                method=unknown[0],
                valid=", ".join(NORMALISERS),
            )
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
        each = [
            _("{option}: {problem}", option=OPTION_OF_SETTING[name], problem=message)
            for name, message in problems
        ]
        raise InputError(_("; ").join(each))


def _analysed(args: argparse.Namespace) -> Evaluation:
    """The evaluation of --period for an analysis, refused when the period has no figures."""
    return with_figures(evaluation_of(args), args.figures, "analyse")


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
        _uncertainty_summary(evaluation, args, result, list(shaky["agency_code"])), file=sys.stderr
    )
    return 0


def _uncertainty_summary(
    evaluation: Evaluation,
    args: argparse.Namespace,
    result: uncertainty.Uncertainty,
    shaky: list[str],
) -> str:
    """One line for people: the settings of the run and the agencies whose tier is not robust."""
    params = {
        "period": shown_period(evaluation.period.label),
        "samples": args.samples,
        "indicators": f"{result.noise[0]:g}",
        "dimensions": f"{result.noise[1]:g}",
        "seed": args.seed,
        "methods": ", ".join(result.methods),
        "shaky": ", ".join(shaky) or _("none"),
    }
    if result.methods:
        return _(
            "{period}: {samples} samples, noise {indicators} (indicators) and {dimensions} "
            "(dimensions), seed {seed}, normalisations drawn from {methods}; "
            "tier not robust (<80 %): {shaky}",
            **params,
        )
    return _(
        "{period}: {samples} samples, noise {indicators} (indicators) and {dimensions} "
        "(dimensions), seed {seed}; tier not robust (<80 %): {shaky}",
        **params,
    )


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
        _n(
            "{period}: N = {samples} ({evaluations:,} evaluations), seed {seed}, {count} bootstrap "
            "resample",
            "{period}: N = {samples} ({evaluations:,} evaluations), seed {seed}, {count} bootstrap "
            "resamples",
            args.bootstrap,
            period=shown_period(evaluation.period.label),
            samples=args.samples,
            evaluations=int(table.attrs["evaluations"]),
            seed=args.seed,
        ),
        file=sys.stderr,
    )
    left_out = sensitivity.leave_one_out(model)
    print(_("leave one indicator out (mean absolute rank change):"), file=sys.stderr)
    for row in left_out.head(5).itertuples():
        print(f"  {row.indicator:32s} {row.mean_abs_rank_change:.2f}", file=sys.stderr)
    return 0
