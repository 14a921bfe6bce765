"""The README stays true: every indicator and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

from evaluation.cli import build_parser
from evaluation.framework import load_framework

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    """Every command path of the CLI, e.g. `score`, `weights suggest`."""
    found: list[str] = []

    def walk(parser: object, prefix: str) -> None:
        for action in getattr(parser, "_actions", []):
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for name, sub in choices.items():
                    path = f"{prefix} {name}".strip()
                    nested = [
                        a for a in sub._actions if isinstance(getattr(a, "choices", None), dict)
                    ]
                    if nested:
                        walk(sub, path)
                    else:
                        found.append(path)

    walk(build_parser(), "")
    return found


def test_every_indicator_is_documented() -> None:
    framework = load_framework(ROOT / "indicators.yaml")
    missing = [i.id for i in framework.indicators if f"`{i.id}`" not in README]
    assert missing == []


def test_every_cli_command_is_documented() -> None:
    names = commands()
    assert {"check", "score", "weights suggest"} <= set(names)
    missing = [n for n in names if f"python -m evaluation {n}" not in README]
    assert missing == []


def test_the_two_commands_are_in_the_readme() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
