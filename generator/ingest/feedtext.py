"""Reading XML feeds with feedparser: clean failures with positions, entry lines, feed dates."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.sax

import feedparser

from ..errors import Problem, SourceError

_ENCODING_DECL = re.compile(r"^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']", re.IGNORECASE)


def parse_feed(text: str, name: str) -> feedparser.FeedParserDict:
    """Parse feed text; a `SourceError` with line and column when the XML is not well-formed."""
    # The text is already decoded; an encoding declaration would make feedparser decode it again.
    text = _ENCODING_DECL.sub(r"\1", text.lstrip("\ufeff"), count=1)
    try:
        parsed = feedparser.parse(text.encode("utf-8"), sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser fails in its own ways on hostile XML (odd namespaces)
        raise SourceError(Problem(name, f"unreadable feed: {type(exc).__name__}: {exc}")) from None
    error = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(error, xml.sax.SAXParseException):
        # feedparser puts a declaration line in front of documents that have none.
        shift = 0 if text.startswith("<?xml") else 1
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


def entry_lines(text: str, tag: str) -> list[int]:
    """The line of each `<tag>` element opening, in document order."""
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(rf"<{tag}[\s>]", text)]


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
    except (TypeError, ValueError, IndexError):
        return None


def text_of(value: object) -> str:
    return " ".join(str(value or "").split())
