"""Parser for arXiv API responses (`api/query`, Atom 1.0).

Each entry carries `id` http://arxiv.org/abs/{id}v{n}, `published` (v1),
`updated`, `title`, `summary`, authors, links (alternate, pdf, doi),
categories, `arxiv:primary_category` and optional `arxiv:comment`,
`arxiv:journal_ref`, `arxiv:doi`. An error response (one entry titled
`Error`) is an error. Papers are dated, and published, by their first
version (`published`, to the day); every text field goes through `tex.detex`.
"""

from __future__ import annotations

import re

from ..errors import Problem, SourceError
from ..model.records import Paper, Published, Source, arxiv_id, arxiv_links, normalize_doi
from .base import ParseOptions, ParseResult, links_from_text, publication, split_names
from .dates import from_arxiv_id
from .feedtext import entry_lines, feed_date, parse_feed, text_of
from .tex import detex

NAME = "arxiv-atom"
DESCRIPTION = "arXiv API response (Atom)"


def detect(text: str) -> bool:
    head = text[:6000]
    return "<feed" in head and (
        "arxiv.org/api" in head or re.search(r"<id>\s*https?://arxiv\.org/abs/", text[:20000]) is not None
    )


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    feed = parse_feed(text, name)
    lines = entry_lines(text, "entry")
    result = ParseResult()
    for i, entry in enumerate(feed.entries):
        line = lines[i] if i < len(lines) else 0
        if text_of(entry.get("title")) == "Error" and "api/errors" in str(entry.get("id", "")):
            raise SourceError(Problem(name, f"arXiv API error: {text_of(entry.get('summary'))}", line=line))
        identifier = arxiv_id(str(entry.get("id", "")))
        title = detex(text_of(entry.get("title")))
        if not identifier or not title:
            result.problems.append(Problem(name, "entry without an arXiv id or title; skipped", line=line))
            continue
        abstract = detex(text_of(entry.get("summary")))
        published = feed_date(entry.get("published"))
        date = published or options.date or options.today
        links = links_from_text(abstract)
        links.update(arxiv_links(identifier))
        doi = normalize_doi(text_of(entry.get("arxiv_doi")))
        for link in entry.get("links", []):
            if link.get("title") == "doi" and not doi:
                doi = normalize_doi(link.get("href", ""))
        if doi:
            links["doi"] = f"https://doi.org/{doi}"
        primary = (entry.get("arxiv_primary_category") or {}).get("term", "")
        categories = [t.get("term", "") for t in entry.get("tags", []) if t.get("term")]
        if primary:
            categories = [primary, *[c for c in categories if c != primary]]
        result.papers.append(
            Paper(
                title=title,
                abstract=abstract,
                date=date,
                line=line,
                sources=(Source(options.source_name or name, date),),
                links=links,
                authors=tuple(detex(n) for n in split_names([a.get("name", "") for a in entry.get("authors", [])])),
                arxiv=identifier,
                doi=doi,
                **publication(Published(published) if published else from_arxiv_id(identifier)),
                dated=published is not None,
                categories=tuple(categories),
                comment=detex(text_of(entry.get("arxiv_comment"))),
                journal_ref=detex(text_of(entry.get("arxiv_journal_ref"))),
            )
        )
    return result
