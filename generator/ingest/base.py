"""What every ingest parser shares: its options, its result, link finding, author names, and the
reading of flat records (JSON Lines, CSV) under the names sources give their fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from ..content.arxiv_categories import canonical as canonical_category
from ..errors import Problem
from ..ids import is_http_url, split_url
from ..model.records import (
    Paper,
    Published,
    Source,
    arxiv_from_doi,
    arxiv_id,
    arxiv_links,
    clean_text,
    find_arxiv_id,
    normalize_doi,
)
from .dates import from_arxiv_id, parse_published
from .record import Fields, RecordError, split_name_text
from .tex import detex


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
    """The papers a parser found, the records it had to skip (`problems`, with reasons), and
    `notes` on values it dropped from records it kept (a date that is not a date, say)."""

    papers: list[Paper] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    format: str = ""
    notes: list[Problem] = field(default_factory=list)

    def add(self, paper: Paper | None, problem: Problem | None, notes: Iterable[Problem] = ()) -> None:
        """Keep what one record gave: a paper, a problem, or both, and any notes."""
        if paper is not None:
            self.papers.append(paper)
        if problem is not None:
            self.problems.append(problem)
        self.notes.extend(notes)

    def add_record(self, record: Record) -> None:
        """Keep what one record gave."""
        self.add(record.paper, record.problem, record.notes)


@dataclass(frozen=True)
class Record:
    """What one record gave a parser: a paper or the problem that skipped it, and notes on what it dropped."""

    paper: Paper | None
    problem: Problem | None = None
    notes: tuple[Problem, ...] = ()


_URL = re.compile(r"https?://[^\s<>{}\[\]\"'`|\\^]+", re.IGNORECASE)
_CODE_HOSTS = {"github.com", "www.github.com", "gitlab.com", "www.gitlab.com", "codeberg.org"}
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}


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


def add_url(url: str, links: dict[str, str], doi: str) -> str:
    """Put a record's own `url` among its `links`, and return its DOI: `doi`, else the one a doi.org
    URL names. An arxiv.org URL is the paper's own (its links come from the id), and a doi.org URL of
    the record's DOI is that DOI's link (made from the DOI): neither is another link."""
    kind = link_kind(url)
    parts = split_url(url)
    named = normalize_doi(url) if parts and parts.netloc.lower() in _DOI_HOSTS else ""
    doi = doi or named
    if kind != "arxiv" and not (named and named == doi):
        links[kind] = url
    return doi


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


def person(name: str) -> tuple[str, str]:
    """An author's name as shown, and their family name when it is more than one word.

    `Del Maestro, Adrian` (family name first, as BibTeX, Zotero and many exports write it) is
    shown `Adrian Del Maestro`, family name `Del Maestro`; `Adrian Del Maestro` is shown as it is,
    and its family name is not known. A name with a suffix (`King, Jr., Martin Luther`) is
    `Martin Luther King Jr.`.
    """
    parts = [clean_text(part) for part in name.split(",")]
    if len(parts) == 2 and all(parts):
        family, given = parts
        return f"{given} {family}", family if " " in family else ""
    if len(parts) == 3 and all(parts):
        family, suffix, given = parts
        return f"{given} {family} {suffix}", family if " " in family else ""
    return clean_text(name), ""


def publication(published: Published | None) -> dict[str, Any]:
    """`Paper` keyword arguments for a publication date: `published` and `published_precision`."""
    if published is None:
        return {}
    return {"published": published.date, "published_precision": published.precision}


# Record fields by the names sources give them (keys in lower case); the first present wins.
ALIASES = {
    "abstract": ("abstract", "summary", "abstract note", "description"),
    "authors": ("authors", "author", "creators"),
    "url": ("url", "link", "abs_url", "pdf_url", "pdf"),
    "arxiv": ("arxiv", "arxiv_id", "arxivid", "eprint", "archive id"),
    "journal": ("journal_ref", "journal-ref", "journal", "publication title", "venue", "booktitle"),
}
# Fields that may name an arXiv id among other text (`arXiv: 2106.09685` in Zotero's `Extra`).
ARXIV_MENTIONS = ("extra", "number", "note", "notes", "journal", "publication title", "doi", "pages")
# Publication dates, most specific first: a record's first readable one is its publication date. A `date`
# that is also the feed date comes last: it says when the paper was published only if nothing else does.
DATE_FIELDS = ("published", "date", "created", "publication date", "year", "publication year")
_FEED_DATE_LAST = (*(key for key in DATE_FIELDS if key != "date"), "date")
# Phrases that reach tags only through the taxonomy; `tags` are the file's own tagging of the paper.
KEYWORD_FIELDS = ("keywords", "manual tags", "automatic tags", "ai_keywords")


def paper_from_record(
    record: Mapping[str, object], name: str, line: int, options: ParseOptions, *, feed_dates: bool = True
) -> Record:
    """A paper from a flat record (JSON Lines, CSV): title, abstract (or summary), and optional
    date, publication date, authors, surnames, tags, keywords, url, arxiv, doi, journal, code,
    project, under the names in `ALIASES`, `DATE_FIELDS` and `KEYWORD_FIELDS`. `date`, when it
    names a day, is also when the paper entered the feed, unless `feed_dates` is false (a
    reference manager's `Date` is only a publication date). A field of the wrong type skips the
    record; a date that is not a date is dropped with a note."""
    fields = Fields({str(k).strip().lower(): v for k, v in record.items() if k is not None})
    try:
        return _paper_from_fields(fields, name, line, options, feed_dates)
    except RecordError as exc:
        return Record(None, Problem(name, f"{exc}; skipped", line=line))


def _first(fields: Fields, key: str) -> str:
    return next((text for text in (fields.text(k) for k in ALIASES[key]) if text.strip()), "")


def _paper_from_fields(fields: Fields, name: str, line: int, options: ParseOptions, feed_dates: bool) -> Record:
    title = detex(fields.text("title"))
    if not title:
        return Record(None, Problem(name, "record has no title; skipped", line=line))
    published, notes = _published(fields, title, name, line, feed_dates)
    # `date` is when the paper entered the feed, when it names a day.
    day = parse_published(fields.text("date")) if feed_dates else None
    given = day.date if day is not None and day.precision == "day" else None
    date = given or options.date or options.today
    abstract = detex(_first(fields, "abstract"))
    identifier = arxiv_id(_first(fields, "arxiv"))
    identifier = identifier or next(filter(None, (find_arxiv_id(fields.text(key)) for key in ARXIV_MENTIONS)), "")
    categories = tuple(dict.fromkeys(c for c in map(canonical_category, fields.text("categories").split()) if c))
    snapshot = fields.has("versions") or fields.has("submitter")  # a line of arXiv's metadata snapshot
    # arXiv's own metadata names the paper by its arXiv id in `id`: a snapshot line, or a record harvested
    # from arXiv's OAI-PMH service, which has no `versions` but has arXiv's `categories`.
    identifier = identifier or (arxiv_id(fields.text("id")) if snapshot or categories else "")
    if published is None and snapshot:
        published = _first_version(fields)
    links: dict[str, str] = {}
    doi = normalize_doi(fields.text("doi"))
    url = _first(fields, "url").strip()
    if is_http_url(url):
        identifier = identifier or (arxiv_id(url) if link_kind(url) == "arxiv" else "")
        doi = add_url(url, links, doi)
    for kind in ("code", "project"):
        value = fields.text(kind).strip()
        if is_http_url(value):
            links[kind] = value
    for kind, value in links_from_text(abstract).items():
        links.setdefault(kind, value)
    identifier = identifier or arxiv_from_doi(doi)
    if doi:
        links["doi"] = f"https://doi.org/{doi}"
    if identifier:
        links = {**arxiv_links(identifier), **links}
    people = [person(n) for n in fields.names(next((k for k in ALIASES["authors"] if fields.has(k)), "authors"))]
    paper = Paper(
        title=title,
        abstract=abstract,
        date=date,
        line=line,
        sources=(Source(options.source_name or name, date),),
        links=links,
        authors=tuple(detex(shown) for shown, _ in people),  # `Bal\\'azs` in arXiv's own metadata
        surnames=tuple(dict.fromkeys((*(family for _, family in people if family), *fields.names("surnames")))),
        tags=fields.words("tags"),
        keywords=tuple(dict.fromkeys(w for key in KEYWORD_FIELDS for w in fields.words(key))),
        arxiv=identifier,
        doi=doi,
        journal_ref=detex(_first(fields, "journal")),
        categories=categories,
        dated=given is not None,
        **publication(published or from_arxiv_id(identifier)),
    )
    return Record(paper, notes=notes)


def _first_version(fields: Fields) -> Published | None:
    """The day of a snapshot record's first version (`versions: [{"created": "Mon, 2 Apr 2007 ..."}]`)."""
    versions = fields.record.get("versions")
    if not isinstance(versions, list) or not versions or not isinstance(versions[0], dict):
        return None
    try:
        created = parsedate_to_datetime(Fields(versions[0], "versions[1].").text("created"))
    except (TypeError, ValueError, IndexError, RecordError):
        return None
    return Published(created.date(), "day")


def _published(
    fields: Fields, title: str, name: str, line: int, feed_dates: bool
) -> tuple[Published | None, tuple[Problem, ...]]:
    """A record's publication date, from its first readable date field; a note on each that is not a date."""
    notes = []
    published = None
    for key in _FEED_DATE_LAST if feed_dates else DATE_FIELDS:
        raw = fields.text(key)
        if not raw.strip():
            continue
        read = parse_published(raw)
        if read is None:
            message = f"record {quoted(title)}: {key} {quoted(raw)} is not a date; kept without it"
            notes.append(Problem(name, message, line=line))
        published = published or read
    return published, tuple(notes)
