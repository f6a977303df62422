"""Merging: parsed `Paper` records + the entries content/ holds -> the entries to write.

A paper's identity is its arXiv id when known and its normalised title
otherwise; either one matching makes two records the same paper, so a
paper first seen by title (a page dump) and later by id (the arXiv API) is
one entry. An existing entry keeps its slug and date (URLs and feed GUIDs
never change) and every field it already has, unless `refresh` is asked
for; a merge adds the sources, links, authors and identifiers it lacks, to
fields no person has changed since ingest wrote them (content/provenance.py).
Auto-tagging runs once, when an entry is created.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from anyascii import anyascii

from ..content.entry import Entry
from ..content.provenance import remember, untouched
from ..content.taxonomy import Tagger, unique_tags
from ..ids import paper_key, slugify, unique_slug
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

    @property
    def writes(self) -> list[Entry]:
        return self.new + self.updated


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


def _combine_two(first: Paper, other: Paper) -> Paper:
    scalars = {
        name: getattr(first, name) if getattr(first, name) not in ("", None) else getattr(other, name)
        for name in _SCALARS
    }
    return replace(
        first,
        abstract=first.abstract or other.abstract,
        date=min(first.date, other.date),
        sources=_union_sources(first.sources, other.sources),
        links={**other.links, **first.links},
        authors=_union_authors(first.authors, other.authors),
        tags=unique_tags((*first.tags, *other.tags)),
        keywords=_union(first.keywords, other.keywords),
        categories=_union(first.categories, other.categories),
        update_only=first.update_only and other.update_only,
        **scalars,
    )


def combine(papers: Iterable[Paper]) -> list[Paper]:
    """One paper per identity, in first-seen order, with every duplicate's data."""
    groups: list[Paper] = []
    index: dict[str, int] = {}
    for paper in papers:
        slot = next((index[k] for k in paper.keys if k in index), None)
        if slot is None:
            slot = len(groups)
            groups.append(paper)
        else:
            groups[slot] = _combine_two(groups[slot], paper)
        for key in groups[slot].keys:
            index.setdefault(key, slot)
    return groups


def entry_keys(entry: Entry) -> tuple[str, ...]:
    title = f"title:{paper_key(entry.title)}"
    return (f"arxiv:{entry.arxiv}", title) if entry.arxiv else (title,)


def plan_merge(
    papers: Iterable[Paper], existing: Iterable[Entry], tagger: Tagger, *, refresh: bool = False
) -> MergePlan:
    """Decide, for each distinct paper, whether it creates, updates or leaves an entry."""
    current: dict[str, Entry] = {}  # slug -> entry as it will be
    index: dict[str, str] = {}  # identity -> slug
    for entry in existing:
        current[entry.slug] = entry
        for key in entry_keys(entry):
            index.setdefault(key, entry.slug)
    originals = dict(current)
    plan = MergePlan()
    touched: list[str] = []
    for paper in combine(papers):
        slug = next((index[k] for k in paper.keys if k in index), None)
        if slug is None:
            if paper.update_only:
                plan.skipped.append((paper.title, "replacement of a paper that is not in content/"))
                continue
            entry = new_entry(paper, slug=unique_slug(slugify(paper.title), current.keys()), tagger=tagger)
        else:
            entry = merge_into(current[slug], paper, tagger=tagger, refresh=refresh)
        current[entry.slug] = entry
        for key in entry_keys(entry):
            index.setdefault(key, entry.slug)
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
            body=paper.abstract,
            tags=tags,
            links=dict(paper.links),
            authors=paper.authors,
            sources=paper.sources,
            categories=paper.categories,
            **{name: getattr(paper, name) for name in _SCALARS},
        ),
    )


def merge_into(entry: Entry, paper: Paper, *, tagger: Tagger, refresh: bool = False) -> Entry:
    """An existing entry with what it lacks from the paper; with `refresh`, the paper's values win.

    Slug and date never change. A field a person changed since ingest last
    wrote it (see content/provenance.py) is left as it is, unless `refresh`.
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
    authors = entry.authors
    if refresh and paper.authors:
        authors = paper.authors
    elif ours("authors"):
        authors = _union_authors(entry.authors, paper.authors)
    merged = replace(
        entry,
        title=paper.title if refresh and paper.title else entry.title,
        body=paper.abstract if paper.abstract and (refresh or (not entry.body and ours("body"))) else entry.body,
        tags=tags,
        links=links,
        authors=authors,
        categories=_union(entry.categories, paper.categories) if ours("categories") else entry.categories,
        sources=_union_sources(entry.sources, paper.sources) if ours("sources") else entry.sources,
        **scalars,
    )
    return entry if merged == entry else remember(entry, merged)
