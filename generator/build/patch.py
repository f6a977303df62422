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
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..config import Config
from ..content.entry import Entry, entry_names, shown_prefix
from ..errors import SourceError
from ..model.days import placement
from ..model.related import Frequencies, Terms
from ..model.related_index import RelatedIndex, TermTable, reindex
from ..model.site import Page, PaperView, SiteInfo, Tag, is_paper_page, paper_page, paper_page_path, paper_view
from ..model.taxonomies import AUTHORS, CATEGORIES, TermRef, taxonomy_shape
from ..model.visibility import Visibility
from ..render.theme import Theme
from .cache import (
    BuildCache,
    EntryRow,
    OutputRow,
    Rendered,
    SiteState,
    digest,
    load_model,
    model_key,
    pack_record,
    paper_pickles,
    unpickle,
)  # fmt: skip
from .incremental import Plan, entry_row, restamp, unchanged
from .output import discard, new_staging, update_in_place
from .read import parse_entry_record
from .renderer import SiteValues, place, render_item, templates_cache
from .search import INDEX, SEARCH_PAGES, IndexUpdate, known_pages, update_index
from .tracking import ALL_FIELDS, make_tracking_environment, parse_reads, site_fields

# More edited entries than this, and a full build (which renders in parallel) is no slower.
PATCH_LIMIT = 50


# The cache's results holding the related papers' index (see `related_index`), without its corpus's
# term arrays, and those arrays: 3/4 of the index, written by full builds only (a patch keeps the terms
# of the papers it changed with the rest, so it writes 4 MB at 10,000 papers instead of 16).
RELATED = "related"
RELATED_TERMS = "related-terms"


def load_related(cache: BuildCache) -> RelatedIndex | None:
    """The related papers' index the last build stored, if any."""
    stored = cache.result(RELATED, "index")
    if not isinstance(stored, tuple) or not isinstance(stored[1], RelatedIndex):
        return None
    key, index = stored
    arrays = cache.result(RELATED_TERMS, key)
    if not isinstance(arrays, tuple):
        return None
    bounds, hashes, counts = arrays
    return replace(index, corpus=TermTable(bounds, hashes, counts, index.corpus.changed))


def store_related(cache: BuildCache, index: RelatedIndex, *, terms: bool) -> None:
    """Store the related papers' index; its term arrays too with `terms` (else those stored stay its arrays)."""
    corpus = index.corpus
    key = digest(corpus.bounds.tobytes())
    if terms:
        cache.store_result(RELATED_TERMS, key, (corpus.bounds, corpus.hashes, corpus.counts))
    empty = TermTable(corpus.bounds[:0], corpus.hashes[:0], corpus.counts[:0], corpus.changed)
    cache.store_result(RELATED, "index", (key, replace(index, corpus=empty)))


@dataclass(frozen=True)
class PatchState:
    """What the last full build leaves for patching: see the module docstring."""

    info: SiteInfo
    salt: bytes  # of model keys: generator version, theme, site info (`renderer.stable_info`)
    tags: tuple[Tag, ...]
    frequencies: Frequencies
    problems: bool  # some entries could not be read (they would need a full build to join)
    # slug -> terms, of papers patched since the related papers' index was stored, with no change to
    # any vector (see `Frequencies.edited`): the index is brought up to date with them when it is next used.
    pending: Mapping[str, Terms]


@dataclass(frozen=True)
class Patched:
    """What a patch did: the papers of the site, and the files it rewrote."""

    papers: int
    written: int
    search_seconds: float = 0.0  # spent making the search index again


@dataclass(frozen=True)
class _Edit:
    """An edited entry: its new cache row, its record as a build reads it, its rendered body, and its old terms."""

    row: EntryRow
    entry: Entry
    terms: Terms
    plain: str
    html: str
    old_terms: Terms


def patch_inputs(config: Config, theme: str, *, strict: bool, search: bool, visibility: Visibility) -> str:
    """Everything but the entries that the site depends on (`theme`: the theme's stamp); a patch needs it unchanged."""
    return f"{config!r}\0{strict}\0{search}\0{theme}\0{visibility.key}"


def try_patch(
    root: Path,
    config: Config,
    theme: Theme,
    cache: BuildCache,
    decided: Plan,
    *,
    strict: bool,
    visibility: Visibility,
    search: bool = False,
    pages_ready: Callable[[], None] | None = None,
) -> Patched | None:
    """Patch the site for edited entries; None, with nothing changed, when a full build is needed.

    With `search`, the search index is made again once the new pages are in (and `pages_ready` called)."""
    inputs = patch_inputs(config, decided.theme, strict=strict, search=search, visibility=visibility)
    state = cache.result("state", inputs)
    if not isinstance(state, PatchState) or state.problems:
        return None
    rows = cache.entry_stats()
    folder = root / config.content_dir / "papers"
    names = entry_names(folder)
    found = _edited_files(folder, shown_prefix(folder, root), names, rows, decided)
    if found is None:
        return None
    edits, touched = found
    changes = _reparse(edits, cache, config, visibility)
    if changes is None:
        return None
    frequencies = state.frequencies.edited([(e.old_terms, e.terms) for e in changes]) if changes else state.frequencies
    pending = {**state.pending, **{e.entry.slug: e.terms for e in changes}}
    index: RelatedIndex | None = None
    similar: dict[str, tuple[str, ...]] = {}
    if frequencies is None:  # some vectors change, and related papers may
        followed = _follow(cache, pending)
        if followed is None:
            return None
        index, similar = followed
        frequencies, pending = index.frequencies, {}
    tags = {tag.slug: tag for tag in state.tags}
    before = {slug: unpickle(data) for slug, data in cache.papers(e.entry.slug for e in changes).items()}
    if set(before) != {e.entry.slug for e in changes}:
        return None
    papers = {
        e.entry.slug: paper_view(e.entry, config, e.html, e.plain, tags, _term_refs(before[e.entry.slug]))
        for e in changes
    }
    rendered = _rerender(root, theme, cache, state, papers, before, similar)
    if rendered is None:
        return None
    files, old, models = rendered
    output = root / config.output_dir
    staging = new_staging(output)
    try:
        outputs: dict[str, tuple[str, str]] = {}
        written = place(
            staging, output, files, old, outputs, track=True, keys={p: r.model.key for p, r in models.items()}
        )
        if not update_in_place(staging, output, sorted(written), []):
            return None
    finally:
        discard(staging)
    indexed, known, began = None, None, time.perf_counter()
    if search and written:
        if pages_ready is not None:
            pages_ready()
        known = known_pages(cache, output / INDEX)
        # Every paper page rewritten, not the edited papers' alone: a theme may index more of a page.
        indexed = update_index(output, [path for path in written if is_paper_page(path)], known)
    new_pickles, new_digests = paper_pickles(papers.values())
    with cache.transaction(SiteState.COMPLETE_SEARCH if search else SiteState.COMPLETE):
        cache.store_entries([*touched, *(e.row for e in changes)], keep=None)
        cache.update_outputs(
            OutputRow(path, *outputs[path], models[path].model.refs, models[path].reads, models[path].model.blob)
            for path in outputs
        )
        cache.store_papers(new_pickles, new_digests, replace=False)
        if index is not None:
            store_related(cache, index, terms=False)
        if frequencies is not state.frequencies or pending != state.pending:
            patched = PatchState(state.info, state.salt, state.tags, frequencies, False, pending)
            cache.store_result("state", inputs, patched)
        if indexed is not None and indexed.pages is not known:
            cache.store_result(SEARCH_PAGES, indexed.key, indexed.pages)
        _record_files(cache, decided.fingerprint, output, written, indexed)
    return Patched(len(rows), len(written), time.perf_counter() - began if indexed is not None else 0.0)


def _record_files(
    cache: BuildCache, fingerprint: str, output: Path, written: list[str], index: IndexUpdate | None
) -> None:
    """Record the site's files once `written` ones were replaced, and with `index` the files of the
    index's folder it replaced (every one new) in place of what that folder held."""
    paths, recorded = cache.get_meta("paths") or "", cache.get_meta("files") or ""
    if index is not None:
        stamps = dict(zip(paths.split("\n"), recorded.split("\n")))
        paths = "\n".join(sorted([*(p for p in stamps if p and not p.startswith(index.folder)), *index.files]))
        recorded = "\n".join(stamps.get(path, "") for path in paths.split("\n"))  # the index's restamped below
        cache.set_meta("paths", paths)
        written = [*written, *index.files]
    cache.set_meta("fingerprint", fingerprint)
    cache.set_meta("files", restamp(recorded, paths, written, output))


def _follow(cache: BuildCache, edits: Mapping[str, Terms]) -> tuple[RelatedIndex, dict[str, tuple[str, ...]]] | None:
    """The related papers' index once the papers `edits` names have those terms, and the papers whose
    related papers changed (slug -> their new related papers); None when the index is missing or stale."""
    index = load_related(cache)
    if index is None:
        return None
    found = reindex(index, edits)
    if found is None:
        return None
    index, differ = found
    return index, {slug: index.similar[slug] for slug in differ}


def _term_refs(paper: PaperView) -> dict[str, dict[str, TermRef]]:
    """A paper's authors and categories as the last build linked them to their pages: the same for the
    edited paper, whose authors and categories a patch leaves as they were when the site has their
    pages (see `taxonomy_shape`); when it has none, a changed name gets a ref without a page."""
    return {
        AUTHORS: dict(zip(paper.authors, paper.author_refs)),
        CATEGORIES: dict(zip(paper.categories, paper.category_refs)),
    }


def _rerender(
    root: Path,
    theme: Theme,
    cache: BuildCache,
    state: PatchState,
    papers: dict[str, PaperView],
    before: dict[str, PaperView],
    similar: Mapping[str, tuple[str, ...]],
) -> tuple[dict[str, bytes], dict[str, OutputRow], dict[str, Rendered]] | None:
    """The outputs that show what changed of `papers` (as they were: `before`), and the pages of papers
    with new related papers (`similar`: slug -> slugs), rendered from their stored models: (path -> bytes,
    path -> old row, path -> new model and reads); None when that cannot be done."""
    try:
        showing = cache.outputs_showing(papers)
        # A paper's related papers show on its page alone (and in what is rendered with it: its .bib).
        showing.update(cache.outputs_in(paper_page_path(slug).rpartition("/")[0] for slug in similar))
    except LookupError:
        return None
    # What changed of each paper; an output that read none of it renders the same bytes.
    changed = {
        slug: {f.name for f in fields(PaperView) if getattr(before[slug], f.name) != getattr(paper, f.name)}
        for slug, paper in papers.items()
    }
    # A paper's own page copies some of its fields (title, summary): it is made again whatever it read.
    own = {paper_page_path(slug) for slug, what in changed.items() if what}
    own |= {paper_page_path(slug) for slug in similar}
    affected = {
        path: row for path, row in showing.items() if path in own or _reads_any(parse_reads(row.reads), changed)
    }
    needed = {slug for row in affected.values() for slug in row.refs}
    needed |= {slug for others in similar.values() for slug in others}
    needed -= set(papers)
    digests = cache.paper_digests(needed)
    digests.update(paper_pickles(papers.values())[1])
    views: dict[str, PaperView] = {slug: unpickle(data) for slug, data in cache.papers(needed).items()}
    views.update(papers)

    env = make_tracking_environment(theme, templates_cache(root))
    values = SiteValues(state.info)
    files: dict[str, bytes] = {}
    rendered: dict[str, Rendered] = {}
    for path in sorted(affected):
        if path in rendered:
            continue  # a page's .bib file, rendered with the page
        blob = cache.output_model(path)
        if blob is None:
            return None
        item = load_model(blob, views)
        if isinstance(item, Page) and item.paper is not None and item.paper.slug in papers.keys() | similar.keys():
            # A paper's own page copies some of its fields, and shows its related papers: made as the full build does.
            slug = item.paper.slug
            related = tuple(views[s] for s in similar[slug]) if slug in similar else item.related
            paper = papers.get(slug, item.paper)
            item = paper_page(paper, prev=item.prev, next=item.next, related=related, feeds=item.feeds)
        made, reads = render_item(env, item, state.info)
        model = model_key(item, state.salt, digests, PaperView)
        model = model._replace(key=values.key(model.key, site_fields(reads)))
        rendered.update((p, Rendered(model, reads)) for p in made)
        files.update(made)
    if set(files) != set(affected):
        return None  # a stored model no longer renders the outputs it was stored for
    return files, affected, rendered


def _edited_files(
    folder: Path, prefix: str, names: list[str], rows: dict[str, EntryRow], decided: Plan
) -> tuple[list[tuple[str, Path, bytes, os.stat_result]], list[EntryRow]] | None:
    """Entry files whose bytes changed since the last build (cache `rows`), and the rows of those only
    touched (new stat, same bytes); None when files came or went, or too many changed."""
    if len(names) != len(rows):
        return None
    edited: list[tuple[str, Path, bytes, os.stat_result]] = []
    touched: list[EntryRow] = []
    for name in names:
        shown = prefix + name
        row = rows.get(shown)
        if row is None:
            return None
        path = os.path.join(folder, name)
        try:
            st = decided.stats.get(path) or os.stat(path)
            if unchanged(row, st):
                continue
            if len(edited) >= PATCH_LIMIT:
                return None
            data = (folder / name).read_bytes()
        except OSError:
            return None
        if digest(data) == row.digest:
            touched.append(entry_row(shown, st, row.digest))  # the stat alone: the blobs stay
        else:
            edited.append((shown, folder / name, data, st))
    return edited, touched


def _reparse(
    edited: list[tuple[str, Path, bytes, os.stat_result]], cache: BuildCache, config: Config, visibility: Visibility
) -> list[_Edit] | None:
    """Each edited entry read and rendered as a full build would; None when an edit is broken, the
    entry is not shown (a draft, a future date), or the edit may move it (its date, tags, draft
    flag or what orders its day: see `days.placement`; its authors or categories, when the site has
    their pages: see `taxonomies.taxonomy_shape`)."""
    changes = []
    for shown, _, data, st in edited:
        try:
            (entry, terms, plain), html = parse_entry_record(data, shown)
        except SourceError:
            return None  # the full build reports it
        stored = cache.entry(shown)
        if stored is None or not stored.record:
            return None
        before, old_terms, _ = unpickle(stored.record)
        if placement(before, config.sort) != placement(entry, config.sort) or not visibility.shows(entry):
            return None  # the order, day, tag pages or tag counts may change
        if taxonomy_shape(before, config) != taxonomy_shape(entry, config):
            return None  # author or category pages may come, go, or change their names and counts
        row = entry_row(shown, st, digest(data), pack_record((entry, terms, plain)), html)
        changes.append(_Edit(row, entry, terms, plain, html, old_terms))
    return changes


def _reads_any(reads: dict[str, set[str]], changed: dict[str, set[str]]) -> bool:
    """Whether an output that read `reads` may show any of the `changed` fields of papers."""
    if ALL_FIELDS in reads:
        return True
    names = {f.name for f in fields(PaperView)}
    for slug, what in changed.items():
        read = reads.get(slug, set())
        # A property or method (`bibtex`, say) may read any field.
        if what and (ALL_FIELDS in read or read & what or read - names):
            return True
    return False
