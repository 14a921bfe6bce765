"""Reading `indicators.yaml`: safe YAML with the line of every key (the source map), checked
section by section into the model, with a fingerprint of its content."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import yaml

from evaluation.errors import FrameworkError, Problem
from evaluation.framework.check_top import check_framework
from evaluation.framework.checker import Checker, Path_, fmt
from evaluation.framework.model import Framework, canonical_content
from evaluation.i18n import N_, Message


def load_framework(path: str | Path = "indicators.yaml") -> Framework:
    """Read and validate a framework file; a bad one raises FrameworkError with every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError([Problem(str(path), None, "", N_("file not found"))]) from None
    except UnicodeDecodeError as exc:
        found = N_("expected UTF-8 text, found {reason}", reason=exc.reason)
        problem = Problem(file.name, None, "", found)
        raise FrameworkError([problem]) from None
    return parse_framework(text, source=file.name)


def parse_framework(text: str, source: str = "indicators.yaml") -> Framework:
    """Validate framework text and build the model."""
    data, lines = _compose(text, source)
    checker = Checker(source, lines)
    framework = check_framework(checker, data)
    if checker.problems or framework is None:
        raise FrameworkError(checker.problems)
    framework = dataclasses.replace(framework, text=text, source=source)
    digest = hashlib.sha256(canonical_content(framework).encode("utf-8")).hexdigest()
    return dataclasses.replace(framework, fingerprint=digest)


# Bounds that keep a hostile file from exhausting the server: its size, the values it holds
# once anchors and aliases are expanded, and how deeply they nest.
MAX_CHARACTERS = 1_000_000
MAX_VALUES = 100_000
MAX_DEPTH = 32


def _too_deep() -> Message:
    """The problem of a file nested deeper than MAX_DEPTH."""
    return N_("values are nested more than {depth} levels deep", depth=MAX_DEPTH)


class _UnboundedError(Exception):
    """The file passed one of the bounds; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _compose(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML safely, keeping the line of every key and item; duplicate keys are errors.

    The size, the number of values (aliases expanded) and the nesting depth are bounded, so a
    small file of aliases cannot take the server's memory or time.
    """
    if len(text) > MAX_CHARACTERS:
        raise FrameworkError(
            [
                Problem(
                    source,
                    None,
                    "",
                    N_(
                        "the file has {count:,} characters; a framework file of at most "
                        "{limit:,} is accepted",
                        count=len(text),
                        limit=MAX_CHARACTERS,
                    ),
                )
            ]
        )
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        found = N_("not valid YAML: {problem}", problem=exc.problem or str(exc))
        raise FrameworkError([Problem(source, line, "", found)]) from None
    except yaml.YAMLError as exc:
        found = N_("not valid YAML: {problem}", problem=str(exc))
        raise FrameworkError([Problem(source, None, "", found)]) from None
    except RecursionError:
        raise FrameworkError([Problem(source, None, "", _too_deep())]) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    duplicates: list[Problem] = []

    count = 0

    def walk(node: yaml.Node, path: Path_, line: int) -> None:
        nonlocal count
        count += 1
        if count > MAX_VALUES:
            raise _UnboundedError(
                Problem(
                    source,
                    line,
                    fmt(path),
                    N_(
                        "the file holds more than {count:,} values once its anchors and "
                        "aliases (&name, *name) are expanded; a framework needs a few thousand",
                        count=MAX_VALUES,
                    ),
                )
            )
        if len(path) > MAX_DEPTH:
            raise _UnboundedError(Problem(source, line, "", _too_deep()))
        lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                key_line = key_node.start_mark.line + 1
                if key in seen:
                    duplicates.append(
                        Problem(source, key_line, fmt(path + (key,)), N_("duplicate key"))
                    )
                seen.add(key)
                walk(value_node, path + (key,), key_line)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,), item.start_mark.line + 1)

    if node is not None:
        try:
            walk(node, (), node.start_mark.line + 1)
        except _UnboundedError as exc:
            raise FrameworkError([exc.problem]) from None
    if duplicates:
        raise FrameworkError(duplicates)
    return data, lines
