"""The documentation stays true: what the code offers is documented, and every link resolves.

README.md is the landing page; the reference lives in docs/. Each test compares the docs with
what the code declares (indicators, CLI commands and options, pages, framework keys), so adding
one without documenting it fails here.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README_PATH = ROOT / "README.md"
README_LIMIT = 12_000
# The pages README.md must link to (each relative to the repository root).
LINKED_FROM_README = (
    "docs/README.md",
    "docs/user-guide.md",
    "docs/framework.md",
    "docs/methodology.md",
    "docs/cli.md",
    "docs/deployment.md",
    "docs/architecture.md",
    "docs/performance.md",
)

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def doc(name: str) -> str:
    return read(DOCS / name)


def markdown_files() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [README_PATH, *sorted(DOCS.rglob("*.md"))]


def without_code_blocks(text: str) -> str:
    return FENCE.sub("", text)


def links(path: Path) -> list[str]:
    """Every link target of a Markdown file, outside fenced code blocks."""
    return LINK.findall(without_code_blocks(read(path)))


def is_relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) and not target.startswith(
        "//"
    )


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.strip().lower()
    kept = "".join(
        c
        for c in text
        if c in " -_" or unicodedata.category(c)[0] in "LN"  # letters and digits of any script
    )
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of every heading of a Markdown file, numbered like GitHub's duplicates."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _level, title in HEADING.findall(without_code_blocks(read(path))):
        base = slug(title)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every parser of the CLI with its command path ("" for the top level), depth first."""
    from evaluation.cli import build_parser

    def walk(
        parser: argparse.ArgumentParser, path: str
    ) -> Iterator[tuple[str, argparse.ArgumentParser]]:
        yield path, parser
        for action in parser._actions:
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for name, sub in choices.items():
                    yield from walk(sub, f"{path} {name}".strip())

    yield from walk(build_parser(), "")


def commands() -> list[str]:
    """Every command path of the CLI that runs something, e.g. `score`, `weights suggest`."""
    return [
        path
        for path, parser in parsers()
        if path and not any(isinstance(getattr(a, "choices", None), dict) for a in parser._actions)
    ]


def options() -> dict[str, set[str]]:
    """Every long option of every (sub)command but --help: option -> the commands having it."""
    found: dict[str, set[str]] = {}
    for path, parser in parsers():
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    found.setdefault(option, set()).add(path or "(top level)")
    return found


# -- what the code declares is documented ------------------------------------------------------
def test_every_indicator_is_documented() -> None:
    from evaluation.framework import load_framework

    framework = load_framework(ROOT / "indicators.yaml")
    ids = [i.id for i in framework.indicators]
    assert len(ids) >= 10
    text = doc("framework.md")
    missing = [i for i in ids if f"`{i}`" not in text]
    assert missing == [], f"indicators not documented in docs/framework.md: {missing}"


def test_every_cli_command_is_documented() -> None:
    names = commands()
    assert {"check", "score", "weights suggest", "users add"} <= set(names)
    text = doc("cli.md")
    missing = [n for n in names if f"python -m evaluation {n}" not in text]
    assert missing == [], f"commands not documented in docs/cli.md: {missing}"


def test_every_cli_option_is_documented() -> None:
    found = options()
    assert {"--samples", "--period", "--as-agency", "--email"} <= set(found)
    assert "--help" not in found
    text = doc("cli.md")
    missing = {o: sorted(where) for o, where in sorted(found.items()) if f"`{o}`" not in text}
    assert missing == {}, f"options not written as `--option` in docs/cli.md: {missing}"


def test_every_page_is_documented() -> None:
    from evaluation.ui.pages import PAGES

    titles = [page.title for page in PAGES]
    assert len(titles) >= 10
    headings = [title for _level, title in HEADING.findall(doc("user-guide.md"))]
    missing = [t for t in titles if not any(re.search(rf"\b{re.escape(t)}\b", h) for h in headings)]
    assert missing == [], f"pages without a heading in docs/user-guide.md: {missing}"


def test_every_framework_key_is_documented() -> None:
    from evaluation.framework import KEYS

    assert len(KEYS) >= 5
    assert all(KEYS.values()), "a section of KEYS lists no key"
    text = doc("framework.md")
    missing = {
        section: [k for k in keys if f"`{k}`" not in text]
        for section, keys in KEYS.items()
        if any(f"`{k}`" not in text for k in keys)
    }
    assert missing == {}, f"framework keys not written as `key` in docs/framework.md: {missing}"


def test_the_headline_section_is_documented() -> None:
    text = doc("framework.md")
    keys = ("headline", "id", "label", "label_zh", "field", "numerator", "denominator")
    missing = [k for k in (*keys, "city_total_from") if f"`{k}`" not in text]
    assert missing == []
    assert any(slug(title) == "headline" for _l, title in HEADING.findall(text))


# -- the landing page --------------------------------------------------------------------------
def test_the_two_commands_are_in_the_readme() -> None:
    readme = read(README_PATH)
    assert "make run" in readme and "make test" in readme
    assert "make test" in read(ROOT / ".ci" / "run")


def test_the_readme_is_a_short_landing_page() -> None:
    readme = read(README_PATH)
    assert len(readme) < README_LIMIT, f"README.md has {len(readme):,} characters"
    assert "docs/screenshot.png" in links(README_PATH)
    assert (DOCS / "screenshot.png").is_file()


def test_the_readme_links_every_guide() -> None:
    targets = {t.split("#")[0] for t in links(README_PATH)}
    missing = [page for page in LINKED_FROM_README if page not in targets]
    assert missing == [], f"README.md does not link to {missing}"


def test_every_docs_page_is_linked() -> None:
    pages = sorted(p for p in DOCS.rglob("*.md"))
    assert len(pages) >= len(LINKED_FROM_README)
    linked: set[Path] = set()
    for source in (README_PATH, DOCS / "README.md"):
        for target in links(source):
            if is_relative(target) and target.split("#")[0]:
                linked.add((source.parent / target.split("#")[0]).resolve())
    unlinked = [
        str(p.relative_to(ROOT))
        for p in pages
        if p.resolve() not in linked and p != DOCS / "README.md"
    ]
    assert unlinked == [], f"not linked from README.md or docs/README.md: {unlinked}"


# -- links resolve -----------------------------------------------------------------------------
def test_every_relative_link_points_to_a_file() -> None:
    checked, broken = 0, []
    for source in markdown_files():
        for target in links(source):
            file = target.split("#")[0]
            if not is_relative(target) or not file:
                continue
            checked += 1
            if not (source.parent / file).exists():
                broken.append(f"{source.relative_to(ROOT)}: {target}")
    assert checked >= 20
    assert broken == [], f"links to missing files: {broken}"


def test_every_anchor_points_to_a_heading() -> None:
    checked, broken = 0, []
    for source in markdown_files():
        for target in links(source):
            if not is_relative(target) or "#" not in target:
                continue
            file, fragment = target.split("#", 1)
            path = source.parent / file if file else source
            if path.suffix != ".md" or not path.is_file():
                continue  # a missing file is reported by the test above
            checked += 1
            if fragment not in anchors(path):
                broken.append(f"{source.relative_to(ROOT)}: {target}")
    assert checked >= 10
    assert broken == [], f"links to missing headings: {broken}"


def test_the_slug_rule() -> None:
    assert slug("`python -m evaluation check [FILE]`") == "python--m-evaluation-check-file"
    assert slug("4. Not applicable, no activity, missing") == "4-not-applicable-no-activity-missing"
    assert slug("The framework file `indicators.yaml`") == "the-framework-file-indicatorsyaml"
