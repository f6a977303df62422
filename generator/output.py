"""Output: the only module that writes under the output folder.

The new site is written to a temporary folder beside the output and swapped
in at the end, so a failed or interrupted build leaves the previous site.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

from .errors import BuildError


def check_output_dir(output: Path, root: Path, protected: list[Path]) -> None:
    """Refuse an output folder that is the project, holds it, or overlaps a protected folder."""
    out = output.resolve()
    root = root.resolve()
    if out == root or out in root.parents:
        raise BuildError(f"output folder {output} would replace the project itself; choose another output_dir")
    for folder in protected:
        folder = folder.resolve()
        if out == folder or out in folder.parents or folder in out.parents:
            raise BuildError(f"output folder {output} overlaps {folder}; choose another output_dir")


def _safe_relative(path: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise BuildError(f"refusing to write outside the output folder: {path!r}")
    return rel


def write_site(output: Path, files: Mapping[str, bytes], *, finish: Callable[[Path], None] | None = None) -> int:
    """Replace `output` with `files` (relative path -> bytes). Returns the number of files in the new site.

    `finish` runs on the complete new folder before it is swapped in (the search indexer).
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.parent / f".{output.name}.new-{os.getpid()}"
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    for leftover in (staging, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    try:
        made: set[Path] = set()
        for path in sorted(files):
            target = staging / _safe_relative(path)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(files[path])
        count = len(files)
        if finish is not None:
            finish(staging)
            count = sum(1 for p in staging.rglob("*") if p.is_file())
        if output.exists() or output.is_symlink():
            os.replace(output, old)
        os.replace(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old.exists() and not output.exists():
            os.replace(old, output)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return count
