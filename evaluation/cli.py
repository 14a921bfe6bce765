"""Command line: `python -m evaluation check | score | weights suggest`."""

from __future__ import annotations

import argparse
import getpass
import json
import math
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation import services, uncertainty
from evaluation.access import ROLES
from evaluation.engine import Evaluation, evaluate
from evaluation.errors import EvaluationError, FrameworkError, InputError
from evaluation.export import safe_cell, score_columns, to_csv, to_xlsx
from evaluation.framework import Framework, load_framework
from evaluation.ingest.readers import read_table
from evaluation.suggest import EXPLANATIONS, suggest_weights

EXIT_BAD_INPUT = 2


def _plain(value: Any) -> Any:
    """A JSON-safe scalar: NaN and pandas NA become null."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation with explanations, as a JSON-ready dict."""
    fw = evaluation.framework
    table = evaluation.table[score_columns(fw) + ["tier_by_score", "tier_reasons"]]
    results = []
    for row, explanation in zip(table.to_dict("records"), evaluation.explanations(), strict=True):
        item = {k: _plain(v) for k, v in row.items()}
        item["explanation"] = explanation.to_dict()
        results.append(item)
    return {
        "framework": {"name": fw.name, "version": fw.version, "fingerprint": fw.fingerprint},
        "period": evaluation.period.label,
        "scale": fw.scale,
        "results": results,
    }


def _inputs(args: argparse.Namespace) -> tuple[Framework, pd.DataFrame, pd.DataFrame]:
    """Load the framework, agencies and figures named on the command line."""
    framework = load_framework(args.indicators)
    agencies = read_table(args.agencies)
    figures = read_table(args.figures)
    return framework, figures, agencies


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a framework file."""
    fw = load_framework(args.file)
    print(
        f"{Path(args.file).name} is valid: {fw.name}; {len(fw.dimensions)} dimensions, "
        f"{len(fw.indicators)} indicators, {len(fw.agency_types)} agency types, "
        f"{len(fw.tiers)} tiers, {len(fw.red_lines)} red lines; fingerprint {fw.fingerprint}"
    )
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    """Score a period (from files, or from the database) and write CSV or JSON."""
    source = "the database" if args.figures is None else args.figures
    evaluation = _with_figures(_evaluation(args), source, "score")
    framework = evaluation.framework
    if args.format == "json":
        text = json.dumps(evaluation_json(evaluation), ensure_ascii=False, indent=2) + "\n"
    else:
        text = safe_frame(evaluation.table[score_columns(framework)]).to_csv(index=False)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _evaluation(args: argparse.Namespace) -> Evaluation:
    """The evaluation of --period from --figures/--agencies files, or from the database."""
    if args.figures is None:
        framework = load_framework(args.indicators)
        return services.stored_evaluation(services.open_store(), framework, args.period)
    if args.agencies is None:
        raise InputError("--agencies is needed with --figures")
    framework, figures, agencies = _inputs(args)
    return evaluate(framework, figures, agencies, args.period)


def safe_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell that a spreadsheet would run as a formula escaped."""
    return table.apply(
        lambda col: (
            col.map(safe_cell) if col.dtype == object or pd.api.types.is_string_dtype(col) else col
        )
    )


def _write_table(table: pd.DataFrame, out: str | None) -> None:
    """A table as CSV, formula-safe, to a file or standard output."""
    text = safe_frame(table).to_csv(index=False)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _methods(text: str) -> tuple[str, ...]:
    """A comma-separated list of normalisation methods."""
    methods = tuple(m.strip() for m in text.split(",") if m.strip())
    unknown = [m for m in methods if m not in uncertainty.METHODS]
    if unknown:
        raise InputError(
            f'--methods: unknown normalisation "{unknown[0]}"; valid: '
            + ", ".join(uncertainty.METHODS)
        )
    return methods


OPTION_OF_SETTING = {
    "samples": "--samples",
    "noise_indicator": "--noise",
    "noise_dimension": "--noise-dimension",
    "seed": "--seed",
    "bootstrap": "--bootstrap",
}


def _noise(args: argparse.Namespace) -> tuple[float, float]:
    """(indicator f, dimension f): --noise-dimension defaults to --noise."""
    dimension = args.noise if args.noise_dimension is None else args.noise_dimension
    return args.noise, dimension


def _check_settings(args: argparse.Namespace, bootstrap: int | None = None) -> None:
    """Every bad numeric option at once, named as on the command line."""
    problems = uncertainty.setting_problems(args.samples, _noise(args), args.seed, bootstrap)
    if args.noise_dimension is None:
        problems = [p for p in problems if p[0] != "noise_dimension"]
    if problems:
        raise InputError(
            "; ".join(f"{OPTION_OF_SETTING[name]}: {message}" for name, message in problems)
        )


def _with_figures(evaluation: Evaluation, source: str, verb: str) -> Evaluation:
    """The evaluation, refused when no agency has figures for the period."""
    flags = evaluation.table["flags"].fillna("").astype(str).str.split("; ")
    if flags.map(lambda items: "no_submission" in items).all():
        raise InputError(
            f"no figures are stored for {evaluation.period.label} in {source}; nothing to {verb}"
        )
    return evaluation


def _analysed(args: argparse.Namespace) -> Evaluation:
    """The evaluation of --period for an analysis, refused when the period has no figures."""
    source = "the database" if args.figures is None else args.figures
    return _with_figures(_evaluation(args), source, "analyse")


def _with_settings(table: pd.DataFrame, settings: dict[str, int | float | str]) -> pd.DataFrame:
    """The table with the settings that produced it as trailing columns, on every row."""
    out = table.copy()
    for name, value in settings.items():
        out[name] = value
    return out


def cmd_uncertainty(args: argparse.Namespace) -> int:
    """Rank and tier distributions when every weight is perturbed."""
    _check_settings(args)
    methods = _methods(args.methods)
    evaluation = _analysed(args)
    model = uncertainty.model_of(evaluation, methods)
    result = uncertainty.uncertainty(model, args.samples, _noise(args), args.seed)
    columns = ["agency_code", "nominal_rank", "median_rank", "q05_rank", "q95_rank", "mean_score"]
    columns += [c for c in result.table.columns if c.startswith("p_tier_")]
    _write_table(_with_settings(result.table[columns], result.settings()), args.out)
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
    methods = _methods(args.methods)
    evaluation = _analysed(args)
    model = uncertainty.model_of(evaluation, methods)
    table = uncertainty.sobol(model, args.samples, _noise(args), args.seed, args.bootstrap)
    settings = {
        k: table.attrs[k]
        for k in ("samples", "noise_indicator", "noise_dimension", "seed", "methods", "bootstrap")
    }
    _write_table(_with_settings(table, settings), args.out)
    print(
        f"{evaluation.period.label}: N = {args.samples} ({table.attrs['evaluations']:,} "
        f"evaluations), seed {args.seed}, {args.bootstrap} bootstrap resamples",
        file=sys.stderr,
    )
    left_out = uncertainty.leave_one_out(model)
    print("leave one indicator out (mean absolute rank change):", file=sys.stderr)
    for row in left_out.head(5).itertuples():
        print(f"  {row.indicator:32s} {row.mean_abs_rank_change:.2f}", file=sys.stderr)
    return 0


def cmd_weights_suggest(args: argparse.Namespace) -> int:
    """Print data-driven weight suggestions for a period."""
    framework, figures, agencies = _inputs(args)
    evaluation = evaluate(framework, figures, agencies, args.period)
    table = suggest_weights(evaluation, args.method)
    print(EXPLANATIONS[args.method])
    print(f"Period {evaluation.period.label}; shares of each dimension's indicator weights.\n")
    for dimension, rows in table.groupby("dimension", sort=False):
        print(f"{dimension}:")
        for record in rows.to_dict("records"):
            share = float(record["suggested_share"])
            suggested = "-" if math.isnan(share) else f"{share:7.1%}"
            print(
                f"  {record['indicator']!s:32s} current {float(record['current_share']):7.1%}"
                f"   suggested {suggested:>7s}"
            )
        notes = rows["note"].iloc[0]
        if notes:
            print(f"  (no suggestion: {notes})")
        else:
            print(f"  ({rows['agencies_used'].iloc[0]} agencies measured on every indicator)")
    return 0


def cmd_init_db(args: argparse.Namespace) -> int:
    """Create or upgrade the database."""
    engine = services.open_store()
    print(
        f"database ready at {engine.url.render_as_string(hide_password=True)} "
        f"(schema {services.schema_revision(engine)})"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the synthetic Y-city demo data into an empty database."""
    framework = load_framework(args.indicators)
    engine = services.open_store()
    data = services.load_demo(engine, framework, date.today())
    months = sorted(data.figures["period"].unique())
    print(
        f"loaded SYNTHETIC demo data: {len(data.agencies)} agencies, {len(data.figures)} "
        f"agency-months {months[0]}..{months[-1]}, {len(data.revisions)} revised uploads"
    )
    print("demo accounts (these passwords are shown only now):")
    for account in services.create_demo_accounts(engine):
        where = f" of {account.agency}" if account.agency else ""
        print(f"  {account.username:<28} {account.password}  {account.role}{where}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Validate a figures file and store it."""
    framework = load_framework(args.indicators)
    engine = services.open_store()
    if args.as_agency is not None:
        known = set(services.load_dataset(engine).agencies["code"])
        if args.as_agency not in known:
            raise InputError(
                f'--as-agency: expected the code of a registered agency, got "{args.as_agency}", '
                "which is not a known agency code"
            )
    ids = services.import_file(
        engine,
        framework,
        Path(args.file),
        services.console_actor(engine, args.user),
        args.as_agency,
        date.today(),
    )
    print(f"stored {len(ids)} agency-month(s) from {Path(args.file).name}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Make an earlier version current again (as a new version)."""
    engine = services.open_store()
    new_id = services.restore(engine, args.submission_id, services.console_actor(engine, args.user))
    print(f"restored submission {args.submission_id} as new current submission {new_id}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Print every version of one agency-month."""
    table = services.history(services.open_store(), args.agency, args.period)
    if table.empty:
        raise InputError(f"no figures stored for agency {args.agency} and month {args.period}")
    columns = ["id", "version", "status", "uploaded_by", "uploaded_at", "source_file", "note"]
    print(table[columns].to_string(index=False))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the ranked table of a period from the database as CSV or XLSX."""
    framework = load_framework(args.indicators)
    evaluation = services.stored_evaluation(services.open_store(), framework, args.period)
    _with_figures(evaluation, "the database", "export")
    columns = score_columns(framework)
    data = to_xlsx(evaluation, columns) if args.format == "xlsx" else to_csv(evaluation, columns)
    out = Path(args.out or f"scores-{evaluation.period.label}.{args.format}")
    out.write_bytes(data)
    print(f"wrote {out} ({len(evaluation.table)} agencies)")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Compare with the last publication of the period, then publish a new snapshot."""
    framework = load_framework(args.indicators)
    engine = services.open_store()
    comparison = services.compare_with_published(engine, framework, args.period)
    if comparison is not None:
        print(describe_comparison(comparison))
    published_id = services.publish(
        engine, framework, args.period, services.console_actor(engine, args.user)
    )
    print(
        f"published {args.period} as snapshot {published_id} with framework "
        f"{framework.short_fingerprint}"
    )
    return 0


def _shown(score: object) -> str:
    """A score with two decimals, or a dash when there is none."""
    if not isinstance(score, int | float) or math.isnan(score):
        return "-"
    return f"{float(score):.2f}"


def describe_comparison(comparison: services.Comparison) -> str:
    """Plain words: what changed since the last publication."""
    head = (
        f"previously published on {comparison.published_at:%Y-%m-%d %H:%M} "
        f"(snapshot {comparison.published_id})"
    )
    if comparison.identical:
        return head + "; today's data, framework and results are the same"
    parts = [head + ":"]
    if comparison.framework_changed:
        parts.append("  the framework has changed since")
    if comparison.data_changed:
        parts.append("  the figures have changed since")
    for move in comparison.moves.to_dict("records"):
        parts.append(
            f"  {move['agency_code']}: score {_shown(move['score_published'])} -> "
            f"{_shown(move['score_now'])}, "
            f"rank {move['rank_published']} -> {move['rank_now']}, "
            f"tier {move['tier_published']} -> {move['tier_now']}"
        )
    return "\n".join(parts)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m evaluation",
        description="Score agencies in the collaborative governance of telecom and online fraud.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate an indicators.yaml file")
    check.add_argument("file", nargs="?", default="indicators.yaml")
    check.set_defaults(run=cmd_check)

    def data_args(p: argparse.ArgumentParser, files_required: bool = True) -> None:
        p.add_argument("--indicators", default="indicators.yaml", help="framework file")
        p.add_argument("--agencies", required=files_required, help="CSV/XLSX with code, name, type")
        p.add_argument(
            "--figures",
            required=files_required,
            help="CSV/XLSX of monthly figures"
            + ("" if files_required else "; omitted = the database"),
        )
        p.add_argument("--period", required=True, help="YYYY-MM, YYYY-Qn or YYYY")

    score = sub.add_parser("score", help="score every agency for a period")
    data_args(score, files_required=False)
    score.add_argument("--out", help="write to this file instead of standard output")
    score.add_argument("--format", choices=("csv", "json"), default="csv")
    score.set_defaults(run=cmd_score)

    weights = sub.add_parser("weights", help="data-driven weight suggestions")
    weights_sub = weights.add_subparsers(dest="weights_command", required=True)
    suggest = weights_sub.add_parser("suggest", help="entropy or CRITIC weights for a period")
    data_args(suggest)
    suggest.add_argument("--method", choices=("entropy", "critic"), default="critic")
    suggest.set_defaults(run=cmd_weights_suggest)

    init_db = sub.add_parser("init-db", help="create or upgrade the database (DATABASE_URL)")
    init_db.set_defaults(run=cmd_init_db)
    demo = sub.add_parser("demo", help="load synthetic Y-city demo data into an empty database")
    demo.add_argument("--indicators", default="indicators.yaml")
    demo.set_defaults(run=cmd_demo)
    imp = sub.add_parser("import", help="validate a CSV/XLSX figures file and store it")
    imp.add_argument("file")
    imp.add_argument("--as-agency", help="refuse rows of any other agency")
    imp.add_argument("--user", default=services.CONSOLE, help="an account recorded as the uploader")
    imp.add_argument("--indicators", default="indicators.yaml")
    imp.set_defaults(run=cmd_import)
    hist = sub.add_parser("history", help="every version of one agency-month")
    hist.add_argument("agency")
    hist.add_argument("period")
    hist.set_defaults(run=cmd_history)
    restore = sub.add_parser("restore", help="make an earlier version current again")
    restore.add_argument("submission_id", type=int, help="an id shown by history")
    restore.add_argument(
        "--user", default=services.CONSOLE, help="an account recorded as restoring"
    )
    restore.set_defaults(run=cmd_restore)
    export = sub.add_parser("export", help="the ranked table of a period as CSV or XLSX")
    export.add_argument("period")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--out", help="file to write (default scores-PERIOD.FORMAT)")
    export.add_argument("--indicators", default="indicators.yaml")
    export.set_defaults(run=cmd_export)
    publish = sub.add_parser("publish", help="publish a period as an immutable snapshot")
    publish.add_argument("period")
    publish.add_argument(
        "--user", default=services.CONSOLE, help="an account recorded as the publisher"
    )
    publish.add_argument("--indicators", default="indicators.yaml")
    publish.set_defaults(run=cmd_publish)

    def analysis_args(p: argparse.ArgumentParser, samples: int, samples_help: str) -> None:
        data_args(p, files_required=False)
        p.add_argument("--samples", type=int, default=samples, help=samples_help)
        p.add_argument(
            "--noise", type=float, default=0.25, help="each indicator weight x 1 + U(-f, f)"
        )
        p.add_argument(
            "--noise-dimension",
            type=float,
            help="f of the dimension weights (default: the same as --noise)",
        )
        p.add_argument("--seed", type=int, default=20261125, help="0 to 4294967295")
        p.add_argument(
            "--methods", default="", help="normalisations to draw from, e.g. minmax,rank"
        )
        p.add_argument("--out", help="CSV file (default standard output)")

    unc = sub.add_parser("uncertainty", help="rank and tier distributions under random weights")
    analysis_args(unc, 10_000, "samples, 1 to 1,000,000")
    unc.set_defaults(run=cmd_uncertainty)
    sens = sub.add_parser("sensitivity", help="Sobol indices of the uncertain inputs")
    analysis_args(sens, 1024, "base samples N, 2 to 100,000; N(d+2) evaluations")
    sens.add_argument("--bootstrap", type=int, default=200, help="resamples, 1 to 10,000")
    sens.set_defaults(run=cmd_sensitivity)

    users = sub.add_parser("users", help="accounts: add, list, disable, reset-password")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="create an account (password prompted or on stdin)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--agency", help="the agency code of an agency user")
    add.add_argument("--email", default="", help="matched to single sign-on identities")
    add.set_defaults(run=cmd_users_add)
    users_sub.add_parser("list", help="every account (never a password)").set_defaults(
        run=cmd_users_list
    )
    disable = users_sub.add_parser("disable", help="stop an account from signing in")
    disable.add_argument("username")
    disable.set_defaults(run=cmd_users_disable)
    reset = users_sub.add_parser("reset-password", help="set a new password and unlock")
    reset.add_argument("username")
    reset.set_defaults(run=cmd_users_reset)
    return parser


def read_password() -> str:
    """A new password: asked twice at a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password (at least 12 characters): ")
        if getpass.getpass("Repeat the password: ") != first:
            raise InputError("password: the two entries differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users_add(args: argparse.Namespace) -> int:
    """Create an account."""
    services.create_user(
        services.open_store(),
        None,
        args.username,
        args.role,
        read_password(),
        agency=args.agency,
        email=args.email,
    )
    print(f"created {args.role} {args.username}" + (f" of {args.agency}" if args.agency else ""))
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    """Print every account."""
    table = services.list_users(services.open_store(), None)
    print(table.to_string(index=False) if len(table) else "no accounts yet")
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    """Disable an account."""
    services.set_user_active(services.open_store(), None, args.username, False)
    print(f"disabled {args.username}")
    return 0


def cmd_users_reset(args: argparse.Namespace) -> int:
    """Set a new password."""
    services.reset_password(services.open_store(), None, args.username, read_password())
    print(f"new password set for {args.username}; the account is unlocked")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; bad input exits 2 with the reason, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except FrameworkError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (EvaluationError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
