"""Parser for arXiv API responses (`api/query`, Atom 1.0).

Each entry carries `id` http://arxiv.org/abs/{id}v{n}, `published` (v1),
`updated`, `title`, `summary`, authors, links (alternate, pdf, doi),
categories, `arxiv:primary_category` and optional `arxiv:comment`,
`arxiv:journal_ref`, `arxiv:doi`. An error response (one entry titled
`Error`) is an error. Papers are dated by their first version.
"""

from __future__ import annotations

import re

from ..errors import Problem, SourceError
from ..model.records import Paper, Source, arxiv_id, arxiv_links, clean_text
from .base import ParseOptions, ParseResult, links_from_text, split_names
from .feedtext import entry_lines, feed_date, parse_feed, text_of

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
        title = clean_text(text_of(entry.get("title")))
        if not identifier or not title:
            result.problems.append(Problem(name, "entry without an arXiv id or title; skipped", line=line))
            continue
        abstract = text_of(entry.get("summary"))
        published = feed_date(entry.get("published"))
        date = published or options.date or options.today
        links = links_from_text(abstract)
        links.update(arxiv_links(identifier))
        doi = text_of(entry.get("arxiv_doi"))
        for link in entry.get("links", []):
            if link.get("title") == "doi" and not doi:
                doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", link.get("href", ""))
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
                authors=split_names([a.get("name", "") for a in entry.get("authors", [])]),
                arxiv=identifier,
                doi=doi,
                published=published,
                categories=tuple(categories),
                comment=text_of(entry.get("arxiv_comment")),
                journal_ref=text_of(entry.get("arxiv_journal_ref")),
            )
        )
    return result
