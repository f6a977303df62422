"""`paperfeed retag`: re-apply the taxonomy to every entry in content/.

Taxonomy tags are recomputed from title and abstract; tags a person added
that are not in the taxonomy are kept, in front.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..config import Config
from ..errors import SourceError
from ..ids import tag_slug
from .entry import load_entries, write_entry
from .taxonomy import Tagger, unique_tags


def retag(root: Path, config: Config, *, dry_run: bool = False) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(slug, old tags, new tags) for every entry whose tags change; written unless `dry_run`."""
    papers_dir = root / config.content_dir / "papers"
    entries, broken = load_entries(papers_dir, root)
    if broken:
        raise SourceError(broken)
    tagger = Tagger.from_taxonomy(config.taxonomy, config.max_tags)
    changes = []
    for entry in entries:
        own = [t for t in entry.tags if tag_slug(t) not in config.taxonomy]
        tags = unique_tags((*own, *tagger.tags_for(entry.title, entry.body)))
        if tags != entry.tags:
            changes.append((entry.slug, entry.tags, tags))
            if not dry_run:
                write_entry(papers_dir, replace(entry, tags=tags))
    return changes
