"""A fast reader for the YAML that `format_entry` writes, with PyYAML as the fallback.

Front matter is the largest cost of reading 100,000 entries, and nearly all
of it is the small subset paperfeed itself writes: `key: scalar` lines,
flow lists of scalars, a block map of links and a list of flow maps for
sources. `load` reads that subset in one pass and answers exactly what
PyYAML's safe loader would (the property tests compare the two on random
text); anything outside the subset, however slightly, goes to PyYAML.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# A key as the subset allows it (it must also resolve to a string).
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: (.*))?")
# Characters PyYAML refuses or reads as line breaks or tabs.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
# Plain scalars the subset reads: no indicator first, no comment, nothing that ends them early.
_PLAIN_BLOCK = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#]*")
_PLAIN_FLOW = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#:,?\[\]{}]*")
# How PyYAML types a plain scalar: by the implicit resolvers for its first character.
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"
_INT = re.compile(r"0|[1-9][0-9]{0,17}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")


class _Unsupported(Exception):
    """Outside the subset: PyYAML decides."""


def load(text: str) -> Any:
    """`yaml.load(text, CSafeLoader)`, fast for the subset paperfeed writes. Raises as PyYAML does."""
    try:
        return _load_subset(text)
    except _Unsupported:
        return yaml.load(text, Loader=_Loader)


def _tag(plain: str) -> str:
    first = plain[:1]
    resolvers = _BY_FIRST.get(first)
    if resolvers is None:
        resolvers = _BY_FIRST[first] = _RESOLVERS.get(first, []) + _RESOLVERS.get(None, [])
    for tag, regexp in resolvers:
        if regexp.match(plain):
            return tag
    return _STR


_BY_FIRST: dict[str, list] = {}  # PyYAML's implicit resolvers that apply to a scalar, by its first character


_key_tag = lru_cache(maxsize=1024)(_tag)  # every entry has the same few keys


def _load_subset(text: str) -> dict[str, Any]:
    if _UNSAFE.search(text):
        raise _Unsupported
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise _Unsupported  # PyYAML reads nothing as None
    out: dict[str, Any] = {}
    i = 0
    while i < len(lines):
        match = _KEY.fullmatch(lines[i])
        if not match or _key_tag(match.group(1)) != _STR:
            raise _Unsupported
        key, value = match.group(1), match.group(2)
        i += 1
        if value is not None and value.strip():
            out[key] = _inline(value)
            continue
        if value is not None and value != "":
            raise _Unsupported  # `key:` then spaces only
        # A block under the key: `  sub: value` lines (a map) or `- {...}` lines (a list).
        start = i
        while i < len(lines) and (lines[i].startswith("  ") or lines[i].startswith("- ")):
            i += 1
        block = lines[start:i]
        if not block:
            out[key] = None
        elif all(line.startswith("- ") for line in block):
            out[key] = [_flow_map(line[2:]) for line in block]
        elif all(line.startswith("  ") and not line.startswith("   ") for line in block):
            out[key] = _block_map(line[2:] for line in block)
        else:
            raise _Unsupported
    return out


def _inline(value: str) -> Any:
    if value.startswith("["):
        return _flow_list(value)
    if value.startswith("{"):
        return _flow_map(value)
    return _scalar(value, flow=False)


def _scalar(value: str, *, flow: bool) -> Any:
    if value.startswith("'"):
        match = _QUOTED.fullmatch(value)
        if not match:
            raise _Unsupported
        return match.group(1).replace("''", "'")
    if value != value.strip() or value.endswith(":") or ": " in value or " #" in value:
        raise _Unsupported
    if not (_PLAIN_FLOW if flow else _PLAIN_BLOCK).fullmatch(value) or "  " in value:
        raise _Unsupported
    tag = _tag(value)
    if tag == _STR:
        return value
    if tag == "tag:yaml.org,2002:int" and _INT.fullmatch(value):
        return int(value)
    if tag == "tag:yaml.org,2002:timestamp" and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _Unsupported from None
    raise _Unsupported


def _items(inner: str) -> list[str]:
    """The comma-separated items of a flow collection's inside, quotes respected."""
    items: list[str] = []
    pos = 0
    inner = inner.strip(" ")
    if not inner:
        return items
    while True:
        if inner.startswith("'", pos):
            match = _QUOTED.match(inner, pos)
            if not match:
                raise _Unsupported
            end = match.end()
        else:
            end = inner.find(",", pos)
            end = len(inner) if end < 0 else end
        items.append(inner[pos:end].strip(" "))
        if end >= len(inner):
            return items
        if inner[end] != ",":
            raise _Unsupported
        pos = end + 1
        while pos < len(inner) and inner[pos] == " ":
            pos += 1
        if pos >= len(inner):
            raise _Unsupported  # a trailing comma


def _flow_list(value: str) -> list[Any]:
    if not value.endswith("]"):
        raise _Unsupported
    return [_scalar(item, flow=True) for item in _items(value[1:-1])]


def _flow_map(value: str) -> dict[str, Any]:
    if not (value.startswith("{") and value.endswith("}")):
        raise _Unsupported
    out: dict[str, Any] = {}
    for item in _items(value[1:-1]):
        key, sep, rest = item.partition(": ")
        if not sep or not _KEY.fullmatch(key + ":") or _tag(key) != _STR:
            raise _Unsupported
        out[key] = _scalar(rest.strip(" "), flow=True)
    return out


def _block_map(lines) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for line in lines:
        match = _KEY.fullmatch(line)
        if not match or _tag(match.group(1)) != _STR or not (match.group(2) or "").strip():
            raise _Unsupported
        value = match.group(2)
        if value.startswith(("[", "{")):
            raise _Unsupported
        out[match.group(1)] = _scalar(value, flow=False)
    return out
