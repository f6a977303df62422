"""The incremental plan: the one decision of what a build must do, and the stamps it rests on.

A build is up to date when the inputs' stamp equals the one recorded with
the last finished build and the site folder still holds exactly what that
build wrote; it may patch the site when only a few entries changed and the
site is complete; otherwise it builds in full, reusing the files of the
previous site only when the cache describes that site (`SiteState`).

Stamps never trust a stat within the racy window: a file changed less than
`RACY_NS` ago may change again within the same clock tick without its size
or times moving, so its bytes are read instead (as git does).
"""

from __future__ import annotations

import enum
import hashlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .cache import BuildCache, SiteState

# A file changed this recently may change again within the same tick of a coarse file-system clock.
RACY_NS = 2_000_000_000
_MASK = (1 << 64) - 1


def is_racy(st: os.stat_result) -> bool:
    """Whether a file's stat is too recent to vouch for its bytes."""
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS


def tree_stamp(folders: Iterable[Path], *, stats: dict[str, os.stat_result] | None = None) -> str:
    """A fingerprint of the names, sizes and times of every file under `folders` (or of these files).

    A file in the racy window is fingerprinted by its bytes instead. `stats`,
    when given, receives each file's stat by path, so later steps need not stat it again.
    """
    rows = []
    pending = []
    for folder in folders:
        if folder.is_file():
            rows.append(_stamp_row(str(folder), folder.stat()))
        else:
            pending.append(str(folder))
    while pending:
        try:
            scan = os.scandir(pending.pop())
        except OSError:
            continue
        with scan:
            for item in scan:
                if item.is_dir(follow_symlinks=False):
                    pending.append(item.path)
                    continue
                try:
                    st = item.stat()
                    rows.append(_stamp_row(item.path, st))
                except OSError:
                    continue
                if stats is not None:
                    stats[item.path] = st
    rows.sort()
    return hashlib.blake2b("\n".join(rows).encode(), digest_size=16).hexdigest()


def _stamp_row(path: str, st: os.stat_result) -> str:
    if is_racy(st):
        with open(path, "rb") as file:
            return f"{path}\0{st.st_size}\0{hashlib.blake2b(file.read(), digest_size=16).hexdigest()}"
    return f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"


def folder_stamp(folder: Path) -> str:
    """Identity of an output folder: replaced (new inode), it no longer matches."""
    try:
        st = os.stat(folder)
    except OSError:
        return ""
    return f"{st.st_ino}"


def output_stamp(folder: Path, paths: Iterable[str]) -> int:
    """A fingerprint of the size and mtime of each file `paths` names under `folder`: a sum of one
    number per file, so that replacing a few files updates it without a stat of the others (`restamp`).
    -1 when a file is missing."""
    base = os.fspath(folder) + "/"
    total = 0
    try:
        for path in paths:
            total += _file_number(path, os.stat(base + path))
    except OSError:
        return -1
    return total & _MASK


def restamp(stamp: int, before: dict[str, os.stat_result], folder: Path) -> int:
    """`stamp` once the files `before` describes (path -> stat before the change) were replaced."""
    base = os.fspath(folder) + "/"
    try:
        for path, st in before.items():
            stamp += _file_number(path, os.stat(base + path)) - _file_number(path, st)
    except OSError:
        return -1
    return stamp & _MASK


def _file_number(path: str, st: os.stat_result) -> int:
    data = f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


class Step(enum.Enum):
    UP_TO_DATE = "up to date"
    PATCH = "patch"  # try patching the site for a few edited entries; a full build when that cannot be done
    FULL = "full"


@dataclass(frozen=True)
class Plan:
    """What a build does, and what it may trust of the last one."""

    step: Step
    fingerprint: str  # of every input, recorded when the build finishes
    reuse: bool  # the previous site's files and the cache's records of them may be reused
    in_place: bool  # a small change may be moved into the live site file by file
    stats: dict[str, os.stat_result]  # of the entry files, taken for the fingerprint


def plan(
    cache: BuildCache,
    *,
    inputs: list[Path],
    settings: str,
    output: Path,
    clean: bool,
    search: bool,
) -> Plan:
    """Decide what the build of `inputs` (entry and theme folders, site.yaml) under `settings`
    (everything else it depends on, as text) into `output` must do."""
    stats: dict[str, os.stat_result] = {}
    fingerprint = tree_stamp(inputs, stats=stats) + "\0" + settings
    if clean:
        return Plan(Step.FULL, fingerprint, reuse=False, in_place=False, stats=stats)
    state = cache.state
    intact = state.complete and _site_intact(cache, output)
    if intact and cache.get_meta("fingerprint") == fingerprint:
        return Plan(Step.UP_TO_DATE, fingerprint, reuse=True, in_place=False, stats=stats)
    # A search index is rebuilt over the whole site, so only a site without one is patched or updated in place.
    small = intact and state is SiteState.COMPLETE and not search
    return Plan(Step.PATCH if small else Step.FULL, fingerprint, reuse=intact, in_place=small, stats=stats)


def _site_intact(cache: BuildCache, output: Path) -> bool:
    """Whether the site folder is the one the last build finished, with every file as it left them."""
    if cache.get_meta("folder") != folder_stamp(output):
        return False
    recorded = cache.get_meta("files")
    paths = cache.get_meta("paths")
    return recorded is not None and paths is not None and output_stamp(output, paths.split("\n")) == int(recorded)
