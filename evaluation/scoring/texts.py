"""Texts the core composes for people, kept as messages so that one cached result reads in
every reader's language: framework texts read when shown, reasons joined, paragraphs of
sentences, and messages stored as JSON in publications (their words rendered when read)."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable

from evaluation import i18n
from evaluation.framework import Framework, RedLine
from evaluation.i18n import N_, Message, Text


class Lazy:
    """Text worked out when it is read: `str()` calls `function(*args)` in the reader's
    language (a framework text via `i18n.text_of`, a rule in words via `rule.describe`)."""

    __slots__ = ("args", "function")

    def __init__(self, function: Callable[..., object], *args: object) -> None:
        self.function = function
        self.args = args

    def __str__(self) -> str:
        return str(self.function(*self.args))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Lazy({getattr(self.function, '__name__', self.function)!r}, {self.args!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lazy) and (self.function, self.args) == (
            other.function,
            other.args,
        )

    def __hash__(self) -> int:
        return hash(self.args)


class Bilingual:
    """A text stored in each language (`{"en": ..., "zh_CN": ...}`): the reader's one, else
    the English one."""

    __slots__ = ("texts",)

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = dict(texts)

    def __str__(self) -> str:
        return self.texts.get(i18n.language()) or self.texts.get("en") or ""

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Bilingual({self.texts!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bilingual) and self.texts == other.texts

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.texts.items())))


def framework_text(item: object, name: str = "label") -> Lazy:
    """A framework item's text (`label`, `reason`, ...) in the language of whoever reads it."""
    return Lazy(i18n.text_of, item, name)


def _period_words(label: str) -> str:
    """A period as its reader reads it: 2026年10月 in Chinese, the id (2026-10) in English."""
    return i18n.period_name(label) if i18n.is_chinese() else str(label)


def period_text(label: str) -> Lazy:
    """A period in a sentence, read the reader's way when shown (2026年10月 / 2026-10)."""
    return Lazy(_period_words, label)


def _rule_words(rule: RedLine, measured: object, labelled: bool) -> str:
    """A red line in the reader's words (see `rule_words`)."""
    if measured is None or not (labelled or i18n.is_chinese()):
        return str(rule.describe())
    name = i18n.label(measured)
    if rule.above is not None:
        return f"{name} > {rule.above:g}"
    return f"{name} < {rule.below:g}"


def rule_words(framework: Framework, rule: RedLine, labelled: bool = False) -> Lazy:
    """A red line in words, read when shown: as the framework file writes it for an English
    reader (`red_line_events > 0`; with `labelled`, `Red-line events > 0`), with the label of
    what it measures for a Chinese one (`红线事件数 > 0`)."""
    measured: object = None
    if rule.kind == "field" and rule.target is not None:
        measured = framework.field_def(rule.target)
    elif rule.kind == "indicator" and rule.target is not None:
        measured = framework.indicator(rule.target)
    return Lazy(_rule_words, rule, measured, labelled)


def joined(parts: Iterable[Text]) -> Text:
    """Reasons one after another (`a; b`), "" when there are none."""
    result: Text = ""
    for part in parts:
        result = part if result == "" else N_("{earlier}; {later}", earlier=result, later=part)
    return result


def _capitalised(text: object) -> str:
    """`text` rendered, its first letter a capital (Chinese text is left as it is)."""
    shown = str(text)
    return shown[:1].upper() + shown[1:]


def sentence(clause: Text) -> Message:
    """A clause as a sentence of its own: a capital first letter and a full stop."""
    return N_("{sentence}.", sentence=Lazy(_capitalised, clause))


def paragraph(sentences: Iterable[Text]) -> Text:
    """Sentences one after another (a space between them in English, none in Chinese)."""
    result: Text = ""
    for one in sentences:
        result = one if result == "" else N_("{text} {sentence}", text=result, sentence=one)
    return result


def rendered(text: object) -> str:
    """`text` as the reader reads it; None (and NaN) as ""."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return str(text)


# Messages stored as JSON: a message is its id and parameters; any other text (a framework
# text, a rule in words) is stored in every language, as it read when it was stored.


def to_json(text: object) -> object:
    """A JSON-ready form of a text or parameter, from which `from_json` rebuilds it."""
    if isinstance(text, Message):
        stored: dict[str, object] = {"msgid": text.msgid, "params": _params_json(text)}
        if text.plural is not None:
            stored.update(plural=text.plural, count=text.count)
        return stored
    if text is None or isinstance(text, str | bool):
        return text
    if isinstance(text, numbers.Integral):
        return int(text)
    if isinstance(text, numbers.Real):
        return float(text)
    return {"texts": _in_every_language(text)}


def _params_json(message: Message) -> dict[str, object]:
    """A message's parameters in their JSON-ready form."""
    return {str(name): to_json(value) for name, value in message.params.items()}


def _in_every_language(text: object) -> dict[str, str]:
    """`text` rendered in each language the product speaks."""
    texts = {}
    for language in i18n.LANGUAGES:
        with i18n.reading(language):
            texts[language] = str(text)
    return texts


def from_json(stored: object) -> object:
    """The text (or parameter) that `to_json` stored."""
    if isinstance(stored, dict) and "msgid" in stored:
        params = stored.get("params") or {}
        values = {str(k): from_json(v) for k, v in dict(params).items()}
        plural, count = stored.get("plural"), stored.get("count")
        if plural is not None and count is not None:
            return Message(str(stored["msgid"]), str(plural), int(count), values)
        return Message(str(stored["msgid"]), params=values)
    if isinstance(stored, dict) and "texts" in stored:
        return Bilingual({str(k): str(v) for k, v in dict(stored["texts"]).items()})
    return stored
