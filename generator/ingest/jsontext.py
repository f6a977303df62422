"""Reading JSON with positions: errors as `line:col`, array items with their line."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..errors import Problem, SourceError

_DECODER = json.JSONDecoder()


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def json_error(name: str, exc: json.JSONDecodeError, line_offset: int = 0) -> Problem:
    return Problem(name, f"invalid JSON: {exc.msg}", line=exc.lineno + line_offset, col=exc.colno)


def iter_array(text: str, name: str) -> Iterator[tuple[int, object]]:
    """Each item of a top-level JSON array with its 1-based line.

    Raises `SourceError` naming the line and column of the first syntax
    error; items before it have already been yielded, so callers that want
    all-or-nothing must collect first.
    """
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        raise SourceError(Problem(name, "expected a JSON array", line=1))
    pos = _skip_space(text, pos + 1)
    if text.startswith("]", pos):
        return
    while True:
        try:
            item, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise SourceError(json_error(name, exc)) from None
        yield text.count("\n", 0, pos) + 1, item
        pos = _skip_space(text, end)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
            continue
        if text.startswith("]", pos):
            return
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        what = "end of file" if pos >= len(text) else repr(text[pos])
        raise SourceError(Problem(name, f"invalid JSON: expected ',' or ']' but found {what}", line=line, col=col))
