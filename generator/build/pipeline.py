"""The build pipeline, as a table of contents: load, model, render, write.

Nothing reaches the output folder until every page and feed has rendered.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..errors import Problem, SourceError
from ..render.theme import find_theme
from .cache import CACHE_DIR, FORMAT, BuildCache, Rendered, folder_stamp, tree_stamp
from .output import check_output_dir, discard
from .parallel import default_jobs

if TYPE_CHECKING:
    import jinja2

    from ..model.site import Site


@dataclass
class BuildReport:
    """What a build did, for the command line's summary."""

    papers: int = 0
    pages: int = 0
    feeds: int = 0
    tags: int = 0
    files: int = 0
    seconds: float = 0.0
    search_seconds: float = 0.0
    up_to_date: bool = False
    patched: int | None = None  # files rewritten when only a few entries were edited (see patch.py)
    skipped: list[Problem] = field(default_factory=list)


def build(
    root: Path,
    config: Config,
    *,
    strict: bool = False,
    search: bool = True,
    jobs: int | None = None,
    clean: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the site of the project at `root` into its output folder.

    Pages and feeds render over `jobs` processes (default: all cores). With
    `search`, Pagefind indexes the new site before it replaces the old one.
    Entries unchanged since the last build come from the build cache; when
    no input changed at all, the build stops at once. `clean` ignores the cache.
    `progress` is told, in words, each phase as it starts.
    """
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    output = root / config.output_dir
    check_output_dir(output, root, [root / config.content_dir, root / "themes", root / CACHE_DIR])
    theme_dir = find_theme(root, config.theme)
    papers_dir = root / config.content_dir / "papers"
    with BuildCache(root) as cache:
        seen: dict[str, tuple[int, int]] = {}
        stamp = tree_stamp([papers_dir, theme_dir], stats=seen)
        fingerprint = stamp and stamp + repr((config, search, strict))
        if (
            not clean
            and fingerprint
            and cache.get_meta("fingerprint") == fingerprint
            and cache.get_meta("output") == folder_stamp(output)
        ):
            return BuildReport(up_to_date=True, seconds=time.perf_counter() - started)
        # A build makes millions of objects and few cycles: collecting as it goes costs
        # seconds at 10,000 papers, and the model is dropped as a whole at the end.
        if clean:
            # This build keeps no record of its outputs, so the records of earlier builds stop describing the site.
            cache.set_meta("site", "")
        from .patch import try_patch

        collecting = gc.isenabled()
        gc.disable()
        try:
            patched = (
                None if clean else try_patch(root, config, theme_dir, cache, strict=strict, search=search, stats=seen)
            )
            if patched is not None:
                # A patch that wrote nothing (entries touched, not changed) left the site up to date.
                report = BuildReport(papers=patched[0], patched=patched[1] or None, up_to_date=not patched[1])
            else:
                report = _build(
                    root,
                    config,
                    theme_dir,
                    None if clean else cache,
                    strict=strict,
                    search=search,
                    jobs=jobs,
                    progress=progress or (lambda message: None),
                )
        finally:
            if collecting:
                gc.enable()
        cache.set_meta("fingerprint", fingerprint)
        cache.set_meta("output", folder_stamp(output))
    report.seconds = time.perf_counter() - started
    return report


def _build(
    root: Path,
    config: Config,
    theme_dir: Path,
    cache: BuildCache | None,
    *,
    strict: bool,
    search: bool,
    jobs: int,
    progress: Callable[[str], None],
) -> BuildReport:
    from .cache import load_cached_entries

    global _ENV
    _ENV = None  # templates are read afresh by each build (they may have been edited)
    output = root / config.output_dir
    bytecode = templates_cache(root) if cache else None
    progress("reading entries")
    entries, html, terms, plain, problems = load_cached_entries(
        root / config.content_dir / "papers",
        root,
        cache,
        jobs,
        meanwhile=lambda: _prepare(theme_dir, bytecode, track=cache is not None),
    )
    if strict and problems:
        raise SourceError(problems)
    # Imported here, not before: an up-to-date check never pays for Jinja, feedgen, scipy and the rest,
    # and a full build loads them (see `_prepare`) while the reading workers keep the cores busy.
    from ..ids import tag_slug
    from ..model.related import Doc, related_unless_known
    from ..model.site import build_site
    from ..render.environment import render_robots, render_sitemap
    from ..render.feeds import render_opml
    from ..render.theme import asset_urls, read_assets
    from .output import commit, link_previous, new_staging, update_in_place
    from .parallel import in_background
    from .patch import PatchState, patch_inputs
    from .search import find_pagefind, index_site

    assets = read_assets(theme_dir)
    if search:
        find_pagefind()  # fail before any work when the binary is missing
    bodies = {entry.slug: body for entry, body in zip(entries, html)}
    abstracts = {entry.slug: text for entry, text in zip(entries, plain)}
    progress(f"building the site model while finding related papers for {len(entries)} papers")
    docs = [Doc(e.slug, t, frozenset(tag_slug(x) for x in e.tags)) for e, t in zip(entries, terms)]
    del terms
    # Related papers depend only on every paper's TF-IDF vector and tags: a result stays while those are equal.
    # Vectors and related papers take a core for a while: the model is built, and pages that show
    # no related papers are rendered, meanwhile.
    known = cache.result_key("related") if cache else None
    pending = (
        in_background(related_unless_known, docs, known)
        if jobs > 1
        else (lambda found=related_unless_known(docs, known): found)
    )
    del docs  # every paper's terms, the largest arrays of the build: only `pending` holds them now
    frequencies = None

    def find_related() -> Mapping[str, Sequence[str]]:
        nonlocal pending, frequencies
        key, frequencies, similar = pending()
        pending = None
        if similar is None:  # the key is the stored result's (`known`)
            return cache.result("related", key)
        if cache:
            cache.store_result("related", key, similar)
        return similar

    site = build_site(
        entries,
        config,
        bodies=bodies,
        abstracts=abstracts,
        assets=asset_urls(assets, config.base_path),
        related=None,
        search=search,
    )
    # The model holds what pages show; the parsed entries (their Markdown above all) can go.
    del entries, html, plain, bodies, abstracts
    report = BuildReport(
        papers=len(site.papers), pages=len(site.pages), feeds=len(site.feeds), tags=len(site.tags), skipped=problems
    )

    previous = output if output.is_dir() and not output.is_symlink() else None
    # The outputs table describes the site only when the last build finished its last step;
    # the site also holds a search index when that build made one.
    state = cache.get_meta("site") if cache else None
    old = cache.outputs() if cache and previous and state in ("complete", "complete+search") else {}
    staging = new_staging(output)
    try:
        # Keys cost time; without a cache (--clean) nothing would keep them.
        salt, digests, pickles = b"", {}, {}
        if cache:
            from .cache import model_key, paper_pickles

            base = f"{FORMAT}\0{tree_stamp([theme_dir])}".encode()
            salt = base + model_key(site.info, base, {}).key.encode()
            pickles, digests = paper_pickles(site.papers)  # once, before the workers fork
        extra = {f"static/{a.name}": a.data for a in assets}
        extra["sitemap.xml"] = render_sitemap(site).encode("utf-8")
        extra["robots.txt"] = render_robots(site.info).encode("utf-8")
        extra["feeds.opml"] = render_opml(site.feeds, site.info).encode("utf-8")
        _release_memory()
        progress(f"rendering {len(site.pages)} pages and {len(site.feeds)} feeds over {jobs} processes")
        site, staging, outputs, written, rendered = _render_all(
            site,
            theme_dir,
            output,
            previous if old else None,
            old,
            (salt, digests, bytecode),
            extra,
            jobs,
            track=cache is not None,
            staging=staging,
            related=find_related,
        )
    except BaseException:
        discard(staging)
        raise
    report.files = len(outputs)
    try:
        unchanged = [path for path in outputs if path not in written]
        removed = sorted(set(old) - set(outputs))
        if unchanged and state == "complete" and not search and len(written) + len(removed) <= IN_PLACE_LIMIT:
            # A small change: move the new files into the site one by one (each rename is atomic)
            # instead of rebuilding the folder tree. Marked, so a build killed midway is redone whole.
            if cache:
                cache.set_meta("site", "updating")
            moved = update_in_place(staging, output, sorted(written), removed)
        else:
            moved = False
        if moved:
            discard(staging)
        else:
            if unchanged and not all(link_previous(output, staging, path) for path in unchanged):
                # The previous site changed under us: render everything afresh.
                discard(staging)
                site, staging, outputs, written, rendered = _render_all(
                    site, theme_dir, output, None, {}, (salt, digests, bytecode), extra, jobs, track=cache is not None
                )
            if search:
                progress("indexing for search (Pagefind)")
                began = time.perf_counter()
                index_site(staging)
                report.search_seconds = time.perf_counter() - began
                report.files = sum(1 for p in staging.rglob("*") if p.is_file())
            commit(staging, output)
    except BaseException:
        discard(staging)
        raise
    if cache:
        cache.store_outputs(outputs, rendered)
        cache.store_papers(pickles, digests, replace=True)
        cache.store_result(
            "state",
            patch_inputs(config, theme_dir, strict=strict, search=search),
            PatchState(site.info, salt, site.tags, frequencies, bool(problems)),
        )
        cache.set_meta("site", "complete+search" if search else "complete")
        cache.checkpoint()  # here, rather than in the next small rebuild
    return report


def _prepare(theme_dir: Path, bytecode: Path | None, *, track: bool) -> None:
    """Load what the steps after reading need, while the reading workers keep the cores busy:
    processes forked later (related papers, rendering) inherit it instead of each loading it."""
    from scipy import sparse  # noqa: F401 - for related papers

    from ..render.feeds import render_feed  # noqa: F401 - feedgen and lxml

    env = _environment(theme_dir, bytecode, track=track)
    for name in env.list_templates(extensions=("html", "xml")):
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - rendering reports template errors with their page
            pass


def _environment(theme_dir: Path, bytecode: Path | None, *, track: bool) -> jinja2.Environment:
    """This process's Jinja environment for the build (made once, then inherited by forked workers)."""
    global _ENV
    from ..render.environment import make_environment

    if _ENV is None or _ENV[0] != theme_dir:
        _ENV = (theme_dir, make_environment(theme_dir, bytecode, track=track))
    return _ENV[1]


def _release_memory() -> None:
    # Freed strings leave holes in the C heap that the allocator keeps; give them back to the
    # system before the render workers fork (glibc only; elsewhere a no-op).
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def templates_cache(root: Path) -> Path:
    """Where compiled templates are kept between builds."""
    folder = root / CACHE_DIR / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Most files a build moves into the live site one at a time; more, and it swaps in a whole new tree.
IN_PLACE_LIMIT = 500


def _render_all(
    site,
    theme_dir: Path,
    output: Path,
    previous: Path | None,
    old: dict[str, tuple[str, str]],
    keyed: tuple[bytes, dict[str, bytes], Path | None],
    extra: dict[str, bytes],
    jobs: int,
    *,
    track: bool,
    staging: Path | None = None,
    related: Callable[[], Mapping[str, Sequence[str]]] | None = None,
) -> tuple[Site, Path, dict[str, tuple[str, str]], set[str], dict[str, Rendered]]:
    """Render every page and feed whose inputs changed into `staging`, or a new staging folder.

    With `previous` (the site as `old` describes it), outputs whose key or
    bytes match stay out of the staging folder. `keyed` is the salt of model
    keys, every paper's digest (empty without a cache) and the folder for
    compiled templates (None without a cache). With `related`, the site's
    paper pages have no related papers yet: the other outputs render while
    `related()` finds them (slug -> slugs). Returns the site (with related
    papers when `track`), the folder, every output's (key, digest), the paths
    written and, with a cache, the model and reads of every output rendered.
    """
    from ..model.site import with_related
    from .output import new_staging
    from .parallel import Workers

    staging = staging or new_staging(output)
    try:
        outputs: dict[str, tuple[str, str]] = {}
        written: set[str] = set()
        rendered: dict[str, Rendered] = {}
        with Workers(_render_outputs, (site, theme_dir, staging, previous, old, *keyed), jobs) as workers:
            # Interleaved: paper pages, tag pages, listings and feeds cost differently, and come grouped by kind.
            if related is None:
                workers.submit(range(len(site.pages) + len(site.feeds)), interleave=True)
            else:
                papers = [i for i, page in enumerate(site.pages) if page.paper is not None]
                others = [i for i, page in enumerate(site.pages) if page.paper is None]
                workers.submit(
                    others + list(range(len(site.pages), len(site.pages) + len(site.feeds))), interleave=True
                )
                found = related()
                workers.submit(
                    papers,
                    lambda chunk: ({site.pages[i].paper.slug: found.get(site.pages[i].paper.slug, ()) for i in chunk},),
                )
                if track:  # only the cache's records need the model with related papers again
                    site = with_related(site, found)
            for part, paths, part_rendered in workers.results():
                outputs.update(part)
                written.update(paths)
                rendered.update(part_rendered)
        written.update(place(staging, previous, extra, old, outputs, track=track))
    except BaseException:
        discard(staging)
        raise
    return site, staging, outputs, written, rendered


_ENV: tuple[Path, jinja2.Environment] | None = None


def place(
    staging: Path,
    previous: Path | None,
    files: dict[str, bytes],
    old: dict[str, tuple[str, str]],
    outputs: dict[str, tuple[str, str]],
    *,
    track: bool,
    keys: dict[str, str] | None = None,
) -> list[str]:
    """Write rendered files into the staging folder, except those the previous site already holds.

    A file whose bytes hash as they did in the previous site is left there
    (so it keeps its mtime, and hosts that sync by mtime upload only what
    changed); the comparison uses the digests the cache kept, never a read
    of the old file. Records each file's key and digest in `outputs`;
    returns the paths written.
    """
    from .cache import digest
    from .output import write_files

    fresh: dict[str, bytes] = {}
    for path, data in files.items():
        d = digest(data) if track else ""
        outputs[path] = ((keys or {}).get(path, ""), d)
        if d and previous is not None and old.get(path, ("", ""))[1] == d and (previous / path).is_file():
            continue
        fresh[path] = data
    write_files(staging, fresh)
    return list(fresh)


def _render_outputs(
    state: tuple,
    chunk: Sequence[int],
    related: Mapping[str, Sequence[str]] | None = None,
) -> tuple[dict[str, tuple[str, str]], list[str], dict[str, Rendered]]:
    """Render pages and feeds by index (pages first, then feeds) into the staging folder;
    `related` gives the related papers of the chunk's paper pages (slug -> slugs) when the site has none yet.

    An output whose model key equals the key it had at the last build, and
    whose file is still in the previous site, is not rendered at all.
    Returns every output's (key, digest), the paths written and, with a
    cache, the model and the reads of every output rendered.
    """
    from ..model.site import PaperView, page_with_related, related_finder
    from .cache import model_key

    site, theme_dir, staging, previous, old, salt, digests, bytecode = state
    find = related_finder(site.papers, related) if related is not None else None
    env = _environment(theme_dir, bytecode, track=bool(salt))
    files: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    outputs: dict[str, tuple[str, str]] = {}
    rendered: dict[str, Rendered] = {}
    pages = len(site.pages)
    for i in chunk:
        item = site.pages[i] if i < pages else site.feeds[i - pages]
        if find is not None and i < pages and item.paper is not None:
            item = page_with_related(item, find)
        model = model_key(item, salt, digests, PaperView) if salt else None
        key = model.key if model else ""
        bib = item.paper if i < pages and item.paper is not None and item.paper.bib_path else None
        paths = [item.path] + ([bib.bib_path] if bib is not None else [])
        if (
            key
            and previous is not None
            and all(old.get(p, ("", ""))[0] == key for p in paths)
            and all((previous / p).is_file() for p in paths)
        ):
            outputs.update((p, old[p]) for p in paths)
            continue
        for p in paths:
            keys[p] = key
        made, reads = render_item(env, item, site.info, track=bool(salt))
        files.update(made)
        if model:
            rendered.update((p, Rendered(model, reads)) for p in made)
    written = place(staging, previous, files, old, outputs, track=bool(salt), keys=keys)
    return outputs, written, rendered


def render_item(env, item, info, *, track: bool) -> tuple[dict[str, bytes], str]:
    """The files of one page (its .bib too, when the site has them) or one feed, and, with
    `track`, what they read of which papers (see `render.reads_text`)."""
    from ..model.site import Page
    from ..render.environment import ALL_FIELDS, reads_text, render_page

    if not isinstance(item, Page):
        from ..render.feeds import (
            render_feed,  # a patch that touches no feed never loads feedgen
        )

        return {item.path: render_feed(item, info)}, reads_text(
            {p.slug: {ALL_FIELDS} for p in item.items}
        ) if track else ""
    if track:
        env.reads = {}
    try:
        files = {item.path: render_page(env, item, info).encode("utf-8")}
        reads = env.reads if track else {}
    finally:
        if track:
            env.reads = None
    if item.paper is not None and item.paper.bib_path:
        files[item.paper.bib_path] = item.paper.bibtex.encode("utf-8")
        reads = {**reads, item.paper.slug: {ALL_FIELDS}}
    return files, reads_text(reads) if track else ""
