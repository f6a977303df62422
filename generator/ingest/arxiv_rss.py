"""Parser for arXiv announcement feeds (rss.arxiv.org, 2024 format), RSS 2.0 and Atom.

An item's description is `arXiv:{id}v{n} Announce Type: {type} \nAbstract: ...`;
its guid `oai:arXiv.org:{id}v{n}`; `arxiv:announce_type` is new, cross,
replace or replace-cross; `dc:creator` is one comma-separated string of
authors. Papers are dated by the announcement. Replacements may update an
existing entry but never announce a paper again.
"""

from __future__ import annotations

import re

from ..errors import Problem
from ..model.records import Paper, Source, arxiv_id, arxiv_links, clean_text
from .base import ParseOptions, ParseResult, links_from_text, split_names
from .feedtext import entry_lines, feed_date, parse_feed, text_of
from .tex import detex

NAME = "arxiv-rss"
DESCRIPTION = "arXiv announcement feed (RSS 2.0 or Atom, rss.arxiv.org)"

_PREFIX = re.compile(r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?", re.IGNORECASE)


def detect(text: str) -> bool:
    head = text[:20000]
    return ("oai:arXiv.org:" in head or "Announce Type:" in head) and ("<rss" in head or "<feed" in head)


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    feed = parse_feed(text, name)
    lines = entry_lines(text, "item") or entry_lines(text, "entry")
    feed_day = feed_date(feed.feed.get("published") or feed.feed.get("updated"))
    result = ParseResult()
    for i, entry in enumerate(feed.entries):
        line = lines[i] if i < len(lines) else 0
        description = str(entry.get("summary") or entry.get("description") or "")
        prefix = _PREFIX.match(description)
        announce = (text_of(entry.get("arxiv_announce_type")) or (prefix.group("type") if prefix else "new")).lower()
        identifier = (
            arxiv_id(str(entry.get("id") or ""))
            or (arxiv_id(prefix.group("id")) if prefix else "")
            or arxiv_id(str(entry.get("link") or ""))
        )
        title = clean_text(text_of(entry.get("title")))
        if not identifier or not title:
            result.problems.append(Problem(name, "item without an arXiv id or title; skipped", line=line))
            continue
        if options.skip_cross and announce in ("cross", "replace-cross"):
            continue
        if options.skip_replace and announce in ("replace", "replace-cross"):
            continue
        abstract = " ".join(description[prefix.end() :].split()) if prefix else text_of(description)
        date = feed_date(entry.get("published") or entry.get("updated")) or feed_day or options.date or options.today
        creators = entry.get("author") or ", ".join(a.get("name", "") for a in entry.get("authors", []))
        links = links_from_text(abstract)
        links.update(arxiv_links(identifier))
        result.papers.append(
            Paper(
                title=title,
                abstract=abstract,
                date=date,
                line=line,
                sources=(Source(options.source_name or name, date),),
                links=links,
                authors=tuple(detex(n) for n in split_names(str(creators))),
                arxiv=identifier,
                categories=tuple(t.get("term", "") for t in entry.get("tags", []) if t.get("term")),
                update_only=announce in ("replace", "replace-cross"),
            )
        )
    return result
