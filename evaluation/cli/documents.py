"""The documents of a publication: `bulletin` (the period's bulletin, one PDF or Word file) and
`letters` (every agency's feedback letter, to a directory or a ZIP), made as the console (or the
account named with `--user`); files are written only where nothing is, unless `--force`."""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from pathlib import Path

from evaluation.cli.argparsing import ArgumentParser
from evaluation.cli.scoring import STDOUT, check_out, shown_period, write_out
from evaluation.errors import InputError
from evaluation.framework import load_framework
from evaluation.i18n import N_, N_n, Text, _, _n
from evaluation.periods import parse_period
from evaluation.permissions import Actor
from evaluation.services import bulletin as documents
from evaluation.services import publication
from evaluation.services.store import open_store
from evaluation.services.users import console_actor
from evaluation.storage import accounts as account_store
from evaluation.storage.db import Engine

LANGUAGE_CHOICES = ("zh", "en")
# A page object of a PDF (`/Type /Page`, not the page tree's `/Type /Pages`).
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has (ReportLab writes every page object in the clear)."""
    return len(_PAGE.findall(pdf))


def publication_of(actor: Actor, engine: Engine, period: str, chosen: int | None) -> int | None:
    """The publication the documents are made from: no. `chosen`, else the period's latest;
    None when the period has none (the service then says so)."""
    if chosen is not None:
        return chosen
    label = parse_period(period).label
    rows = publication.publications(actor, engine)  # newest first
    mine = rows[rows["period"] == label]
    return None if mine.empty else int(mine.iloc[0]["id"])


def _where(out: str) -> Text:
    """Where a file went, as the summary names it."""
    return N_("standard output") if out == STDOUT else out


def cmd_bulletin(args: argparse.Namespace) -> int:
    """Write the bulletin of a period's publication as PDF or DOCX."""
    out = args.out or documents.file_name(args.period, "bulletin", args.format)
    check_out(out, args.force)  # before making it: a refused file leaves no audit entry
    framework = load_framework(args.indicators)
    engine = open_store()
    actor = console_actor(engine, args.user)
    number = publication_of(actor, engine, args.period, args.publication)
    made = documents.bulletin(
        actor,
        engine,
        framework,
        args.period,
        number,
        args.format,
        args.lang,
        office=args.office,
        number=args.number,
        marking=args.marking,
    )
    write_out(made, out, args.force)
    period = shown_period(parse_period(args.period).label)
    if args.format == "pdf":
        line = _n(
            "wrote {where}: the bulletin of {period} from publication {publication}, {count} page",
            "wrote {where}: the bulletin of {period} from publication {publication}, {count} pages",
            page_count(made),
            where=_where(out),
            period=period,
            publication=number,
        )
    else:
        line = _(
            "wrote {where}: the bulletin of {period} from publication {publication}",
            where=_where(out),
            period=period,
            publication=number,
        )
    print(line, file=sys.stderr if out == STDOUT else sys.stdout)
    return 0


def is_zip(out: str) -> bool:
    """Whether `--out` names a ZIP (a .zip file, or standard output) rather than a directory."""
    return out == STDOUT or out.lower().endswith(".zip")


def _check_folder(out: str) -> None:
    """Refuse a directory `--out` that is a symbolic link or an existing file."""
    folder = Path(out)
    if folder.is_symlink():
        raise InputError(N_("--out: {out} is a symbolic link; name the directory itself", out=out))
    if folder.exists() and not folder.is_dir():
        raise InputError(
            N_("--out: {out} is neither a directory nor a .zip file; name one of them", out=out)
        )


def write_letters(files: dict[str, bytes], out: str, force: bool) -> None:
    """Write each letter into the directory `out` (made when missing); letters already there
    are refused, all before any is written, unless `force`."""
    folder = Path(out)
    taken = sorted(n for n in files if (folder / n).exists() or (folder / n).is_symlink())
    if taken and not force:
        raise InputError(
            N_n(
                "--out: {out} already holds {count} of the letters ({first}); add --force to "
                "replace them",
                "--out: {out} already holds {count} of the letters ({first}, ...); add --force "
                "to replace them",
                len(taken),
                out=out,
                first=taken[0],
            )
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(files):
        write_out(files[name], str(folder / name), force)


def cmd_letters(args: argparse.Namespace) -> int:
    """Write every agency's feedback letter of a period's publication, one file per agency
    into a directory, or all in one ZIP."""
    out = str(args.out)
    zipped = is_zip(out)
    if zipped:
        check_out(out, args.force)
    else:
        _check_folder(out)
    framework = load_framework(args.indicators)
    engine = open_store()
    actor = console_actor(engine, args.user)
    number = publication_of(actor, engine, args.period, args.publication)
    # --lang puts every letter in one language; without it each is in its agency's own.
    languages = {} if args.lang else account_store.agency_languages(engine)
    chosen = (args.period, number, args.format, args.lang)
    period = shown_period(parse_period(args.period).label)
    if zipped:
        made = documents.letters_zip(actor, engine, framework, *chosen, languages=languages)
        write_out(made, out, args.force)
        line = _n(
            "wrote {where}: {count} feedback letter of {period} from publication "
            "{publication} in one ZIP",
            "wrote {where}: {count} feedback letters of {period} from publication "
            "{publication} in one ZIP",
            len(zipfile.ZipFile(io.BytesIO(made)).namelist()),
            where=_where(out),
            period=period,
            publication=number,
        )
    else:
        files = documents.letter_files(actor, engine, framework, *chosen, languages=languages)
        write_letters(files, out, args.force)
        line = _n(
            "wrote {count} feedback letter of {period} from publication {publication} "
            "to {where}, one file per agency",
            "wrote {count} feedback letters of {period} from publication {publication} "
            "to {where}, one file per agency",
            len(files),
            where=out,
            period=period,
            publication=number,
        )
    print(line, file=sys.stderr if out == STDOUT else sys.stdout)
    return 0


def add_commands(
    sub: argparse._SubParsersAction[ArgumentParser], framework_file: str, console: str
) -> None:
    """Declare `bulletin` and `letters` on the command line's subcommands."""
    bulletin = sub.add_parser(
        "bulletin", help=_("the bulletin of a period's publication as PDF or Word")
    )
    _common(bulletin, framework_file, console)
    bulletin.add_argument(
        "--lang", choices=LANGUAGE_CHOICES, help=_("the bulletin's language (default LANGUAGE)")
    )
    bulletin.add_argument(
        "--out",
        metavar="FILE",
        help=_("file to write (default bulletin-PERIOD.FORMAT; - for standard output)"),
    )
    bulletin.add_argument("--force", action="store_true", help=_("replace an existing --out file"))
    bulletin.add_argument(
        "--number", default="", help=_("the document number, e.g. Y反诈联办〔2026〕12号")
    )
    bulletin.add_argument(
        "--marking", help=_('the marking at the top (default DOCUMENT_MARKING; "" for none)')
    )
    bulletin.add_argument("--office", help=_("the office's name (default OFFICE_NAME)"))
    bulletin.set_defaults(run=cmd_bulletin)

    letters = sub.add_parser(
        "letters", help=_("every agency's feedback letter of a period's publication")
    )
    _common(letters, framework_file, console)
    letters.add_argument(
        "--lang",
        choices=LANGUAGE_CHOICES,
        help=_("one language for every letter (default: each agency's own, else LANGUAGE)"),
    )
    letters.add_argument(
        "--out",
        required=True,
        metavar="DIR|FILE.zip",
        help=_("a directory (one file per agency) or a .zip file (- for a ZIP on standard output)"),
    )
    letters.add_argument("--force", action="store_true", help=_("replace existing files"))
    letters.set_defaults(run=cmd_letters)


def _common(parser: argparse.ArgumentParser, framework_file: str, console: str) -> None:
    """The period, publication, format, account and framework options of both commands."""
    parser.add_argument("period", metavar="PERIOD", help=_("YYYY-MM, YYYY-Qn or YYYY"))
    parser.add_argument(
        "--publication",
        type=int,
        metavar="N",
        help=_("the publication number (default: the period's latest)"),
    )
    parser.add_argument("--format", choices=documents.FORMATS, default="pdf")
    parser.add_argument("--user", default=console, help=_("an account recorded as making it"))
    parser.add_argument("--indicators", default=framework_file, help=_("framework file"))
