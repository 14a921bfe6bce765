"""The command-line parser: every command, its options and the function that runs it."""

from __future__ import annotations

import argparse

from evaluation.analysis.weighting import WEIGHTERS
from evaluation.cli import analysis, documents, scoring, store
from evaluation.cli import users as user_commands
from evaluation.cli.argparsing import ArgumentParser
from evaluation.i18n import _
from evaluation.permissions import CONSOLE, ROLES
from evaluation.settings import setting


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand, its words in the reader's language."""
    parser = ArgumentParser(
        prog="python -m evaluation",
        description=_(
            "Score agencies in the collaborative governance of telecom and online fraud."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True)
    # INDICATORS_FILE names the framework file, as for the dashboard.
    framework_file = setting("INDICATORS_FILE")

    check = sub.add_parser("check", help=_("validate an indicators.yaml file"))
    check.add_argument(
        "file", nargs="?", default=framework_file, help=_("default {file}", file=framework_file)
    )
    check.set_defaults(run=scoring.cmd_check)

    def data_args(p: argparse.ArgumentParser, files_required: bool = True) -> None:
        p.add_argument("--indicators", default=framework_file, help=_("framework file"))
        p.add_argument(
            "--agencies", required=files_required, help=_("CSV/XLSX with code, name, type")
        )
        p.add_argument(
            "--figures",
            required=files_required,
            help=_("CSV/XLSX of monthly figures")
            if files_required
            else _("CSV/XLSX of monthly figures; omitted = the database"),
        )
        p.add_argument("--period", required=True, help=_("YYYY-MM, YYYY-Qn or YYYY"))

    score = sub.add_parser("score", help=_("score every agency for a period"))
    data_args(score, files_required=False)
    score.add_argument("--out", help=_("write to this file instead of standard output (- for it)"))
    score.add_argument("--force", action="store_true", help=_("replace an existing --out file"))
    score.add_argument("--format", choices=("csv", "json"), default="csv")
    score.set_defaults(run=scoring.cmd_score)

    weights = sub.add_parser("weights", help=_("data-driven weight suggestions"))
    weights_sub = weights.add_subparsers(dest="weights_command", required=True)
    suggest = weights_sub.add_parser("suggest", help=_("entropy or CRITIC weights for a period"))
    data_args(suggest)
    suggest.add_argument("--method", choices=tuple(WEIGHTERS), default="critic")
    suggest.set_defaults(run=scoring.cmd_weights_suggest)

    init_db = sub.add_parser(
        "init-db",  # i18n: not text (a command)
        help=_("create or upgrade the database (DATABASE_URL)"),
    )
    init_db.set_defaults(run=store.cmd_init_db)
    demo = sub.add_parser("demo", help=_("load synthetic Y-city demo data into an empty database"))
    demo.add_argument("--indicators", default=framework_file, help=_("framework file"))
    demo.set_defaults(run=store.cmd_demo)
    imp = sub.add_parser("import", help=_("validate a CSV/XLSX figures file and store it"))
    imp.add_argument("file")
    imp.add_argument(
        "--as-agency",  # i18n: not text (an option)
        help=_("refuse rows of any other agency"),
    )
    imp.add_argument("--user", default=CONSOLE, help=_("an account recorded as the uploader"))
    imp.add_argument("--indicators", default=framework_file, help=_("framework file"))
    imp.set_defaults(run=store.cmd_import)
    hist = sub.add_parser("history", help=_("every version of one agency-month"))
    hist.add_argument("agency")
    hist.add_argument("period")
    hist.set_defaults(run=store.cmd_history)
    restore = sub.add_parser("restore", help=_("make an earlier version current again"))
    restore.add_argument("submission_id", type=int, help=_("an id shown by history"))
    restore.add_argument("--user", default=CONSOLE, help=_("an account recorded as restoring"))
    restore.set_defaults(run=store.cmd_restore)
    export = sub.add_parser("export", help=_("the ranked table of a period as CSV or XLSX"))
    export.add_argument("period")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument(
        "--out", help=_("file to write (default scores-PERIOD.FORMAT; - for standard output)")
    )
    export.add_argument("--force", action="store_true", help=_("replace an existing --out file"))
    export.add_argument("--indicators", default=framework_file, help=_("framework file"))
    export.set_defaults(run=scoring.cmd_export)
    publish = sub.add_parser("publish", help=_("publish a period as an immutable snapshot"))
    publish.add_argument("period")
    publish.add_argument("--user", default=CONSOLE, help=_("an account recorded as the publisher"))
    publish.add_argument("--indicators", default=framework_file, help=_("framework file"))
    publish.set_defaults(run=store.cmd_publish)
    documents.add_commands(sub, framework_file, CONSOLE)

    def analysis_args(p: argparse.ArgumentParser, samples: int, samples_help: str) -> None:
        data_args(p, files_required=False)
        p.add_argument("--samples", type=int, default=samples, help=samples_help)
        p.add_argument(
            "--noise", type=float, default=0.25, help=_("each indicator weight x 1 + U(-f, f)")
        )
        p.add_argument(
            "--noise-dimension",  # i18n: not text (an option)
            type=float,
            help=_("f of the dimension weights (default: the same as --noise)"),
        )
        p.add_argument("--seed", type=int, default=20261125, help=_("0 to 4294967295"))
        p.add_argument(
            "--methods", default="", help=_("normalisations to draw from, e.g. minmax,rank")
        )
        p.add_argument("--out", help=_("CSV file (default standard output)"))
        p.add_argument("--force", action="store_true", help=_("replace an existing --out file"))

    unc = sub.add_parser("uncertainty", help=_("rank and tier distributions under random weights"))
    analysis_args(unc, 10_000, _("samples, 1 to 1,000,000"))
    unc.set_defaults(run=analysis.cmd_uncertainty)
    sens = sub.add_parser("sensitivity", help=_("Sobol indices of the uncertain inputs"))
    analysis_args(sens, 1024, _("base samples N, 2 to 100,000; N(d+2) evaluations"))
    sens.add_argument("--bootstrap", type=int, default=200, help=_("resamples, 1 to 10,000"))
    sens.set_defaults(run=analysis.cmd_sensitivity)

    users = sub.add_parser("users", help=_("accounts: add, list, disable, unlock, reset-password"))
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help=_("create an account (password prompted or on stdin)"))
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--agency", help=_("the agency code of an agency user"))
    add.add_argument("--email", default="", help=_("matched to single sign-on identities"))
    add.set_defaults(run=user_commands.cmd_users_add)
    users_sub.add_parser("list", help=_("every account (never a password)")).set_defaults(
        run=user_commands.cmd_users_list
    )
    disable = users_sub.add_parser("disable", help=_("stop an account from signing in"))
    disable.add_argument("username")
    disable.set_defaults(run=user_commands.cmd_users_disable)
    unlock = users_sub.add_parser("unlock", help=_("lift an account's sign-in locks"))
    unlock.add_argument("username")
    unlock.set_defaults(run=user_commands.cmd_users_unlock)
    reset = users_sub.add_parser(
        "reset-password",  # i18n: not text (a command)
        help=_("set a new password and unlock"),
    )
    reset.add_argument("username")
    reset.set_defaults(run=user_commands.cmd_users_reset)
    return parser
