"""The build pipeline, as a table of contents: load, model, render, write.

Nothing reaches the output folder until every page and feed has rendered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .content import load_entries
from .errors import Problem, SourceError
from .feeds import render_feed, render_opml
from .markup import Markup
from .output import check_output_dir, write_site
from .render import make_environment, render_pages, render_robots, render_sitemap
from .related import Doc, related
from .search import find_pagefind, index_site
from .site import build_site
from .taxonomy import tag_slug
from .theme import asset_urls, find_theme, read_assets


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
    skipped: list[Problem] = field(default_factory=list)


def build(root: Path, config: Config, *, strict: bool = False, search: bool = True) -> BuildReport:
    """Build the site of the project at `root` into its output folder.

    With `search`, Pagefind indexes the new site before it replaces the old one.
    """
    started = time.perf_counter()
    output = root / config.output_dir
    check_output_dir(output, root, [root / config.content_dir, root / "themes"])
    entries, problems = load_entries(root / config.content_dir / "papers", root)
    if strict and problems:
        raise SourceError(problems)
    theme_dir = find_theme(root, config.theme)
    assets = read_assets(theme_dir)
    markup = Markup()
    bodies = {entry.slug: markup.render(entry.body) for entry in entries}
    if search:
        find_pagefind()  # fail before any work when the binary is missing
    similar = related([Doc(e.slug, e.title, e.body, frozenset(tag_slug(t) for t in e.tags)) for e in entries])
    site = build_site(entries, config, bodies=bodies, assets=asset_urls(assets, config.base_path),
                      related=similar, search=search)

    env = make_environment(theme_dir)
    files: dict[str, bytes] = {f"static/{a.name}": a.data for a in assets}
    files.update((path, html.encode("utf-8")) for path, html in render_pages(env, site.pages, site.info).items())
    files.update((feed.path, render_feed(feed, site.info)) for feed in site.feeds)
    files["sitemap.xml"] = render_sitemap(site).encode("utf-8")
    files["robots.txt"] = render_robots(site.info).encode("utf-8")
    files["feeds.opml"] = render_opml(site.feeds, site.info).encode("utf-8")
    files.update((paper.bib_path, paper.bibtex.encode("utf-8")) for paper in site.papers)
    report = BuildReport(papers=len(site.papers), pages=len(site.pages), feeds=len(site.feeds),
                         tags=len(site.tags), skipped=problems)

    def index(folder: Path) -> None:
        began = time.perf_counter()
        index_site(folder)
        report.search_seconds = time.perf_counter() - began

    report.files = write_site(output, files, finish=index if search else None)
    report.seconds = time.perf_counter() - started
    return report
