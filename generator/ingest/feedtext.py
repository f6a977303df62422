"""Reading XML feeds with feedparser: clean failures with positions, entry lines, feed dates."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.parsers.expat
import xml.sax

import feedparser

from ..errors import Problem, SourceError

# Attributes are separated by single runs of spaces: each try stops at the next one, so a declaration
# of 10,000 spaces that never closes is read in linear time.
_ENCODING_DECL = re.compile(
    r"^(\s*<\?xml(?:\s+[^\s>=]+\s*=\s*[\"'][^\"']*[\"'])*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']", re.IGNORECASE
)


def parse_feed(text: str, name: str) -> feedparser.FeedParserDict:
    """Parse feed text; a `SourceError` with line and column when the XML is not well-formed."""
    # The text is already decoded; an encoding declaration would make feedparser decode it again.
    text = _AUTHOR_TEXT.sub(_cut_runs, _ENCODING_DECL.sub(r"\1", text.lstrip("\ufeff"), count=1))
    data = text.encode("utf-8")
    check_well_formed(data, name)
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser fails in its own ways on hostile XML (odd namespaces)
        raise SourceError(Problem(name, f"unreadable feed: {type(exc).__name__}: {exc}")) from None
    error = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(error, xml.sax.SAXParseException):
        # feedparser puts a declaration line in front of documents that have none.
        shift = 0 if data.startswith(b"<?xml") else 1
        raise SourceError(
            Problem(
                name,
                f"invalid XML: {error.getMessage()}",
                line=max(1, (error.getLineNumber() or 1) - shift),
                col=(error.getColumnNumber() or 0) + 1,
            )
        )
    if parsed.get("bozo") and not parsed.entries and not parsed.feed:
        raise SourceError(Problem(name, f"not a feed: {error}"))
    return parsed


# feedparser looks for an e-mail address in every author (RSS managingEditor, webMaster and publisher
# included) with a regex that is quadratic in a run of address characters (kurtmckee/feedparser#562:
# 50 KB took 13 s; a 14 KB managingEditor, 0.5 s). No name holds such a run: cut it.
# Neither part of the pattern crosses a `<`, so it is linear on tags that never close.
_PEOPLE = "author|creator|contributor|name|email|managingEditor|webMaster|publisher"
_AUTHOR_TEXT = re.compile(rf"(<(?:[\w.-]+:)?(?:{_PEOPLE})\b[^<>]*>)([^<]{{80,}})")
_LONG_RUN = re.compile(r"[\w.+@-]{80,}")


def _cut_runs(match: re.Match[str]) -> str:
    return match.group(1) + _LONG_RUN.sub(lambda run: run.group(0)[:60] + "…", match.group(2))


def check_well_formed(data: bytes, name: str) -> None:
    """A `SourceError` with line and column at the first error that makes `data` not well-formed XML.

    Checked before feedparser sees the feed: on malformed XML it falls back to
    a loose, regex-based parser, which on hostile text is quadratic (a 150 KB
    fuzzed feed took 50 s) only for the feed to be rejected anyway.
    """
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        message = f"invalid XML: {xml.parsers.expat.ErrorString(exc.code)}"
        raise SourceError(Problem(name, message, line=exc.lineno, col=exc.offset + 1)) from None


def entry_lines(text: str, tag: str) -> list[int]:
    """The line of each `<tag>` element opening, in document order (newlines counted once, not per entry)."""
    lines, line, counted = [], 1, 0
    for match in re.finditer(rf"<{tag}[\s>]", text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        lines.append(line)
    return lines


def feed_date(value: str | None) -> dt.date | None:
    """The calendar date a feed wrote (RFC 822 or RFC 3339), in the feed's own time zone."""
    if not value:
        return None
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):  # "+99999999999" as a zone
        return None


def text_of(value: object) -> str:
    return " ".join(str(value or "").split())
