"""Output: the only module that writes under the output folder.

The new site is written to a staging folder beside the output, so a build
that fails before it is complete leaves the previous site. Then each of its
files is moved into the output folder by one rename (a reader sees a file
old or new, never half), and what the new site no longer has is deleted.
The output folder itself is never replaced, so a server started inside it
or a bind mount of it sees the new site. A build killed while it moves
files leaves old and new ones mixed; the cache's state stays "building"
until the move is done, so the next build rewrites every file (see
`cache.SiteState`).
Every site carries a marker file (`MARKER`), so that a later build knows the
folder it rewrites is a site and not someone's files.
"""

from __future__ import annotations

import itertools
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ..errors import BuildError

# In every built site: a build replaces only a folder that has it, is empty, or the cache knows as its own.
# Outside the site's outputs (no sitemap or search entry, not in the cache's record of the site's files).
MARKER = ".paperfeed-site"
MARKER_TEXT = b"This folder is a site built by paperfeed: `paperfeed build` replaces everything in it.\n"


def may_replace(folder: Path) -> bool:
    """Whether a build may replace `folder` whole: it is empty, or a site that carries the marker."""
    if os.path.isfile(folder / MARKER):
        return True
    with os.scandir(folder) as items:
        return next(items, None) is None


def mark_site(folder: Path) -> None:
    """Put the marker in the site at `folder`, unless it is there already with its bytes.

    A marker deleted or changed by hand is written again; one that is a link
    is replaced, never followed.
    """
    path = os.path.join(folder, MARKER)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISREG(st.st_mode) and st.st_size == len(MARKER_TEXT):
            with open(path, "rb") as file:
                if file.read() == MARKER_TEXT:
                    return
        os.unlink(path)
    # Written where it stands (no temporary file that a killed build would leave in the site).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        os.write(fd, MARKER_TEXT)
    finally:
        os.close(fd)


def _safe_relative(path: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise BuildError(f"refusing to write outside the output folder: {path!r}")
    return rel


def new_staging(output: Path) -> Path:
    """An empty folder beside `output` to write the next site into."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    _MADE.clear()
    for leftover in output.parent.glob(f".{output.name}.new-*"):
        _remove_later(leftover)  # from builds that were killed; the project lock keeps live ones apart
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes it private; the site must be readable by a web server
    return staging


def write_files(staging: Path, files: Mapping[str, bytes]) -> int:
    """Write `files` (relative path -> bytes) under `staging`; safe to call from several processes."""
    # Paths as strings: pathlib's parsing and joining cost as much as the writes' own Python code.
    base = os.fspath(staging)
    for path in sorted(files):
        parts = path.split("/")
        relative = _safe_relative(path).as_posix() if "" in parts or "." in parts or ".." in parts else path
        folder = relative.rpartition("/")[0]
        if folder:
            _make_folder(f"{base}/{folder}")
        # os.open saves the fstat and ioctl calls of open(); O_EXCL: a second write to one path is a bug.
        fd = os.open(f"{base}/{relative}", os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            data = memoryview(files[path])
            while data:
                data = data[os.write(fd, data) :]
        except OSError as exc:  # a full disk: say which file could not be written
            exc.filename = exc.filename or f"{base}/{relative}"
            raise
        finally:
            os.close(fd)
    return len(files)


def _make_folder(folder: str) -> None:
    if folder not in _MADE:
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        _MADE.add(folder)


def link_previous(previous: Path | None, staging: Path, path: str) -> bool:
    """Hard-link `path` from the previous site into `staging`; False when that cannot be done."""
    if previous is None:
        return False
    relative = _safe_relative(path)
    source, target = previous / relative, staging / relative
    _make_folder(os.fspath(target.parent))
    try:
        if source.is_symlink():
            return False
        os.link(source, target)
    except FileExistsError:
        raise BuildError(f"two outputs would be written to {path}") from None
    except OSError:  # gone from the previous site, or no links on this file system
        return False
    return True


# Folders this process already made under a staging folder; saves a syscall per linked file.
_MADE: set[str] = set()


def _real_folders(output: Path, folders: set[PurePosixPath]) -> bool:
    """True when every existing part of each folder (relative to `output`) is a folder, not a link."""
    seen: set[PurePosixPath] = set()
    for folder in folders:
        for part in [folder, *folder.parents]:
            if part in seen or part == PurePosixPath("."):
                continue
            seen.add(part)
            try:
                mode = os.lstat(output / part).st_mode
            except FileNotFoundError:
                continue
            if not stat.S_ISDIR(mode):
                return False
    return True


def update_in_place(staging: Path, output: Path, written: list[str], removed: list[str]) -> bool:
    """Move the `written` files from `staging` into the live site at `output`, and delete `removed` ones.

    Each file is replaced by one rename, so a reader sees its old bytes or its
    new ones, never half. False, with nothing touched, when the site's folders
    are not what the build expects (a file or a link where a folder should be).
    """
    paths = [_safe_relative(p) for p in written]
    gone = [_safe_relative(p) for p in removed]
    if not _real_folders(output, {p.parent for p in paths} | {p.parent for p in gone}):
        return False
    for rel in paths:  # a file where a folder was (a static folder become a file) takes the staged path
        try:
            if stat.S_ISDIR(os.lstat(output / rel).st_mode):
                return False
        except FileNotFoundError:
            pass
    made: set[PurePosixPath] = set()
    with Trash(staging) as trash:
        for rel in paths:
            if rel.parent not in made:
                (output / rel.parent).mkdir(parents=True, exist_ok=True)
                made.add(rel.parent)
            trash.hold(output / rel)
            os.replace(staging / rel, output / rel)
        for rel in gone:
            trash.take(output / rel)
            folder = rel.parent
            while folder != PurePosixPath("."):  # drop folders the removal left empty
                try:
                    (output / folder).rmdir()
                except OSError:
                    break
                folder = folder.parent
        trash.take_folder(staging)
    return True


def commit(staging: Path, output: Path) -> None:
    """Move the finished site in `staging` into the `output` folder, which keeps its identity, and remove `staging`.

    Each file is moved by one rename, and a folder `output` lacks moves whole;
    a file already there as the same inode (a hard link of an unchanged file)
    stays. Files and folders that the new site does not have are deleted, the
    marker excepted. A link, or a file where a folder goes, is replaced, never
    followed; so is a link at `output`.
    """
    output = output.absolute()
    if os.path.islink(output):
        os.unlink(output)
    os.makedirs(output, exist_ok=True)
    mark_site(output)  # first: a build killed midway leaves a folder the next build knows as a site
    with Trash(staging) as trash:
        _move_into(os.fspath(staging), os.fspath(output), trash, keep=MARKER)
        trash.take_folder(staging)
    # Old sites that earlier versions swapped out, if a build was killed before it deleted them.
    for leftover in output.parent.glob(f".{output.name}.old-*"):
        if leftover != trash.folder:
            _remove_later(leftover)


def _move_into(staged: str, live: str, trash: Trash, *, keep: str = "") -> None:
    """Make the folder `live` hold what the folder `staged` holds, leaving `staged` an empty tree; `keep` is
    a name left alone. What `live` loses goes to `trash`."""
    with os.scandir(live) as items:
        there = {item.name: item for item in items}
    with os.scandir(staged) as items:
        new = list(items)
    for item in new:
        old = there.pop(item.name, None)
        target = os.path.join(live, item.name)
        if old is not None and old.is_dir(follow_symlinks=False) != item.is_dir(follow_symlinks=False):
            trash.take(old.path)  # a file or a link where a folder goes, or a folder where a file goes
            old = None
        if old is None:
            os.replace(item.path, target)  # a file, or a whole folder; over a link, the link is replaced
        elif item.is_dir(follow_symlinks=False):
            _move_into(item.path, target, trash)
        elif old.inode() != item.inode():
            trash.hold(target)
            os.replace(item.path, target)
        else:
            # Dropped now, not later: unlinking changes the file's ctime, which the cache's record of the site holds.
            os.unlink(item.path)
    for name, old in there.items():
        if name != keep:
            trash.take(old.path)


def replace_folder(staged: Path, live: Path) -> None:
    """Make the folder `live` (made if missing; a link replaced) hold what `staged` holds, then remove `staged`."""
    if os.path.islink(live) or (os.path.lexists(live) and not os.path.isdir(live)):
        os.unlink(live)
    os.makedirs(live, exist_ok=True)
    with Trash(staged) as trash:
        _move_into(os.fspath(staged), os.fspath(live), trash)
        trash.take_folder(staged)


class Trash:
    """What leaves the live site, set aside in a folder beside it (`.<name>.old-*`) that a detached
    process deletes (`_remove_later`) once the block ends, so the build does not wait while the disk
    frees it.

    Freeing a file's blocks may wait for the device: on ext4 with online discard and no journal
    (the benchmark machine's disk), replacing a file by a rename took 120-1,000 µs and removing a
    folder as much, while keeping the old file's last link aside first takes about 30 µs. A full
    build's move into a 10,000-paper site (18,800 files) waited 3-20 s for it. Equivalence: the
    site is the same, and the old files go, with or without the trash (tests/test_output_identity.py).
    """

    def __init__(self, staging: Path) -> None:
        # Named after the staging folder it goes with (`new_staging`): `.site.new-x` keeps `.site.old-x`,
        # which the next commit removes if this build is killed first.
        prefix, new, suffix = staging.name.rpartition(".new-")
        self.folder = staging.parent / (f"{prefix}.old-{suffix}" if new else f".{staging.name}.old")
        self._names = itertools.count()
        self._made = False

    def __enter__(self) -> Trash:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._made:
            _remove_later(self.folder)

    def _next(self) -> str:
        if not self._made:
            os.mkdir(self.folder)
            self._made = True
        return os.path.join(self.folder, str(next(self._names)))

    def hold(self, path: str | Path) -> None:
        """Keep a link to the file at `path`, about to be replaced, so that replacing it frees nothing."""
        try:
            os.link(path, self._next(), follow_symlinks=False)
        except OSError:  # missing, a folder, or no links here: the rename frees it, as it would have
            pass

    def take(self, path: str | Path) -> None:
        """Remove the file, link or folder at `path` from where it is (nothing when it is gone)."""
        try:
            os.rename(path, self._next())
        except FileNotFoundError:
            pass
        except OSError:  # the trash is on another file system (`path` under a mount point)
            _delete(path)

    def take_folder(self, path: str | Path) -> None:
        """Remove a staging folder whose files all moved out: at once when it is empty (as after a
        first build, whose folders all moved whole), else with its emptied folders through the trash."""
        try:
            os.rmdir(path)
        except OSError:
            self.take(path)


def _delete(path: str | Path) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)  # does not follow the links inside
    else:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def discard(staging: Path) -> None:
    """Remove an unfinished staging folder."""
    shutil.rmtree(staging, ignore_errors=True)


def _remove_later(folder: Path) -> None:
    # Deleting tens of thousands of files takes seconds: what killed builds (or earlier versions)
    # left beside the site is deleted by a detached process while the build goes on.
    try:
        subprocess.Popen(
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def files_under(folder: Path) -> list[str]:
    """The relative POSIX paths of every file under `folder`."""
    base = len(os.fspath(folder)) + 1
    found: list[str] = []
    for parent, _, names in os.walk(folder):
        found.extend(os.path.join(parent, name)[base:].replace(os.sep, "/") for name in names)
    return found
