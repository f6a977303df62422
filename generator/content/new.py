"""`paperfeed new`: one hand-written entry, dated today, for a paper no source has.

The entry holds only what was given; `paperfeed ingest` later fills in what
a source knows about the same paper (by arXiv id, DOI or title) and leaves
what was written here as it is.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..errors import UsageError
from ..ids import is_http_url, slugify
from ..model.records import arxiv_id, arxiv_links
from .entry import Entry, format_entry

BODY = "The abstract, or your notes on the paper, in Markdown. $\\TeX$ math works.\n"


def new_entry(
    papers_dir: Path,
    title: str,
    *,
    date: dt.date,
    tags: tuple[str, ...] = (),
    authors: tuple[str, ...] = (),
    arxiv: str = "",
    url: str = "",
    slug: str = "",
) -> Path:
    """Write the entry and return its path; a `UsageError` when it would replace a file or a value is wrong."""
    if not title.strip():
        raise UsageError("a paper needs a title")
    identifier = arxiv_id(arxiv) if arxiv else ""
    if arxiv and not identifier:
        raise UsageError(f"not an arXiv id: {arxiv!r} (like 2310.07240)")
    if url and not is_http_url(url):
        raise UsageError(f"not an http(s) URL: {url!r}")
    name = slugify(slug or title)
    path = papers_dir / f"{name}.md"
    if os.path.lexists(path):
        raise UsageError(f"{path} already exists; choose another file name with --slug")
    links = arxiv_links(identifier) if identifier else {}
    if url:
        links["url"] = url
    entry = Entry(
        slug=name,
        title=" ".join(title.split()),
        date=date,
        tags=tags,
        authors=authors,
        arxiv=identifier,
        links=links,
        body=BODY,
    )
    papers_dir.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as file:  # never replaces a file made meanwhile
        file.write(format_entry(entry))
    return path
