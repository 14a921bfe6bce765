"""The command line: `python -m evaluation check | score | weights suggest | ...`; bad input
exits 2 with the reason, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from evaluation.cli.parser import build_parser
from evaluation.errors import EvaluationError, FrameworkError, InputError

EXIT_BAD_INPUT = 2

__all__ = ["EXIT_BAD_INPUT", "build_parser", "main"]


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
