"""argparse in the reader's language: its own words ("usage:", "error:", "options", the help
option, its error messages) come from our catalogs instead of the stdlib's `argparse` domain.

argparse formats its errors before `ArgumentParser.error` sees them, so the known English forms
are recognised here and rewritten through `_()`; a form not recognised is shown as argparse
wrote it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from evaluation.i18n import N_, Message, _

# argparse's own messages (after "argument NAME: "), as it writes them in English with its
# `%s` as our `{name}`: recognised in what argparse wrote, then said in the reader's language.
ARGPARSE_MESSAGES: tuple[Message, ...] = (
    N_("the following arguments are required: {names}"),
    N_("unrecognized arguments: {names}"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("invalid int value: {value}"),
    N_("invalid float value: {value}"),
    N_("invalid {type} value: {value}"),
    N_("invalid choice: {value} (choose from {choices})"),
    N_("ambiguous option: {option} could match {matches}"),
    N_("unexpected option string: {option}"),
    N_("ignored explicit argument {value}"),
    N_("one of the arguments {names} is required"),
)
ARGUMENT = N_("argument {name}: {message}")
_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(msgid: str) -> re.Pattern[str]:
    """A pattern matching the English text of `msgid`, each `{name}` a named group."""
    parts = _FIELD.split(msgid)  # literal, name, literal, name, ..., literal
    regex = "".join(
        re.escape(part) if k % 2 == 0 else f"(?P<{part}>.+?)" for k, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


_PATTERNS = tuple((_pattern(m.msgid), m.msgid) for m in ARGPARSE_MESSAGES)
_ARGUMENT = _pattern(ARGUMENT.msgid)


def _inner(message: str) -> str:
    """One of argparse's own messages in the reader's language (unknown ones as they are)."""
    for pattern, msgid in _PATTERNS:
        if match := pattern.fullmatch(message):
            return str(Message(msgid, params=match.groupdict()))
    return message


def argparse_message(message: str) -> str:
    """An argparse error message in the reader's language."""
    if match := _ARGUMENT.fullmatch(message):
        inner = _inner(match["message"])
        return str(Message(ARGUMENT.msgid, params={"name": match["name"], "message": inner}))
    return _inner(message)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with "usage:" in the reader's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class ArgumentParser(argparse.ArgumentParser):
    """An argument parser whose own words (section titles, help option, errors) are read in
    the reader's language; subcommands' parsers are of the same class."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=_("show this help message and exit"),
            )

    def error(self, message: str) -> NoReturn:
        """Print the usage and the reason in the reader's language, and exit 2."""
        self.print_usage(sys.stderr)
        reason = argparse_message(message)
        self.exit(2, _("{prog}: error: {message}", prog=self.prog, message=reason) + "\n")
