"""One source record made safe: its fields read by type, and every string of its `Paper` writable.

Input: the values a parser decoded (JSON values, CSV cells) and the `Paper`
records parsers build. Output: clean text and typed field values, or a
`RecordError` naming the field, so a parser skips that record with a
one-line problem (`papers.jsonl:3: "authors" is a number, not a list;
skipped`) and never fails with a TypeError; and `Paper` records whose every
string can be written as UTF-8.

Text: a surrogate pair left as two code points is joined into its character;
a lone surrogate (half of a cut emoji, from a JSON escape `\\ud83d` or its
three bytes in a file) becomes U+FFFD REPLACEMENT CHARACTER, so a reader
sees that something was there. Surrogates are the only code points UTF-8
cannot encode. `clean_str` runs on every source's text before it is parsed,
on every field read here, and, through `clean_paper`, on every string of
every `Paper` before it is merged.

Types: text fields take text or a number (kept as written: `2310.07240`
stays an arXiv id); list fields take a list or one string to split; counts
take a whole number. Anything else is a `RecordError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from ..model.records import Paper, Source, clean_text
from .jsontext import JSONNumber

_SURROGATE = re.compile("[\ud800-\udfff]")
# Counts (upvotes) above this are not counts but damaged data.
_MAX_COUNT = 10**15


class RecordError(ValueError):
    """A record field of the wrong type. Raised by `Fields`; parsers report it as a problem and skip the record."""


def clean_str(text: str) -> str:
    """`text` with surrogate pairs joined and lone surrogates replaced by U+FFFD, so it encodes as UTF-8."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def describe(value: object) -> str:
    """What a decoded value is, for messages: `a number`, `a list`, `a 5000-digit number`, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, int):
        digits = len(str(abs(value)))
        return f"a {digits}-digit number" if digits > 15 else "a negative number" if value < 0 else "a number"
    if isinstance(value, JSONNumber):
        if value.is_integer:
            return f"a {len(value.text.lstrip('-'))}-digit number"
        return value.text if value.text in ("NaN", "Infinity", "-Infinity") else "a decimal number"
    return type(value).__name__


class Fields:
    """One record's fields (a JSON object, a CSV row), each read by type.

    `prefix` names a nested object in messages (`paper.` for `"paper.authors"`).
    Every reader returns a clean value, or raises `RecordError` naming the field.
    """

    __slots__ = ("record", "prefix")

    def __init__(self, record: Mapping[str, object], prefix: str = "") -> None:
        self.record = record
        self.prefix = prefix

    def _error(self, key: str, value: object, wanted: str) -> RecordError:
        return RecordError(f'"{self.prefix}{key}" is {describe(value)}, not {wanted}')

    def has(self, key: str) -> bool:
        """Whether the field holds something: not absent, null, false, 0, '' or empty."""
        return bool(self.record.get(key))

    def text(self, key: str) -> str:
        """A text field: text, or a number as written; '' when absent or null."""
        value = self.record.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return clean_str(value)
        if isinstance(value, (int, JSONNumber)) and not isinstance(value, bool):
            return str(value)
        raise self._error(key, value, "text")

    def object(self, key: str) -> Fields:
        """A nested object's fields; empty when absent or null."""
        value = self.record.get(key)
        if value is None:
            return Fields({}, f"{self.prefix}{key}.")
        if not isinstance(value, dict):
            raise self._error(key, value, "an object")
        return Fields(value, f"{self.prefix}{key}.")

    def names(self, key: str) -> tuple[str, ...]:
        """Author names: a list of names or of `{name: ...}` objects, or one string joined by ';', ',' or 'and'."""
        value = self.record.get(key)
        if value is None or isinstance(value, str):
            return split_name_text(value or "")
        if not isinstance(value, list):
            raise self._error(key, value, "a list")
        names = []
        for number, item in enumerate(value, start=1):
            if isinstance(item, dict):
                item = Fields(item, f"{self.prefix}{key}[{number}].").text("name")
            elif item is not None and not isinstance(item, str):
                raise RecordError(f'"{self.prefix}{key}" item {number} is {describe(item)}, not a name')
            name = _clean_words(item or "")
            if name:
                names.append(name)
        return tuple(names)

    def words(self, key: str) -> tuple[str, ...]:
        """Tags or keywords: a list of words (or numbers), or one string separated by ',' or ';'."""
        value = self.record.get(key)
        if value is None or isinstance(value, str):
            items: list[object] = re.split(r"[,;]", clean_str(value or ""))
        elif isinstance(value, list):
            items = value
        else:
            raise self._error(key, value, "a list")
        words = []
        for number, item in enumerate(items, start=1):
            if item is None:
                continue
            if isinstance(item, bool) or not isinstance(item, (str, int, JSONNumber)):
                raise RecordError(f'"{self.prefix}{key}" item {number} is {describe(item)}, not a word')
            word = " ".join(clean_str(str(item)).split())
            if word:
                words.append(word)
        return tuple(words)

    def count(self, key: str) -> int | None:
        """A count (upvotes): a whole number from 0, or its digits as text; None when absent or null."""
        value = self.record.get(key)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 16:
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _MAX_COUNT:
            return value
        raise self._error(key, value, "a count")


def _clean_words(text: str) -> str:
    return clean_text(clean_str(text))


def split_name_text(text: str) -> tuple[str, ...]:
    """Author names from one string joined by ';', or else by ',' and 'and'."""
    # No `\s*` or `\s+` in front of a separator: on a long run of spaces that would be quadratic.
    parts = [name_part(p) for p in text.split(";")] if ";" in text else re.split(r",\s*(?:and\s)?|\sand\s", text)
    return tuple(name for name in (_clean_words(part) for part in parts) if name)


def name_part(part: str) -> str:
    """One name of a `;`-separated list (`Last, First; Last, First`, as Zotero writes it), without the stray
    commas or the last `and` that hand-edited lists carry (`...; , Kutty ,Bindu M.; and Rao, S.`)."""
    return _LEADING_AND.sub("", part.strip().strip(",").strip())


_LEADING_AND = re.compile(r"^and\s+")


def clean_paper(paper: Paper) -> Paper:
    """The paper with every string of every field (links, sources and lists included) passed through `clean_str`."""
    changes: dict[str, Any] = {}  # each value of its field's type: `_clean_value` keeps types
    for field in fields(paper):
        value = getattr(paper, field.name)
        cleaned = _clean_value(value)
        if cleaned is not value:
            changes[field.name] = cleaned
    return replace(paper, **changes) if changes else paper


def _clean_value(value: object) -> object:
    """A cleaned copy of a field value, or the value itself when it needs no cleaning."""
    if isinstance(value, str):
        return clean_str(value)  # the same object when there was nothing to clean
    if isinstance(value, Source):
        name = clean_str(value.name)
        return value if name == value.name else replace(value, name=name)
    if isinstance(value, tuple):
        items = tuple(_clean_value(item) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    if isinstance(value, dict):
        pairs = {clean_str(k): clean_str(v) if isinstance(v, str) else v for k, v in value.items()}
        return value if pairs == value else pairs
    return value
