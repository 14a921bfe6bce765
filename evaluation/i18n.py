"""Languages: the reader's language and the office's time zone, the message catalogs, and
numbers, money, dates and periods written the reader's way.

Messages are gettext catalogs (`evaluation/locale/<language>/LC_MESSAGES/<domain>.po`, one
domain per area: see `catalogs.AREAS`), extracted and updated with Babel (`make
messages`). Source texts are English; `zh_CN` (the default) and `en` each hold a translation of
every entry. Errors of the core layers carry a `Message` (an id and its parameters), rendered in
the language of whoever reads it: the UI sets the reader's language for each run of a page, the
CLI sets `LANGUAGE`.
"""

from __future__ import annotations

import functools
import gettext
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from evaluation.settings import setting

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAINS = ("ui", "reports", "cli", "files", "framework", "services", "core")
LANGUAGES: dict[str, str] = {"zh_CN": "中文", "en": "English"}  # id -> its own name
ALIASES = {"zh": "zh_CN", "zh-CN": "zh_CN", "zh_Hans": "zh_CN", "en_US": "en", "en_GB": "en"}

_reader: ContextVar[str | None] = ContextVar("reader_language", default=None)


def normalise(language: object) -> str | None:
    """A known language id for `language` (`zh`, `zh-CN`, `en_US`, ...), or None."""
    text = str(language or "").strip()
    text = ALIASES.get(text, text)
    return text if text in LANGUAGES else None


def default_language() -> str:
    """The office's language: the `LANGUAGE` setting (an unknown value falls back to zh_CN)."""
    return normalise(setting("LANGUAGE").split(":")[0]) or "zh_CN"


def language() -> str:
    """The language of whoever is reading now."""
    return _reader.get() or default_language()


def is_chinese() -> bool:
    """True when the reader reads Chinese."""
    return language() == "zh_CN"


def set_language(chosen: object) -> str:
    """Make `chosen` (or the default, when unknown or empty) the reader's language."""
    picked = normalise(chosen) or default_language()
    _reader.set(picked)
    return picked


@contextmanager
def reading(chosen: object) -> Iterator[str]:
    """Within the block, render for a reader of `chosen`."""
    token = _reader.set(normalise(chosen) or default_language())
    try:
        yield _reader.get() or default_language()
    finally:
        _reader.reset(token)


@functools.cache
def _translations(lang: str) -> gettext.NullTranslations:
    """Every domain's catalog of `lang`, compiled in memory from its .po files."""
    merged: gettext.NullTranslations = gettext.NullTranslations()
    for domain in DOMAINS:
        path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=domain)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        compiled = gettext.GNUTranslations(buffer)
        compiled.add_fallback(merged)
        merged = compiled
    return merged


def _(msgid: str, **params: object) -> str:
    """`msgid` in the reader's language, with `{name}` parameters filled in."""
    text = _translations(language()).gettext(msgid)
    return _fill(text, params)


def _n(singular: str, plural: str, count: int, **params: object) -> str:
    """The singular or plural form for `count` in the reader's language; `{count}` is filled."""
    text = _translations(language()).ngettext(singular, plural, count)
    return _fill(text, {"count": count, **params})


def N_(msgid: str, **params: object) -> Message:  # noqa: N802 - the gettext convention
    """A message rendered when it is read, in its reader's language (for errors)."""
    return Message(msgid, params=params)


def N_n(singular: str, plural: str, count: int, **params: object) -> Message:  # noqa: N802
    """A plural message rendered when it is read."""
    return Message(singular, plural, count, params)


class Message:
    """A message id and its parameters; `str()` renders it for the current reader."""

    __slots__ = ("count", "msgid", "params", "plural")

    def __init__(
        self,
        msgid: str,
        plural: str | None = None,
        count: int | None = None,
        params: dict[str, object] | None = None,
    ) -> None:
        self.msgid = msgid
        self.plural = plural
        self.count = count
        self.params = dict(params or {})

    def __str__(self) -> str:
        if self.plural is not None and self.count is not None:
            return _n(self.msgid, self.plural, self.count, **self.params)
        return _(self.msgid, **self.params)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, params={self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (
            self.msgid,
            self.plural,
            self.count,
            self.params,
        ) == (other.msgid, other.plural, other.count, other.params)

    def __hash__(self) -> int:
        return hash((self.msgid, self.plural, self.count))


Text = str | Message


def _fill(text: str, params: dict[str, object]) -> str:
    """`text` with its `{name}` parameters; nested messages are rendered first."""
    if not params:
        return text
    values = {k: str(v) if isinstance(v, Message) else v for k, v in params.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation naming a parameter the code does not give must not hide the message.
        return text


# Time: stored in UTC, shown and reckoned in the office's zone.


def zone() -> ZoneInfo:
    """The office's time zone (`TIMEZONE`, default Asia/Shanghai)."""
    return ZoneInfo(setting("TIMEZONE"))


def local(moment: datetime) -> datetime:
    """A stored time (UTC, naive ones taken as UTC) in the office's zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone())


def today() -> date:
    """Today in the office's zone: month boundaries and deadlines are reckoned from it."""
    return datetime.now(UTC).astimezone(zone()).date()


def when(moment: datetime | None) -> str:
    """A stored time as the reader writes it, in the office's zone: 2026年11月5日 17:26."""
    if moment is None:
        return "–"
    shown = local(moment)
    if is_chinese():
        return f"{shown.year}年{shown.month}月{shown.day}日 {shown:%H:%M}"
    return f"{shown.day} {shown:%b %Y %H:%M}"


def day(value: date | None) -> str:
    """A date as the reader writes it: 2026年11月5日 / 5 Nov 2026."""
    if value is None:
        return "–"
    if is_chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value:%b %Y}"


# Numbers.

QUARTERS_ZH = ("一", "二", "三", "四")


def period_name(period: str) -> str:
    """A period as the reader says it: 2026年10月, 2026年第三季度, 2026年 / Oct 2026, 2026 Q3."""
    text = str(period)
    year = text[:4]
    if len(text) == 7 and text[4] == "-" and text[5:].isdigit():
        month = int(text[5:])
        if is_chinese():
            return f"{year}年{month}月"
        return f"{date(int(year), month, 1):%b} {year}"
    if len(text) == 7 and text[5] in "Qq":
        quarter = int(text[6])
        return f"{year}年第{QUARTERS_ZH[quarter - 1]}季度" if is_chinese() else f"{year} Q{quarter}"
    if len(text) == 4 and text.isdigit():
        return f"{year}年" if is_chinese() else year
    return text


def number(value: float | int | None, decimals: int = 1) -> str:
    """A number with the reader's grouping and at most `decimals` decimals."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(round(float(value), decimals), format=pattern, locale=_locale()))


def percent(fraction: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.862 -> 86.2%."""
    if fraction is None or not math.isfinite(float(fraction)):
        return "–"
    return f"{float(fraction) * 100:.{decimals}f}%"


def money(yuan: float | None) -> str:
    """A sum of money: 1,491.2万元 or 1.49亿元 in Chinese, ¥14.91 m in English."""
    if yuan is None or not math.isfinite(float(yuan)):
        return "–"
    value = float(yuan)
    size = abs(value)
    if is_chinese():
        if size >= 1e8:
            return f"{number(value / 1e8, 2)}亿元"
        if size >= 1e7:  # 1,491.2万元: a headline card has room for five digits or so
            return f"{number(value / 1e4, 1)}万元"
        if size >= 1e4:
            return f"{number(value / 1e4, 2)}万元"
        return f"{number(value, 0)}元"
    if size >= 1e6:
        return f"¥{value / 1e6:,.2f} m"
    return f"¥{value:,.0f}"


def rank(position: int | None) -> str:
    """A rank: 第3名 / no. 3."""
    if position is None:
        return "–"
    return f"第{int(position)}名" if is_chinese() else f"no. {int(position)}"


def points_change(points: float) -> str:
    """A change in percentage points: 上升1.5个百分点 / up 1.5 points."""
    size = f"{abs(points):.1f}"
    if is_chinese():
        return "持平" if size == "0.0" else f"{'上升' if points > 0 else '下降'}{size}个百分点"
    return "unchanged" if size == "0.0" else f"{'up' if points > 0 else 'down'} {size} points"


def _locale() -> Locale:
    """The Babel locale of the reader's language."""
    return Locale.parse(language())


def label(item: object) -> str:
    """A framework item's label in the reader's language (`label_zh` for Chinese, when set)."""
    return text_of(item, "label")


def text_of(item: object, name: str) -> str:
    """A framework item's text `name` (label, incentive, reason, description) in the reader's
    language: `<name>_zh` for a Chinese reader when set, else `<name>`."""
    chinese = str(getattr(item, f"{name}_zh", "") or "")
    return chinese if is_chinese() and chinese else str(getattr(item, name, "") or "")


def name(english: object, chinese: object) -> str:
    """An agency's name in the reader's language: the Chinese name for a Chinese reader when it
    has one, else the English name (and the other way round)."""
    first, second = (chinese, english) if is_chinese() else (english, chinese)
    for candidate in (first, second):
        text = "" if candidate is None else str(candidate)
        if text and text.lower() != "nan":
            return text
    return ""
