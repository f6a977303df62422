"""`paperfeed retag`: apply the taxonomy again to the entries in content/.

The taxonomy's tags for each entry's title and abstract are added to the
tags it has; none is taken away. An entry whose tags a person changed since
ingest wrote them (see content/provenance.py) is left alone unless
`edited` is asked for.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..config import Config
from ..errors import SourceError
from .entry import load_entries, write_entries
from .provenance import remember, untouched
from .taxonomy import Tagger, unique_tags


def retag(
    root: Path, config: Config, *, dry_run: bool = False, edited: bool = False
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(slug, old tags, new tags) for every entry that gains tags; written unless `dry_run`."""
    papers_dir = root / config.content_dir / "papers"
    entries, broken = load_entries(papers_dir, root)
    if broken:
        raise SourceError(broken)
    tagger = Tagger.from_taxonomy(config.taxonomy, config.max_tags)
    changes = []
    updated, before = [], {}
    for entry in entries:
        if not edited and not untouched(entry, "tags"):
            continue  # a person chose these tags
        tags = unique_tags((*entry.tags, *tagger.tags_for(entry.title, entry.body)))
        if tags != entry.tags:
            changes.append((entry.slug, entry.tags, tags))
            new = replace(entry, tags=tags)
            updated.append(remember(entry, new) if entry.ingested is not None else new)
            before[entry.slug] = entry
    if not dry_run:
        write_entries(papers_dir, updated, before)
    return changes
