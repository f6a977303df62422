"""Search: Pagefind indexes the built site, as the last build step.

Pagefind (PyPI `pagefind[bin]`) writes a split index to `pagefind/` in the
site, so a browser loads only the fragments a query needs, even for 100,000
papers. It reads the paper pages alone (a listing, tag or author page is never
a search result), and what it takes from them is marked in the theme: the
abstract as the body (`data-pagefind-body`), title, authors, arXiv id and tags
as metadata (`data-pagefind-meta`), topic, year and date as filters and the
date as sort key. Pagefind searches metadata from version 1.5 on, so an older
one is refused rather than left to find papers by their abstracts alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import lru_cache, partial
from pathlib import Path

from ..errors import BuildError
from ..model.site import PAPER_PAGES
from .output import discard, files_under, new_staging, replace_folder
from .parallel import die_with_parent

try:  # the binary's wheel (`pagefind[bin]`); a `pagefind` on PATH does as well
    from pagefind_bin import get_executable
except ImportError:  # pragma: no cover
    get_executable = None

INDEX = "pagefind"  # the index's folder in the site
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
    """Run Pagefind over the paper pages of a built site folder; its index goes to `folder/pagefind/`, or to `output`.

    Only paper pages carry what search shows, so Pagefind is not given the others to parse: at 10,000
    papers of the benchmark's real-shaped corpus that takes its time from 24.5 s to 15.5 s and its
    memory from 1.95 GB to 1.48 GB, for the same index (2026-12-03, Pagefind 1.5.2, 2 cores).
    """
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
