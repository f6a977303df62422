"""The site model: entries + config -> every page, feed and URL of the site, as plain data.

No file system and no Jinja here: `build_site` is a pure function, so the
model can be tested directly and rendered in any order or in parallel. Only
this module computes URLs and output paths.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .. import __version__
from ..config import Config
from ..content.entry import Entry
from ..errors import BuildError
from ..ids import is_http_url, tag_slug
from .cite import format_bibtex
from .pagination import Pager, paginate
from .records import SCHOLARLY_FIELDS, Scholarly
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
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
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

    @property
    def code_url(self) -> str | None:
        return next((link.url for link in self.links if link.kind == "code"), None)

    @property
    def bibtex(self) -> str:
        """The paper as a BibTeX entry; derived from the fields above, so made only where shown."""
        return format_bibtex(
            slug=self.slug,
            title=self.title,
            authors=self.authors,
            date=self.published or self.date,
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
class Month:
    key: str  # "2024-03"
    label: str  # "March 2024"
    papers: tuple[PaperView, ...]


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
    months: tuple[Month, ...] = ()
    feeds: tuple[tuple[str, str, str], ...] = ()  # (type, title, absolute url) for <link rel=alternate>
    lastmod: dt.date | None = None
    in_sitemap: bool = True


@dataclass(frozen=True, slots=True)
class FeedSpec:
    kind: str  # "rss" or "atom"
    path: str
    url: str  # absolute
    id: str
    title: str
    subtitle: str
    link: str  # absolute URL of the HTML page the feed mirrors
    items: tuple[PaperView, ...]
    updated: dt.date


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


@dataclass(frozen=True, slots=True)
class Site:
    info: SiteInfo
    pages: tuple[Page, ...]
    feeds: tuple[FeedSpec, ...]
    tags: tuple[Tag, ...]
    papers: tuple[PaperView, ...]
    extra_paths: tuple[str, ...] = field(default=("sitemap.xml", "robots.txt", "feeds.opml"))


def paper_guid(slug: str) -> str:
    """A feed GUID that depends on the slug alone, so title or base_url changes never alter it."""
    return _uuid5_urn(slug)


def _uuid5_urn(name: str) -> str:
    return uuid.uuid5(GUID_NAMESPACE, name).urn


def sort_papers(papers: Iterable[PaperView]) -> list[PaperView]:
    """Newest first; same-day papers by slug so the order never depends on input order."""
    return sorted(papers, key=lambda p: (-p.date.toordinal(), p.slug))


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
    abstracts = abstracts or {}
    papers = sort_papers(
        paper_view(e, config, bodies.get(e.slug, ""), abstracts.get(e.slug), tag_by_slug) for e in entries
    )
    site_feeds = _alternates(config.title, config.origin + config.base_path)
    pages = _home_pages(papers, config, site_feeds)
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
    pages += _index_pages(tags, papers, config, site_feeds, search=search)
    info = _site_info(config, assets, tags, len(papers), search=search)
    site = Site(info=info, pages=tuple(pages), feeds=tuple(feeds), tags=tags, papers=tuple(papers))
    check_collisions(site)
    return site


def _alternates(title: str, base_url: str) -> Alternates:
    return (
        ("application/rss+xml", f"{title} (RSS)", base_url + "feed.xml"),
        ("application/atom+xml", f"{title} (Atom)", base_url + "atom.xml"),
    )


def _site_info(
    config: Config, assets: Mapping[str, str], tags: tuple[Tag, ...], papers: int, *, search: bool
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
        rss_url=base + "feed.xml",
        atom_url=base + "atom.xml",
        search_url=base + "search/",
        search=search,
        top_tags=tuple(sorted(tags, key=lambda t: (-t.count, t.slug))[:12]),
        paper_count=papers,
    )


def _home_pages(papers: Sequence[PaperView], config: Config, feeds: Alternates) -> list[Page]:
    """The paginated listing of every paper, newest first."""
    pages = []
    for pager in paginate(papers, config.per_page, section="", base_path=config.base_path):
        title = config.title if pager.is_first else f"{config.title}, page {pager.number}"
        pages.append(
            Page("list.html", pager.path, pager.url, title, description=config.description, pager=pager, feeds=feeds)
        )
    return pages


def _tag_pages(tag: Tag, papers: Sequence[PaperView], config: Config, site_feeds: Alternates) -> list[Page]:
    """The paginated listing of one tag's papers; its pages link the tag's feeds, then the site's."""
    tag_feeds = (
        ("application/rss+xml", f"{config.title}: {tag.name} (RSS)", config.origin + tag.rss_url),
        ("application/atom+xml", f"{config.title}: {tag.name} (Atom)", config.origin + tag.atom_url),
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


def _index_pages(
    tags: tuple[Tag, ...], papers: Sequence[PaperView], config: Config, feeds: Alternates, *, search: bool
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
            description=f"Every paper of {title} by month",
            months=_months(papers),
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


def paper_view(entry: Entry, config: Config, html: str, plain: str | None, tags: Mapping[str, Tag]) -> PaperView:
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
        guid=paper_guid(entry.slug),
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
        **{name: getattr(entry, name) for name in SCHOLARLY_FIELDS},
    )


def _months(papers: Sequence[PaperView]) -> tuple[Month, ...]:
    groups: dict[str, list[PaperView]] = defaultdict(list)
    for paper in papers:
        groups[f"{paper.date.year:04d}-{paper.date.month:02d}"].append(paper)
    return tuple(
        Month(key=key, label=f"{MONTH_NAMES[int(key[5:]) - 1]} {key[:4]}", papers=tuple(items))
        for key, items in sorted(groups.items(), reverse=True)
    )


def _feeds(
    title: str, subtitle: str, section: str, page_url: str, papers: Sequence[PaperView], config: Config
) -> Iterable[FeedSpec]:
    items = tuple(papers[: config.feed_items])  # callers pass papers already in feed order
    updated = items[0].date if items else dt.date(1970, 1, 1)
    origin = config.origin
    for kind, name in (("rss", "feed.xml"), ("atom", "atom.xml")):
        path = f"{section}{name}"
        url = origin + config.base_path + path
        yield FeedSpec(
            kind=kind,
            path=path,
            url=url,
            id=_uuid5_urn("feed:" + section),
            title=title,
            subtitle=subtitle,
            link=origin + page_url,
            items=items,
            updated=updated,
        )
