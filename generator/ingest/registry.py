"""The ingest registry: which parser reads a source, detected from its content.

Each parser module has `NAME`, `DESCRIPTION`, `detect(text)` and
`parse(text, name, options)`. Adding a format is one module and one line in
`PARSERS`.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

from ..errors import Problem, SourceError
from . import arxiv_atom, arxiv_rss, bibtex, csv_table, hf_json, hf_page, jsonl
from .base import ParseOptions, ParseResult
from .record import clean_paper, clean_str

# A multi-byte UTF-8 character: cp1252 text almost never forms one by chance.
_VALID_UTF8_RUN = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")

_EMPTY_ARRAY = re.compile(r"\ufeff?\s*\[\s*\]\s*")

# Detection tries these in order: the most specific signatures first, page dumps last.
PARSERS: dict[str, ModuleType] = {
    module.NAME: module for module in (hf_json, jsonl, arxiv_rss, arxiv_atom, bibtex, csv_table, hf_page)
}

__all__ = ["PARSERS", "ParseOptions", "ParseResult", "detect_format", "parse_source", "read_source"]


def detect_format(text: str, name: str) -> ModuleType:
    """The parser whose `detect` claims the text; a `SourceError` listing the formats otherwise."""
    if _EMPTY_ARRAY.fullmatch(text):  # a valid, empty answer: Hugging Face's daily papers on a day with none
        return hf_json
    for module in PARSERS.values():
        if module.detect(text):
            return module
    known = ", ".join(f"{n} ({m.DESCRIPTION})" for n, m in PARSERS.items())
    raise SourceError(Problem(name, "unknown input format", hint=f"known formats: {known}; choose one with --format"))


def parse_source(text: str, name: str, options: ParseOptions, *, format: str | None = None) -> ParseResult:
    """Parse one source's text with the named parser, or the detected one.

    Text and papers pass through `record.clean_str` and `record.clean_paper`
    on the way, so every string a parser returns can be written as UTF-8.
    """
    text = clean_str(text)
    if format is not None:
        if format not in PARSERS:
            raise SourceError(Problem(name, f"unknown format {format!r}", hint=f"known formats: {', '.join(PARSERS)}"))
        module = PARSERS[format]
    else:
        module = detect_format(text, name)
    result = module.parse(text, name, options)
    result.papers = [clean_paper(paper) for paper in result.papers]
    result.format = module.NAME
    return result


def decode(data: bytes, name: str) -> str:
    """Source bytes as text: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1 if it is text.

    Damaged Unicode stays Unicode: a lone surrogate (half of an emoji: two
    bytes in UTF-16, or three in UTF-8 written from UTF-16) decodes to the
    surrogate, which `parse_source` replaces with U+FFFD; and a file whose non-ASCII
    characters are mostly valid UTF-8 keeps them, with each broken byte
    (an emoji cut in half) as U+FFFD, instead of reading as cp1252.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16", "surrogatepass")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig", "surrogatepass")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise SourceError(Problem(name, "binary file, not a text source"))
    text = data.decode("utf-8-sig", "replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    if sum(1 for _ in _VALID_UTF8_RUN.finditer(data)) > broken:
        return text
    # cp1252 is the likeliest legacy encoding of scraped pages; latin-1 never fails.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_source(path: Path, name: str, options: ParseOptions, *, format: str | None = None) -> ParseResult:
    """Read a source file and parse it."""
    if path.is_dir():
        raise SourceError(Problem(name, "is a folder, not a file"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Problem(name, f"cannot read: {exc.strerror or exc}")) from exc
    text = decode(data, name)
    if not text.strip():
        raise SourceError(Problem(name, "empty file"))
    return parse_source(text, name, options, format=format)
