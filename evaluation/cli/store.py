"""Commands on the store: `init-db`, `demo`, `import`, `history`, `restore` and `publish`, each
acting as the console (or the account named with `--user`)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from evaluation import i18n
from evaluation.cli.scoring import shown_period
from evaluation.cli.tables import table_text
from evaluation.errors import InputError
from evaluation.framework import load_framework
from evaluation.i18n import N_, Message, _
from evaluation.permissions import console, role_word
from evaluation.services import demo, publication, store, uploads
from evaluation.services.users import console_actor
from evaluation.storage import agencies as agency_store


def cmd_init_db(args: argparse.Namespace) -> int:
    """Create or upgrade the database."""
    engine = store.open_store()
    print(
        _(
            "database ready at {url} (schema {revision})",
            url=engine.url.render_as_string(hide_password=True),
            revision=store.schema_revision(engine),
        )
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the synthetic Y-city demo data into an empty database."""
    framework = load_framework(args.indicators)
    setup = demo.load_demo(console(), store.open_store(), framework, i18n.today())
    data = setup.data
    months = sorted(data.figures["period"].unique())
    print(
        _(
            "loaded SYNTHETIC demo data: {agencies} agencies, {months} agency-months "
            "{first}..{last}, {revised} revised uploads",
            agencies=len(data.agencies),
            months=len(data.figures),
            first=shown_period(months[0]),
            last=shown_period(months[-1]),
            revised=len(data.revisions),
        )
    )
    print(_("demo accounts (these passwords are shown only now):"))
    for account in setup.accounts:
        print(
            f"  {account.username:<28} {account.password}  {_role_of(account.role, account.agency)}"
        )
    return 0


def _role_of(role: str, agency: str | None) -> str:
    """A role, and the agency of an agency user, as the account lists show them."""
    if agency:
        return _("{role} of {agency}", role=role_word(role), agency=agency)
    return str(role_word(role))


def cmd_import(args: argparse.Namespace) -> int:
    """Validate a figures file and store it."""
    framework = load_framework(args.indicators)
    engine = store.open_store()
    if args.as_agency is not None:
        known = set(agency_store.agencies(engine)["code"])
        if args.as_agency not in known:
            raise InputError(
                N_(
                    '--as-agency: expected the code of a registered agency, got "{found}", '
                    "which is not a known agency code",
                    found=args.as_agency,
                )
            )
    actor = console_actor(engine, args.user)
    path = Path(args.file)
    raw = path.read_bytes()
    ids = uploads.commit_upload(
        actor, engine, framework, raw, path.name, args.as_agency, i18n.today()
    )
    print(_("stored {count} agency-month(s) from {file}", count=len(ids), file=path.name))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Make an earlier version current again (as a new version)."""
    engine = store.open_store()
    new_id = uploads.restore(console_actor(engine, args.user), engine, args.submission_id)
    print(
        _(
            "restored submission {old} as new current submission {new}",
            old=args.submission_id,
            new=new_id,
        )
    )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Print every version of one agency-month."""
    table = store.history(console(), store.open_store(), args.agency, args.period)
    if table.empty:
        raise InputError(
            N_(
                "no figures stored for agency {agency} and month {month}",
                agency=args.agency,
                month=args.period,
            )
        )
    print(table_text(_history_for_people(table)))
    return 0


# The columns of `history` and the words people read for them (the English ones are the ids).
HISTORY_COLUMNS: dict[str, Message] = {
    "id": N_("id"),
    "version": N_("version"),
    "status": N_("status"),
    "uploaded_by": N_("uploaded_by"),
    "uploaded_at": N_("uploaded_at"),
    "source_file": N_("source_file"),
    "note": N_("note"),
}
STATUS_WORDS: dict[str, Message] = {"current": N_("current"), "superseded": N_("superseded")}


def _history_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """The versions of an agency-month in the reader's words, times in the office's zone."""
    shown = table[list(HISTORY_COLUMNS)].copy()
    shown["status"] = [str(STATUS_WORDS.get(str(s), s)) for s in shown["status"]]
    shown["uploaded_at"] = [
        i18n.when(pd.Timestamp(t).to_pydatetime()) if pd.notna(t) else "–"
        for t in shown["uploaded_at"]
    ]
    return shown.rename(columns={c: str(w) for c, w in HISTORY_COLUMNS.items()})


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
        _(
            "published {period} as publication {publication} with framework {fingerprint}",
            period=shown_period(args.period),
            publication=published_id,
            fingerprint=framework.short_fingerprint,
        )
    )
    return 0


def _shown(score: object) -> str:
    """A score with two decimals, or a dash when there is none."""
    if not isinstance(score, int | float) or math.isnan(score):
        return "-"
    return f"{float(score):.2f}"


def describe_comparison(comparison: publication.Comparison) -> str:
    """Plain words: what changed since the last publication."""
    when = i18n.when(comparison.published_at)
    if comparison.identical:
        return _(
            "previously published on {when} (publication {publication}); today's data, "
            "framework and results are the same",
            when=when,
            publication=comparison.published_id,
        )
    parts = [
        _(
            "previously published on {when} (publication {publication}):",
            when=when,
            publication=comparison.published_id,
        )
    ]
    if comparison.framework_changed:
        parts.append("  " + _("the framework has changed since"))
    if comparison.data_changed:
        parts.append("  " + _("the figures have changed since"))
    for move in comparison.moves.to_dict("records"):
        line = _(
            "{agency}: score {score_then} -> {score_now}, rank {rank_then} -> {rank_now}, "
            "tier {tier_then} -> {tier_now}",
            agency=move["agency_code"],
            score_then=_shown(move["score_published"]),
            score_now=_shown(move["score_now"]),
            rank_then=move["rank_published"],
            rank_now=move["rank_now"],
            tier_then=move["tier_published"],
            tier_now=move["tier_now"],
        )
        parts.append(f"  {line}")
    return "\n".join(parts)
