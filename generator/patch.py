"""Patching the site after a few entries were edited, without building the whole model.

A full build stores, beside the site: every page and feed pickled with its
papers by slug (`cache.model_key`), every paper as the templates see it,
the site info, the tags and the document frequencies of related papers.
When the last build finished, no input but a few entries changed, and each
change keeps the site's shape (the same papers, dates and tags, and the same
TF-IDF vectors, so the same order, pages and related papers), the new model
differs from the old one in those papers alone. Only the outputs that hold
them are rendered, from their stored models with the new papers put in, and
moved into the site one file at a time. Any other change falls back to the
full build, which gives the same bytes.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import (BuildCache, Model, digest, folder_stamp, is_racy, load_model, model_key, paper_pickles,
                    relative_name, tree_stamp)
from .config import Config
from .content import ENTRY_SUFFIX, entry_paths, parse_entry_bytes
from .errors import SourceError

if TYPE_CHECKING:
    from .related import Frequencies
    from .site import SiteInfo, Tag

# More edited entries than this, and a full build (which renders in parallel) is no slower.
PATCH_LIMIT = 50


@dataclass(frozen=True)
class PatchState:
    """What the last full build leaves for patching: see the module docstring."""

    info: SiteInfo
    salt: bytes  # of model keys: generator version, theme, site info
    tags: tuple[Tag, ...]
    frequencies: Frequencies
    problems: bool  # some entries could not be read (they would need a full build to join)


def patch_inputs(config: Config, theme_dir: Path, *, strict: bool, search: bool) -> str:
    """Everything but the entries that the site depends on; a patch needs it unchanged."""
    return f"{config!r}\0{strict}\0{search}\0{tree_stamp([theme_dir], racy=True)}"


def try_patch(root: Path, config: Config, theme_dir: Path, cache: BuildCache, *, strict: bool,
              search: bool) -> tuple[int, int] | None:
    """Patch the site for edited entries; (papers, files written), or None when a full build is needed."""
    from .build import place, render_item
    from .markup import Markup, plain_text
    from .output import discard, new_staging, update_in_place
    from .related import terms_of
    from .render import make_environment
    from .site import Page, PaperView, paper_page, paper_view

    output = root / config.output_dir
    if search or cache.get_meta("site") != "complete" or cache.get_meta("output") != folder_stamp(output):
        return None
    state = cache.result("state", patch_inputs(config, theme_dir, strict=strict, search=search))
    if not isinstance(state, PatchState) or state.problems:
        return None
    stats = cache.entry_stats()
    paths = entry_paths(root / config.content_dir / "papers")
    if len(paths) != len(stats):
        return None
    edited: list[tuple[str, Path, bytes, os.stat_result]] = []
    touched: list[tuple[str, int, int]] = []
    for path in paths:
        shown = relative_name(path, root)
        row = stats.get(shown)
        if row is None:
            return None
        try:
            st = path.stat()
            if row[0] == st.st_mtime_ns and row[1] == st.st_size:
                continue
            if len(edited) >= PATCH_LIMIT:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        if digest(data) == row[2]:
            touched.append((shown, -1 if is_racy(st.st_mtime_ns) else st.st_mtime_ns, st.st_size))
        else:
            edited.append((shown, path, data, st))

    markup = Markup()
    changes = []
    fresh_rows = []
    for shown, path, data, st in edited:
        slug = path.name[: -len(ENTRY_SUFFIX)]
        try:
            entry = parse_entry_bytes(data, slug, shown)
        except SourceError:
            return None  # the full build reports it
        stored = cache.entry_row(shown)
        if stored is None:
            return None
        before, _, _ = pickle.loads(stored[0])
        if (before.date, before.tags) != (entry.date, entry.tags):
            return None  # the order, tag pages or tag counts may change
        record = (entry, terms_of(entry.title, entry.body), plain_text(entry.body))
        html = markup.render(entry.body)
        changes.append((before, record, html, stored))
        fresh_rows.append((shown, -1 if is_racy(st.st_mtime_ns) else st.st_mtime_ns, st.st_size, digest(data),
                           pickle.dumps(record, pickle.HIGHEST_PROTOCOL), html))
    frequencies = state.frequencies.edited([(pickle.loads(stored[0])[1], record[1])
                                            for _, record, _, stored in changes]) if changes else state.frequencies
    if frequencies is None:
        return None  # related papers may change

    tags = {tag.slug: tag for tag in state.tags}
    papers = {record[0].slug: paper_view(record[0], config, html, record[2], tags) for _, record, html, _ in changes}
    try:
        affected = cache.outputs_showing(papers)
    except LookupError:
        return None
    digests = cache.paper_digests()
    new_pickles, new_digests = paper_pickles(papers.values())
    digests.update(new_digests)
    needed = {slug for _, _, _, refs in affected.values() for slug in refs} - set(papers)
    views: dict[str, PaperView] = {slug: pickle.loads(data) for slug, data in cache.papers(needed).items()}
    views.update(papers)

    env = make_environment(theme_dir)
    files: dict[str, bytes] = {}
    old: dict[str, tuple[str, str]] = {}
    models: dict[str, Model] = {}
    for path, (key, d, blob, _) in sorted(affected.items()):
        old[path] = (key, d)
        if path in models:
            continue  # a page's .bib file, rendered with the page
        item = load_model(blob, views)
        if isinstance(item, Page) and item.paper is not None and item.paper.slug in papers:
            # A paper's own page copies some of its fields: make it as the full build does.
            item = paper_page(papers[item.paper.slug], prev=item.prev, next=item.next, related=item.related,
                              feeds=item.feeds)
        rendered = render_item(env, item, state.info)
        model = model_key(item, state.salt, digests, PaperView)
        models.update((p, model) for p in rendered)
        files.update(rendered)
    if set(files) != set(affected):
        return None  # a stored model no longer renders the outputs it was stored for

    staging = new_staging(output)
    try:
        outputs: dict[str, tuple[str, str]] = {}
        written = place(staging, output, files, old, outputs, track=True,
                        keys={path: model.key for path, model in models.items()})
        cache.set_meta("site", "updating")
        if not update_in_place(staging, output, sorted(written), []):
            cache.set_meta("site", "complete")
            return None
    finally:
        discard(staging)
    cache.store(fresh_rows, {relative_name(p, root) for p in paths})
    cache.touch_entries(touched)
    cache.update_outputs((path, *outputs[path], models[path]) for path in outputs)
    cache.store_papers(new_pickles, new_digests, replace=False)
    cache.store_result("state", patch_inputs(config, theme_dir, strict=strict, search=search),
                       PatchState(state.info, state.salt, state.tags, frequencies, False))
    cache.set_meta("site", "complete")
    return len(stats), len(written)
