"""The message catalogs' upkeep: extract every message from the code with Babel and update the
`.po` files of each language (`make messages`, or `python -m evaluation.catalogs`).

New entries arrive untranslated in Chinese (the catalog test fails until a translator fills
them) and with their source text in English; entries no longer in the code are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from evaluation.i18n import DOMAINS, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "_n": (1, 2), "N_": None, "N_n": (1, 2)}
# Which files feed which domain: the first pattern that matches a file decides.
AREAS: dict[str, tuple[str, ...]] = {
    "reports": tuple(
        f"evaluation/ui/{page}_page.py"
        for page in (
            "overview",
            "rankings",
            "profile",
            "indicators",
            "submissions",
            "publish",
            "weights",
        )
    )
    + ("evaluation/ui/weights_analysis.py", "evaluation/display.py"),
    "ui": ("evaluation/ui/**.py", "dashboard.py"),
    "cli": ("evaluation/cli/**.py", "evaluation/__main__.py"),
    "files": ("evaluation/io/**.py", "evaluation/ingest/**.py"),
    "framework": ("evaluation/framework/**.py",),
    "services": (
        "evaluation/services/**.py",
        "evaluation/storage/**.py",
        "evaluation/accounts.py",
        "evaluation/settings.py",
        "evaluation/demo.py",
    ),
    "core": ("evaluation/**.py",),
}


def method_map(domain: str) -> list[tuple[str, str]]:
    """Babel's method map for `domain`: its files as Python, other domains' files ignored."""
    mapping: list[tuple[str, str]] = []
    for other, patterns in AREAS.items():
        mapping += [(p, "python" if other == domain else "ignore") for p in patterns]
        if other == domain:
            break
    return mapping  # files no pattern matches are not read (an ignore of "**" would prune dirs)


def extracted(domain: str) -> Catalog:
    """Every message of `domain` in the code, as a template catalog."""
    template = Catalog(domain=domain, project="evaluation", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map(domain), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        template.add(
            message,
            locations=[(filename, lineno)],
            auto_comments=comments,
            context=context,
            flags=("python-format",) if "{" in str(message) else (),
        )
    return template


def catalog_path(language: str, domain: str) -> Path:
    """Where the `.po` file of `language` and `domain` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def read(language: str, domain: str) -> Catalog:
    """The stored catalog of `language` and `domain` (empty when there is none yet)."""
    path = catalog_path(language, domain)
    if not path.exists():
        return Catalog(locale=language, domain=domain, project="evaluation", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=domain)


def update(domain: str) -> None:
    """Bring both languages' catalogs of `domain` in line with the code."""
    template = extracted(domain)
    for language in LANGUAGES:
        stored = read(language, domain)
        stored.update(template, no_fuzzy_matching=True)
        stored.obsolete.clear()
        if language == "en":
            for message in stored:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not all(strings):
                    message.string = message.id  # plural entries: (singular, plural)
        path = catalog_path(language, domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, stored, width=100, omit_header=False, sort_output=False)


def untranslated(language: str, domain: str) -> list[str]:
    """Messages of `domain` the code uses that `language`'s catalog does not translate."""
    stored = read(language, domain)
    missing = []
    for message in extracted(domain):
        if not message.id:
            continue
        entry = stored.get(message.id)
        found = None if entry is None or entry.fuzzy else entry.string
        strings: tuple[str | None, ...] = (
            tuple(found) if isinstance(found, tuple | list) else (found,)
        )
        if not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main() -> int:
    """Update every domain's catalogs and say what still needs a translator."""
    for domain in DOMAINS:
        update(domain)
    todo = {(lang, d): untranslated(lang, d) for lang in LANGUAGES for d in DOMAINS}
    for (lang, domain), ids in todo.items():
        if ids:
            print(f"{lang}/{domain}.po: {len(ids)} message(s) to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
