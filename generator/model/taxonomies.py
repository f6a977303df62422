"""Taxonomies besides tags: authors, arXiv categories and venues, each term with its page, feeds and count.

Pure data, like the rest of the model. Tags keep their own code and URLs
(`site.py`, `/tags/`); this module gives the other ways to browse papers, as
Hugo's taxonomies do. `collect_terms` reads the entries a build shows and
returns each taxonomy the site turns on (`author_pages`, `category_pages`,
`venue_pages` in site.yaml) with its terms in index order; `author_refs` and
`category_refs` give a paper's authors and categories with the URL of each
one's page ('' when it has none), and `venue_ref` its venue; `index_pages`
lays an index out in pages, by letter (authors, venues) or archive
(categories), or by count. `site.py` makes the pages and feeds.

A term's identity is its slug. An author's is `ids.tag_slug` of the name, so
two people with one name share a page, and spellings that differ only in case
or accents are one author; a category's is its code as arXiv spells it (`cs.CL`);
a venue's is the slug of the name `venues.parse_venue` finds in `journal_ref`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import Config
from ..content import arxiv_categories
from ..ids import tag_slug
from .cite import split_name
from .pagination import Pager, paginate
from .venues import parse_venue, venue_slug

if TYPE_CHECKING:  # entries are only read here
    from ..content.entry import Entry

AUTHORS = "authors"
CATEGORIES = "categories"
VENUES = "venues"
OTHER_GROUP = "#"  # the index group of authors (venues) whose family name (name) starts with no letter A to Z
UNKNOWN_ARCHIVE = "Other"  # the index group of categories arXiv does not have


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A taxonomy the site has pages for, and its two indexes."""

    name: str  # "authors", "categories" or "venues": also the folder of its pages
    title: str  # "Authors"
    singular: str  # "author"
    url: str  # the index by name (authors: family name; categories: code; venues: name)
    by_count_url: str  # the index, most papers first


@dataclass(frozen=True, slots=True)
class Term:
    """One author, category or venue with a page: how it is named, where its page and feeds are, how many papers."""

    taxonomy: str  # "authors", "categories" or "venues"
    slug: str  # in its URL: `yuhan-liu`, `cs.CL`, `neurips`
    name: str  # as its page shows it: `Yuhan Liu` (its most common spelling), `Computation and Language`, `NeurIPS`
    label: str  # as its index lists it, in index order: `Liu, Yuhan`, `cs.CL`, `NeurIPS`
    code: str  # a category's code (`cs.CL`); '' for an author or a venue
    group: str  # the index heading it is under: a letter (`L`), an arXiv archive (`Computer Science`)
    description: str  # one line for its page and feeds
    count: int
    url: str
    rss_url: str = ""  # its feeds; '' when the site has none (`term_feeds: false`)
    atom_url: str = ""
    json_url: str = ""

    @property
    def section(self) -> str:
        """The site-relative folder of its page: `authors/yuhan-liu/`."""
        return f"{self.taxonomy}/{self.slug}/"


@dataclass(frozen=True, slots=True)
class TermRef:
    """An author or category of a paper, as it shows it; `url` is its page, '' when it has none."""

    slug: str
    name: str  # the author's name as this paper writes it; the category's code
    url: str
    title: str = ""  # a category's readable name (`Computation and Language`); '' for an author


@dataclass(frozen=True, slots=True)
class VenueRef:
    """A paper's venue, and the part of its `journal_ref` that names it: `before`, `text`, `after`
    (`Accepted at `, `NeurIPS`, ` 2023`). Its page, when it has one, is `site.venue_urls[slug]`:
    beside the site, not here, so that a patch of the paper needs no other paper (see `site.SiteInfo`)."""

    slug: str  # `neurips`
    name: str  # `NeurIPS`, as this paper's journal_ref gives it (`venues.parse_venue`)
    before: str
    text: str
    after: str


@dataclass(frozen=True, slots=True)
class TermGroup:
    """A heading of an index by name: a letter of family names, or an arXiv archive. On an index
    page, with the terms of that page under it; in the list of every group, with none."""

    name: str  # `L`, `Computer Science`; '' for the one group of an index by count
    anchor: str  # its id on the index page
    url: str  # where it begins: an index page and the anchor
    terms: tuple[Term, ...] = ()


@dataclass(frozen=True, slots=True)
class TaxonomyTerms:
    """A taxonomy, its terms with pages in index order (by name), and the ref of every name (or code)
    as papers write it, with or without a page (see `author_refs`, `category_refs`; none for venues)."""

    taxonomy: Taxonomy
    terms: tuple[Term, ...]
    refs: Mapping[str, TermRef]


@dataclass(frozen=True, slots=True)
class IndexPage:
    """One page of a taxonomy's index: its terms by group, and every group of the index (to jump to)."""

    pager: Pager[Term]
    sort: str  # "name" or "count"
    groups: tuple[TermGroup, ...]  # this page's terms, under their headings
    jumps: tuple[TermGroup, ...]  # every group of the index by name, with where it begins; none by count


def author_slug(name: str) -> str:
    """The identity of an author: their name as a tag slug ('' for a name without letters or digits)."""
    return tag_slug(name)


def category_slug(code: str) -> str:
    """The identity of a category: its code as arXiv spells it (`cs.CL`); a tag slug for one arXiv lacks."""
    return arxiv_categories.canonical(code) or tag_slug(code)


def venue_ref(journal_ref: str) -> VenueRef | None:
    """The venue a paper's `journal_ref` names, with the part that names it; None when it names none."""
    venue = parse_venue(journal_ref) if journal_ref else None
    if venue is None:
        return None
    before, text, after = journal_ref[: venue.start], journal_ref[venue.start : venue.end], journal_ref[venue.end :]
    return VenueRef(venue_slug(venue.name), venue.name, before, text, after)


def taxonomy_shape(entry: Entry, config: Config) -> tuple[object, ...]:
    """What of an entry decides which author, category and venue pages show it and what they are
    called (`surnames` orders and labels authors in the index): a patch of the site for an edited
    entry needs it unchanged (see `days.placement`)."""
    authors = (entry.authors, entry.surnames) if config.author_pages else ()
    venue = parse_venue(entry.journal_ref) if config.venue_pages and entry.journal_ref else None
    return (authors, entry.categories if config.category_pages else (), venue.name if venue else "")


def collect_terms(entries: Sequence[Entry], config: Config) -> tuple[TaxonomyTerms, ...]:
    """Each taxonomy the site turns on, with the terms of `entries` that get a page, in index order."""
    found = []
    if config.author_pages:
        found.append(_authors(entries, config))
    if config.category_pages:
        found.append(_categories(entries, config))
    if config.venue_pages:
        found.append(_venues(entries, config))
    return tuple(found)


def _taxonomy(name: str, title: str, singular: str, config: Config) -> Taxonomy:
    base = config.base_path
    return Taxonomy(name, title, singular, f"{base}{name}/", f"{base}{name}/by-count/")


def _term(
    config: Config, taxonomy: str, slug: str, *, name: str, label: str, code: str, group: str, description: str,
    count: int,
) -> Term:  # fmt: skip
    url = f"{config.base_path}{taxonomy}/{slug}/"
    feeds = config.term_feeds
    return Term(
        taxonomy=taxonomy, slug=slug, name=name, label=label, code=code, group=group, description=description,
        count=count, url=url, rss_url=url + "feed.xml" if feeds else "", atom_url=url + "atom.xml" if feeds else "",
        json_url=url + "feed.json" if feeds else "",
    )  # fmt: skip


def _authors(entries: Sequence[Entry], config: Config) -> TaxonomyTerms:
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    surnames: dict[str, tuple[str, ...]] = {}  # the family names a source set apart, by spelling
    slugs: dict[str, str] = {}  # each spelling's slug: papers share one ref per spelling (see `refs`)
    for entry in sorted(entries, key=lambda e: e.slug):
        seen = set()
        for name in entry.authors:
            slug = slugs.get(name)
            if slug is None:
                slug = slugs[name] = author_slug(name)
            if not slug or slug in seen:
                continue  # one author listed twice counts once
            seen.add(slug)
            counts[slug] += 1
            spellings[slug][name] += 1
            surnames.setdefault(name, entry.surnames)
    keyed = []
    for slug, count in counts.items():
        if count < config.author_min_papers:
            continue
        name = _most_common(spellings[slug])
        family, given, suffix = split_name(name, surnames[name])
        key = tag_slug(family)
        group = key[0].upper() if key[:1].isalpha() else OTHER_GROUP
        label = ", ".join(part for part in (family, given, suffix) if part)
        term = _term(config, AUTHORS, slug, name=name, label=label, code="", group=group,
                     description=f"Papers by {name}.", count=count)  # fmt: skip
        keyed.append(((key, tag_slug(given), slug), term))
    terms = tuple(term for _, term in sorted(keyed, key=lambda pair: pair[0]))
    urls = {term.slug: term.url for term in terms}
    refs = {name: TermRef(slug, name, urls.get(slug, "")) for name, slug in slugs.items()}
    return TaxonomyTerms(_taxonomy(AUTHORS, "Authors", "author", config), terms, refs)


def _categories(entries: Sequence[Entry], config: Config) -> TaxonomyTerms:
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    slugs: dict[str, str] = {}
    for entry in entries:
        seen = set()
        for code in entry.categories:
            slug = slugs.get(code)
            if slug is None:
                slug = slugs[code] = category_slug(code)
            if not slug or slug in seen:
                continue
            seen.add(slug)
            counts[slug] += 1
            spellings[slug][code] += 1
    keyed = []
    for slug, count in counts.items():
        known = arxiv_categories.canonical(slug)
        if known:
            name = arxiv_categories.category_name(known)
            code = known
            group = arxiv_categories.ARCHIVES[arxiv_categories.archive_of(known)]
            description = f"Papers listed in {code} ({name}) on arXiv."
        else:
            name = code = _most_common(spellings[slug])
            group = UNKNOWN_ARCHIVE
            description = f"Papers in the category {name}."
        term = _term(config, CATEGORIES, slug, name=name, label=code, code=code, group=group,
                     description=description, count=count)  # fmt: skip
        keyed.append(((not known, code.casefold(), slug), term))
    terms = tuple(term for _, term in sorted(keyed, key=lambda pair: pair[0]))
    urls = {term.slug: term.url for term in terms}
    refs = {code: _category_ref(code, urls) for code in slugs}
    return TaxonomyTerms(_taxonomy(CATEGORIES, "Categories", "category", config), terms, refs)


def _venues(entries: Sequence[Entry], config: Config) -> TaxonomyTerms:
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        venue = parse_venue(entry.journal_ref) if entry.journal_ref else None
        slug = venue_slug(venue.name) if venue else ""
        if venue and slug:
            counts[slug] += 1
            spellings[slug][venue.name] += 1
    terms = []
    for slug in sorted(counts):
        if counts[slug] < config.venue_min_papers:
            continue
        name = _most_common(spellings[slug])
        group = slug[0].upper() if slug[0].isalpha() else OTHER_GROUP
        terms.append(_term(config, VENUES, slug, name=name, label=name, code="", group=group,
                           description=f"Papers published in {name}.", count=counts[slug]))  # fmt: skip
    return TaxonomyTerms(_taxonomy(VENUES, "Venues", "venue", config), tuple(terms), {})


def _most_common(spellings: Counter[str]) -> str:
    """The spelling most papers use; of equally common ones, the first in code point order."""
    return min(spellings.items(), key=lambda pair: (-pair[1], pair[0]))[0]


def author_refs(names: Sequence[str], refs: Mapping[str, TermRef]) -> tuple[TermRef, ...]:
    """A paper's authors in its order, each as `refs` has them (see `TaxonomyTerms.refs`); a name it
    lacks has no page."""
    return tuple(refs.get(name) or TermRef(author_slug(name), name, "") for name in names)


def category_refs(codes: Sequence[str], refs: Mapping[str, TermRef]) -> tuple[TermRef, ...]:
    """A paper's categories in its order (primary first), each with its readable name, and its page
    as `refs` has it; a code it lacks has none."""
    return tuple(refs.get(code) or _category_ref(code, {}) for code in codes)


def _category_ref(code: str, urls: Mapping[str, str]) -> TermRef:
    slug = category_slug(code)
    known = arxiv_categories.canonical(code)
    return TermRef(slug, known or code, urls.get(slug, ""), arxiv_categories.category_name(known))


def index_pages(terms: TaxonomyTerms, config: Config) -> list[IndexPage]:
    """Every page of a taxonomy's two indexes: by name, under group headings, then by count (most
    papers first, then by name); each `terms_per_page` terms long."""
    name = terms.taxonomy.name
    base, per_page = config.base_path, config.terms_per_page
    by_name = paginate(terms.terms, per_page, section=f"{name}/", base_path=base)
    starts: dict[str, str] = {}
    for pager in by_name:
        for term in pager.items:
            starts.setdefault(term.group, f"{pager.url}#{_anchor(term.group)}")
    jumps = tuple(TermGroup(group, _anchor(group), url) for group, url in starts.items())
    pages = [IndexPage(pager, "name", _groups(pager), jumps) for pager in by_name]
    ranked = sorted(terms.terms, key=lambda t: -t.count)  # stable: equal counts stay in index order
    for pager in paginate(ranked, per_page, section=f"{name}/by-count/", base_path=base):
        pages.append(IndexPage(pager, "count", (TermGroup("", "", pager.url, pager.items),), ()))
    return pages


def _groups(pager: Pager[Term]) -> tuple[TermGroup, ...]:
    groups: dict[str, list[Term]] = {}
    for term in pager.items:
        groups.setdefault(term.group, []).append(term)
    return tuple(
        TermGroup(group, _anchor(group), f"{pager.url}#{_anchor(group)}", tuple(items))
        for group, items in groups.items()
    )


def _anchor(group: str) -> str:
    return "group-" + (tag_slug(group) if group != OTHER_GROUP else "other")
