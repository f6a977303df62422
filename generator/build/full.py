"""The full build: read every entry, build the site model, render every page and feed, write the site.

Outputs whose model is unchanged since the last build are not rendered
again, and files whose bytes are unchanged are linked from the previous
site, when the cache describes that site (`Plan.reuse`).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import jinja2

from ..config import Config
from ..errors import BuildError, SourceError
from ..ids import tag_slug
from ..model.related import Doc
from ..model.related_index import RelatedIndex, follow
from ..model.site import Site, build_site
from ..model.visibility import Visibility
from ..render.environment import make_environment, render_robots, render_sitemap
from ..render.feeds import render_opml
from ..render.theme import Asset, Theme, asset_urls, read_assets
from .cache import BuildCache, OutputRow, SiteState, model_key, paper_pickles
from .incremental import Plan, record_site
from .output import (
    MARKER,
    commit,
    discard,
    files_under,
    link_previous,
    new_staging,
    update_in_place,
)
from .parallel import Background, Workers, default_jobs, in_background, trim_memory
from .patch import PatchState, load_related, patch_inputs, store_related
from .read import Loaded, read_entries
from .renderer import RenderJob, RenderResult, place, render_outputs, stable_info, templates_cache
from .report import BuildReport
from .search import INDEX, find_pagefind, index_site, refresh_index, remember_pages
from .tracking import make_tracking_environment

# The share of the site's files a build may change (write or remove) and still move those alone into
# the live site; past it, it stages the whole site (unchanged files as links) and moves that in
# (`output.commit`). Either way files move in one rename at a time, so readers see the same; moving
# the changed files alone is less work whenever some are unchanged. Measured on 10,000 papers (2 cores,
# 2026-12-03), adding 50 papers: 15.5-16.3 s in place against 20.6 s staged, whose 15,000 folders
# took 9 s to make and remove on this machine's disk.
IN_PLACE_SHARE = 1.0


@dataclass(frozen=True)
class FullBuild:
    """A full build's settings, and its steps (`run`)."""

    root: Path
    config: Config
    theme: Theme
    strict: bool
    search: bool
    processes: int | None  # to spread the work over (default: all cores)
    visibility: Visibility  # which entries the site shows (drafts, future dates)
    progress: Callable[[str], None]
    # Called once the new pages are in place, before the search index is made (serve reloads open pages).
    pages_ready: Callable[[], None] | None = None

    @property
    def jobs(self) -> int:
        return self.processes or default_jobs()

    @property
    def output(self) -> Path:
        return self.root / self.config.output_dir

    @property
    def papers_dir(self) -> Path:
        return self.root / self.config.content_dir / "papers"

    def run(self, cache: BuildCache, decided: Plan) -> BuildReport:
        """Build the whole site; the cache records it in one transaction that ends once the site is in place
        (a build that fails or is killed before leaves the cache as it was, its state "building")."""
        with cache.transaction(SiteState.COMPLETE_SEARCH if self.search else SiteState.COMPLETE):
            report = self._build(cache, decided)
        cache.checkpoint()  # here, rather than in the next small rebuild
        return report

    def _build(self, cache: BuildCache, decided: Plan) -> BuildReport:
        # Compiled templates are kept for tracking environments only: plain ones compile to other code.
        bytecode = templates_cache(self.root) if decided.track else None
        environments: list[jinja2.Environment] = []
        self.progress("reading entries")
        loaded = read_entries(
            self.papers_dir,
            self.root,
            cache.entries(),
            self.jobs,
            keep=decided.track,
            stats=decided.stats,
            meanwhile=lambda: environments.append(_prepare(self.theme, bytecode, track=decided.track)),
        )
        if self.strict and loaded.problems:
            raise SourceError(loaded.problems)
        cache.store_entries(loaded.rows, keep=loaded.names)
        loaded.rows.clear()  # stored: not to be copied into the processes forked below
        loaded = replace(loaded, entries=[entry for entry in loaded.entries if self.visibility.shows(entry)])
        env = environments[0] if environments else _prepare(self.theme, bytecode, track=decided.track)
        if self.search:
            find_pagefind()  # fail before any work when the binary is missing
        self.progress(f"building the site model while finding related papers for {len(loaded.entries)} papers")
        # Vectors and related papers take a core for a while: the model is built, and pages that show
        # no related papers are rendered, meanwhile.
        pending = in_background(follow, _docs(loaded), load_related(cache), fork=self.jobs > 1)
        try:
            site = self._model(loaded)
            report = BuildReport(
                papers=len(site.papers), pages=len(site.pages), feeds=len(site.feeds), tags=len(site.tags),
                skipped=loaded.problems,
            )  # fmt: skip
            problems = bool(loaded.problems)
            del loaded  # the model holds what pages show: the parsed entries (their rows above all) can go
            previous = self.output if decided.reuse and self.output.is_dir() and not self.output.is_symlink() else None
            written = self._render_and_write(
                cache, decided, site, env, previous, lambda: _related(pending), problems, report
            )
        finally:
            pending.close()
        report.files = written
        return report

    @cached_property
    def assets(self) -> list[Asset]:
        """The theme's static files, read once: their URLs carry a hash of the bytes written."""
        return read_assets(self.theme)

    def _model(self, loaded: Loaded) -> Site:
        assets = self.assets
        return build_site(
            loaded.entries,
            self.config,
            bodies=loaded.bodies,
            abstracts=loaded.abstracts,
            assets=asset_urls(assets, self.config.base_path),
            related=None,
            search=self.search,
        )

    def _render_and_write(
        self,
        cache: BuildCache,
        decided: Plan,
        site: Site,
        env: jinja2.Environment,
        previous: Path | None,
        related: Callable[[], _Related],
        problems: bool,
        report: BuildReport,
    ) -> int:
        """Render every output into a staging folder and put it in place; returns the files in the site."""
        old = cache.outputs() if previous is not None else {}
        staging = new_staging(self.output)
        try:
            # Model keys, digests and stored papers let later builds patch; a clean build keeps none (they cost time).
            salt = _salt(decided.theme, site) if decided.track else b""
            pickles, digests = paper_pickles(site.papers) if decided.track else ({}, {})  # before the workers fork
            trim_memory()
            self.progress(f"rendering {len(site.pages)} pages and {len(site.feeds)} feeds over {self.jobs} processes")
            found, result = _render(RenderJob(site, env, staging, previous, old, salt, digests), related, self.jobs)
            extra = self._extra_files(site)
            result.written.extend(place(staging, previous, extra, old, result.outputs, track=decided.track))
            paths = self._put_in_place(staging, previous, old, result, decided, report)
        except BaseException:
            discard(staging)
            raise
        cache.store_outputs(result.outputs, result.rendered)
        cache.store_papers(pickles, digests, replace=True)
        if found.fresh:
            store_related(cache, found.index, terms=True)
        cache.store_result(
            "state",
            patch_inputs(
                self.config, decided.theme, strict=self.strict, search=self.search, visibility=self.visibility
            ),
            PatchState(site.info, salt, site.tags, found.index.frequencies, problems, {}),
        )
        if self.search and decided.track:
            remember_pages(cache, self.output / INDEX)  # for the patches to come (see `search.update_index`)
        record_site(cache, decided.fingerprint, self.output, paths)
        return len(paths)

    def _extra_files(self, site: Site) -> dict[str, bytes]:
        files = {f"static/{a.name}": a.data for a in self.assets}
        files["sitemap.xml"] = render_sitemap(site).encode("utf-8")
        files["robots.txt"] = render_robots(site.info).encode("utf-8")
        files["feeds.opml"] = render_opml([f for f in site.feeds if f.listed], site.info).encode("utf-8")
        return files

    def _put_in_place(
        self,
        staging: Path,
        previous: Path | None,
        old: dict[str, OutputRow],
        result: RenderResult,
        decided: Plan,
        report: BuildReport,
    ) -> list[str]:
        """Move the new site in: the changed files alone for a small change, else the whole staged site,
        into the same folder either way. The site's files."""
        written = set(result.written)
        unchanged = [path for path in result.outputs if path not in written]
        removed = sorted(set(old) - set(result.outputs))
        small = decided.in_place and unchanged and len(written) + len(removed) <= IN_PLACE_SHARE * len(old)
        # Each rename is atomic; the state stays "building" until the cache describes the result.
        if small and update_in_place(staging, self.output, sorted(written), removed):
            discard(staging)
            if not self.search:
                return sorted(result.outputs)
            return sorted([*result.outputs, *self._index_again(report)])
        for path in unchanged:
            if not link_previous(previous, staging, path):
                raise BuildError(f"{self.config.output_dir}/{path} changed while the site was built; build again")
        paths = sorted(result.outputs)
        if self.search and self.pages_ready is not None:
            return self._pages_then_index(staging, previous, report)
        if self.search:
            self.progress("indexing for search (Pagefind)")
            began = time.perf_counter()
            index_site(staging)
            report.search_seconds = time.perf_counter() - began
            paths = sorted(files_under(staging))
        commit(staging, self.output)
        return paths

    def _pages_then_index(self, staging: Path, previous: Path | None, report: BuildReport) -> list[str]:
        """The new pages in place at once, with the previous search index; then the new index over them.

        For `serve`: open pages reload without waiting for Pagefind. Until the
        new index is in, search finds what the previous one knew.
        """
        index = self.output / INDEX
        if previous is not None and index.is_dir() and not index.is_symlink():
            shutil.copytree(index, staging / INDEX, copy_function=os.link, symlinks=True)
        commit(staging, self.output)
        self._index_again(report)
        return sorted(path for path in files_under(self.output) if path != MARKER)

    def _index_again(self, report: BuildReport) -> list[str]:
        """Once open pages are told the new ones are in (`pages_ready`), the live site's search index
        made again (`refresh_index`); its files."""
        if self.pages_ready is not None:
            self.pages_ready()
        self.progress("indexing for search (Pagefind)")
        began = time.perf_counter()
        index = refresh_index(self.output)
        report.search_seconds = time.perf_counter() - began
        return index


def _render(job: RenderJob, related: Callable[[], _Related], jobs: int) -> tuple[_Related, RenderResult]:
    """Render the outputs of `job`'s site: paper pages once `related()` has answered, the others meanwhile.

    The site was built without related papers; each paper page gets its own where it is rendered, through
    the model's `page_with_related`, from the slugs handed out with its chunk (a few bytes, where the
    pages themselves would be megabytes to send, or a second set of processes to fork).
    """
    site = job.site
    papers = [i for i, page in enumerate(site.pages) if page.paper is not None]
    others = [i for i, page in enumerate(site.pages) if page.paper is None]
    others += range(len(site.pages), len(site.pages) + len(site.feeds))
    result = RenderResult()
    with Workers(render_outputs, job, jobs) as workers:
        workers.submit(others, interleave=True)
        found = related()

        def slugs(chunk: Sequence[int]) -> tuple[dict[str, Sequence[str]]]:
            return ({p.slug: found.similar.get(p.slug, ()) for p in (site.pages[i].paper for i in chunk) if p},)

        workers.submit(papers, slugs, interleave=True)
        for part in workers.results():
            result.add(part)
    return found, result


@dataclass(frozen=True)
class _Related:
    """Related papers (slug -> slugs) and the index they came from (see `related_index`)."""

    index: RelatedIndex
    fresh: bool  # found by this build (else the cache's, unchanged)

    @property
    def similar(self) -> Mapping[str, Sequence[str]]:
        return self.index.similar


def _related(pending: Background[tuple[RelatedIndex, bool]]) -> _Related:
    return _Related(*pending.result())


def _docs(loaded: Loaded) -> list[Doc]:
    return [Doc(e.slug, loaded.terms[e.slug], frozenset(tag_slug(x) for x in e.tags)) for e in loaded.entries]


def _salt(theme: str, site: Site) -> bytes:
    """What every output's model key depends on besides its model: the theme and the site's info but
    for the fields that change as papers come and go (those an output read are in its key)."""
    base = theme.encode()
    return base + model_key(stable_info(site.info), base, {}).key.encode()


def _prepare(theme: Theme, bytecode: Path | None, *, track: bool) -> jinja2.Environment:
    """The build's Jinja environment with every template compiled, made once before workers fork
    (the built-in originals under default/ only when a template extends one)."""
    env = make_tracking_environment(theme, bytecode) if track else make_environment(theme)
    for name in env.list_templates(filter_func=_compiled_early):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass  # rendering reports template errors with their page
    return env


def _compiled_early(name: str) -> bool:
    return name.endswith((".html", ".xml")) and not name.startswith("default/")
