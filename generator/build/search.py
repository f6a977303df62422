"""Search: Pagefind indexes the built site, as the last build step.

Pagefind (PyPI `pagefind[bin]`) writes a split index to `pagefind/` in the
site, so a browser loads only the fragments a query needs, even for 100,000
papers. It reads the paper pages alone (a listing, tag or author page is never
a search result), and what it takes from them is marked in the theme: the
abstract as the body (`data-pagefind-body`), title, authors, arXiv id and tags
as metadata (`data-pagefind-meta`), topic, year and date as filters and the
date as sort key. Pagefind searches metadata from version 1.5 on, so an older
one is refused rather than left to find papers by their abstracts alone.

Pagefind cannot update an index: it indexes every page again, about 1.5 ms of
CPU a page (15 s at 10,000 papers). So a patch (an edit to a few entries)
indexes the pages of the papers it edited alone, into a small second index in
`pagefind/edits/`, whose `manifest.json` names, for each of those pages, its
page in the main index and in the small one (`update_index`); the theme's
search script searches both and shows each edited paper as the small index has
it. An edit a patch makes never changes a paper's date or topics, so the
filters of every page are the main index's. The next full indexing (a full
build, or an edit past `EDITS_LIMIT`) empties the small index again.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError
from ..model.site import PAPER_PAGES
from .output import discard, files_under, new_staging, replace_folder
from .parallel import die_with_parent

if TYPE_CHECKING:
    from .cache import BuildCache

try:  # the binary's wheel (`pagefind[bin]`); a `pagefind` on PATH does as well
    from pagefind_bin import get_executable
except ImportError:  # pragma: no cover
    get_executable = None

INDEX = "pagefind"  # the index's folder in the site
EDITS = "edits"  # in INDEX: the index of the pages patches changed since INDEX was made
MANIFEST = "manifest.json"  # in EDITS: which pages of INDEX its pages stand for
# Most pages EDITS holds; past it (or past 1/EDITS_SHARE of the papers) the whole site is indexed
# again. Pagefind takes about 0.3 s for 200 pages (2 cores, Pagefind 1.5.2).
EDITS_LIMIT = 200
EDITS_SHARE = 8
SEARCH_PAGES = "search-pages"  # the build cache's result holding `main_pages`, keyed by `index_key`
MISSING = "search needs the Pagefind binary: install it with `pip install 'pagefind[bin]'`, or build with --no-search"
NEEDED_VERSION = (1, 5)  # metadata (titles, authors, arXiv ids) is searched from Pagefind 1.5 on
TOO_OLD = (
    "search needs Pagefind {needed} or newer (found {found}), which searches titles, authors and arXiv ids:"
    " `pip install -U 'pagefind[bin]'`, or build with --no-search"
)


def find_pagefind() -> list[str]:
    """The command that runs Pagefind; a `BuildError` saying how to get it when there is none or it is too old."""
    command = _pagefind_command()
    found = pagefind_version(command[0])
    if found is not None and found < NEEDED_VERSION:
        raise BuildError(TOO_OLD.format(needed=".".join(map(str, NEEDED_VERSION)), found=".".join(map(str, found))))
    return command


def pagefind_installed() -> bool:
    """Whether a Pagefind binary is there to run (its version is checked when it runs: `find_pagefind`)."""
    try:
        _pagefind_command()
    except BuildError:
        return False
    return True


def _pagefind_command() -> list[str]:
    if get_executable is not None:
        try:
            return [str(get_executable())]
        except (FileNotFoundError, OSError):
            pass
    found = shutil.which("pagefind")
    if found:
        return [found]
    raise BuildError(MISSING)


@lru_cache(maxsize=4)
def pagefind_version(executable: str) -> tuple[int, ...] | None:
    """The version of the Pagefind binary at `executable` (`pagefind 1.5.2` -> (1, 5, 2)); None when it
    does not say, in which case the build goes on and Pagefind's own errors speak. Asked once per binary."""
    try:
        result = subprocess.run(
            [executable, "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            preexec_fn=partial(die_with_parent, os.getpid()),
            close_fds=True,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", result.stdout)
    return tuple(int(part) for part in match.groups()) if match else None


def index_site(folder: Path, output: Path | None = None) -> None:
    """Run Pagefind over the paper pages of a built site folder; its index goes to `folder/pagefind/`, or to
    `output`, with no edits (an empty `EDITS` manifest).

    Only paper pages carry what search shows, so Pagefind is not given the others to parse: at 10,000
    papers of the benchmark's real-shaped corpus that takes its time from 24.5 s to 15.5 s and its
    memory from 1.95 GB to 1.48 GB, for the same index (2026-12-03, Pagefind 1.5.2, 2 cores).
    """
    _run_pagefind(folder, output)
    _write_manifest((output if output is not None else folder / INDEX) / EDITS, [])


def _run_pagefind(folder: Path, output: Path | None) -> None:
    # A site with no paper yet gets the index of its other pages: Pagefind refuses a glob that matches nothing.
    pages = ["--glob", PAPER_PAGES] if any(folder.glob(PAPER_PAGES)) else []
    command = [*find_pagefind(), "--site", str(folder), *pages, "--quiet"]
    if output is not None:
        command += ["--output-path", str(output)]
    try:
        # Pagefind dies with this process, even when it is killed (see `die_with_parent`).
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=600,
            preexec_fn=partial(die_with_parent, os.getpid()),
            close_fds=True,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"search indexing failed: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BuildError(f"search indexing failed (pagefind exit {result.returncode}): {detail[0]}")


def refresh_index(site: Path) -> list[str]:
    """Index the pages of the live site folder `site` again, and swap the new index for its `pagefind/`
    folder at the end (until then search answers from the previous index); the index's files, from `site`."""
    index = site / INDEX
    fresh = new_staging(site)  # beside the site, never in it
    try:
        index_site(site, fresh)
        replace_folder(fresh, index)
    except BaseException:
        discard(fresh)
        raise
    return sorted(f"{INDEX}/{path}" for path in files_under(index))


@dataclass(frozen=True)
class IndexUpdate:
    """What `update_index` did: the folder of the index it replaced and the files in it (from the
    site: `pagefind/edits/` or the whole `pagefind/`), and the main index's pages (see `main_pages`)."""

    folder: str
    files: list[str]
    key: str  # `index_key` of the main index
    pages: dict[str, tuple[str, dict[str, Any]]]


def index_key(index: Path) -> str | None:
    """What names the main index in the site's `index` folder (its entry file's bytes); None without one."""
    try:
        return (index / "pagefind-entry.json").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def known_pages(cache: BuildCache, index: Path) -> dict[str, tuple[str, dict[str, Any]]] | None:
    """The `main_pages` of the index in the folder `index` as the cache keeps them, if it does."""
    key = index_key(index)
    pages = cache.result(SEARCH_PAGES, key) if key is not None else None
    return pages if isinstance(pages, dict) else None


def remember_pages(cache: BuildCache, index: Path) -> None:
    """Keep the `main_pages` of the index just made in the folder `index`, for the patches to come."""
    key = index_key(index)
    if key is not None:
        cache.store_result(SEARCH_PAGES, key, main_pages(index))


def main_pages(index: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """The pages of the index in the folder `index`: URL -> (Pagefind's id of the page, its filters).

    Read from Pagefind's page fragments (a gzipped JSON record after a signature); a fragment that reads
    otherwise is left out, so its page is indexed in full again when edited. About 0.45 s at 10,000 papers.
    """
    pages: dict[str, tuple[str, dict[str, Any]]] = {}
    folder = index / "fragment"
    try:
        names = os.listdir(folder)
    except OSError:
        return pages
    for name in sorted(names):
        page = _fragment(folder / name)
        if page is not None:
            pages[page["url"]] = (name.removesuffix(".pf_fragment"), page["filters"])
    return pages


def _fragment(path: Path) -> dict[str, Any] | None:
    try:
        data = gzip.decompress(path.read_bytes())
        page = json.loads(data[data.index(b"{") :])
    except (OSError, ValueError, EOFError, gzip.BadGzipFile):
        return None
    if isinstance(page, dict) and isinstance(page.get("url"), str) and isinstance(page.get("filters"), dict):
        return page
    return None


def update_index(site: Path, edited: list[str], known: dict[str, tuple[str, dict[str, Any]]] | None) -> IndexUpdate:
    """Bring the search index of the live site folder `site` up to date once the paper pages `edited`
    (site paths) were rewritten: those pages and the ones edited before are indexed into `EDITS`
    (`known`: the main index's pages, when the cache has them); past `EDITS_LIMIT`, or when a page
    is not in the main index as it is now (its filters changed), the whole index is made again."""
    index = site / INDEX
    pages = known if known is not None else main_pages(index)
    if _index_edits(site, edited, pages):
        files = sorted(f"{INDEX}/{EDITS}/{path}" for path in files_under(index / EDITS))
        return IndexUpdate(f"{INDEX}/{EDITS}/", files, index_key(index) or "", pages)
    files = refresh_index(site)
    return IndexUpdate(f"{INDEX}/", files, index_key(index) or "", main_pages(index))


def _index_edits(site: Path, edited: list[str], main: dict[str, tuple[str, dict[str, Any]]]) -> bool:
    """Index the pages `edited`, with those the `EDITS` manifest names, into `EDITS`; False, with nothing
    changed, when that cannot stand for indexing the whole site again."""
    index = site / INDEX
    before = _read_manifest(index / EDITS / MANIFEST)
    if before is None:
        return False
    urls = sorted({page["url"] for page in before} | {"/" + path.removesuffix("index.html") for path in edited})
    if len(urls) > min(EDITS_LIMIT, len(main) // EDITS_SHARE) or any(url not in main for url in urls):
        return False
    staging = new_staging(site)  # beside the site, never in it
    try:
        pages, fresh = staging / "pages", staging / "index"
        for url in urls:
            page = pages / url.strip("/") / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / url.strip("/") / "index.html", page)
            except OSError:  # a file system without hard links
                shutil.copyfile(site / url.strip("/") / "index.html", page)
        _run_pagefind(pages, fresh)
        made = main_pages(fresh)
        if set(made) != set(urls) or any(made[url][1] != main[url][1] for url in urls):
            return False  # a page's filters changed: its place among the others may have
        _write_manifest(
            fresh, [{"url": url, "main": main[url][0], "edit": made[url][0], "filters": main[url][1]} for url in urls]
        )
        replace_folder(fresh, index / EDITS)
    except OSError as exc:
        raise BuildError(f"search indexing failed: {exc}") from None
    finally:
        discard(staging)
    return True


def _write_manifest(folder: Path, pages: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"pages": pages}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")


def _read_manifest(path: Path) -> list[dict[str, Any]] | None:
    """The pages an `EDITS` manifest names; None when it is missing or not one this module wrote."""
    try:
        pages = json.loads(path.read_text(encoding="utf-8"))["pages"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if isinstance(pages, list) and all(isinstance(page, dict) and isinstance(page.get("url"), str) for page in pages):
        return pages
    return None
