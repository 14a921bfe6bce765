"""Every word people read is in the message catalogs, translated into both languages.

Two kinds of check. The catalogs: every message the code uses (extracted with Babel, as `make
messages` does) has its Chinese and its English, with the same `{placeholders}`. The code: a
sentence written as a bare string where people read it fails, whatever its layer; the rules
below find them by their place in the syntax tree, so they hold for code not yet written.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluation import catalogs, i18n

ROOT = Path(__file__).resolve().parent.parent
TRANSLATORS = {"_", "_n", "N_", "N_n"}
# A line carrying this comment holds text that is code, not words for people (HTML, JavaScript,
# a CSS rule, a format pattern); the rules below skip it.
NOT_TEXT = "i18n: not text"
# Two words apart by a space: a phrase or a sentence (not a path, an icon name or a header).
WORDS = re.compile(r"[A-Za-z]{2,}[,;:.!?]?\s+[A-Za-z]{2,}")
LETTERS = re.compile(r"[A-Za-z]{2,}")  # a word, such as a column title or a button label
# Streamlit calls whose first argument (and these keywords) people read.
SHOWN = {
    "title",
    "header",
    "subheader",
    "caption",
    "markdown",
    "write",
    "text",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "exception",
    "button",
    "download_button",
    "form_submit_button",
    "link_button",
    "page_link",
    "selectbox",
    "multiselect",
    "radio",
    "segmented_control",
    "pills",
    "checkbox",
    "toggle",
    "slider",
    "select_slider",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "file_uploader",
    "expander",
    "popover",
    "metric",
    "spinner",
    "status",
    "progress",
    "Page",
    "tabs",
}
SHOWN_KEYWORDS = {"label", "help", "placeholder", "caption", "title", "body", "text", "value"}
MESSAGE_CLASSES = re.compile(r"(Error|Problem|Warning|Issue)$")
UI_FILES = [ROOT / "dashboard.py", *sorted((ROOT / "evaluation" / "ui").rglob("*.py"))]
CLI_FILES = [
    ROOT / "evaluation" / "__main__.py",
    *sorted((ROOT / "evaluation" / "cli").rglob("*.py")),
]
# Layers whose sentences reach people (tables, explanations, errors) as well as machines.
CORE_FILES = [
    path
    for area in ("framework", "ingest", "io", "scoring", "analysis", "services", "reports")
    for path in sorted((ROOT / "evaluation" / area).rglob("*.py"))
] + [ROOT / "evaluation" / name for name in ("display.py", "errors.py", "accounts.py")]
ALL_FILES = sorted((ROOT / "evaluation").rglob("*.py"))


def _relative(path: Path) -> str:
    """A path as the failure message names it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


class _Finder(ast.NodeVisitor):
    """Collects the places where a text people read is written as a bare string."""

    def __init__(self, source: str, check_sentences: bool, check_streamlit: bool) -> None:
        self.lines = source.splitlines()
        self.check_sentences = check_sentences
        self.check_streamlit = check_streamlit
        self.found: list[tuple[int, str]] = []
        self._skip: set[int] = set()

    def _exempt(self, node: ast.AST) -> bool:
        """Inside a translator call, a docstring, or on a line marked as code."""
        if id(node) in self._skip:
            return True
        first = getattr(node, "lineno", 0)
        last = getattr(node, "end_lineno", first) or first
        return any(NOT_TEXT in self.lines[n - 1] for n in range(first, last + 1))

    def _skip_tree(self, node: ast.AST) -> None:
        """Mark every node below `node` as checked."""
        self._skip.update(id(child) for child in ast.walk(node))

    def _bare(self, node: ast.AST, pattern: re.Pattern[str]) -> str | None:
        """The literal text of `node` when it is a string (or f-string) with words in it."""
        if self._exempt(node):
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                p.value
                for p in node.values
                if isinstance(p, ast.Constant) and isinstance(p.value, str)
            )
        else:
            return None
        return text if pattern.search(text) else None

    def _report(self, node: ast.AST, text: str, why: str) -> None:
        self.found.append((getattr(node, "lineno", 0), f"{why}: {text[:60]!r}"))
        self._skip_tree(node)

    def visit_Module(self, node: ast.Module) -> None:  # noqa: N802 - the visitor's naming
        self._docstrings(node)
        self.generic_visit(node)

    def _docstrings(self, node: ast.AST) -> None:
        """Docstrings are for developers."""
        for child in ast.walk(node):
            body = getattr(child, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                    self._skip.add(id(body[0].value))

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        name = _callee(node)
        if name in TRANSLATORS or name in {"getLogger", "debug"} or _is_logging(node):
            self._skip_tree(node)
            return
        for keyword in node.keywords:
            if keyword.arg in {"key", "language", "mime", "icon", "type", "format", "url_path"}:
                self._skip_tree(keyword.value)
        if MESSAGE_CLASSES.search(name):
            for argument in [*node.args, *(k.value for k in node.keywords if k.arg == "message")]:
                if (text := self._bare(argument, WORDS)) is not None:
                    self._report(argument, text, f"{name}() with an untranslated message")
        if self.check_streamlit and isinstance(node.func, ast.Attribute):
            self._streamlit(node, node.func.attr)
        self.generic_visit(node)

    def _streamlit(self, node: ast.Call, attr: str) -> None:
        """Labels of Streamlit elements, column titles and chart titles."""
        shown = []
        if attr in SHOWN or attr.endswith("Column"):
            shown += node.args[:1]
            shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        if attr == "tabs" and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
            shown += node.args[0].elts
        for keyword in node.keywords:
            if keyword.arg and keyword.arg.endswith("title"):
                shown.append(keyword.value)
            if keyword.arg in {"column_config", "labels"} and isinstance(keyword.value, ast.Dict):
                shown += [v for v in keyword.value.values if v is not None]
        for argument in shown:
            if (text := self._bare(argument, LETTERS)) is not None:
                self._report(argument, text, f"{attr}() shows an untranslated label")

    def visit_Constant(self, node: ast.Constant) -> None:  # noqa: N802
        if self.check_sentences and (text := self._bare(node, WORDS)) is not None:
            self._report(node, text, "an untranslated sentence")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:  # noqa: N802
        if self.check_sentences and (text := self._bare(node, WORDS)) is not None:
            self._report(node, text, "an untranslated f-string")
            return
        self.generic_visit(node)


def _callee(node: ast.Call) -> str:
    """The name a call is made by: `f` of f(...), `g` of x.g(...)."""
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _is_logging(node: ast.Call) -> bool:
    """A call on a logger (its lines are for the operators' logs, not for readers)."""
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in {"logger", "log", "logging", "LOG"}
    )


def _untranslated(path: Path, sentences: bool, streamlit: bool) -> Iterator[str]:
    """Where `path` writes text people read without the catalog."""
    source = path.read_text(encoding="utf-8")
    finder = _Finder(source, sentences, streamlit)
    finder.visit(ast.parse(source))
    for line, what in sorted(finder.found):
        yield f"{_relative(path)}:{line}: {what}"


def test_the_interface_speaks_only_through_the_catalog() -> None:
    """Pages and the command line: no sentence, label, column title or chart title is a bare
    string."""
    found = [
        problem
        for path in UI_FILES + CLI_FILES
        for problem in _untranslated(path, sentences=True, streamlit=path in UI_FILES)
    ]
    assert not found, "text people read must go through _():\n" + "\n".join(found)


def test_the_core_layers_compose_their_sentences_from_the_catalog() -> None:
    """Errors, warnings, upload problems, explanations and tables of every layer."""
    found = [p for path in CORE_FILES for p in _untranslated(path, sentences=True, streamlit=False)]
    assert not found, "sentences people read must go through N_() or _():\n" + "\n".join(found)


def test_no_error_anywhere_is_raised_with_an_english_sentence() -> None:
    """The storage layer and the rest: errors carry a message, rendered in the reader's
    language."""
    found = [p for path in ALL_FILES for p in _untranslated(path, sentences=False, streamlit=False)]
    assert not found, "errors must carry an N_() message:\n" + "\n".join(found)


def _placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("domain", i18n.DOMAINS)
@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_every_message_is_translated(language: str, domain: str) -> None:
    """Each message the code uses has its translation in both languages (`make messages` adds
    new ones for the translator)."""
    missing = catalogs.untranslated(language, domain)
    assert not missing, f"{language}/{domain}.po lacks {len(missing)}: " + "; ".join(missing[:20])


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_translations_keep_every_placeholder(domain: str) -> None:
    """A translation names the same `{placeholders}` as its source, so nothing is lost or
    left unfilled."""
    wrong = []
    for message in catalogs.read("zh_CN", domain):
        if not message.id or not message.string:
            continue
        sources = message.id if isinstance(message.id, tuple | list) else (message.id,)
        targets = message.string if isinstance(message.string, tuple | list) else (message.string,)
        expected = set().union(*(_placeholders(s) for s in sources)) - {"count"}
        for target in targets:
            if target and _placeholders(target) - {"count"} != expected:
                wrong.append(f"{sources[0]!r} -> {target!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_rules_find_what_they_look_for(tmp_path: Path) -> None:
    """The rules above fail on each kind of bare text, and pass the translated forms."""
    bare = tmp_path / "page.py"
    bare.write_text(
        "import streamlit as st\n"
        "st.title('Rankings')\n"
        "st.caption(f'{n} agencies late')\n"
        "raise InputError('period: expected a month')\n"
        "st.dataframe(t, column_config={'rank': 'rank'})\n"
        "x = 'Select a row to open it'\n",
        encoding="utf-8",
    )
    found = list(_untranslated(bare, sentences=True, streamlit=True))
    assert [f.split(":")[1] for f in found] == ["2", "3", "4", "5", "6"], found
    fine = tmp_path / "fine.py"
    fine.write_text(
        '"""A docstring with words."""\n'
        "import streamlit as st\n"
        "st.title(_('Rankings'))\n"
        "st.caption(_n('{count} agency late', '{count} agencies late', n))\n"
        "raise InputError(N_('period: expected a month'))\n"
        "st.dataframe(t, column_config={'rank': _('rank')}, key='league table')\n"
        "css = '<style>a b {}</style>'  # i18n: not text\n",
        encoding="utf-8",
    )
    assert list(_untranslated(fine, sentences=True, streamlit=True)) == []
