"""Rendering the site model's pages and feeds into a staging folder, over worker processes.

Workers are forked with a `RenderJob` (the model, the environment, what the
previous site holds) and render chunks of outputs by index: pages first,
then feeds. An output whose model key equals the one it had at the last
build, and whose file the previous site still holds, is not rendered; a
rendered file whose bytes equal the previous one's is not written (it is
linked from the previous site later, keeping its mtime).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import jinja2

from .. import lazy
from ..model.site import FeedSpec, Page, PaperView, Site, SiteInfo, page_with_related, related_finder
from ..render.environment import render_page
from .cache import CACHE_DIR, OutputRow, Rendered, digest, model_key
from .output import write_files
from .tracking import ALL_FIELDS, TrackingEnvironment, reads_text, site_fields

# The site info's fields that change as papers come, go or change topics. The salt of model keys
# leaves them out (`stable_info`): an output's key covers those of them it read when it was last
# rendered (`SiteValues.key`), so that a daily update renders again the pages that show the paper
# count or the top tags (the home page), not every page. Feeds read none of them (`render.feeds`;
# tests/test_incremental.py checks it).
VOLATILE = ("paper_count", "top_tags", "venue_urls")
_INFO_FIELDS = frozenset(f.name for f in fields(SiteInfo))


def stable_info(info: SiteInfo) -> SiteInfo:
    """`info` with its VOLATILE fields emptied: what the salt of every model key covers."""
    return replace(info, paper_count=0, top_tags=(), venue_urls={})


class SiteValues:
    """The VOLATILE fields of one site info, as model keys cover them."""

    def __init__(self, info: SiteInfo) -> None:
        self._info = info
        self._digests: dict[str, bytes] = {}

    def key(self, base: str, read: Iterable[str]) -> str:
        """The key of an output whose model has the key `base` and that read the site info's fields
        `read` ("*": any): `base` when it read none of the VOLATILE ones, else a digest of `base` and
        their values, followed by their names, which the next build reads back (`read_before`)."""
        read = set(read)
        # A name that is no field (`__getattribute__`, a method) may read any.
        whole = ALL_FIELDS in read or bool(read - _INFO_FIELDS)
        names = VOLATILE if whole else tuple(name for name in VOLATILE if name in read)
        if not names:
            return base
        h = hashlib.blake2b(base.encode(), digest_size=16)
        for name in names:
            if name not in self._digests:
                data = pickle.dumps(getattr(self._info, name), protocol=pickle.HIGHEST_PROTOCOL)
                self._digests[name] = hashlib.blake2b(data, digest_size=16).digest()
            h.update(self._digests[name])
        return f"{h.hexdigest()}|{','.join(names)}"


def read_before(key: str) -> list[str]:
    """The VOLATILE fields that the output with this `SiteValues.key` read."""
    names = key.partition("|")[2]
    return names.split(",") if names else []


@dataclass(frozen=True)
class RenderJob:
    """What render workers share (they are forked with it, never sent it)."""

    site: Site
    env: jinja2.Environment  # a TrackingEnvironment when `salt` is set
    staging: Path
    previous: Path | None  # the live site, when its files may stand in for unchanged outputs
    old: Mapping[str, OutputRow]  # the previous site's outputs, as the cache recorded them
    salt: bytes = b""  # of model keys (theme, version, `stable_info`); empty when nothing is tracked
    digests: Mapping[str, bytes] = field(default_factory=dict)  # of every paper, for model keys


@dataclass
class RenderResult:
    """What rendering some outputs gave: every output's (key, digest), the paths written into the
    staging folder, and (when tracked) the model and reads of each output rendered."""

    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    rendered: dict[str, Rendered] = field(default_factory=dict)

    def add(self, other: RenderResult) -> None:
        self.outputs.update(other.outputs)
        self.written.extend(other.written)
        self.rendered.update(other.rendered)


def templates_cache(root: Path) -> Path:
    """Where compiled templates are kept between builds."""
    folder = root / CACHE_DIR / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def render_outputs(
    job: RenderJob, chunk: Sequence[int], related: Mapping[str, Sequence[str]] | None = None
) -> RenderResult:
    """Render pages and feeds by index (pages first, then feeds) into the staging folder. With
    `related` (slug -> slugs), the chunk's paper pages get those related papers (see `page_with_related`)."""
    site, old, previous = job.site, job.old, job.previous
    find = related_finder(site.papers, related) if related is not None else None
    result = RenderResult()
    files: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    pages = len(site.pages)
    values = SiteValues(site.info)
    for i in chunk:
        item: Page | FeedSpec = site.pages[i] if i < pages else site.feeds[i - pages]
        if find is not None and isinstance(item, Page) and item.paper is not None:
            item = page_with_related(item, find)
        model = model_key(item, job.salt, job.digests, PaperView) if job.salt else None
        paths = output_paths(item)
        if model and previous is not None and paths[0] in old:
            key = values.key(model.key, read_before(old[paths[0]].key))
            if _kept(paths, key, old, previous):
                result.outputs.update((p, (old[p].key, old[p].digest)) for p in paths)
                continue
        made, reads = render_item(job.env, item, site.info)
        files.update(made)
        if model:
            model = model._replace(key=values.key(model.key, site_fields(reads)))
            result.rendered.update((p, Rendered(model, reads)) for p in made)
        for p in paths:
            keys[p] = model.key if model else ""
    result.written = place(job.staging, previous, files, old, result.outputs, keys=keys, track=bool(job.salt))
    return result


def _kept(paths: list[str], key: str, old: Mapping[str, OutputRow], previous: Path) -> bool:
    """Whether the previous site holds these files as rendered from a model with this key."""
    return all(p in old and old[p].key == key for p in paths) and all(os.path.isfile(previous / p) for p in paths)


def output_paths(item: Page | FeedSpec) -> list[str]:
    """The files one page (its .bib file too, when the site has them) or feed makes."""
    if isinstance(item, Page) and item.paper is not None and item.paper.bib_path:
        return [item.path, item.paper.bib_path]
    return [item.path]


def place(
    staging: Path,
    previous: Path | None,
    files: Mapping[str, bytes],
    old: Mapping[str, OutputRow],
    outputs: dict[str, tuple[str, str]],
    *,
    track: bool,
    keys: Mapping[str, str] | None = None,
) -> list[str]:
    """Write rendered files into the staging folder, except those the previous site already holds.

    A file whose bytes hash as they did in the previous site is left there
    (so it keeps its mtime, and hosts that sync by mtime upload only what
    changed); the comparison uses the digests the cache kept, never a read
    of the old file. Records each file's key and digest in `outputs`;
    returns the paths written.
    """
    fresh: dict[str, bytes] = {}
    for path, data in files.items():
        d = digest(data) if track else ""
        outputs[path] = ((keys or {}).get(path, ""), d)
        if d and previous is not None and path in old and old[path].digest == d and (previous / path).is_file():
            continue
        fresh[path] = data
    write_files(staging, fresh)
    return list(fresh)


def render_item(env: jinja2.Environment, item: Page | FeedSpec, info: SiteInfo) -> tuple[dict[str, bytes], str]:
    """The files of one page (its .bib too, when the site has them) or one feed, and, with a
    tracking environment, what they read of which papers (see `tracking.reads_text`)."""
    track = isinstance(env, TrackingEnvironment)
    if not isinstance(item, Page):
        files = {item.path: lazy.feeds().render_feed(item, info)}
        return files, reads_text({p.slug: {ALL_FIELDS} for p in item.items}) if track else ""
    if not track:
        return _page_files(item, render_page(env, item, info)), ""
    assert isinstance(env, TrackingEnvironment)
    env.reads = {}
    try:
        html = render_page(env, item, info)
        reads = env.reads
    finally:
        env.reads = None
    if item.paper is not None and item.paper.bib_path:
        reads = {**reads, item.paper.slug: {ALL_FIELDS}}
    return _page_files(item, html), reads_text(reads)


def _page_files(page: Page, html: str) -> dict[str, bytes]:
    files = {page.path: html.encode("utf-8")}
    if page.paper is not None and page.paper.bib_path:
        files[page.paper.bib_path] = page.paper.bibtex.encode("utf-8")
    return files
