"""Editing front matter line by line: a merge rewrites the keys it changes and nothing else.

A person's entry may hold comments, keys in their own order, quoting, block
lists and values that YAML 1.1 reads differently from how they look
(`12:30`, `0123`, `yes`). Loading and dumping the whole mapping would lose
or change all of that, so an edit replaces only the lines of the keys whose
values change (a key's line and the indented or `- ` lines under it),
appends new keys at the end, and leaves every other byte where it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# A top-level key: a line at column 0 that is not a comment, a list item or a document marker.
_TOP_KEY = re.compile(
    r"""(?P<key>'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^\s#\-'"?&*!|>%@`][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s|$)"""
)


@dataclass(frozen=True)
class Block:
    """The lines [start, end) of one top-level key, and the key as written (unquoted)."""

    key: str
    start: int
    end: int


def key_blocks(lines: list[str]) -> list[Block]:
    """Every top-level key's block in front matter `lines` (without line ends). A block runs from its
    key's line to the next line at column 0 that is not a `- ` item of it (a key, a comment, `---`)."""
    blocks: list[Block] = []
    key, start = None, 0
    for i, line in enumerate(lines):
        if line[:1] in (" ", "\t") or line.startswith(("- ", "-\t")) or line == "-":
            continue  # inside the current block
        if key is not None:
            blocks.append(Block(key, start, _trim(lines, start, i)))
            key = None
        match = _TOP_KEY.match(line)
        if match:
            key, start = _unquote(match.group("key")), i
    if key is not None:
        blocks.append(Block(key, start, _trim(lines, start, len(lines))))
    return blocks


def _trim(lines: list[str], start: int, end: int) -> int:
    # Blank lines and indented comments closing a block stay where they are, outside it.
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _unquote(key: str) -> str:
    key = key.rstrip()
    if len(key) >= 2 and key[0] == key[-1] == "'":
        return key[1:-1].replace("''", "'")
    if len(key) >= 2 and key[0] == key[-1] == '"':
        return key[1:-1]
    return key


def block_list_indent(lines: list[str], block: Block) -> str | None:
    """The indent of a block-style list (`key:` then `- item` lines): '' or spaces; None for any other style."""
    if lines[block.start].split(":", 1)[1].split("#", 1)[0].strip():
        return None  # a value on the key's line: flow or scalar
    items = [line for line in lines[block.start + 1 : block.end] if line.strip() and not line.lstrip().startswith("#")]
    if not items or not all(line.lstrip().startswith("- ") or line.strip() == "-" for line in items):
        return None
    indent = items[0][: len(items[0]) - len(items[0].lstrip())]
    return indent if all(line.startswith(indent + "-") for line in items) else None


def edit(yaml_text: str, changes: Mapping[str, str | None]) -> str:
    """`yaml_text` (front matter between the fences, each line ending in a newline) with each key of
    `changes` replaced by its text (one or more whole lines) or removed (None). Keys not present are
    appended in the order given; every other line is kept byte for byte."""
    lines = yaml_text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the text's last newline
    out: list[str] = []
    done: set[str] = set()
    at = 0
    for block in key_blocks(lines):
        if block.key not in changes or block.key in done:
            continue
        out += lines[at : block.start]
        new = changes[block.key]
        if new is not None:
            out += new.rstrip("\n").split("\n")
        at = block.end
        done.add(block.key)
    out += lines[at:]
    for key, new in changes.items():
        if key not in done and new is not None:
            out += new.rstrip("\n").split("\n")
    return "".join(line + "\n" for line in out)
