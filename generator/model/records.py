"""The `Paper` record that every ingest parser produces, and its identity.

A `Paper` is pure data: what one source said about one paper. Its identity
(`paper_key`) decides which records are the same paper; its slug
(`slugify`) names the entry file, and so the paper's URL, for good.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, fields

from ..ids import paper_key


@dataclass(frozen=True, slots=True)
class Source:
    """Where a paper was seen: the source's file (or URL) name and the date."""

    name: str
    seen: dt.date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Scholarly:
    """Bibliographic fields that a `Paper`, an entry and a page's view of it share."""

    arxiv: str = ""
    doi: str = ""
    published: dt.date | None = None
    upvotes: int | None = None
    categories: tuple[str, ...] = ()
    comment: str = ""
    journal_ref: str = ""


SCHOLARLY_FIELDS = tuple(f.name for f in fields(Scholarly))


@dataclass(frozen=True, slots=True)
class Paper(Scholarly):
    """One paper as a source describes it.

    `line` is the 1-based line of the record in its source, for messages.
    `links` maps a link kind (`code`, `project`, `arxiv`, ...) to a URL.
    `tags` are tags the source states outright; `keywords` are phrases
    (such as Hugging Face's ai_keywords) that reach tags only through the
    taxonomy. `update_only` marks a record (an arXiv replacement) that may
    update an existing entry but must not create one.
    """

    title: str
    abstract: str
    date: dt.date
    sources: tuple[Source, ...] = ()
    links: dict[str, str] = field(default_factory=dict)
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    update_only: bool = False
    line: int = 0

    @property
    def key(self) -> str:
        return paper_key(self.title)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every identity of the paper: its arXiv id when known, and its normalised title."""
        title = f"title:{self.key}"
        return (f"arxiv:{self.arxiv}", title) if self.arxiv else (title,)


_ARXIV_ID = re.compile(
    r"(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|oai:arXiv\.org:)?"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?(?:\.pdf)?/?",
    re.IGNORECASE,
)


def arxiv_id(text: str) -> str:
    """The base arXiv id (no version) in an id, URL or OAI identifier; '' when there is none."""
    match = _ARXIV_ID.fullmatch(text.strip())
    return match.group("id") if match else ""


def arxiv_from_doi(doi: str) -> str:
    """The arXiv id inside an arXiv DOI (10.48550/arXiv.2310.00426); '' for any other DOI."""
    match = re.fullmatch(r"10\.48550/arxiv\.(.+)", doi.strip(), re.IGNORECASE)
    return arxiv_id(match.group(1)) if match else ""


def arxiv_links(identifier: str) -> dict[str, str]:
    """The abstract page and PDF URLs of an arXiv id."""
    return {"arxiv": f"https://arxiv.org/abs/{identifier}", "pdf": f"https://arxiv.org/pdf/{identifier}"}


def clean_text(text: str) -> str:
    """Collapse whitespace and control characters to single spaces; keep every visible character."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") else ch for ch in text)
    return " ".join(text.split())
