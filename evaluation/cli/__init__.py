"""The command line: `python -m evaluation check | score | weights suggest | ...`; bad input
exits 2 with the reason, never a traceback."""

from __future__ import annotations

import errno
import sys
from collections.abc import Sequence

from evaluation.cli.parser import build_parser
from evaluation.errors import EvaluationError, FrameworkError, InputError
from evaluation.i18n import N_, Message, _

EXIT_BAD_INPUT = 2

__all__ = ["EXIT_BAD_INPUT", "build_parser", "main"]

# The operating system's reasons a file cannot be read or written, in the reader's language
# (the English ones are the system's own words).
OS_REASONS: dict[int, Message] = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EPIPE: N_("Broken pipe"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; bad input exits 2 with the reason, never a traceback. Every word is in
    the `LANGUAGE` setting's language (Chinese by default)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except FrameworkError as exc:
        for problem in exc.problems:
            print(_("error: {message}", message=problem), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (EvaluationError, InputError) as exc:
        print(_("error: {message}", message=exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        reason = OS_REASONS.get(exc.errno or 0) or exc.strerror or exc
        if exc.filename:
            print(_("error: {file}: {reason}", file=exc.filename, reason=reason), file=sys.stderr)
        else:
            print(_("error: {message}", message=reason), file=sys.stderr)
        return EXIT_BAD_INPUT
