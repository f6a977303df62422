"""Which records are the same paper: identities, match keys, and what keeps two titles apart.

A record (a parsed `Paper`, or an `Entry` that content/ holds) is known by
its arXiv id, its DOI and its normalised title, in that order of trust. Two
records with the same arXiv id, or the same DOI, are one paper. Two records
that share only a title are one paper unless something says they are not:
different arXiv ids, different DOIs, different years, or author lists with no
surname in common ('Exercise and mental health', 2017 with five authors and
1990 with one, are two papers). A record that lacks a field (a page dump has
no authors, a bibliography no arXiv id) has nothing there to conflict.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .. import lazy
from ..ids import paper_key
from .records import arxiv_from_doi, arxiv_id

K = TypeVar("K")


class Described(Protocol):
    """What identity reads from a record: `Paper` and `Entry` both have it."""

    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def arxiv(self) -> str: ...
    @property
    def doi(self) -> str: ...
    @property
    def published(self) -> object: ...


@dataclass(frozen=True, slots=True)
class Identity:
    """A record's identity. `doi` is empty for an arXiv DOI, whose id is in `arxiv`;
    `surnames` holds each author's surname, `names` every word of every author's name."""

    arxiv: str
    doi: str
    title: str
    year: int | None
    surnames: frozenset[str]
    names: frozenset[str]

    @property
    def ids(self) -> tuple[str, ...]:
        """The keys that each name one paper, most trusted first: `arxiv:...`, then `doi:...`."""
        return ((f"arxiv:{self.arxiv}",) if self.arxiv else ()) + ((f"doi:{self.doi}",) if self.doi else ())


def identity(record: Described) -> Identity:
    """The identity of a paper or an entry."""
    arxiv = arxiv_key(record.arxiv)
    doi = doi_key(record.doi)
    if doi.startswith("10.48550/"):
        arxiv = arxiv or arxiv_key(arxiv_from_doi(doi))
        doi = ""
    surnames, names = _author_words(record.authors)
    return Identity(
        arxiv=arxiv,
        doi=doi,
        title=paper_key(record.title),
        year=year_of(record.published),
        surnames=surnames,
        names=names,
    )


def conflict(first: Identity, other: Identity) -> str:
    """Why two records with the same title are different papers; '' when nothing says so."""
    if first.arxiv and other.arxiv and first.arxiv != other.arxiv:
        return "different arXiv ids"
    if first.doi and other.doi and first.doi != other.doi:
        return "different DOIs"
    if first.year and other.year and first.year != other.year:
        return "different years"
    if first.surnames and other.surnames and not (first.surnames & other.names or other.surnames & first.names):
        return "no author in common"
    return ""


class PaperIndex(Generic[K]):
    """Identities -> what holds them (a group of records, an entry's slug). An arXiv id or a DOI
    names one paper; a title may name several, told apart by `conflict`."""

    def __init__(self) -> None:
        self._ids: dict[str, K] = {}
        self._titles: dict[str, list[K]] = {}
        self._identities: dict[K, Identity] = {}

    def add(self, target: K, known: Identity, *more: Identity) -> None:
        """Record that `target` is the paper `known` describes (its identity as it stands now,
        replacing any before), also found by the ids and titles of `more` (records it took in)."""
        self._identities[target] = known
        for each in (known, *more):
            for key in each.ids:
                self._ids.setdefault(key, target)
            holders = self._titles.setdefault(each.title, [])
            if target not in holders:
                holders.append(target)

    def find(self, record: Identity) -> tuple[K | None, bool]:
        """What a record is the same paper as (None: nothing yet), and whether only its title says so."""
        for key in record.ids:
            if key in self._ids:
                return self._ids[key], False
        for target in self._titles.get(record.title, ()):
            if not conflict(self._identities[target], record):
                return target, True
        return None, False


def arxiv_key(text: str) -> str:
    """An arXiv id in any form (`arXiv:2401.00001v2`, an abs or PDF URL, `math.AG/0307200`) as its
    bare, lowercase id; an old-style id drops its subject class (`math/0307200`)."""
    bare = (arxiv_id(text) or text.strip()).lower()
    return re.sub(r"^([a-z-]+)\.[a-z]{2}/", r"\1/", bare)


def doi_key(text: str) -> str:
    """A DOI without `doi:` or a doi.org URL around it, in lower case (DOIs ignore case)."""
    doi = text.strip().lower()
    return re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", doi)


def year_of(published: object) -> int | None:
    """The year of a publication date: a date, a year number, or text starting with a year."""
    if isinstance(published, dt.date):
        return published.year
    if isinstance(published, int) and not isinstance(published, bool):
        return published or None
    if isinstance(published, str):
        match = re.match(r"\s*(\d{4})", published)
        return int(match.group(1)) if match else None
    return None


# Words in author lists that are not anyone's name: "and others", "et al.", name suffixes.
_NOT_NAMES = frozenset({"others", "et", "al", "jr", "sr", "ii", "iii", "iv"})


def _author_words(authors: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(surnames, every name word) of an author list, transliterated to lower-case ASCII.

    The surname is the part before a comma ("van Gennep, Arnold"), else the last word.
    Sources disagree on name order (Chinese names often come family name first), so a
    surname is matched against every word of the other list's names, not only its surnames.
    """
    surnames: set[str] = set()
    names: set[str] = set()
    for author in authors:
        text = author if author.isascii() else lazy.anyascii_convert()(author)
        family = text.split(",", 1)[0] if "," in text else text
        words = [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 1 and w not in _NOT_NAMES]
        family_words = [w for w in re.findall(r"[a-z]+", family.lower()) if len(w) > 1 and w not in _NOT_NAMES]
        if family_words:
            surnames.add(family_words[-1])
        names.update(words)
    return frozenset(surnames), frozenset(names)
