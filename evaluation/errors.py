"""The error ladder: every message says what, where, what was expected and what was found."""

from __future__ import annotations

from dataclasses import dataclass


class EvaluationError(Exception):
    """Base of every error this product raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in a framework file: where it is and what is wrong."""

    source: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}" if self.line else self.source
        return f"{where}, {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class FrameworkError(EvaluationError):
    """The framework file is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the framework"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class InputError(EvaluationError):
    """Figures, agencies or a period given to the engine are not usable."""


class UploadError(EvaluationError):
    """An uploaded file is refused; carries every (row, column, message) problem."""

    def __init__(self, source: str, problems: list[object]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"{source}: {count} problem{'s' if count != 1 else ''}, nothing was stored:\n{lines}"
        )


class StorageError(EvaluationError):
    """The store refused an operation or is not in the expected state."""


class PermissionDeniedError(EvaluationError):
    """The viewer may not do what was asked."""


class AuthenticationError(EvaluationError):
    """A sign-in failed; the message never says whether the username exists."""
