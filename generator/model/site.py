"""The site model: entries + config -> every page, feed and URL of the site, as plain data.

No file system and no Jinja here: `build_site` is a pure function, so the
model can be tested directly and rendered in any order or in parallel. Only
this module computes URLs and output paths.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..config import Config
from ..content.entry import Entry
from ..errors import BuildError
from ..ids import is_http_url, tag_slug
from .cite import format_bibtex
from .days import MONTH_NAMES, Calendar, DayPapers, Month, Period, build_calendar, day_url, listing_key, neighbours
from .pagination import Pager, paginate
from .records import SCHOLARLY_FIELDS, Published, Scholarly, arxiv_id, arxiv_links
from .taxonomies import (
    AUTHORS,
    CATEGORIES,
    VENUES,
    Taxonomy,
    TaxonomyTerms,
    Term,
    TermGroup,
    TermRef,
    VenueRef,
    author_refs,
    category_refs,
    collect_terms,
    index_pages,
    venue_ref,
)  # fmt: skip
from .text import plain_text, summarize_plain

LINK_LABELS = {
    "code": "Code",
    "project": "Project page",
    "arxiv": "arXiv",
    "pdf": "PDF",
    "doi": "DOI",
    "demo": "Demo",
    "data": "Data",
    "video": "Video",
    "huggingface": "Hugging Face",
}
GUID_NAMESPACE = uuid.UUID("6f1f8a4e-8d0a-4c36-9d0e-2b6a3c1f5e11")


@dataclass(frozen=True, slots=True)
class Link:
    kind: str
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class TagRef:
    slug: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class PaperView(Scholarly):
    """A paper as templates and feeds see it. `html` is the rendered body; `summary` plain text."""

    slug: str
    title: str
    date: dt.date
    url: str
    abs_url: str
    guid: str
    tags: tuple[TagRef, ...]
    links: tuple[Link, ...]
    authors: tuple[str, ...]
    sources: tuple[tuple[str, dt.date | None], ...]
    summary: str
    html: str
    extra: Mapping[str, Any]
    abstract: str = ""  # the whole body as plain text
    bib_url: str = ""
    bib_path: str = ""
    dated: bool = True  # False when `date` is only the day of the ingest, which no citation may use
    rank: int | None = None  # its place among its day's papers as its source ranked them (1 first)
    draft: bool = False  # shown only by a build with --drafts
    day_url: str = ""  # the page of its day
    author_refs: tuple[TermRef, ...] = ()  # each author in order, with their page ('' when they have none)
    category_refs: tuple[TermRef, ...] = ()  # each arXiv category in order, with its name and page
    venue: VenueRef | None = None  # the venue its journal_ref names (its page: `SiteInfo.venue_urls`)

    @property
    def code_url(self) -> str | None:
        return next((link.url for link in self.links if link.kind == "code"), None)

    @property
    def cited(self) -> Published | None:
        """The date citations give: the publication date at its precision; else the day a source put
        the paper in the feed (an announcement, a Daily Papers page); None when neither is known."""
        if self.published is not None:
            return Published(self.published, self.published_precision or "day")
        return Published(self.date) if self.dated else None

    @property
    def citation_date(self) -> str:
        """`citation_publication_date` as Highwire Press writes it: `1998/05/04`, `1998/05` or `1998`; '' if unknown."""
        cited = self.cited
        return cited.text.replace("-", "/") if cited else ""

    @property
    def published_label(self) -> str:
        """The publication date for people, as far as it is known: `May 4, 1998`, `May 1998` or `1998`."""
        if self.published is None:
            return ""
        if self.published_precision == "year":
            return str(self.published.year)
        if self.published_precision == "month":
            return f"{MONTH_NAMES[self.published.month - 1][:3]} {self.published.year}"
        return f"{MONTH_NAMES[self.published.month - 1][:3]} {self.published.day}, {self.published.year}"

    @property
    def bibtex(self) -> str:
        """The paper as a BibTeX entry; derived from the fields above, so made only where shown."""
        cited = self.cited
        return format_bibtex(
            slug=self.slug,
            title=self.title,
            authors=self.authors,
            date=cited.date if cited else None,
            precision=cited.precision if cited else "",
            surnames=self.surnames,
            url=self.abs_url,
            arxiv=self.arxiv,
            doi=self.doi,
            journal_ref=self.journal_ref,
            categories=self.categories,
        )


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    name: str
    description: str
    count: int
    url: str
    rss_url: str
    atom_url: str


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page: the template that renders it, where it goes, and what it shows."""

    template: str
    path: str
    url: str
    title: str
    description: str = ""
    paper: PaperView | None = None
    prev: PaperView | None = None
    next: PaperView | None = None
    related: tuple[PaperView, ...] = ()
    pager: Pager[PaperView] | None = None
    tag: Tag | None = None
    tags: tuple[Tag, ...] = ()
    sort: str = ""  # the tag index's order: "name" or "count"
    months: tuple[Month, ...] = ()  # calendars: every month (archive.html), its own (month.html)
    feeds: tuple[tuple[str, str, str], ...] = ()  # (type, title, absolute url) for <link rel=alternate>
    period: Period | None = None  # the day, week or month of day.html, week.html, month.html
    newer: Period | None = None  # the period of the same kind just after it, with papers
    older: Period | None = None  # and just before it
    parents: tuple[Period, ...] = ()  # a day's week and month; a week's months
    days: tuple[DayPapers, ...] = ()  # list.html: its papers by day; week.html, month.html: each day's top papers
    lastmod: dt.date | None = None
    in_sitemap: bool = True
    taxonomy: Taxonomy | None = None  # term.html, terms.html: authors, categories or venues
    term: Term | None = None  # term.html: the author, category or venue
    term_pager: Pager[Term] | None = None  # terms.html: this page of the index
    groups: tuple[TermGroup, ...] = ()  # terms.html: this page's terms under their headings
    jumps: tuple[TermGroup, ...] = ()  # terms.html by name: every heading of the index, with where it begins


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed file of a listing (the site's or a tag's) and the papers it carries."""

    kind: str  # "rss", "atom" or "json" (JSON Feed 1.1)
    path: str
    url: str  # absolute
    id: str  # the listing's, in all three formats (see `feed_id`)
    title: str
    subtitle: str
    link: str  # absolute URL of the HTML page the feed mirrors
    items: tuple[PaperView, ...]  # newest day first, each day in listing order (see `feed_papers`)
    published: tuple[dt.datetime, ...]  # each item's time, in the order of `items` (see `feed_times`)
    updated: dt.datetime  # the newest item's time; the epoch for a feed with no items
    listed: bool = True  # in feeds.opml: an author's feed is not (a site has thousands)


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every template may use about the site as a whole."""

    title: str
    description: str
    base_url: str
    base_path: str
    origin: str
    language: str
    author: str
    generator: str
    assets: Mapping[str, str]
    rss_url: str
    atom_url: str
    search_url: str
    search: bool
    top_tags: tuple[Tag, ...]
    paper_count: int
    sort: str = "rank"  # the order of each day's papers (`sort` in site.yaml)
    taxonomies: tuple[Taxonomy, ...] = ()  # those with pages (authors, categories, venues), for the navigation
    venue_urls: Mapping[str, str] = field(default_factory=dict)  # venue slug -> its page, for venues with one
    extra: Mapping[str, Any] = field(default_factory=dict)  # `extra:` of site.yaml, for the theme


@dataclass(frozen=True, slots=True)
class Site:
    info: SiteInfo
    pages: tuple[Page, ...]
    feeds: tuple[FeedSpec, ...]
    tags: tuple[Tag, ...]
    papers: tuple[PaperView, ...]
    extra_paths: tuple[str, ...] = field(default=("sitemap.xml", "robots.txt", "feeds.opml"))


def paper_guid(slug: str, base_url: str) -> str:
    """A paper's feed GUID: from the site's address and the slug, so a title change never alters
    it, and two sites never share one (see `site_address`)."""
    return _uuid5_urn(f"{site_address(base_url)}papers/{slug}")


def feed_id(base_url: str, section: str) -> str:
    """The id of a listing's feeds (`section`: '' for the site's, `tags/<slug>/` for a tag's,
    `authors/<slug>/` or `categories/<code>/` for an author's or category's)."""
    return _uuid5_urn(f"{site_address(base_url)}{section}feed")


def site_address(base_url: str) -> str:
    """What feed ids derive from: host and path of `base_url` (`example.org/reading-group/`). The
    scheme is left out, so moving the site to https keeps them; another host or path changes them."""
    parts = urlsplit(base_url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return parts.netloc.lower() + path


def _uuid5_urn(name: str) -> str:
    return uuid.uuid5(GUID_NAMESPACE, name).urn


def sort_papers(papers: Iterable[PaperView], sort: str = "rank") -> list[PaperView]:
    """Newest day first, each day's papers in the order `sort` names (see `days.listing_key`),
    then by slug, so the order never depends on input order."""
    return sorted(papers, key=listing_key(sort))


Alternates = tuple[tuple[str, str, str], ...]  # (type, title, absolute URL) of the feeds a page links


def build_site(
    entries: Sequence[Entry],
    config: Config,
    *,
    bodies: Mapping[str, str],
    assets: Mapping[str, str],
    related: Mapping[str, Sequence[str]] | None = None,
    search: bool = True,
    abstracts: Mapping[str, str] | None = None,
) -> Site:
    """The whole site model.

    `bodies` maps slug -> rendered HTML, `abstracts` slug -> the body as plain text
    (see `plain_text`; made here when not given), `assets` name -> URL, `related` slug ->
    the slugs of related papers (see `related.py`); `search` adds the search page.
    """
    tags = _collect_tags(entries, config)
    tag_by_slug = {t.slug: t for t in tags}
    taxonomies = tuple(terms for terms in collect_terms(entries, config) if terms.terms)
    refs = {terms.taxonomy.name: terms.refs for terms in taxonomies}
    abstracts = abstracts or {}
    papers = sort_papers(
        (paper_view(e, config, bodies.get(e.slug, ""), abstracts.get(e.slug), tag_by_slug, refs) for e in entries),
        config.sort,
    )
    calendar = build_calendar(papers, config.base_path)
    site_feeds = _alternates(config.title, config.origin + config.base_path)
    pages = _home_pages(papers, calendar, config, site_feeds)
    find = related_finder(papers, related or {})
    for i, paper in enumerate(papers):
        newer, older = papers[i - 1] if i > 0 else None, papers[i + 1] if i + 1 < len(papers) else None
        pages.append(paper_page(paper, prev=newer, next=older, related=find(paper.slug), feeds=site_feeds))
    feeds = list(_feeds(f"{config.title}", config.description, "", config.base_path, papers, config))
    by_tag: dict[str, list[PaperView]] = defaultdict(list)
    for paper in papers:
        for ref in paper.tags:
            by_tag[ref.slug].append(paper)
    for tag in tags:
        pages += _tag_pages(tag, by_tag[tag.slug], config, site_feeds)
        description = tag.description or f"Papers tagged {tag.name}."
        feeds += _feeds(
            f"{config.title}: {tag.name}", description, f"tags/{tag.slug}/", tag.url, by_tag[tag.slug], config
        )
    for terms in taxonomies:
        pages += _taxonomy_index_pages(terms, config, site_feeds)
        by_term = _papers_by_term(papers, terms.taxonomy)
        for term in terms.terms:
            pages += _term_pages(terms.taxonomy, term, by_term[term.slug], config, site_feeds)
            if term.rss_url:
                feeds += _feeds(f"{config.title}: {_term_title(term)}", term.description, term.section, term.url,
                                by_term[term.slug], config, listed=term.taxonomy == CATEGORIES)  # fmt: skip
    pages += _day_pages(calendar, config, site_feeds)
    pages += _period_pages(calendar.weeks, calendar, config, site_feeds)
    pages += _period_pages(calendar.months, calendar, config, site_feeds)
    pages += _index_pages(tags, papers, calendar, config, site_feeds, search=search)
    info = _site_info(config, assets, tags, len(papers), search=search, taxonomies=taxonomies)
    site = Site(info=info, pages=tuple(pages), feeds=tuple(feeds), tags=tags, papers=tuple(papers))
    check_collisions(site)
    return site


def _alternates(title: str, base_url: str) -> Alternates:
    return (
        ("application/rss+xml", f"{title} (RSS)", base_url + "feed.xml"),
        ("application/atom+xml", f"{title} (Atom)", base_url + "atom.xml"),
        ("application/feed+json", f"{title} (JSON Feed)", base_url + "feed.json"),
    )


def _site_info(
    config: Config,
    assets: Mapping[str, str],
    tags: tuple[Tag, ...],
    papers: int,
    *,
    search: bool,
    taxonomies: Sequence[TaxonomyTerms] = (),
) -> SiteInfo:
    base = config.base_path
    return SiteInfo(
        title=config.title,
        description=config.description,
        base_url=config.origin + base,
        base_path=base,
        origin=config.origin,
        language=config.language,
        author=config.author,
        generator=f"paperfeed {__version__}",
        assets=dict(assets),
        extra=dict(config.extra),
        rss_url=base + "feed.xml",
        atom_url=base + "atom.xml",
        search_url=base + "search/",
        search=search,
        top_tags=tuple(sorted(tags, key=lambda t: (-t.count, t.slug))[:12]),
        paper_count=papers,
        sort=config.sort,
        taxonomies=tuple(terms.taxonomy for terms in taxonomies),
        venue_urls={
            term.slug: term.url for terms in taxonomies if terms.taxonomy.name == VENUES for term in terms.terms
        },
    )


def _home_pages(papers: Sequence[PaperView], calendar: Calendar, config: Config, feeds: Alternates) -> list[Page]:
    """The paginated listing of every paper, newest day first, each page's papers also by day."""
    pages = []
    for pager in paginate(papers, config.per_page, section="", base_path=config.base_path):
        title = config.title if pager.is_first else f"{config.title}, page {pager.number}"
        days = calendar.sections(pager.items, pager.offset)
        pages.append(
            Page("list.html", pager.path, pager.url, title, description=config.description, pager=pager, feeds=feeds,
                 days=days)
        )  # fmt: skip
    return pages


def _day_pages(calendar: Calendar, config: Config, feeds: Alternates) -> list[Page]:
    """The papers of each day in listing order, paginated, each page between the newer and the older day."""
    pages = []
    for i, day in enumerate(calendar.days):
        newer, older = neighbours(calendar.days, i)
        parents = calendar.parents(day)
        description = f"The {_count(day.count)} of {day.label}."
        for pager in paginate(
            calendar.papers[day.key], config.per_page, section=day.section, base_path=config.base_path
        ):
            title = day.label if pager.is_first else f"{day.label}, page {pager.number}"
            pages.append(
                Page("day.html", pager.path, pager.url, title, description=description, pager=pager, period=day,
                     newer=newer, older=older, parents=parents, feeds=feeds, lastmod=day.first)
            )  # fmt: skip
    return pages


def _period_pages(periods: Sequence[Period], calendar: Calendar, config: Config, feeds: Alternates) -> list[Page]:
    """A page per week or month (`week.html`, `month.html`): its days with their counts and top papers."""
    pages = []
    for i, period in enumerate(periods):
        newer, older = neighbours(periods, i)
        days = tuple(calendar.top(day, config.top_papers) for day in calendar.within(period))
        months = (calendar.grid(period),) if period.kind == "month" else ()
        description = f"The {_count(period.count)} of {period.label}, day by day."
        pages.append(
            Page(f"{period.kind}.html", period.section + "index.html", period.url, period.label,
                 description=description, period=period, newer=newer, older=older, parents=calendar.parents(period),
                 days=days, months=months, feeds=feeds, lastmod=days[0].day.first)
        )  # fmt: skip
    return pages


def _count(papers: int) -> str:
    return f"{papers} paper" if papers == 1 else f"{papers} papers"


def _tag_pages(tag: Tag, papers: Sequence[PaperView], config: Config, site_feeds: Alternates) -> list[Page]:
    """The paginated listing of one tag's papers; its pages link the tag's feeds, then the site's."""
    tag_feeds = (
        ("application/rss+xml", f"{config.title}: {tag.name} (RSS)", config.origin + tag.rss_url),
        ("application/atom+xml", f"{config.title}: {tag.name} (Atom)", config.origin + tag.atom_url),
        ("application/feed+json", f"{config.title}: {tag.name} (JSON Feed)", config.origin + tag.url + "feed.json"),
    )
    pages = []
    for pager in paginate(papers, config.per_page, section=f"tags/{tag.slug}/", base_path=config.base_path):
        title = f"{tag.name}" if pager.is_first else f"{tag.name}, page {pager.number}"
        description = tag.description or f"Papers tagged {tag.name}"
        pages.append(
            Page(
                "tag.html",
                pager.path,
                pager.url,
                title,
                description=description,
                pager=pager,
                tag=tag,
                feeds=tag_feeds + site_feeds,
            )  # fmt: skip
        )
    return pages


def _term_title(term: Term) -> str:
    """How a page's title and its feeds name a term: `Yuhan Liu`, `Computation and Language (cs.CL)`."""
    return f"{term.name} ({term.code})" if term.code and term.code != term.name else term.name


def _papers_by_term(papers: Sequence[PaperView], taxonomy: Taxonomy) -> dict[str, list[PaperView]]:
    """slug -> the papers of each term with a page, in listing order."""
    by_term: dict[str, list[PaperView]] = defaultdict(list)
    for paper in papers:
        if taxonomy.name == VENUES:
            if paper.venue:
                by_term[paper.venue.slug].append(paper)
            continue
        refs = paper.author_refs if taxonomy.name == AUTHORS else paper.category_refs
        for slug in dict.fromkeys(ref.slug for ref in refs if ref.url):  # two authors of one name: one listing
            by_term[slug].append(paper)
    return by_term


def _term_pages(
    taxonomy: Taxonomy, term: Term, papers: Sequence[PaperView], config: Config, site_feeds: Alternates
) -> list[Page]:
    """One author's, category's or venue's papers, paginated; its pages link its feeds, then the site's."""
    name = _term_title(term)
    feeds: Alternates = ()
    if term.rss_url:
        feeds = (
            ("application/rss+xml", f"{config.title}: {name} (RSS)", config.origin + term.rss_url),
            ("application/atom+xml", f"{config.title}: {name} (Atom)", config.origin + term.atom_url),
            ("application/feed+json", f"{config.title}: {name} (JSON Feed)", config.origin + term.json_url),
        )
    pages = []
    for pager in paginate(papers, config.per_page, section=term.section, base_path=config.base_path):
        title = name if pager.is_first else f"{name}, page {pager.number}"
        pages.append(
            Page("term.html", pager.path, pager.url, title, description=term.description, pager=pager,
                 taxonomy=taxonomy, term=term, feeds=feeds + site_feeds)
        )  # fmt: skip
    return pages


def _taxonomy_index_pages(terms: TaxonomyTerms, config: Config, feeds: Alternates) -> list[Page]:
    """A taxonomy's index, by name and by count, each split into pages of `terms_per_page`."""
    taxonomy = terms.taxonomy
    count = len(terms.terms)
    noun = taxonomy.singular if count == 1 else taxonomy.name
    description = f"The {count} {'arXiv ' if taxonomy.name == CATEGORIES else ''}{noun} of {config.title}"
    least = {AUTHORS: config.author_min_papers, VENUES: config.venue_min_papers}.get(taxonomy.name, 1)
    if least > 1:
        description += f" with at least {least} papers"
    pages = []
    for index in index_pages(terms, config):
        pager = index.pager
        title = taxonomy.title if index.sort == "name" else f"{taxonomy.title} by count"
        title = title if pager.is_first else f"{title}, page {pager.number}"
        pages.append(
            Page("terms.html", pager.path, pager.url, title,
                 description=description + (", most papers first" if index.sort == "count" else ""),
                 taxonomy=taxonomy, term_pager=pager, sort=index.sort, groups=index.groups, jumps=index.jumps,
                 feeds=feeds)
        )  # fmt: skip
    return pages


def _index_pages(
    tags: tuple[Tag, ...],
    papers: Sequence[PaperView],
    calendar: Calendar,
    config: Config,
    feeds: Alternates,
    *,
    search: bool,
) -> list[Page]:
    """The tag index (by name and by count), the search page, the archive and the 404 page."""
    base, title = config.base_path, config.title
    by_count = tuple(sorted(tags, key=lambda t: (-t.count, t.name.casefold(), t.slug)))
    pages = [
        Page("tags.html", "tags/index.html", base + "tags/", "Tags", description=f"All {len(tags)} tags of {title}",
             tags=tags, sort="name", feeds=feeds),
        Page("tags.html", "tags/by-count/index.html", base + "tags/by-count/", "Tags by count",
             description=f"All {len(tags)} tags of {title}, most papers first", tags=by_count, sort="count",
             feeds=feeds),
    ]  # fmt: skip
    if search:
        pages.append(
            Page(
                "search.html",
                "search/index.html",
                base + "search/",
                "Search",
                description=f"Search the {len(papers)} papers of {title}",
                feeds=feeds,
                in_sitemap=False,
            )  # fmt: skip
        )
    pages.append(
        Page(
            "archive.html",
            "archive/index.html",
            base + "archive/",
            "Archive",
            description=f"Every day of {title} with papers, month by month",
            months=tuple(calendar.grid(month) for month in calendar.months),
            feeds=feeds,
        )  # fmt: skip
    )
    pages.append(Page("404.html", "404.html", base + "404.html", "Page not found", feeds=feeds, in_sitemap=False))
    return pages


def related_finder(
    papers: Sequence[PaperView],
    related: Mapping[str, Sequence[str]],
) -> Callable[[str], tuple[PaperView, ...]]:
    """slug -> the papers `related` names for it (slug -> slugs), those of `papers` only."""
    by_slug = {paper.slug: paper for paper in papers}
    return lambda slug: tuple(by_slug[s] for s in related.get(slug, ()) if s in by_slug)


def page_with_related(page: Page, find: Callable[[str], tuple[PaperView, ...]]) -> Page:
    """A paper page, built before related papers were known, with those `find` gives (see `related_finder`)."""
    assert page.paper is not None
    return paper_page(page.paper, prev=page.prev, next=page.next, related=find(page.paper.slug), feeds=page.feeds)


def with_related(site: Site, related: Mapping[str, Sequence[str]]) -> Site:
    """The site with the related papers of each paper page set from `related` (slug -> slugs),
    for a model built before they were known; the same as `build_site(..., related=related)`."""
    find = related_finder(site.papers, related)
    return replace(
        site, pages=tuple(page if page.paper is None else page_with_related(page, find) for page in site.pages)
    )


def paper_page_path(slug: str) -> str:
    return f"papers/{slug}/index.html"


PAPER_PAGES = "papers/*/index.html"  # every `paper_page_path`, as a glob


def is_paper_page(path: str) -> bool:
    """Whether the site path `path` is a paper's page (matches PAPER_PAGES)."""
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "papers" and parts[2] == "index.html"


def paper_page(
    paper: PaperView,
    *,
    prev: PaperView | None,
    next: PaperView | None,
    related: tuple[PaperView, ...],
    feeds: tuple[tuple[str, str, str], ...],
) -> Page:
    """The page of one paper, between its newer (`prev`) and older (`next`) neighbours."""
    return Page(
        "paper.html",
        paper_page_path(paper.slug),
        paper.url,
        paper.title,
        description=paper.summary,
        paper=paper,
        prev=prev,
        next=next,
        related=related,
        feeds=feeds,
        lastmod=paper.date,
    )


def check_collisions(site: Site) -> None:
    """Raise `BuildError` naming every output path that two things would write."""
    owners: dict[str, list[str]] = defaultdict(list)
    for page in site.pages:
        owners[page.path].append(f"{page.template} ({page.title})")
    for feed in site.feeds:
        owners[feed.path].append(f"{feed.kind} feed ({feed.title})")
    for paper in site.papers:
        if paper.bib_path:
            owners[paper.bib_path].append(f"BibTeX of {paper.slug}")
    for path in site.extra_paths:
        owners[path].append(path)
    clashes = {path: who for path, who in owners.items() if len(who) > 1}
    if clashes:
        lines = [f"  {path}: {', '.join(who)}" for path, who in sorted(clashes.items())]
        raise BuildError("two pages would be written to the same file:\n" + "\n".join(lines))


def _collect_tags(entries: Sequence[Entry], config: Config) -> tuple[Tag, ...]:
    counts: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e.slug):
        seen = set()
        for name in entry.tags:
            slug = tag_slug(name)
            if not slug or slug in seen:
                continue  # "Graph" and "graph" on one paper are one tag, counted once
            seen.add(slug)
            counts[slug] += 1
            names.setdefault(slug, name)
    base = config.base_path
    tags = []
    for slug in sorted(counts):
        spec = config.taxonomy.get(slug)
        tags.append(
            Tag(
                slug=slug,
                name=spec.name if spec else names[slug],
                description=spec.description if spec else "",
                count=counts[slug],
                url=f"{base}tags/{slug}/",
                rss_url=f"{base}tags/{slug}/feed.xml",
                atom_url=f"{base}tags/{slug}/atom.xml",
            )
        )
    return tuple(sorted(tags, key=lambda t: (t.name.casefold(), t.slug)))


def paper_view(
    entry: Entry,
    config: Config,
    html: str,
    plain: str | None,
    tags: Mapping[str, Tag],
    terms: Mapping[str, Mapping[str, TermRef]] | None = None,
) -> PaperView:
    """A paper as templates and feeds see it; `terms` maps each taxonomy with pages (`authors`,
    `categories`) to the refs of the names or codes papers write (see `TaxonomyTerms.refs`)."""
    terms = terms or {}
    url = f"{config.base_path}papers/{entry.slug}/"
    refs: list[TagRef] = []
    for name in entry.tags:
        tag = tags.get(tag_slug(name))
        if tag and all(r.slug != tag.slug for r in refs):
            refs.append(TagRef(tag.slug, tag.name, tag.url))
    links = tuple(
        Link(kind, LINK_LABELS.get(kind, kind.replace("_", " ").capitalize()), url_)
        for kind, url_ in entry.links.items()
        if is_http_url(url_)
    )
    if plain is None:
        plain = plain_text(entry.body)
    return PaperView(
        slug=entry.slug,
        title=entry.title,
        date=entry.date,
        url=url,
        abs_url=config.origin + url,
        guid=paper_guid(entry.slug, config.base_url),
        tags=tuple(refs),
        links=links,
        authors=entry.authors,
        sources=tuple((s.name, s.seen) for s in entry.sources),
        summary=summarize_plain(plain, config.summary_chars),
        html=html,
        extra=entry.extra,
        abstract=plain,
        bib_url=f"{url}{entry.slug}.bib" if config.bib_files else "",
        bib_path=f"papers/{entry.slug}/{entry.slug}.bib" if config.bib_files else "",
        dated=entry.date_from != "ingest",
        rank=entry.rank,
        draft=entry.draft,
        day_url=day_url(entry.date, config.base_path),
        author_refs=author_refs(entry.authors, terms.get(AUTHORS, {})),
        category_refs=category_refs(entry.categories, terms.get(CATEGORIES, {})),
        venue=venue_ref(entry.journal_ref),
        **{name: getattr(entry, name) for name in SCHOLARLY_FIELDS},
    )


FEED_FORMATS = (("rss", "feed.xml"), ("atom", "atom.xml"), ("json", "feed.json"))
FEED_LINK_KINDS = ("arxiv", "pdf", "code", "project")  # the links a feed item offers, in this order
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _feeds(
    title: str,
    subtitle: str,
    section: str,
    page_url: str,
    papers: Sequence[PaperView],
    config: Config,
    *,
    listed: bool = True,
) -> Iterable[FeedSpec]:
    """The RSS, Atom and JSON feeds of one listing; `papers` in listing order, newest day first."""
    items = feed_papers(papers, days=config.feed_days, limit=config.feed_items)
    published = feed_times(items)
    base = config.origin + config.base_path
    listing = feed_id(config.base_url, section)
    for kind, name in FEED_FORMATS:
        yield FeedSpec(
            kind=kind,
            path=section + name,
            url=base + section + name,
            id=listing,
            title=title,
            subtitle=subtitle,
            link=config.origin + page_url,
            items=items,
            published=published,
            updated=max(published, default=EPOCH),
            listed=listed,
        )


def feed_papers(papers: Sequence[PaperView], *, days: int, limit: int) -> tuple[PaperView, ...]:
    """The papers of a feed: all those of the `days` newest days among `papers`, in their order.

    A day is never split: older days join only while the count stays within `limit`, and the
    newest day is carried whole however many papers it has, since a day cut short would lose its
    last-ranked papers for good.
    """
    sizes = Counter(paper.date for paper in papers)
    chosen: set[dt.date] = set()
    count = 0
    for day in sorted(sizes, reverse=True)[:days]:
        if chosen and count + sizes[day] > limit:
            break
        chosen.add(day)
        count += sizes[day]
    return tuple(paper for paper in papers if paper.date in chosen)


def feed_times(items: Sequence[PaperView]) -> tuple[dt.datetime, ...]:
    """Each item's time: its day at midnight UTC, plus a second for every paper of that day after it.

    Readers list items newest first, so they show a day in its listing order (the first-ranked
    paper the newest); times stay within the day and never depend on the clock.
    """
    left = Counter(paper.date for paper in items)
    times = []
    for paper in items:
        left[paper.date] -= 1
        midnight = dt.datetime(paper.date.year, paper.date.month, paper.date.day, tzinfo=dt.timezone.utc)
        times.append(midnight + dt.timedelta(seconds=min(left[paper.date], 86399)))
    return tuple(times)


def feed_links(paper: PaperView) -> tuple[Link, ...]:
    """The links a feed item gives besides the paper's page: arXiv, PDF, code and project page;
    arXiv and PDF from the paper's arXiv id when its links have none."""
    urls = {link.kind: link.url for link in paper.links}
    identifier = arxiv_id(paper.arxiv) if paper.arxiv else ""
    if identifier:
        for kind, url in arxiv_links(identifier).items():
            urls.setdefault(kind, url)
    return tuple(Link(kind, LINK_LABELS[kind], urls[kind]) for kind in FEED_LINK_KINDS if kind in urls)
