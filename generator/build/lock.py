"""One build or ingest at a time per project: an advisory lock on a file in the cache folder.

The lock belongs to the process that took it: forked children close their
copy of the lock file at once, so a child can never keep the lock after its
parent is gone, and the operating system releases it when the holder ends,
however it ends (a kill included).
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

# Lock files this process holds open; a forked child closes its copies (see `_close_in_child`).
_HELD: set[int] = set()


class LockedError(PaperfeedError):
    """Another paperfeed process holds the project's lock. Raised by `project_lock`."""


def _close_in_child() -> None:
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


@contextmanager
def project_lock(root: Path, what: str) -> Iterator[None]:
    """Hold the project's lock while `what` (build, ingest) runs; fail at once if another process has it."""
    folder = root / ".paperfeed-cache"
    try:
        folder.mkdir(exist_ok=True)
        fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise PaperfeedError(f"cannot {what}: cannot use {folder}/lock: {exc.strerror or exc}") from None
    _HELD.add(fd)
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
        _HELD.discard(fd)
        os.close(fd)
