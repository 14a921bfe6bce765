"""The error ladder: every message says what, where, what was expected and what was found.

Errors carry a `Message` (an id and its parameters, `N_(...)`), not a sentence: `str(error)`
renders it in the language of whoever reads it, so the same error reads in Chinese on a
Chinese dashboard and in English on an English command line.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.i18n import N_n, Text, _


class EvaluationError(Exception):
    """Base of every error this product raises on purpose; its one argument is a `Text`."""

    def __str__(self) -> str:
        return "\n".join(str(a) for a in self.args)


@dataclass(frozen=True)
class Problem:
    """One problem in a framework file: where it is and what is wrong."""

    source: str
    line: int | None
    path: str
    message: Text

    def __str__(self) -> str:
        where = _("{source} line {line}", source=self.source, line=self.line)
        if not self.line:
            where = self.source
        if self.path:
            return _(
                "{where}, {path}: {message}", where=where, path=self.path, message=self.message
            )
        return _("{where}: {message}", where=where, message=self.message)


class FrameworkError(EvaluationError):
    """The framework file is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            N_n(
                "{count} problem in the framework",
                "{count} problems in the framework",
                len(self.problems),
            )
        )

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        return (type(self), (self.problems,))  # cached results are pickled

    def __str__(self) -> str:
        head = _("{head}:", head=self.args[0])
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)


class InputError(EvaluationError):
    """Figures, agencies or a period given to the engine are not usable."""


class UploadError(EvaluationError):
    """An uploaded file is refused; carries every (row, column, message) problem."""

    def __init__(self, source: str, problems: list[object]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(
            N_n(
                "{source}: {count} problem, nothing was stored:",
                "{source}: {count} problems, nothing was stored:",
                len(self.problems),
                source=source,
            )
        )

    def __reduce__(self) -> tuple[type, tuple[str, list[object]]]:
        return (type(self), (self.source, self.problems))

    def __str__(self) -> str:
        return str(self.args[0]) + "\n" + "\n".join(f"  {p}" for p in self.problems)


class NotFoundError(EvaluationError, KeyError):
    """Something asked for by its id is not there (an agency of an evaluation, a method); a
    KeyError too, for code that looks things up."""


class StorageError(EvaluationError):
    """The store refused an operation or is not in the expected state."""


class PermissionDeniedError(EvaluationError):
    """The viewer may not do what was asked."""


class AuthenticationError(EvaluationError):
    """A sign-in failed; the message never says whether the username exists."""
