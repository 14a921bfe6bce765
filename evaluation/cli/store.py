"""Commands on the store: `init-db`, `demo`, `import`, `history`, `restore` and `publish`, each
acting as the console (or the account named with `--user`)."""

from __future__ import annotations

import argparse
import math
from datetime import date
from pathlib import Path

from evaluation.errors import InputError
from evaluation.framework import load_framework
from evaluation.permissions import console
from evaluation.services import demo, publication, store, uploads
from evaluation.services.users import console_actor
from evaluation.storage import agencies as agency_store


def cmd_init_db(args: argparse.Namespace) -> int:
    """Create or upgrade the database."""
    engine = store.open_store()
    print(
        f"database ready at {engine.url.render_as_string(hide_password=True)} "
        f"(schema {store.schema_revision(engine)})"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the synthetic Y-city demo data into an empty database."""
    framework = load_framework(args.indicators)
    setup = demo.load_demo(console(), store.open_store(), framework, date.today())
    data = setup.data
    months = sorted(data.figures["period"].unique())
    print(
        f"loaded SYNTHETIC demo data: {len(data.agencies)} agencies, {len(data.figures)} "
        f"agency-months {months[0]}..{months[-1]}, {len(data.revisions)} revised uploads"
    )
    print("demo accounts (these passwords are shown only now):")
    for account in setup.accounts:
        where = f" of {account.agency}" if account.agency else ""
        print(f"  {account.username:<28} {account.password}  {account.role}{where}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Validate a figures file and store it."""
    framework = load_framework(args.indicators)
    engine = store.open_store()
    if args.as_agency is not None:
        known = set(agency_store.agencies(engine)["code"])
        if args.as_agency not in known:
            raise InputError(
                f'--as-agency: expected the code of a registered agency, got "{args.as_agency}", '
                "which is not a known agency code"
            )
    actor = console_actor(engine, args.user)
    path = Path(args.file)
    raw = path.read_bytes()
    ids = uploads.commit_upload(
        actor, engine, framework, raw, path.name, args.as_agency, date.today()
    )
    print(f"stored {len(ids)} agency-month(s) from {path.name}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Make an earlier version current again (as a new version)."""
    engine = store.open_store()
    new_id = uploads.restore(console_actor(engine, args.user), engine, args.submission_id)
    print(f"restored submission {args.submission_id} as new current submission {new_id}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Print every version of one agency-month."""
    table = store.history(console(), store.open_store(), args.agency, args.period)
    if table.empty:
        raise InputError(f"no figures stored for agency {args.agency} and month {args.period}")
    columns = ["id", "version", "status", "uploaded_by", "uploaded_at", "source_file", "note"]
    print(table[columns].to_string(index=False))
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Compare with the last publication of the period, then publish a new snapshot; one
    that would repeat the last publication (same framework, same submissions) exits 2."""
    framework = load_framework(args.indicators)
    engine = store.open_store()
    actor = console_actor(engine, args.user)
    comparison = publication.compare_with_published(actor, engine, framework, args.period)
    if comparison is not None:
        print(describe_comparison(comparison))
    published_id = publication.publish(actor, engine, framework, args.period)
    print(
        f"published {args.period} as publication {published_id} with framework "
        f"{framework.short_fingerprint}"
    )
    return 0


def _shown(score: object) -> str:
    """A score with two decimals, or a dash when there is none."""
    if not isinstance(score, int | float) or math.isnan(score):
        return "-"
    return f"{float(score):.2f}"


def describe_comparison(comparison: publication.Comparison) -> str:
    """Plain words: what changed since the last publication."""
    head = (
        f"previously published on {comparison.published_at:%Y-%m-%d %H:%M} "
        f"(publication {comparison.published_id})"
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
