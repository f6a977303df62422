"""What every ingest parser shares: its options, its result, and link finding."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import Problem
from ..ids import is_http_url, split_url
from ..model.records import (
    Paper,
    Source,
    arxiv_from_doi,
    arxiv_id,
    arxiv_links,
    clean_text,
)
from .record import Fields, RecordError, split_name_text


@dataclass(frozen=True)
class ParseOptions:
    """How to date and name what a parser reads.

    `date` dates records that carry no date of their own (default `today`);
    `year` is the year of page dates written without one (default: the
    most recent such date that is not after `today`). `skip_cross` and
    `skip_replace` drop arXiv cross-lists and replacements.
    """

    today: dt.date
    date: dt.date | None = None
    year: int | None = None
    source_name: str = ""
    skip_cross: bool = False
    skip_replace: bool = False


@dataclass
class ParseResult:
    """The papers a parser found, and the records it had to skip, with reasons."""

    papers: list[Paper] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    format: str = ""

    def add(self, paper: Paper | None, problem: Problem | None) -> None:
        """Keep what one record gave: a paper, a problem, or both."""
        if paper is not None:
            self.papers.append(paper)
        if problem is not None:
            self.problems.append(problem)


_URL = re.compile(r"https?://[^\s<>{}\[\]\"'`|\\^]+", re.IGNORECASE)
_CODE_HOSTS = {"github.com", "www.github.com", "gitlab.com", "www.gitlab.com", "codeberg.org"}


def find_urls(text: str) -> list[str]:
    """URLs in running text, without the sentence's trailing punctuation."""
    urls: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?*_~")
        # A closing parenthesis belongs to the URL only when it opens one too (counted once:
        # one character at a time is quadratic in a run of them).
        unmatched = min(len(url) - len(url.rstrip(")")), url.count(")") - url.count("("))
        if unmatched > 0:
            url = url[:-unmatched]
        parts = split_url(url)
        if parts is not None and parts.netloc and "." in parts.netloc:
            urls.setdefault(url)
    return list(urls)


def links_from_text(text: str) -> dict[str, str]:
    """The first code-host URL as `code`, the first other URL as `project`."""
    links: dict[str, str] = {}
    for url in find_urls(text):
        kind = link_kind(url)
        kind = "project" if kind == "arxiv" else kind
        links.setdefault(kind, url)
    return links


def quoted(text: str, limit: int = 80) -> str:
    """Text from a source, quoted for a one-line message and cut to about `limit` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def parse_date(value: object) -> dt.date | None:
    """A date from an ISO date or timestamp ('2024-03-11', '2024-03-11T06:45:01.000Z'); None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def split_names(value: object) -> tuple[str, ...]:
    """Author names from a list (of names or {name: ...}) or a string joined by ';', ' and ' or ','."""
    if isinstance(value, str):
        return split_name_text(value)
    if isinstance(value, list):
        parts = [item.get("name", "") if isinstance(item, dict) else item for item in value]
    else:
        return ()
    return tuple(name for name in (clean_text(str(p)) for p in parts if p) if name)


def split_words(value: object) -> tuple[str, ...]:
    """Tags or keywords from a list or a string separated by ',' or ';'."""
    if isinstance(value, str):
        value = re.split(r"[,;]", value)  # each word is stripped below
    if not isinstance(value, list):
        return ()
    return tuple(w for w in (" ".join(str(item).split()) for item in value if item is not None) if w)


def link_kind(url: str) -> str:
    """`arxiv`, `code` or `project`, from where a URL points."""
    parts = split_url(url)
    host = parts.netloc.lower() if parts else ""
    if host.endswith("arxiv.org"):
        return "arxiv"
    return "code" if host in _CODE_HOSTS else "project"


def paper_from_record(
    record: Mapping[str, object], name: str, line: int, options: ParseOptions
) -> tuple[Paper | None, Problem | None]:
    """A paper from a flat record (JSON Lines, CSV): title, abstract (or summary), and optional
    date, authors, tags, url, arxiv, doi, code, project. A field of the wrong type skips the record."""
    fields = Fields({str(k).strip().lower(): v for k, v in record.items() if k is not None})
    try:
        return _paper_from_fields(fields, name, line, options)
    except RecordError as exc:
        return None, Problem(name, f"{exc}; skipped", line=line)


def _paper_from_fields(
    fields: Fields, name: str, line: int, options: ParseOptions
) -> tuple[Paper | None, Problem | None]:
    title = clean_text(fields.text("title"))
    if not title:
        return None, Problem(name, "record has no title; skipped", line=line)
    abstract = " ".join((fields.text("abstract") or fields.text("summary")).split())
    raw_date = fields.text("date")
    date = parse_date(raw_date) if raw_date else None
    if raw_date and date is None:
        return None, Problem(name, f"record {quoted(title)} has an invalid date {quoted(raw_date)}; skipped", line=line)
    date = date or options.date or options.today
    identifier = arxiv_id(fields.text("arxiv"))
    links: dict[str, str] = {}
    url = fields.text("url").strip()
    if is_http_url(url):
        kind = link_kind(url)
        if kind == "arxiv" and not identifier:
            identifier = arxiv_id(url)
        if kind != "arxiv":
            links[kind] = url
    for kind in ("code", "project"):
        value = fields.text(kind).strip()
        if is_http_url(value):
            links[kind] = value
    for kind, value in links_from_text(abstract).items():
        links.setdefault(kind, value)
    if identifier:
        links = {**arxiv_links(identifier), **links}
    doi = fields.text("doi").strip()
    if doi and not identifier:
        identifier = arxiv_from_doi(doi)
        links = {**arxiv_links(identifier), **links} if identifier else links
    return Paper(
        title=title,
        abstract=abstract,
        date=date,
        line=line,
        sources=(Source(options.source_name or name, date),),
        links=links,
        authors=fields.names("authors"),
        tags=fields.words("tags"),
        arxiv=identifier,
        doi=doi,
    ), None
