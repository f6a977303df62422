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
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..content.entry import ENTRY_SUFFIX, entry_names, parse_entry_bytes, shown_prefix
from ..errors import SourceError
from .cache import (
    BuildCache,
    Rendered,
    digest,
    folder_stamp,
    is_racy,
    load_model,
    model_key,
    paper_pickles,
    tree_stamp,
)

if TYPE_CHECKING:
    from ..model.related import Frequencies
    from ..model.site import SiteInfo, Tag

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


def try_patch(
    root: Path,
    config: Config,
    theme_dir: Path,
    cache: BuildCache,
    *,
    strict: bool,
    search: bool,
    stats: dict[str, tuple[int, int]] | None = None,
) -> tuple[int, int] | None:
    """Patch the site for edited entries; (papers, files written), or None when a full build is needed.

    `stats`: the (mtime_ns, size) of files already looked at (see `tree_stamp`); others are looked at here.
    """
    from ..model.site import Page, PaperView, paper_page, paper_page_path, paper_view
    from ..render.environment import make_environment, parse_reads
    from .output import discard, new_staging, update_in_place
    from .pipeline import place, render_item, templates_cache

    output = root / config.output_dir
    if search or cache.get_meta("site") != "complete" or cache.get_meta("output") != folder_stamp(output):
        return None
    state = cache.result("state", patch_inputs(config, theme_dir, strict=strict, search=search))
    if not isinstance(state, PatchState) or state.problems:
        return None
    rows = cache.entry_stats()
    folder = root / config.content_dir / "papers"
    names = entry_names(folder)
    prefix = shown_prefix(folder, root)
    found = _edited_files(folder, prefix, names, rows, stats or {})
    if found is None:
        return None
    edited, touched = found
    parsed = _reparse(edited, cache)
    if parsed is None:
        return None
    changes, fresh_rows = parsed
    frequencies = (
        state.frequencies.edited([(old_terms, record[1]) for old_terms, record, _ in changes])
        if changes
        else state.frequencies
    )
    if frequencies is None:
        return None  # related papers may change

    tags = {tag.slug: tag for tag in state.tags}
    papers = {record[0].slug: paper_view(record[0], config, html, record[2], tags) for _, record, html in changes}
    try:
        showing = cache.outputs_showing(papers)
    except LookupError:
        return None
    # What changed of each paper; an output that read none of it renders the same bytes.
    before = {slug: pickle.loads(data) for slug, data in cache.papers(papers).items()}
    if set(before) != set(papers):
        return None
    changed = {
        slug: {f.name for f in fields(PaperView) if getattr(before[slug], f.name) != getattr(paper, f.name)}
        for slug, paper in papers.items()
    }
    # A paper's own page copies some of its fields (title, summary): it is made again whatever it read.
    own = {paper_page_path(slug) for slug, what in changed.items() if what}
    affected = {path: row for path, row in showing.items() if path in own or _reads_any(parse_reads(row[3]), changed)}
    needed = {slug for _, _, refs, _ in affected.values() for slug in refs} - set(papers)
    digests = cache.paper_digests(needed)
    new_pickles, new_digests = paper_pickles(papers.values())
    digests.update(new_digests)
    views: dict[str, PaperView] = {slug: pickle.loads(data) for slug, data in cache.papers(needed).items()}
    views.update(papers)

    env = make_environment(theme_dir, templates_cache(root), track=True)
    files: dict[str, bytes] = {}
    old: dict[str, tuple[str, str]] = {}
    rendered: dict[str, Rendered] = {}
    for path, (key, d, _, _) in sorted(affected.items()):
        old[path] = (key, d)
        if path in rendered:
            continue  # a page's .bib file, rendered with the page
        blob = cache.output_model(path)
        if blob is None:
            return None
        item = load_model(blob, views)
        if isinstance(item, Page) and item.paper is not None and item.paper.slug in papers:
            # A paper's own page copies some of its fields: make it as the full build does.
            item = paper_page(
                papers[item.paper.slug], prev=item.prev, next=item.next, related=item.related, feeds=item.feeds
            )
        made, reads = render_item(env, item, state.info, track=True)
        model = model_key(item, state.salt, digests, PaperView)
        rendered.update((p, Rendered(model, reads)) for p in made)
        files.update(made)
    if set(files) != set(affected):
        return None  # a stored model no longer renders the outputs it was stored for

    staging = new_staging(output)
    try:
        outputs: dict[str, tuple[str, str]] = {}
        written = place(
            staging, output, files, old, outputs, track=True, keys={path: r.model.key for path, r in rendered.items()}
        )
        cache.set_meta("site", "updating")
        if not update_in_place(staging, output, sorted(written), []):
            cache.set_meta("site", "complete")
            return None
    finally:
        discard(staging)
    cache.store(fresh_rows, {prefix + name for name in names})
    cache.touch_entries(touched)
    cache.update_outputs((path, *outputs[path], rendered[path]) for path in outputs)
    cache.store_papers(new_pickles, new_digests, replace=False)
    if frequencies is not state.frequencies:
        cache.store_result(
            "state",
            patch_inputs(config, theme_dir, strict=strict, search=search),
            PatchState(state.info, state.salt, state.tags, frequencies, False),
        )
    cache.set_meta("site", "complete")
    return len(rows), len(written)


def _edited_files(
    folder: Path,
    prefix: str,
    names: list[str],
    rows: dict[str, tuple[int, int, str]],
    seen: dict[str, tuple[int, int]],
) -> tuple[list[tuple[str, Path, bytes, tuple[int, int]]], list[tuple[str, int, int]]] | None:
    """Entry files whose bytes changed since the last build (cache `rows`), and those only touched
    (new mtime, same bytes); None when files came or went, or too many changed. `seen` holds the
    (mtime_ns, size) of files already looked at."""
    if len(names) != len(rows):
        return None
    edited: list[tuple[str, Path, bytes, tuple[int, int]]] = []
    touched: list[tuple[str, int, int]] = []
    for name in names:
        shown = prefix + name
        row = rows.get(shown)
        if row is None:
            return None
        path = os.path.join(folder, name)
        try:
            mtime, size = seen.get(path) or _stat(path)
            if row[0] == mtime and row[1] == size:
                continue
            if len(edited) >= PATCH_LIMIT:
                return None
            data = (folder / name).read_bytes()
        except OSError:
            return None
        if digest(data) == row[2]:
            touched.append((shown, -1 if is_racy(mtime) else mtime, size))
        else:
            edited.append((shown, folder / name, data, (mtime, size)))
    return edited, touched


def _stat(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def _reparse(edited: list[tuple[str, Path, bytes, tuple[int, int]]], cache: BuildCache) -> tuple[list, list] | None:
    """Each edited entry read and rendered as a full build would: (old terms, (entry, terms, plain
    text), html) and its new cache row; None when an edit is broken or moves the entry's date or tags."""
    from ..model.related import terms_of
    from ..model.text import plain_text
    from ..render.markup import Markup

    markup = Markup()
    changes = []
    rows = []
    for shown, path, data, st in edited:
        slug = path.name[: -len(ENTRY_SUFFIX)]
        try:
            entry = parse_entry_bytes(data, slug, shown)
        except SourceError:
            return None  # the full build reports it
        stored = cache.entry_row(shown)
        if stored is None:
            return None
        before, old_terms, _ = pickle.loads(stored[0])
        if (before.date, before.tags) != (entry.date, entry.tags):
            return None  # the order, tag pages or tag counts may change
        record = (replace(entry, body=""), terms_of(entry.title, entry.body), plain_text(entry.body))
        html = markup.render(entry.body)
        changes.append((old_terms, record, html))
        rows.append(
            (
                shown,
                -1 if is_racy(st[0]) else st[0],
                st[1],
                digest(data),
                pickle.dumps(record, pickle.HIGHEST_PROTOCOL),
                html,
            )
        )
    return changes, rows


def _reads_any(reads: dict[str, set[str]], changed: dict[str, set[str]]) -> bool:
    """Whether an output that read `reads` may show any of the `changed` fields of papers."""
    from ..model.site import PaperView
    from ..render.environment import ALL_FIELDS

    if ALL_FIELDS in reads:
        return True
    names = {f.name for f in fields(PaperView)}
    for slug, what in changed.items():
        read = reads.get(slug, set())
        # A property or method (`bibtex`, say) may read any field.
        if what and (ALL_FIELDS in read or read & what or read - names):
            return True
    return False
