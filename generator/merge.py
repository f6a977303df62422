"""Merging: parsed `Paper` records + the entries content/ holds -> the entries to write.

The same paper (same `paper_key`) arriving several times becomes one entry
listing every source. An existing entry keeps its slug, date, title, body
and tags: a merge only adds sources, links and authors it lacks, so nothing a
person edited is ever overwritten. New entries are auto-tagged once, here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .content import Entry
from .records import Paper, Source, paper_key, slugify, unique_slug
from .taxonomy import Tagger, unique_tags


@dataclass
class MergePlan:
    """What an ingest does: entries to create, entries to update, and slugs left as they were."""

    new: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def writes(self) -> list[Entry]:
        return self.new + self.updated


def combine(papers: Iterable[Paper]) -> list[Paper]:
    """One paper per key, in first-seen order, with every duplicate's sources, links and tags."""
    groups: dict[str, Paper] = {}
    for paper in papers:
        key = paper.key
        first = groups.get(key)
        groups[key] = paper if first is None else _combine_two(first, paper)
    return list(groups.values())


def _combine_two(first: Paper, other: Paper) -> Paper:
    return replace(
        first,
        abstract=first.abstract or other.abstract,
        date=min(first.date, other.date),
        sources=_union_sources(first.sources, other.sources),
        links={**other.links, **first.links},
        authors=_union(first.authors, other.authors),
        tags=unique_tags((*first.tags, *other.tags)),
    )


def _union(first: Iterable[str], more: Iterable[str]) -> tuple[str, ...]:
    out = list(first)
    out.extend(item for item in more if item not in out)
    return tuple(dict.fromkeys(out))


def _union_sources(first: Iterable[Source], more: Iterable[Source]) -> tuple[Source, ...]:
    out: dict[str, Source] = {}
    for source in (*first, *more):
        out.setdefault(source.name, source)
    return tuple(out.values())


def plan_merge(papers: Iterable[Paper], existing: Iterable[Entry], tagger: Tagger) -> MergePlan:
    """Decide, for each distinct paper, whether it creates, updates or leaves an entry."""
    by_key: dict[str, Entry] = {}
    taken: set[str] = set()
    for entry in existing:
        by_key.setdefault(paper_key(entry.title), entry)
        taken.add(entry.slug)
    plan = MergePlan()
    for paper in combine(papers):
        entry = by_key.get(paper.key)
        if entry is None:
            entry = new_entry(paper, slug=unique_slug(slugify(paper.title), taken), tagger=tagger)
            taken.add(entry.slug)
            by_key[paper.key] = entry
            plan.new.append(entry)
            continue
        merged = merge_into(entry, paper)
        if merged == entry:
            plan.unchanged.append(entry.slug)
        else:
            by_key[paper.key] = merged
            plan.updated.append(merged)
    return plan


def new_entry(paper: Paper, *, slug: str, tagger: Tagger) -> Entry:
    """The entry a paper first gets: its source tags plus the taxonomy's."""
    auto = tagger.tags_for(paper.title, paper.abstract)
    tags = unique_tags((*paper.tags, *auto))[: max(tagger.max_tags, len(paper.tags))]
    return Entry(slug=slug, title=paper.title, date=paper.date, body=paper.abstract, tags=tags,
                 links=dict(paper.links), authors=paper.authors, sources=paper.sources)


def merge_into(entry: Entry, paper: Paper) -> Entry:
    """An existing entry with what it lacks from the paper; every field it has is kept."""
    links = dict(entry.links)
    for kind, url in paper.links.items():
        if kind not in links and url not in links.values():
            links[kind] = url
    return replace(
        entry,
        links=links,
        authors=_union(entry.authors, paper.authors),
        sources=_union_sources(entry.sources, paper.sources),
        body=entry.body or paper.abstract,
    )
