"""What `paperfeed serve` watches: native file events (watchdog), the noise editors and version control
make left out, and a burst of saves folded into one change.

Watched: the entries (`*.md` in the content folder), the theme folders and
`static/` (any file), and the config file. Left out: editor swap, backup and
lock files (`.x.md.swp`, `x.md~`, `.#x.md`, `#x.md#`, Vim's `4913` probe),
hidden files, and version-control and cache folders. The project folder
itself is watched without its subfolders, so that the site being written
into `site/` costs nothing, and a theme or static folder made later is
picked up when it appears.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# File names editors and tools write beside the files they save, and never a file a site reads.
NOISE = re.compile(
    r"(^\.|~$|^#.*#$|\.sw[a-px]$|^4913$|\.(bak|orig|tmp|kate-swp|crswap)$|___jb_(old|tmp)___$|^flycheck_)"
)
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules", ".paperfeed-cache"})


def is_noise(path: str | PurePath) -> bool:
    """Whether a change to `path` can never change the site: an editor's or a tool's file."""
    parts = PurePath(path).parts
    return bool(parts) and (NOISE.search(parts[-1]) is not None or any(p in IGNORED_FOLDERS for p in parts))


class Watcher:
    """Changes under the watched folders and to the watched files, a burst at a time.

    `folders` are watched with their subfolders (a folder that does not exist
    yet is watched once it appears in `root`); `files` are names in `root`;
    `wanted(path)` says which files of the folders count (default: all but noise).
    """

    def __init__(
        self,
        root: Path,
        folders: Iterable[Path],
        files: Iterable[Path],
        *,
        wanted: Callable[[Path], bool] = lambda path: True,
        quiet: float = 0.15,
    ) -> None:
        self.root = root.absolute()
        self.folders = [folder.absolute() for folder in folders]
        self.files = {file.absolute() for file in files}
        self.wanted, self.quiet = wanted, quiet
        self._changed: set[Path] = set()
        self._last = 0.0
        self._event = threading.Condition()
        self._observer = Observer()
        self._watching: set[Path] = set()
        handler = _Handler(self._seen)
        self._handler = handler
        self._observer.schedule(handler, str(self.root), recursive=False)
        for folder in self.folders:
            self._watch(folder)
        self._observer.start()

    def _watch(self, folder: Path) -> None:
        if folder.is_dir() and folder not in self._watching:
            self._watching.add(folder)
            self._observer.schedule(self._handler, str(folder), recursive=True)

    def _relevant(self, path: Path) -> bool:
        if path in self.files:
            return True
        if is_noise(path.relative_to(self.root) if path.is_relative_to(self.root) else path):
            return False
        if path in self.folders:  # a watched folder made, moved or removed as a whole
            return True
        return any(path.is_relative_to(folder) for folder in self.folders) and self.wanted(path)

    def _seen(self, paths: list[Path]) -> None:
        relevant = {path for path in paths if self._relevant(path)}
        for path in relevant:
            if path in self.folders:
                self._watch(path)
        if relevant:
            with self._event:
                self._changed |= relevant
                self._last = time.monotonic()
                self._event.notify_all()

    def next(self, stop: threading.Event) -> set[Path] | None:
        """The next burst of changes, once `quiet` seconds passed without another; None when `stop` is set."""
        with self._event:
            while not self._changed:
                if stop.is_set():
                    return None
                self._event.wait(0.2)
            while (left := self._last + self.quiet - time.monotonic()) > 0:
                self._event.wait(left)
            changed, self._changed = self._changed, set()
            return changed

    def close(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=2)


class _Handler(FileSystemEventHandler):
    def __init__(self, seen: Callable[[list[Path]], None]) -> None:
        self.seen = seen

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return  # reading a file changes nothing; a folder is "modified" by any change inside, seen on its own
        paths = [Path(str(event.src_path))]
        if getattr(event, "dest_path", ""):
            paths.append(Path(str(event.dest_path)))
        self.seen(paths)
