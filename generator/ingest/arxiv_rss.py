"""Parser for arXiv announcement feeds: rss.arxiv.org (2024 on; RSS 2.0 and Atom) and the RSS 1.0
(RDF) feeds arXiv served before, from arxiv.org and its mirrors (lanl.arxiv.org).

2024 format: an item's description is `arXiv:{id}v{n} Announce Type: {type} \nAbstract: ...`;
its guid `oai:arXiv.org:{id}v{n}`; `arxiv:announce_type` is new, cross, replace or
replace-cross; `dc:creator` is one comma-separated string of authors; `arxiv:DOI` and
`arxiv:journal_reference` are there for a paper already published in a journal.

RSS 1.0: an item's title is `{title}. (arXiv:{id}v{n} [{category}])`, followed by
` UPDATED` for a replacement and ` CROSS LISTED` for a cross-list; its description
is the abstract as HTML paragraphs; `dc:creator` is HTML, a link per author; the
channel's `dc:date` is the announcement.

Papers are dated by the announcement, and published in the month of their arXiv id
(the feed does not say the day the paper was submitted). Replacements may update an
existing entry but never announce a paper again. The feed's order is the
announcement's: each announced paper's `rank` is its place among the day's
announced papers (new ones first, then cross-lists, as arXiv lists them).
Text goes through `tex.detex`.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from ..errors import Problem
from ..model.records import Paper, Source, arxiv_id, arxiv_links, normalize_doi
from .base import ParseOptions, ParseResult, links_from_text, publication, split_names
from .dates import from_arxiv_id
from .feedtext import entry_lines, feed_date, parse_feed, text_of
from .tex import detex

NAME = "arxiv-rss"
DESCRIPTION = "arXiv announcement feed (RSS 2.0, Atom or RSS 1.0)"

_PREFIX = re.compile(r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?", re.IGNORECASE)
# The RSS 1.0 title's tail: ` (arXiv:1209.2411v1 [math.AP])`, ` UPDATED` or ` CROSS LISTED` before its `)`.
_TITLE_TAIL = re.compile(r"\.?\s*\(arXiv:(?P<id>[^\s()]+) \[(?P<category>[^\]]+)\](?: (?P<kind>[A-Z ]+))?\)\s*$")
_KINDS = {"": "new", "UPDATED": "replace", "CROSS LISTED": "cross"}
_LINK_TEXT = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")
_PARAGRAPH_END = re.compile(r"</p\s*>|<br\s*/?>", re.IGNORECASE)


def detect(text: str) -> bool:
    head = text[:20000]
    # "updates on arXiv.org" is the feed's title: a feed with no items (weekends) has nothing else to tell it by.
    marks = ("oai:arXiv.org:", "Announce Type:", "updates on arXiv.org")
    return any(mark in head for mark in marks) and ("<rss" in head or "<feed" in head or "<rdf:RDF" in head)


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    feed = parse_feed(text, name)
    lines = entry_lines(text, "item") or entry_lines(text, "entry")
    feed_day = feed_date(feed.feed.get("published") or feed.feed.get("updated"))
    result = ParseResult()
    ranks: dict[dt.date, int] = {}  # papers announced so far on each day, in the feed's order
    for i, entry in enumerate(feed.entries):
        line = lines[i] if i < len(lines) else 0
        description = str(entry.get("summary") or entry.get("description") or "")
        prefix = _PREFIX.match(description)
        raw_title = text_of(entry.get("title"))
        tail = _TITLE_TAIL.search(raw_title)
        announce = (
            text_of(entry.get("arxiv_announce_type"))
            or (prefix.group("type") if prefix else "")
            or (_KINDS.get(tail.group("kind") or "", "new") if tail else "new")
        ).lower()
        identifier = (
            arxiv_id(str(entry.get("id") or ""))
            or (arxiv_id(prefix.group("id")) if prefix else "")
            or (arxiv_id(tail.group("id")) if tail else "")
            or arxiv_id(str(entry.get("link") or ""))
        )
        title = detex(raw_title[: tail.start()] if tail else raw_title)
        if not identifier or not title:
            result.problems.append(Problem(name, "item without an arXiv id or title; skipped", line=line))
            continue
        if options.skip_cross and announce in ("cross", "replace-cross"):
            continue
        if options.skip_replace and announce in ("replace", "replace-cross"):
            continue
        abstract = detex(description[prefix.end() :]) if prefix else _html_text(description)
        given = feed_date(entry.get("published") or entry.get("updated")) or feed_day
        date = given or options.date or options.today
        creators = entry.get("author") or ", ".join(a.get("name", "") for a in entry.get("authors", []))
        links = links_from_text(abstract)
        links.update(arxiv_links(identifier))
        doi = normalize_doi(text_of(entry.get("arxiv_doi")))
        if doi:
            links["doi"] = f"https://doi.org/{doi}"
        categories = [t.get("term", "") for t in entry.get("tags", []) if t.get("term")]
        if tail and tail.group("category") not in categories:
            categories.insert(0, tail.group("category"))
        update_only = announce in ("replace", "replace-cross")
        if not update_only:
            ranks[date] = ranks.get(date, 0) + 1
        result.papers.append(
            Paper(
                title=title,
                abstract=abstract,
                date=date,
                line=line,
                sources=(Source(options.source_name or name, date),),
                links=links,
                authors=_creators(str(creators)),
                arxiv=identifier,
                doi=doi,
                journal_ref=detex(text_of(entry.get("arxiv_journal_reference"))),
                categories=tuple(categories),
                update_only=update_only,
                dated=given is not None,
                rank=None if update_only else ranks[date],
                **publication(from_arxiv_id(identifier)),
            )
        )
    return result


def _html_text(text: str) -> str:
    """An HTML abstract (`<p>...</p><p>...</p>`) as text, its paragraphs apart; plain text as it is."""
    paragraphs = _PARAGRAPH_END.split(text) if "<" in text else [text]
    texts = (detex(html.unescape(_TAG.sub(" ", paragraph))) for paragraph in paragraphs)
    return "\n\n".join(t for t in texts if t)


def _creators(text: str) -> tuple[str, ...]:
    """Authors from `dc:creator`: a link per author (RSS 1.0), or names separated by commas."""
    names = _LINK_TEXT.findall(text) if "<a" in text.lower() else split_names(text)
    shown = (detex(html.unescape(_TAG.sub("", name))) for name in names)
    return tuple(name for name in shown if name)
