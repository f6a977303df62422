"""One build or ingest at a time per project: an advisory lock on a file in the cache folder.

The lock is released by the operating system when the process ends, so a
killed build never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import PaperfeedError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, run unguarded
    fcntl = None  # type: ignore[assignment]


class LockedError(PaperfeedError):
    """Another paperfeed process holds the project's lock. Raised by `project_lock`."""


@contextmanager
def project_lock(root: Path, what: str) -> Iterator[None]:
    """Hold the project's lock while `what` (build, ingest) runs; fail at once if another process has it."""
    folder = root / ".paperfeed-cache"
    folder.mkdir(exist_ok=True)
    fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
                raise LockedError(
                    f"cannot {what}: {holder} is running in this project; wait for it to finish and try again"
                ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"paperfeed {what} (pid {os.getpid()})".encode(), 0)
        yield
    finally:
        os.close(fd)
