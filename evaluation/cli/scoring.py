"""Commands that score: `check`, `score`, `weights suggest` and `export`, from files or from the
store."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.analysis.suggest import EXPLANATIONS, suggest_weights
from evaluation.errors import InputError
from evaluation.framework import Framework, load_framework
from evaluation.ingest.readers import read_table
from evaluation.io.cells import safe_frame
from evaluation.io.export import score_columns, to_csv, to_xlsx
from evaluation.permissions import console
from evaluation.scoring.engine import evaluate
from evaluation.scoring.result import Evaluation
from evaluation.services.store import open_store, score_period


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


def inputs(args: argparse.Namespace) -> tuple[Framework, pd.DataFrame, pd.DataFrame]:
    """Load the framework, agencies and figures named on the command line."""
    framework = load_framework(args.indicators)
    agencies = read_table(args.agencies)
    figures = read_table(args.figures)
    return framework, figures, agencies


def evaluation_of(args: argparse.Namespace) -> Evaluation:
    """The evaluation of --period from --figures/--agencies files, or from the database."""
    if args.figures is None:
        framework = load_framework(args.indicators)
        return score_period(console(), open_store(), framework, args.period)
    if args.agencies is None:
        raise InputError("--agencies is needed with --figures")
    framework, figures, agencies = inputs(args)
    return evaluate(framework, figures, agencies, args.period)


def with_figures(evaluation: Evaluation, source: str, verb: str) -> Evaluation:
    """The evaluation, refused when no agency has figures for the period."""
    flags = evaluation.table["flags"].fillna("").astype(str).str.split("; ")
    if flags.map(lambda items: "no_submission" in items).all():
        raise InputError(
            f"no figures are stored for {evaluation.period.label} in {source}; nothing to {verb}"
        )
    return evaluation


STDOUT = "-"


def write_out(data: str | bytes, out: str | None, force: bool) -> None:
    """Write to standard output (no `--out`, or `--out -`) or to a new file; an existing file
    is replaced only with `--force`, and a symbolic link is never followed."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if out is None or out == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return
    path = Path(out)
    if path.is_symlink():
        raise InputError(f"--out: {out} is a symbolic link; name the file itself")
    if path.exists() and not force:
        raise InputError(f"--out: {out} already exists; add --force to replace it")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags if force else flags | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "wb") as file:
        file.write(raw)


def write_table(table: pd.DataFrame, args: argparse.Namespace) -> None:
    """A table as CSV, formula-safe, to `--out` or standard output."""
    write_out(safe_frame(table).to_csv(index=False), args.out, args.force)


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
    evaluation = with_figures(evaluation_of(args), source, "score")
    if args.format == "json":
        text = json.dumps(evaluation_json(evaluation), ensure_ascii=False, indent=2) + "\n"
        write_out(text, args.out, args.force)
        return 0
    write_table(evaluation.table[score_columns(evaluation.framework)], args)
    return 0


def cmd_weights_suggest(args: argparse.Namespace) -> int:
    """Print data-driven weight suggestions for a period."""
    framework, figures, agencies = inputs(args)
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


def cmd_export(args: argparse.Namespace) -> int:
    """Write the ranked table of a period from the database as CSV or XLSX."""
    framework = load_framework(args.indicators)
    evaluation = score_period(console(), open_store(), framework, args.period)
    with_figures(evaluation, "the database", "export")
    columns = score_columns(framework)
    data = to_xlsx(evaluation, columns) if args.format == "xlsx" else to_csv(evaluation, columns)
    out = args.out or f"scores-{evaluation.period.label}.{args.format}"
    write_out(data, out, args.force)
    where = "standard output" if out == STDOUT else out
    print(
        f"wrote {where} ({len(evaluation.table)} agencies)",
        file=sys.stderr if out == STDOUT else sys.stdout,
    )
    return 0
