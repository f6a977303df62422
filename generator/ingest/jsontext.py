"""Reading JSON with positions, in linear time: errors as `line:col`, array items with their line.

Input: a source's text (a JSON array, or one JSON Lines line); output: decoded
values, and problems that name the line and column.

Hostile JSON fails one item, never the reader:
- a number is kept as written (`JSONNumber`) when a float would change it
  (`2310.07240` is an arXiv id, not 2310.0724) or `int` refuses it (Python
  limits integers read from text to 4,300 digits);
- nesting deeper than Python's recursion allows (about 1,000 levels) makes
  that one item a problem, `JSON nested 100000 levels deep; skipped`: the
  end of the item is found by matching brackets, and the items after it
  still go in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import Problem, SourceError

# Longer integers stay text: no field of a paper needs one, and `int` refuses 4,300 digits.
_MAX_INT_DIGITS = 100
_SPACE = re.compile(r"[ \t\r\n]*")
# A JSON string, or a bracket outside one: enough to find where a too-deep value ends.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


@dataclass(frozen=True, slots=True)
class JSONNumber:
    """A JSON number as written: a fraction, an exponent, NaN or Infinity, or a very long integer."""

    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def is_integer(self) -> bool:
        return self.text.lstrip("-").isdigit()


def _parse_int(digits: str) -> int | JSONNumber:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else JSONNumber(digits)


_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_float=JSONNumber, parse_constant=JSONNumber)


def json_error(name: str, exc: json.JSONDecodeError, line_offset: int = 0) -> Problem:
    return Problem(name, f"invalid JSON: {exc.msg}", line=exc.lineno + line_offset, col=exc.colno)


class _Lines:
    """Line and column of increasing offsets in one text, each newline counted once.

    Counting from the start for every item made a single-line file of n
    items take n passes over the whole text (50 MB: 92 s instead of 2 s).
    """

    __slots__ = ("text", "offset", "line", "start")

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0  # where counting stopped
        self.line = 1  # the 1-based line of `offset`
        self.start = 0  # where that line starts

    def at(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of `offset`, which is not before the last one asked for."""
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.start + 1


def _too_deep(text: str, pos: int, outer: int) -> tuple[int | None, int]:
    """Where the value at `pos` ends (None: never) and how deep it nests, counting `outer` enclosing levels."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text, pos):
        opening = match.group()[0]
        if opening in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif opening in "]}":
            depth -= 1
            if depth == 0:
                return match.end(), deepest + outer
    return None, deepest + outer


def _depth_problem(name: str, deepest: int, line: int, col: int) -> Problem:
    return Problem(name, f"JSON nested {deepest} levels deep; skipped", line=line, col=col)


def parse_json(text: str, name: str, line: int = 1) -> object:
    """One JSON value (a JSON Lines line, which is line `line` of its file).

    A `SourceError` naming line and column when the text is not JSON or nests too deeply.
    """
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise SourceError(json_error(name, exc, line_offset=line - 1)) from None
    except RecursionError:
        start = _skip_space(text, 0)
        _, deepest = _too_deep(text, start, 0)
        raise SourceError(_depth_problem(name, deepest, line, start + 1)) from None


def iter_array(text: str, name: str) -> Iterator[tuple[int, object]]:
    """Each item of a top-level JSON array with its 1-based line, in time linear in the text.

    An item nested too deeply to decode is yielded as a `Problem`, so the
    items after it still go in. Raises `SourceError` naming the line and
    column of the first syntax error; items before it have already been
    yielded, so callers that want all-or-nothing must collect first.
    """
    lines = _Lines(text)
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
        except RecursionError:
            found, deepest = _too_deep(text, pos, 1)
            line, col = lines.at(pos)
            if found is None:
                message = f"JSON nested {deepest} levels deep and never closed"
                raise SourceError(Problem(name, message, line=line, col=col)) from None
            item, end = _depth_problem(name, deepest, line, col), found
        yield lines.at(pos)[0], item
        pos = _skip_space(text, end)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
            continue
        if text.startswith("]", pos):
            return
        line, col = lines.at(pos)
        what = "end of file" if pos >= len(text) else repr(text[pos])
        raise SourceError(Problem(name, f"invalid JSON: expected ',' or ']' but found {what}", line=line, col=col))


def _skip_space(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]  # `*` always matches
