"""Search: Pagefind indexes the built site, as the last build step.

Pagefind (PyPI `pagefind[bin]`) writes a split index to `pagefind/` in the
site, so a browser loads only the fragments a query needs, even for 100,000
papers. Only paper pages are indexed (their `data-pagefind-body`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import partial
from pathlib import Path

from ..errors import BuildError
from .parallel import die_with_parent

try:  # the binary's wheel (`pagefind[bin]`); a `pagefind` on PATH does as well
    from pagefind_bin import get_executable
except ImportError:  # pragma: no cover
    get_executable = None

MISSING = "search needs the Pagefind binary: install it with `pip install 'pagefind[bin]'`, or build with --no-search"


def find_pagefind() -> list[str]:
    """The command that runs Pagefind; a `BuildError` saying how to get it when there is none."""
    if get_executable is not None:
        try:
            return [str(get_executable())]
        except (FileNotFoundError, OSError):
            pass
    found = shutil.which("pagefind")
    if found:
        return [found]
    raise BuildError(MISSING)


def index_site(folder: Path) -> None:
    """Run Pagefind over a built site folder; its index goes to `folder/pagefind/`."""
    command = [*find_pagefind(), "--site", str(folder), "--quiet"]
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
