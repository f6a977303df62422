"""Merging: parsed `Paper` records + the entries content/ holds -> the entries to write.

Two records are one paper when they share an arXiv id, a DOI, or a title
that nothing contradicts (model/identity.py: ids, DOIs, years and authors
that differ keep two same-titled papers apart), so a paper first seen by
title (a page dump) and later by id (the arXiv API) is one entry. The plan
lists each merge made by title alone. An existing entry keeps its slug
(URLs never change) and its date, unless that date was only a fallback
(`date_from: ingest`) and a source now gives one; it keeps every field it
already has, unless `refresh` is asked for; a merge adds the sources, links,
authors and identifiers it lacks, to fields no person has changed since
ingest wrote them (content/provenance.py). Auto-tagging runs once, when an
entry is created; source tags the taxonomy lacks are only keywords for it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from anyascii import anyascii

from ..content.arxiv_categories import categories_named
from ..content.entry import Entry
from ..content.provenance import remember, untouched
from ..content.taxonomy import Tagger, unique_tags
from ..ids import slugify, unique_slug
from ..model.identity import PaperIndex, identity
from ..model.records import SCHOLARLY_FIELDS, Paper, Source

# Fields copied from a paper into an entry that lacks them (or, with refresh, always);
# categories are merged as a list instead.
_SCALARS = tuple(name for name in SCHOLARLY_FIELDS if name != "categories")


@dataclass
class MergePlan:
    """What an ingest does: entries to create and update, slugs left alone, records skipped with reasons."""

    new: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    before: dict[str, Entry] = field(default_factory=dict)  # each updated entry as its file reads now
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (title, reason)
    records: int = 0  # the paper records merged
    title_matches: list[TitleMatch] = field(default_factory=list)  # records that matched by title alone

    @property
    def writes(self) -> list[Entry]:
        return self.new + self.updated

    @property
    def duplicates(self) -> int:
        """Records that were the same paper as another record of this ingest, and were combined with it."""
        return self.records - len(self.new) - len(self.updated) - len(self.unchanged) - len(self.skipped)


@dataclass(frozen=True)
class TitleMatch:
    """A record that joined a paper or an entry by its title alone: no arXiv id or DOI said so."""

    record: str  # where the record is: `source:line`
    title: str
    slug: str = ""  # the entry it joined or made


def _author_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", anyascii(name).lower()).strip()


def _union_authors(first: Iterable[str], more: Iterable[str]) -> tuple[str, ...]:
    """`first`, then the names of `more` it lacks. Repeats stay: two different people may share a
    name on one paper, so a name counts as missing only while `more` names it more often."""
    out = list(first)
    have = Counter(_author_key(name) or name for name in out)
    seen: Counter[str] = Counter()
    for name in more:
        key = _author_key(name) or name
        seen[key] += 1
        if seen[key] > have[key]:
            out.append(name)
            have[key] += 1
    return tuple(out)


def _union(first: Iterable[str], more: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *more)))


def _union_sources(first: Iterable[Source], more: Iterable[Source]) -> tuple[Source, ...]:
    out: dict[str, Source] = {}
    for source in (*first, *more):
        out.setdefault(source.name, source)
    return tuple(out.values())


_PRECISION = {"year": 1, "month": 2, "day": 3}


def _sharper(mine: Paper | Entry, theirs: Paper) -> bool:
    """Whether `theirs` knows the publication date more precisely than `mine` and agrees with it as far
    as `mine` goes (2017 and 2017-06-12; 2017-06 and 2017-06-12): the sharper date then wins."""
    if mine.published is None or theirs.published is None:
        return False
    known = _PRECISION.get(mine.published_precision, 3)
    if _PRECISION.get(theirs.published_precision, 3) <= known:
        return False
    return (mine.published.year, mine.published.month)[:known] == (theirs.published.year, theirs.published.month)[
        :known
    ]


def _combine_two(first: Paper, other: Paper) -> Paper:
    scalars: dict[str, Any] = {}
    for name in _SCALARS:
        mine, theirs = getattr(first, name), getattr(other, name)
        if isinstance(mine, tuple):
            scalars[name] = _union(mine, theirs)
        else:
            scalars[name] = mine if mine not in ("", None) else theirs
    if _sharper(first, other):
        scalars["published"], scalars["published_precision"] = other.published, other.published_precision
    # The earliest date a source gave; a fallback date only when no source gave one.
    dates = [paper.date for paper in (first, other) if paper.dated] or [first.date, other.date]
    return replace(
        first,
        abstract=first.abstract or other.abstract,
        date=min(dates),
        dated=first.dated or other.dated,
        sources=_union_sources(first.sources, other.sources),
        links={**other.links, **first.links},
        authors=_union_authors(first.authors, other.authors),
        tags=unique_tags((*first.tags, *other.tags)),
        keywords=_union(first.keywords, other.keywords),
        categories=_union(first.categories, other.categories),
        update_only=first.update_only and other.update_only,
        **scalars,
    )


@dataclass
class _Group:
    """The records of one ingest that are one paper, combined; those that joined by title alone."""

    paper: Paper
    records: int = 1
    by_title: list[TitleMatch] = field(default_factory=list)


def _where(paper: Paper) -> str:
    """Where a record is, for messages: `source:line`."""
    name = paper.sources[0].name if paper.sources else "?"
    return f"{name}:{paper.line}" if paper.line else name


def _group(papers: Iterable[Paper]) -> list[_Group]:
    """The records of one ingest gathered into papers, in first-seen order (see `combine`)."""
    groups: list[_Group] = []
    index: PaperIndex[int] = PaperIndex()
    for paper in papers:
        record = identity(paper)
        slot, by_title = index.find(record)
        if slot is None:
            slot = len(groups)
            groups.append(_Group(paper))
        else:
            group = groups[slot]
            group.paper = _combine_two(group.paper, paper)
            group.records += 1
            if by_title:
                group.by_title.append(TitleMatch(_where(paper), paper.title))
        index.add(slot, identity(groups[slot].paper), record)
    return groups


def combine(papers: Iterable[Paper]) -> list[Paper]:
    """One paper per identity (see model/identity.py), in first-seen order, with every duplicate's data."""
    return [group.paper for group in _group(papers)]


def _as_taxonomy_sees_it(paper: Paper, tagger: Tagger) -> Paper:
    """The paper with keywords that name arXiv categories (Zotero's 'Computer Science - Machine
    Learning', or cs.LG) as categories, source tags the taxonomy lacks as keywords, and as tags:
    the taxonomy tags of its categories first, then its own, then those its keywords name."""
    categories = _union(paper.categories, categories_named((*paper.tags, *paper.keywords)))
    stated, others = tagger.sort_tags(tag for tag in paper.tags if not categories_named([tag]))
    keywords = tuple(word for word in _union(paper.keywords, others) if not categories_named([word]))
    tags = unique_tags((*tagger.category_tags(categories), *stated, *tagger.named_tags(keywords)))
    return replace(paper, tags=tags, keywords=keywords, categories=categories)


def plan_merge(
    papers: Iterable[Paper], existing: Iterable[Entry], tagger: Tagger, *, refresh: bool = False
) -> MergePlan:
    """Decide, for each distinct paper, whether it creates, updates or leaves an entry."""
    current: dict[str, Entry] = {}  # slug -> entry as it will be
    index: PaperIndex[str] = PaperIndex()
    for entry in existing:
        current[entry.slug] = entry
        index.add(entry.slug, identity(entry))
    originals = dict(current)
    plan = MergePlan()
    touched: list[str] = []
    for group in _group(papers):
        plan.records += group.records
        paper = _as_taxonomy_sees_it(group.paper, tagger)
        record = identity(paper)
        slug, by_title = index.find(record)
        if slug is None:
            if paper.update_only:
                plan.skipped.append((paper.title, "replacement of a paper that is not in content/"))
                continue
            entry = new_entry(paper, slug=unique_slug(slugify(paper.title), current.keys()), tagger=tagger)
        else:
            entry = merge_into(current[slug], paper, tagger=tagger, refresh=refresh)
            if by_title and entry != current[slug]:
                plan.title_matches.append(TitleMatch(_where(paper), paper.title, slug))
        plan.title_matches.extend(replace(match, slug=entry.slug) for match in group.by_title)
        current[entry.slug] = entry
        index.add(entry.slug, identity(entry), record)
        if entry.slug not in touched:
            touched.append(entry.slug)
    for slug in touched:
        entry = current[slug]
        if slug not in originals:
            plan.new.append(entry)
        elif entry != originals[slug]:
            plan.updated.append(entry)
            plan.before[slug] = originals[slug]
        else:
            plan.unchanged.append(slug)
    # A match that changed nothing (a source read again) merged nothing worth telling.
    written = {entry.slug for entry in plan.writes}
    plan.title_matches = [match for match in plan.title_matches if match.slug in written]
    return plan


def new_entry(paper: Paper, *, slug: str, tagger: Tagger) -> Entry:
    """The entry a paper first gets: its source tags, then the taxonomy's."""
    auto = tagger.tags_for(paper.title, paper.abstract, paper.keywords)
    tags = unique_tags((*paper.tags, *auto))[: max(tagger.max_tags, len(paper.tags))]
    return remember(
        None,
        Entry(
            slug=slug,
            title=paper.title,
            date=paper.date,
            date_from="" if paper.dated else "ingest",
            body=paper.abstract,
            tags=tags,
            links=dict(paper.links),
            authors=paper.authors,
            sources=paper.sources,
            categories=paper.categories,
            keywords=paper.keywords,
            rank=paper.rank,  # the source's order of the paper's day, which orders the day's page
            **{name: getattr(paper, name) for name in _SCALARS},
        ),
    )


def merge_into(entry: Entry, paper: Paper, *, tagger: Tagger, refresh: bool = False) -> Entry:
    """An existing entry with what it lacks from the paper; with `refresh`, the paper's values win.

    Slug and date never change, except a fallback date (`date_from: ingest`),
    which the first date a source gives replaces. A field a person changed since
    ingest last wrote it (see content/provenance.py) is left as it is, unless `refresh`.
    """

    def ours(name: str) -> bool:  # ingest may still update the field
        return refresh or untouched(entry, name)

    tags = entry.tags
    if ours("tags"):
        tags = unique_tags((*entry.tags, *paper.tags, *tagger.keyword_tags(paper.keywords)))
    links = dict(entry.links)
    if ours("links"):
        for kind, url in paper.links.items():
            if refresh or (kind not in links and url not in links.values()):
                links[kind] = url
    scalars = {}
    for name in _SCALARS:
        mine, theirs = getattr(entry, name), getattr(paper, name)
        fill = theirs not in ("", None) and (refresh or (mine in ("", None) and ours(name)))
        scalars[name] = theirs if fill else mine
    if ours("published") and _sharper(entry, paper):
        scalars["published"], scalars["published_precision"] = paper.published, paper.published_precision
    authors = entry.authors
    if refresh and paper.authors:
        authors = paper.authors
    elif ours("authors"):
        authors = _union_authors(entry.authors, paper.authors)
    # A fallback date gives way to the first real one, unless a person set the date by hand.
    real_date = bool(entry.date_from) and paper.dated and untouched(entry, "date")
    merged = replace(
        entry,
        title=paper.title if refresh and paper.title else entry.title,
        date=paper.date if real_date else entry.date,
        date_from="" if real_date else entry.date_from,
        body=paper.abstract if paper.abstract and (refresh or (not entry.body and ours("body"))) else entry.body,
        tags=tags,
        links=links,
        authors=authors,
        categories=_union(entry.categories, paper.categories) if ours("categories") else entry.categories,
        keywords=_union(entry.keywords, paper.keywords) if ours("keywords") else entry.keywords,
        sources=_union_sources(entry.sources, paper.sources) if ours("sources") else entry.sources,
        **scalars,
    )
    return entry if merged == entry else remember(entry, merged)
