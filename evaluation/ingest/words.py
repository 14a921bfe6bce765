"""How upload messages and files name things, decided when they are read (a problem may be
rendered later, for another reader): a column as the file heads it, or by the field's Chinese
label for a Chinese reader; a field or indicator by its id, or its Chinese label; a month as
2026-10, or 2026年10月; a list joined the reader's way; a file size.

English stays as the uploader's files write it (ids, the header as written); a Chinese reader
reads the framework's Chinese labels, with the file's own heading in brackets where it differs.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

from evaluation import i18n
from evaluation.i18n import N_, Message, _

# The two columns every figures file has, named for a Chinese reader (and accepted as headers).
FIXED_COLUMNS: dict[str, Message] = {
    "agency_code": N_("Agency code"),
    "period": N_("Reporting month"),
}
UNIT_WORDS: dict[str, Message] = {
    "CNY": N_("CNY"),
    "count": N_("count"),
    "minutes": N_("minutes"),
    "hours": N_("hours"),
    "persons": N_("persons"),
}


def header_key(header: str) -> str:
    """Header comparison key: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(header)).strip().casefold()


def in_every_language(message: Message) -> tuple[str, ...]:
    """`message` rendered in each language the product speaks."""
    out = []
    for language in i18n.LANGUAGES:
        with i18n.reading(language):
            out.append(str(message))
    return tuple(out)


@functools.cache
def fixed_headers() -> dict[str, str]:
    """The fixed columns' names in every language (comparison keys) -> column id."""
    return {
        header_key(name): column
        for column, message in FIXED_COLUMNS.items()
        for name in in_every_language(message)
    }


def unit_word(unit: str) -> str:
    """A field's unit in the reader's words (an unknown unit as written)."""
    word = UNIT_WORDS.get(unit)
    return unit if word is None or not i18n.is_chinese() else str(word)


class Lazy:
    """A text decided when it is read; equal when made of the same parts."""

    __slots__ = ()

    def parts(self) -> tuple[object, ...]:
        """What the text is made of."""
        raise NotImplementedError

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Lazy) and type(other) is type(self) and other.parts() == self.parts()
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.parts()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self.parts()!r}"


class ItemName(Lazy):
    """A field or indicator named in a message: its id, or its label for a Chinese reader."""

    __slots__ = ("item",)

    def __init__(self, item: object) -> None:
        self.item = item

    def parts(self) -> tuple[object, ...]:
        return (self.item,)

    def __str__(self) -> str:
        if isinstance(self.item, str):
            return self.item
        if i18n.is_chinese():
            return i18n.label(self.item) or str(getattr(self.item, "id", ""))
        return str(getattr(self.item, "id", ""))


class ColumnName(Lazy):
    """A column named in a problem: as the file heads it (or by its id when the file has no such
    column); by the field's label where the reader would not read the heading (a Chinese
    reader always, an English reader when it is not in Latin letters), with the file's heading
    in brackets when it differs."""

    __slots__ = ("header", "item", "key")

    def __init__(self, header: str | None, key: str, item: object = None) -> None:
        self.header = header  # None when the file has no such column
        self.key = key  # the field id, or agency_code / period
        self.item = item if item is not None else FIXED_COLUMNS.get(key)

    def parts(self) -> tuple[object, ...]:
        return (self.header, self.key, self.item)

    def __str__(self) -> str:
        written = self.header or self.key
        if self.item is None or not (i18n.is_chinese() or not written.isascii()):
            return written
        label = str(self.item) if isinstance(self.item, Message) else i18n.label(self.item)
        if not label:
            return written
        if self.header is None or header_key(self.header) == header_key(label):
            return label
        return _("{label} ({heading})", label=label, heading=self.header)


class MonthName(Lazy):
    """A month (`2026-10`) as written, or as a Chinese reader says it: 2026年10月."""

    __slots__ = ("month",)

    def __init__(self, month: object) -> None:
        self.month = str(month)

    def parts(self) -> tuple[object, ...]:
        return (self.month,)

    def __str__(self) -> str:
        return i18n.period_name(self.month) if i18n.is_chinese() else self.month


class Listing(Lazy):
    """Names joined the reader's way: `a, b` or `a、b`."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[object]) -> None:
        self.items = tuple(str(i) for i in items)

    def parts(self) -> tuple[object, ...]:
        return self.items

    def __str__(self) -> str:
        return ("、" if i18n.is_chinese() else ", ").join(self.items)


class FileSize(Lazy):
    """A byte count as people read it: `850 bytes`, `12.5 KB`, `10 MB`."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size

    def parts(self) -> tuple[object, ...]:
        return (self.size,)

    def __str__(self) -> str:
        size = self.size
        if size < 1024:
            return _("{size:,} bytes", size=size)
        if size < 1024 * 1024:
            return _("{size} KB", size=_one_decimal(size / 1024))
        return _("{size} MB", size=_one_decimal(size / 1048576))


def _one_decimal(value: float) -> str:
    """`12.5`, `200` (no `.0`), with thousands separators."""
    return format(value, ",.1f").removesuffix(".0")
