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

from evaluation import i18n
from evaluation.analysis.suggest import EXPLANATIONS, suggest_weights
from evaluation.errors import InputError
from evaluation.framework import Framework, load_framework
from evaluation.i18n import N_, Message, Text, _, _n
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
        raise InputError(N_("--agencies is needed with --figures"))
    framework, figures, agencies = inputs(args)
    return evaluate(framework, figures, agencies, args.period)


def shown_period(label: str) -> str:
    """A period in a sentence: 2026年10月 for a Chinese reader, the canonical `2026-10` (as
    typed on the command line) for others."""
    return i18n.period_name(label) if i18n.is_chinese() else label


def _nothing_to(verb: str, period: str, source: str | None) -> Message:
    """The refusal of a period without figures, for `verb` (score, export or analyse)."""
    where: Text = N_("the database") if source is None else source
    shown = shown_period(period)
    if verb == "export":
        return N_(
            "no figures are stored for {period} in {source}; nothing to export",
            period=shown,
            source=where,
        )
    if verb == "analyse":
        return N_(
            "no figures are stored for {period} in {source}; nothing to analyse",
            period=shown,
            source=where,
        )
    return N_(
        "no figures are stored for {period} in {source}; nothing to score",
        period=shown,
        source=where,
    )


def with_figures(evaluation: Evaluation, source: str | None, verb: str) -> Evaluation:
    """The evaluation, refused when no agency has figures for the period; `source` is the
    figures file, None for the database; `verb` is score, export or analyse."""
    flags = evaluation.table["flags"].fillna("").astype(str).str.split("; ")
    if flags.map(lambda items: "no_submission" in items).all():
        raise InputError(_nothing_to(verb, evaluation.period.label, source))
    return evaluation


STDOUT = "-"


def check_out(out: str | None, force: bool) -> None:
    """Refuse an `--out` file that is a symbolic link, or that exists without `--force`."""
    if out is None or out == STDOUT:
        return
    path = Path(out)
    if path.is_symlink():
        raise InputError(N_("--out: {out} is a symbolic link; name the file itself", out=out))
    if path.exists() and not force:
        raise InputError(N_("--out: {out} already exists; add --force to replace it", out=out))


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
    check_out(out, force)
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
        _(
            "{file} is valid: {name}; {dimensions} dimensions, {indicators} indicators, "
            "{types} agency types, {tiers} tiers, {red_lines} red lines; "
            "fingerprint {fingerprint}",
            file=Path(args.file).name,
            name=i18n.text_of(fw, "name"),
            dimensions=len(fw.dimensions),
            indicators=len(fw.indicators),
            types=len(fw.agency_types),
            tiers=len(fw.tiers),
            red_lines=len(fw.red_lines),
            fingerprint=fw.fingerprint,
        )
    )
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    """Score a period (from files, or from the database) and write CSV or JSON."""
    evaluation = with_figures(evaluation_of(args), args.figures, "score")
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
    print(str(EXPLANATIONS[args.method]))
    print(
        _(
            "Period {period}; shares of each dimension's indicator weights.",
            period=shown_period(evaluation.period.label),
        )
    )
    print()
    for dimension, rows in table.groupby("dimension", sort=False):
        print(f"{dimension}:")
        for record in rows.to_dict("records"):
            share = float(record["suggested_share"])
            suggested = "-" if math.isnan(share) else f"{share:7.1%}"
            line = _(
                "{indicator:32s} current {current:7.1%}   suggested {suggested:>7s}",
                indicator=str(record["indicator"]),
                current=float(record["current_share"]),
                suggested=suggested,
            )
            print(f"  {line}")
        print(f"  {_suggestion_note(rows)}")
    return 0


def _suggestion_note(rows: pd.DataFrame) -> str:
    """Why a dimension has no suggestion, or how many agencies its suggestion rests on."""
    notes = rows["note"].iloc[0]
    if notes:
        return _("(no suggestion: {reason})", reason=notes)
    return _n(
        "({count} agency measured on every indicator)",
        "({count} agencies measured on every indicator)",
        int(rows["agencies_used"].iloc[0]),
    )


def cmd_export(args: argparse.Namespace) -> int:
    """Write the ranked table of a period from the database as CSV or XLSX."""
    framework = load_framework(args.indicators)
    evaluation = score_period(console(), open_store(), framework, args.period)
    with_figures(evaluation, None, "export")
    columns = score_columns(framework)
    data = to_xlsx(evaluation, columns) if args.format == "xlsx" else to_csv(evaluation, columns)
    out = args.out or f"scores-{evaluation.period.label}.{args.format}"
    write_out(data, out, args.force)
    where: Text = N_("standard output") if out == STDOUT else out
    print(
        _n(
            "wrote {where} ({count} agency)",
            "wrote {where} ({count} agencies)",
            len(evaluation.table),
            where=where,
        ),
        file=sys.stderr if out == STDOUT else sys.stdout,
    )
    return 0
