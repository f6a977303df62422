"""The `Paper` record that every ingest parser produces.

A `Paper` is pure data: what one source said about one paper. Its identity
(model/identity.py: arXiv id, DOI, then a title nothing contradicts) decides
which records are the same paper; its slug (`slugify`) names the entry file,
and so the paper's URL, for good.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, fields
from urllib.parse import unquote

from ..ids import paper_key


@dataclass(frozen=True, slots=True)
class Source:
    """Where a paper was seen: the source's file (or URL) name and the date."""

    name: str
    seen: dt.date | None = None


PRECISIONS = ("year", "month", "day")


@dataclass(frozen=True, kw_only=True, slots=True)
class Scholarly:
    """Bibliographic fields that a `Paper`, an entry and a page's view of it share.

    `published` is the publication date at the precision a source knew it:
    `published_precision` is `year` (the date is 1 January), `month` (the
    first of the month) or `day`; it is '' exactly when `published` is None,
    and `day` when a date is given without it. `surnames` are the family
    names of more than one word (`Del Maestro`) that a source set apart
    from the given names; any other author's family name is their last word.
    """

    arxiv: str = ""
    doi: str = ""
    published: dt.date | None = None
    published_precision: str = ""
    upvotes: int | None = None
    categories: tuple[str, ...] = ()
    comment: str = ""
    journal_ref: str = ""
    surnames: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # The pair stays consistent, so a merge that takes `published` from one record takes its
        # precision from the same record (an empty value is the one a merge fills in).
        precision = "" if self.published is None else self.published_precision or "day"
        if precision != self.published_precision:
            object.__setattr__(self, "published_precision", precision)


SCHOLARLY_FIELDS = tuple(f.name for f in fields(Scholarly))


@dataclass(frozen=True, slots=True)
class Paper(Scholarly):
    """One paper as a source describes it.

    `line` is the 1-based line of the record in its source, for messages.
    `links` maps a link kind (`code`, `project`, `arxiv`, ...) to a URL.
    `tags` are tags the source states outright; `keywords` are phrases
    (such as Hugging Face's ai_keywords) that reach tags only through the
    taxonomy. `update_only` marks a record (an arXiv replacement) that may
    update an existing entry but must not create one. `dated` is False when
    the source gave no date and `date` is only a fallback (today, --date, a
    guessed year), which a later source's real date replaces. `rank` is the
    paper's place in the source's order of its day (a Daily Papers page,
    `api/daily_papers`, an arXiv announcement), 1 first; None where the
    source has no such order.
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
    dated: bool = True
    line: int = 0
    rank: int | None = None  # its place among its day's papers where the source orders them (1 first)

    @property
    def key(self) -> str:
        """The normalised title (which records are the same paper is model/identity.py's to say)."""
        return paper_key(self.title)


# An arXiv id: new style YYMM.NNNN(N) (a month from 01 to 12), or old style archive/YYMMNNN, where
# an old id written with its subject class (`math.AG/0307200`) is the archive's id (`math/0307200`).
_ID = (
    r"(?P<new>\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})"
    r"|(?P<archive>[a-z][a-z-]*)(?:\.[a-z][a-z-]*)?/(?P<number>\d{2}(?:0[1-9]|1[0-2])\d{3})"
)
# On any arxiv.org host: arxiv.org, www., export., lanl. and the mirrors.
_ARXIV_URL = r"https?://(?:[\w-]+\.)*arxiv\.org/(?:abs|pdf|html|format)/"
_ARXIV_ID = re.compile(
    rf"(?:arxiv:\s*|{_ARXIV_URL}|oai:arXiv\.org:|10\.48550/arxiv\.)?(?:{_ID})(?:v\d+)?(?:\.pdf)?/?",
    re.IGNORECASE,
)
# An id in running text or a field that holds more (`arXiv preprint arXiv:1506.06579`, a URL, a DOI):
# only where something says it is an arXiv id, since a bare 1506.06579 could be any number.
_ARXIV_IN_TEXT = re.compile(
    rf"(?:\barxiv(?::\s*|\s+|\.)|{_ARXIV_URL}|\b10\.48550/arxiv\.)(?:{_ID})(?!\d)",
    re.IGNORECASE,
)


def _id_of(match: re.Match[str]) -> str:
    if match.group("new"):
        return match.group("new")
    return f"{match.group('archive').lower()}/{match.group('number')}"


def arxiv_id(text: str) -> str:
    """The bare arXiv id (no version) that `text` is: an id (`2310.07240v2`, `math.AG/0307200`),
    `arXiv:` id, abs or PDF URL on any arxiv.org host, OAI identifier or arXiv DOI; '' otherwise."""
    match = _ARXIV_ID.fullmatch(text.strip())
    return _id_of(match) if match else ""


def find_arxiv_id(text: str) -> str:
    """The first arXiv id that `text` names as one (`arXiv:1809.02922 [cs]`, `arXiv preprint
    arXiv:1506.06579`, an arxiv.org URL, `10.48550/arXiv.2106.09685`), bare; '' when none does."""
    if "arxiv" not in text.lower():
        return ""
    match = _ARXIV_IN_TEXT.search(text)
    return _id_of(match) if match else ""


def arxiv_from_doi(doi: str) -> str:
    """The arXiv id inside an arXiv DOI (10.48550/arXiv.2310.00426); '' for any other DOI."""
    match = re.fullmatch(r"10\.48550/arxiv\.(.+)", doi.strip(), re.IGNORECASE)
    return arxiv_id(match.group(1)) if match else ""


_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.|www\.)?doi\.org/)", re.IGNORECASE)


def normalize_doi(text: str) -> str:
    """A DOI as paperfeed keeps it: without `doi:` or a doi.org URL, in lower case (DOIs ignore
    case); '' when `text` is not a DOI (one starts `10.`)."""
    # Zotero may hold several (`a; b`) or one with a `;` after it: the first is the paper's. A `;`
    # inside a DOI stays (SICI DOIs such as 10.1002/(SICI)1096-987X(199901)20:1<1::AID-JCC1>3.0.CO;2-P).
    doi = _DOI_PREFIX.sub("", re.split(r";\s", text.strip())[0].rstrip(";")).strip()
    if _DOI_PREFIX.match(text.strip()) and "%" in doi:
        doi = unquote(doi)  # a doi.org URL may encode the slash (10.3847%2F1538-3881%2Faa9e09)
    return doi.lower() if doi.startswith("10.") and "/" in doi and not any(c.isspace() for c in doi) else ""


@dataclass(frozen=True, slots=True)
class Published:
    """A publication date and how much of it a source knew: `year`, `month` or `day`.

    A year is kept as 1 January and a month as its first day, so `date` always orders and compares.
    """

    date: dt.date
    precision: str = "day"

    @property
    def text(self) -> str:
        """As an entry writes it: `1998`, `1998-05` or `1998-05-04`."""
        return published_text(self.date, self.precision)


def published_text(date: dt.date, precision: str) -> str:
    """`date` at `precision`: `1998` (year), `1998-05` (month) or `1998-05-04` (day)."""
    if precision == "year":
        return f"{date.year:04d}"
    if precision == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_published(text: str) -> Published | None:
    """The publication date that `published_text` wrote (`1998`, `1998-05`, `1998-05-04`); None otherwise."""
    match = _PUBLISHED.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day = (int(g) if g else 0 for g in match.groups())
    try:
        date = dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return Published(date, PRECISIONS[(month > 0) + (day > 0)])


def arxiv_links(identifier: str) -> dict[str, str]:
    """The abstract page and PDF URLs of an arXiv id."""
    return {"arxiv": f"https://arxiv.org/abs/{identifier}", "pdf": f"https://arxiv.org/pdf/{identifier}"}


# Unicode's control characters (Cc), line and paragraph separators (Zl, Zp) and surrogates (Cs), all of them.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


# DEL before a letter is the diaeresis of the old TeX fonts, as arXiv's feeds before about 2010 carry
# it (`Schr\x7fodinger`): the letter with its diaeresis.
_OLD_DIAERESIS = re.compile("\x7f([A-Za-z])")


def clean_text(text: str) -> str:
    """Collapse whitespace and control characters to single spaces; keep every visible character."""
    if "\x7f" in text:
        text = unicodedata.normalize("NFC", _OLD_DIAERESIS.sub("\\1\u0308", text))
    return " ".join(_CONTROLS.sub(" ", text).split())
