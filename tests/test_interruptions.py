"""Edits interleaved with failed, killed and interrupted builds: the next build still equals a clean one.

A Hypothesis state machine drives one copy of tests/fixtures/sample_site
(on the disk, or on a small tmpfs where mounting is allowed). Each step is
either an edit (of an entry, a template, site.yaml, or of the built site
itself) or a failure: a `--strict` build over a broken entry, a build killed
with SIGKILL at a random moment (its main process alone, or its whole
process group; with or without search, so Pagefind may be running), a build
one of whose worker processes is killed, a build stopped with SIGTERM, a
build that runs out of disk space. A failure step may first make a few edits,
so that the build it interrupts has work to do.

After every step (the invariant), a normal `build --no-search` must succeed
and its site/ must equal, byte for byte, a `--clean` build of a copy of the
project's inputs; no process of any build may outlive it (its process group
is empty, and no process names the project with "generator" or "pagefind");
the project's lock must be free; and no staging or old site folder may be
left beside site/.

The default run is small (a few examples of a few steps); `pytest --slow`
runs a long one (PAPERFEED_INTERRUPTION_EXAMPLES overrides its size).
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, NamedTuple

import pytest
from conftest import FIXTURES, REPO, copy_project
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from generator.build.output import MARKER, MARKER_TEXT
from generator.render.theme import builtin_theme

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and Linux signals")

BUILD_TIMEOUT = 120.0  # a build of the sample takes about half a second; this is only against hangs
GONE_TIMEOUT = 3.0  # for the kernel to end (and reap) the children of a finished or killed build
PROMPT = 8.0  # seconds a build may take to exit after SIGTERM or after one of its workers died (5 s, and a margin)
FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


# -- processes ---------------------------------------------------------------


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.rstrip(b"\0").split(b"\0")] if raw else []


def _running(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    info = _stat(pid)
    return info is not None and info[0] not in ("Z", "X")


def _describe(pid: int) -> str:
    return f"pid {pid}: {' '.join(_cmdline(pid)) or '?'}"


def children(pid: int) -> list[int]:
    """The child processes of `pid` (of any of its threads)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def live_group_members(pgid: int) -> list[str]:
    """The processes still running in a process group.

    `os.killpg(pgid, 0)` says whether the group has any member; a zombie counts
    as one until it is reaped, and this machine's PID 1 reaps orphans only now
    and then, so when the group answers, the members that are not zombies are
    looked up.
    """
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return []
    return [_describe(pid) for pid in _pids() if (_stat(pid) or ("", 0, 0))[2] == pgid and _running(pid)]


def processes_naming(root: Path) -> list[str]:
    """Running processes whose command line names the project folder and paperfeed or Pagefind.

    The detached deleter of an old site folder (`python -c "import shutil, sys;
    shutil.rmtree(...)"`, started on purpose in its own session) is not one.
    """
    folder = str(root)
    found = []
    for pid in _pids():
        if pid == os.getpid():
            continue
        text = " ".join(_cmdline(pid))
        named = folder in text and ("generator" in text or "pagefind" in text)
        if named and "shutil.rmtree" not in text and _running(pid):
            found.append(_describe(pid))
    return found


def poll(check: Callable[[], list[str]], timeout: float) -> list[str]:
    """`check()` until it returns nothing or `timeout` passes; what it returned last."""
    deadline = time.monotonic() + timeout
    while True:
        left = check()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


def lock_holder(root: Path) -> str | None:
    """None when the project's lock is free; else what the lock file says of its holder."""
    path = root / ".paperfeed-cache" / "lock"
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(fd, 200, 0).decode(errors="replace") or "someone"
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


class Build:
    """A `paperfeed build` running in its own session (so its process group is its pid)."""

    def __init__(self, root: Path, flags: Sequence[str], logs: Path) -> None:
        self.root = root
        self.flags = list(flags)
        # Files, not pipes: a reader of a pipe would wait for every orphan that holds it. Closed in `close`.
        self._out: IO[bytes] = tempfile.TemporaryFile(dir=logs)  # noqa: SIM115
        self._err: IO[bytes] = tempfile.TemporaryFile(dir=logs)  # noqa: SIM115
        self.command = [sys.executable, "-m", "generator", "-C", str(root), "-q", "build", *flags]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            self.command,
            cwd=root,
            env=ENV,
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=self._err,
            start_new_session=True,
        )
        self.pid = self.proc.pid
        self.ended: float | None = None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait(self, timeout: float = BUILD_TIMEOUT) -> int | None:
        """The exit code, or None (and the build's group killed) when it did not end within `timeout`."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill_group()
            self.proc.wait()
            return None
        self.ended = time.monotonic()
        return code

    def kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)

    def forks(self) -> list[int]:
        """The build's children that are forks of it (workers, the background task): the same command line."""
        mine = _cmdline(self.pid)
        return [c for c in children(self.pid) if mine and _cmdline(c) == mine]

    def pagefind(self) -> list[int]:
        return [c for c in children(self.pid) if any("pagefind" in part for part in _cmdline(c)[:1])]

    @property
    def stdout(self) -> str:
        self._out.seek(0)
        return self._out.read().decode(errors="replace")

    @property
    def stderr(self) -> str:
        self._err.seek(0)
        return self._err.read().decode(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill_group()
            self.proc.wait()
        self._out.close()
        self._err.close()


# -- site trees ----------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path (a symbolic link as its target); {} when it is missing."""
    files: dict[str, bytes] = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            if os.path.islink(path):
                files[rel] = b"symlink -> " + os.fsencode(os.readlink(path))
            else:
                with open(path, "rb") as file:
                    files[rel] = file.read()
    return files


def differences(built: dict[str, bytes], clean: dict[str, bytes], reference: str = "clean build") -> str:
    """'' when the trees are equal; else the paths that differ and a unified diff of the first text file."""
    extra = sorted(set(built) - set(clean))
    missing = sorted(set(clean) - set(built))
    changed = sorted(p for p in set(built) & set(clean) if built[p] != clean[p])
    if not (extra or missing or changed):
        return ""
    lines = []
    if extra:
        lines.append(f"only in site/ ({len(extra)}): {', '.join(extra)}")
    if missing:
        lines.append(f"missing from site/ ({len(missing)}): {', '.join(missing)}")
    if changed:
        lines.append(f"different bytes ({len(changed)}): {', '.join(changed)}")
    for path in changed:
        try:
            ours, theirs = built[path].decode("utf-8"), clean[path].decode("utf-8")
        except UnicodeDecodeError:
            continue
        diff = difflib.unified_diff(
            theirs.splitlines(), ours.splitlines(), f"{reference}/{path}", f"site/{path}", lineterm="", n=2
        )
        shown = list(diff)
        lines.append("\n".join(shown[:80] + ([f"... ({len(shown) - 80} more diff lines)"] if len(shown) > 80 else [])))
        break
    return "\n".join(lines)


def torn_files(site: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    """Files of an interrupted build's site that are neither as before the build nor as after it.

    A complete site holds, for each path, the old file or the new one (a
    missing file counts as a version: so a path in both must be there).
    """
    torn = []
    for path in sorted(set(site) | set(old) | set(new)):
        if site.get(path) not in (old.get(path), new.get(path)):
            what = "missing" if path not in site else "neither the old nor the new bytes"
            torn.append(f"{path} ({what})")
    return torn


def inputs_key(root: Path) -> str:
    """A digest of the project's inputs: site.yaml, content/ and themes/, names and bytes."""
    h = hashlib.blake2b(digest_size=16)
    paths = [root / "site.yaml", *(p for d in ("content", "themes") for p in (root / d).rglob("*"))]
    for path in sorted(paths):
        if path.is_file():
            h.update(os.fsencode(path.relative_to(root)) + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


# Clean builds are deterministic: one per distinct set of inputs is enough (most recent ones kept).
_CLEAN_BUILDS: OrderedDict[str, dict[str, bytes]] = OrderedDict()


class CleanBuild:
    """`build --clean --no-search` of a copy of a project's inputs, in the background; `site()` waits for it."""

    def __init__(self, root: Path, scratch: Path, logs: Path) -> None:
        self.key = inputs_key(root)
        self.build: Build | None = None
        if self.key in _CLEAN_BUILDS:
            _CLEAN_BUILDS.move_to_end(self.key)
            return
        self.folder = Path(tempfile.mkdtemp(prefix="clean-", dir=scratch))
        copy_project(root, self.folder)
        self.build = Build(self.folder, ["--clean", "--no-search"], logs)

    def site(self) -> dict[str, bytes]:
        if self.build is not None:
            build, self.build = self.build, None
            try:
                code = build.wait()
                assert code == 0, f"the clean build failed (exit {code}):\n{build.stderr}"
                assert not poll(lambda: live_group_members(build.pid), GONE_TIMEOUT)
                _CLEAN_BUILDS[self.key] = snapshot(self.folder / "site")
                while len(_CLEAN_BUILDS) > 48:
                    _CLEAN_BUILDS.popitem(last=False)
            finally:
                build.close()
                shutil.rmtree(self.folder, ignore_errors=True)
        return _CLEAN_BUILDS[self.key]

    def close(self) -> None:
        if self.build is not None:
            self.build.close()


# -- edits -------------------------------------------------------------------


class Append(NamedTuple):
    """Append a sentence of (mostly new) words to an entry's abstract."""

    entry: int
    words: tuple[str, ...]


class SameSize(NamedTuple):
    """Change one letter of an entry's abstract, then give the file its old mtime back."""

    entry: int
    letter: int
    shift: int


class Twice(NamedTuple):
    """Edit an entry, build, and edit it again at once with the same size (optionally the same mtime)."""

    entry: int
    word: str
    restore_mtime: bool


class Theme(NamedTuple):
    """Add a comment to a template (or static file) of the project's own theme."""

    file: int


class SiteYaml(NamedTuple):
    """Set a key of site.yaml."""

    key: str
    value: str


class DeleteOutput(NamedTuple):
    """Delete a file of the built site."""

    file: int


class OverwriteOutput(NamedTuple):
    """Overwrite a file of the built site in place with other bytes: another size, the same size,
    or the same size and the old mtime."""

    file: int
    how: str


class AddEntry(NamedTuple):
    """A new entry file: an existing entry's content under a new slug and title."""

    like: int


class RemoveEntry(NamedTuple):
    entry: int


class Pause(NamedTuple):
    """Let time pass (2.1 s leaves the racy window of every earlier write)."""

    seconds: float


Edit = Append | SameSize | Twice | Theme | SiteYaml | DeleteOutput | OverwriteOutput | AddEntry | RemoveEntry | Pause

VOCABULARY = ["speech", "model", "language", "diffusion", "cache", "transformer", "latent", "fast", "LLM"]
words = st.one_of(st.sampled_from(VOCABULARY), st.from_regex(r"[a-z]{3,9}", fullmatch=True))
index = st.integers(0, 1000)
edits: st.SearchStrategy[Edit] = st.one_of(
    st.builds(Append, index, st.lists(words, min_size=1, max_size=6).map(tuple)),
    st.builds(SameSize, index, index, st.integers(1, 25)),
    st.builds(Twice, index, st.from_regex(r"[a-z]{4,8}", fullmatch=True), st.booleans()),
    st.builds(Theme, index),
    st.sampled_from(
        [
            SiteYaml("title", "Sample Feed"),
            SiteYaml("title", "Another Feed"),
            SiteYaml("per_page", "1"),
            SiteYaml("per_page", "2"),
            SiteYaml("per_page", "3"),
            SiteYaml("feed_items", "1"),
            SiteYaml("feed_items", "3"),
        ]
    ),
    st.builds(DeleteOutput, index),
    st.builds(OverwriteOutput, index, st.sampled_from(["other size", "same size", "same size and mtime"])),
    st.builds(AddEntry, index),
    st.builds(RemoveEntry, index),
    st.builds(Pause, st.sampled_from([0.5, 2.1])),
)
# Edits a failure step makes first, so that the build it breaks has something to do.
before = st.lists(edits, max_size=2)
# When to strike a build: after a delay (most builds of the sample take 0.3-0.7 s: most delays fall
# inside one; whole milliseconds, as floats would crowd at the bounds), or once it has forked workers.
delays = st.one_of(st.integers(0, 800), st.integers(0, 2000)).map(lambda ms: ms / 1000)
WORKERS = "once workers run"
PAGEFIND = "once Pagefind runs"
moments = st.one_of(st.just(WORKERS), delays)

BROKEN = {
    "invalid YAML": b"---\ntitle: [unclosed\ndate: 2024-03-01\n---\nBody.\n",
    "no closing fence": b"---\ntitle: Not closed\ndate: 2024-03-01\nBody.\n",
    "not UTF-8": b"---\ntitle: 'Bad \xff bytes'\ndate: 2024-03-01\n---\nBody.\n",
    "impossible date": b"---\ntitle: Bad date\ndate: 2024-02-30\n---\nBody.\n",
    "no front matter": b"Just a body.\n",
}


class StepFailed(AssertionError):
    pass


class Project:
    """The project under test, the edits it can undergo, and the builds run in it."""

    def __init__(self, work: Path, on_tmpfs: bool) -> None:
        self.work = work
        self.logs = work / "logs"
        self.logs.mkdir()
        self.scratch = work / "scratch"
        self.scratch.mkdir()
        self.mount: Path | None = None
        if on_tmpfs:
            mount = work / "disk"
            mount.mkdir()
            # Big enough for a few copies of the site; a disk-full step fills the rest.
            done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True)
            if done.returncode == 0:
                self.mount = mount
        self.root = (self.mount or work) / "project"
        shutil.copytree(FIXTURES / "sample_site", self.root)
        self.builds: list[Build] = []
        self.counter = 0

    # -- paths
    @property
    def papers_dir(self) -> Path:
        return self.root / "content" / "papers"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def papers(self) -> list[Path]:
        return sorted(p for p in self.papers_dir.glob("*.md") if not p.name.startswith("broken-"))

    def site_files(self) -> list[str]:
        return sorted(snapshot(self.site))

    def next_number(self) -> int:
        self.counter += 1
        return self.counter

    # -- builds
    def start(self, *flags: str) -> Build:
        build = Build(self.root, flags, self.logs)
        self.builds.append(build)
        return build

    def clean_build(self) -> CleanBuild:
        return CleanBuild(self.root, self.scratch, self.logs)

    def close(self) -> None:
        for build in self.builds:
            build.close()
        self.builds.clear()
        # A detached deleter may still be inside the tmpfs: then a lazy unmount lets it finish.
        if self.mount is not None and subprocess.run(["umount", str(self.mount)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(self.mount)], capture_output=True)
        shutil.rmtree(self.work, ignore_errors=True)

    # -- edits
    def apply(self, edit: Edit) -> str:
        """Make an edit; a few words on what it did, for the log."""
        return getattr(self, f"_{type(edit).__name__}")(edit)

    def _body_letters(self, text: str) -> tuple[int, list[int]]:
        fences = list(FENCE.finditer(text))
        start = fences[1].end() if len(fences) > 1 else 0
        return start, [i for i in range(start, len(text)) if text[i].isascii() and text[i].isalpha()]

    def _Append(self, edit: Append) -> str:
        path = self.papers()[edit.entry % len(self.papers())]
        sentence = " ".join(edit.words).capitalize() + "."
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")
        return f"appended {sentence!r} to {path.name}"

    def _SameSize(self, edit: SameSize) -> str:
        path = self.papers()[edit.entry % len(self.papers())]
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        _, letters = self._body_letters(text)
        if not letters:
            return f"{path.name} has no letter to change"
        i = letters[edit.letter % len(letters)]
        base = ord("a") if text[i].islower() else ord("A")
        letter = chr(base + (ord(text[i]) - base + edit.shift) % 26)
        path.write_text(text[:i] + letter + text[i + 1 :], encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
        return f"{path.name}: {text[i]!r} -> {letter!r} at {i}, mtime restored"

    def _Twice(self, edit: Twice) -> str:
        path = self.papers()[edit.entry % len(self.papers())]
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(f"{text}\n\n{edit.word.capitalize()}.\n", encoding="utf-8")
        first = path.stat()
        build = self.start("--no-search")
        code = build.wait()
        if code != 0:
            raise StepFailed(f"the build between the two edits of {path.name} failed (exit {code}):\n{build.stderr}")
        other = "".join(chr(ord("a") + (ord(c) - ord("a") + 1) % 26) for c in edit.word)
        path.write_text(f"{text}\n\n{other.capitalize()}.\n", encoding="utf-8")
        if edit.restore_mtime:
            os.utime(path, ns=(first.st_atime_ns, first.st_mtime_ns))
        took = time.time() - first.st_mtime_ns / 1e9
        return f"{path.name}: {edit.word!r}, built, then {other!r} {took:.2f} s after the first edit" + (
            " with the first edit's mtime" if edit.restore_mtime else ""
        )

    def _Theme(self, edit: Theme) -> str:
        theme = self.root / "themes" / "default"
        copied = ""
        if not (theme / "templates").is_dir():  # the sample uses the built-in theme: give it its own copy
            shutil.copytree(builtin_theme("default"), theme)
            copied = "copied the default theme into themes/default/; "
        files = sorted(
            p
            for p in theme.rglob("*")
            if p.is_file() and (p.parent.name != "static" or p.suffix in (".css", ".js")) and p.suffix != ".png"
        )
        path = files[edit.file % len(files)]
        number = self.next_number()
        comment = f"/* edit {number} */" if path.suffix in (".css", ".js") else f"<!-- edit {number} -->"
        with path.open("a", encoding="utf-8") as file:
            file.write(f"\n{comment}\n")
        return f"{copied}added {comment} to {path.relative_to(theme)}"

    def _SiteYaml(self, edit: SiteYaml) -> str:
        path = self.root / "site.yaml"
        lines = [line for line in path.read_text(encoding="utf-8").split("\n") if not line.startswith(f"{edit.key}:")]
        path.write_text("\n".join([f"{edit.key}: {edit.value}", *lines]), encoding="utf-8")
        return f"site.yaml: {edit.key}: {edit.value}"

    def _DeleteOutput(self, edit: DeleteOutput) -> str:
        files = self.site_files()
        if not files:
            return "site/ has no file"
        name = files[edit.file % len(files)]
        (self.site / name).unlink()
        return f"deleted site/{name}"

    def _OverwriteOutput(self, edit: OverwriteOutput) -> str:
        files = self.site_files()
        if not files:
            return "site/ has no file"
        name = files[edit.file % len(files)]
        path = self.site / name
        before = path.stat()
        data = path.read_bytes()
        if edit.how == "other size" or not data:
            new = data + b"\n<!-- overwritten -->\n"
        else:
            new = bytes([data[0] ^ 0x01]) + data[1:]
        with path.open("r+b") as file:  # in place: the same inode
            file.write(new)
            file.truncate()
        if edit.how == "same size and mtime":
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return f"overwrote site/{name} ({edit.how})"

    def _AddEntry(self, edit: AddEntry) -> str:
        source = self.papers()[edit.like % len(self.papers())]
        number = self.next_number()
        path = self.papers_dir / f"added-{number}.md"
        path.write_text(self.entry_like(source, f"Added paper {number}"), encoding="utf-8")
        return f"added {path.name}, like {source.name}"

    def entry_like(self, source: Path, title: str) -> str:
        text = source.read_text(encoding="utf-8")
        return re.sub(r"^title:.*$", f"title: '{title}'", text, count=1, flags=re.MULTILINE)

    def _RemoveEntry(self, edit: RemoveEntry) -> str:
        papers = self.papers()
        if len(papers) < 2:
            return "kept the last entry"
        path = papers[edit.entry % len(papers)]
        path.unlink()
        return f"removed {path.name}"

    def _Pause(self, edit: Pause) -> str:
        time.sleep(edit.seconds)
        return f"waited {edit.seconds} s"


# -- the state machine ----------------------------------------------------------


def _on_tmpfs_possible() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


class Interruptions(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.project: Project | None = None
        self.log: list[str] = []

    # -- helpers
    @property
    def p(self) -> Project:
        assert self.project is not None
        return self.project

    def note(self, text: str) -> None:
        self.log.append(f"{len(self.log) + 1}. {text}")

    def fail(self, message: str) -> None:
        where = f"project {self.p.root}" + (" (on a tmpfs)" if self.p.mount else "")
        raise StepFailed(f"{message}\n\n{where}; steps so far:\n" + "\n".join(self.log))

    def check(self, condition: object, message: str) -> None:
        if not condition:
            self.fail(message)

    def make_edits(self, edits_: Iterable[Edit]) -> list[str]:
        done = []
        for edit in edits_:
            try:
                done.append(self.p.apply(edit))
            except StepFailed as exc:
                self.fail(f"{edit}: {exc}")
        return done

    def nothing_left_of(self, build: Build, what: str) -> None:
        """No process of `build` runs, none names the project, and the lock is free."""
        left = poll(lambda: live_group_members(build.pid), GONE_TIMEOUT)
        self.check(not left, f"processes of {what} outlived it (group {build.pid}):\n" + "\n".join(left))
        left = poll(lambda: processes_naming(self.p.root), GONE_TIMEOUT)
        self.check(not left, f"after {what}, processes naming the project still run:\n" + "\n".join(left))
        holder = lock_holder(self.p.root)
        self.check(holder is None, f"after {what}, the project's lock is still held ({holder})")

    def site_is_complete(self, old: dict[str, bytes], new: dict[str, bytes], what: str) -> None:
        torn = torn_files(snapshot(self.p.site), old, new)
        self.check(not torn, f"{what} left site/ incomplete; files neither old nor new:\n" + "\n".join(torn))

    def site_is_unchanged(self, old: dict[str, bytes], what: str) -> None:
        now = snapshot(self.p.site)
        # Before anything else a build puts back its own marker, deleted or changed by hand (so that a site
        # it made is never taken for someone else's folder): the one change a failed build may make.
        if now.get(MARKER) == MARKER_TEXT:
            old = {**old, MARKER: MARKER_TEXT}
        diff = differences(now, old, "site before the build")
        self.check(not diff, f"{what} changed site/ (compared with site/ before it):\n{diff}")

    @staticmethod
    def reach(build: Build, when: str | float) -> str:
        """Wait for the moment to strike `build`: a delay in seconds, or until it has forked workers
        (or started Pagefind), or has ended. Says which moment it was."""
        if isinstance(when, float):
            time.sleep(when)
            return f"after {when:.3f} s"
        find = build.pagefind if when == PAGEFIND else build.forks
        deadline = time.monotonic() + BUILD_TIMEOUT
        while build.alive() and not find() and time.monotonic() < deadline:
            time.sleep(0.001)
        return f"{when} ({time.monotonic() - build.started:.3f} s)"

    @staticmethod
    def state(running: bool, forks: list[int]) -> str:
        return f"running, {len(forks)} forks" if running else "had ended"

    @staticmethod
    def kill(build: Build, whole_group: bool) -> None:
        """SIGKILL to a build that has not been waited for: to its whole group, or to its main process only."""
        if whole_group:
            build.kill_group()
        else:
            os.kill(build.pid, signal.SIGKILL)

    def wait_for(self, build: Build, what: str, timeout: float = BUILD_TIMEOUT) -> int:
        code = build.wait(timeout)
        if code is None:
            self.fail(f"{what} did not end within {timeout} s (hung; killed)\nstderr:\n{build.stderr}")
        assert code is not None
        return code

    # -- setup and teardown
    @initialize(on_tmpfs=st.booleans())
    def create_project(self, on_tmpfs: bool) -> None:
        work = Path(tempfile.mkdtemp(prefix="paperfeed-interruptions-"))
        self.project = Project(work, on_tmpfs and _on_tmpfs_possible())
        event(f"project on a tmpfs: {self.p.mount is not None}")
        self.note(f"copied the sample site to {self.p.root}" + (" (a 16 MB tmpfs)" if self.p.mount else ""))

    def teardown(self) -> None:
        if self.project is not None:
            self.project.close()

    # -- the check after every step
    @invariant()
    def next_build_equals_a_clean_build(self) -> None:
        if self.project is None:
            return
        clean = self.p.clean_build()  # runs while the project builds
        try:
            build = self.p.start("--no-search")
            code = self.wait_for(build, "the build after the step")
            self.check(code == 0, f"the build after the step failed (exit {code}):\n{build.stderr}")
            self.nothing_left_of(build, "the build after the step")
            built = snapshot(self.p.site)
            diff = differences(built, clean.site())
        finally:
            clean.close()
        self.check(not diff, f"site/ differs from a clean build of the same inputs:\n{diff}")
        pattern = re.compile(r"^\.site\.(new|old)-")
        leftovers = poll(lambda: [p.name for p in self.p.root.iterdir() if pattern.match(p.name)], 10)
        self.check(not leftovers, f"folders left beside site/ after the build: {leftovers}")

    # -- edits
    @rule(edit=edits)
    def edit(self, edit: Edit) -> None:
        (did,) = self.make_edits([edit])
        self.note(f"{edit}: {did}")
        event(f"edit: {type(edit).__name__}")

    # -- failures
    @rule(
        before=before,
        broken=st.sampled_from(sorted(BROKEN)),
        then=st.sampled_from(["remove it", "fix it"]),
    )
    def strict_build_with_a_broken_entry(self, before: list[Edit], broken: str, then: str) -> None:
        did = self.make_edits(before)
        path = self.p.papers_dir / f"broken-{self.p.next_number()}.md"
        path.write_bytes(BROKEN[broken])
        old = snapshot(self.p.site)
        build = self.p.start("--strict", "--no-search")
        code = self.wait_for(build, "the --strict build")
        self.note(f"{before} {did}; wrote {path.name} ({broken}); build --strict: exit {code}; then {then}")
        self.check(code == 1, f"build --strict over {path.name} ({broken}) exited {code}, not 1:\n{build.stderr}")
        self.check(path.name in build.stderr, f"build --strict did not name {path.name}:\n{build.stderr}")
        self.check("Traceback" not in build.stderr, f"build --strict printed a traceback:\n{build.stderr}")
        self.nothing_left_of(build, "the failed --strict build")
        self.site_is_unchanged(old, "the failed --strict build")
        if then == "remove it":
            path.unlink()
        else:
            path.write_text(self.p.entry_like(self.p.papers()[0], f"Fixed paper {path.stem}"), encoding="utf-8")

    @rule(before=before, clean=st.booleans(), when=moments, whole_group=st.booleans())
    def sigkill_a_build(self, before: list[Edit], clean: bool, when: str | float, whole_group: bool) -> None:
        did = self.make_edits(before)
        old = snapshot(self.p.site)
        new = self.p.clean_build()
        try:
            build = self.p.start("--no-search", *(["--clean"] if clean else []))
            moment = self.reach(build, when)
            forks = build.forks()
            running = build.alive()  # until waited for, its pid (and group) cannot be another process's
            if running:
                self.kill(build, whole_group)
            code = self.wait_for(build, "the killed build")
            target = "its process group" if whole_group else "its main process"
            self.note(
                f"{before} {did}; build{' --clean' if clean else ''}: SIGKILL to {target} {moment} "
                f"({self.state(running, forks)}): exit {code}"
            )
            event(f"sigkill: {'while running' if running else 'after the end'}, {'with' if forks else 'no'} forks")
            self.nothing_left_of(build, f"the build killed with SIGKILL to {target}")
            self.site_is_complete(old, new.site(), "the killed build")
        finally:
            new.close()

    @rule(
        before=before,
        when=st.one_of(st.just(PAGEFIND), delays),
        whole_group=st.booleans(),
        indexed=st.booleans(),
    )
    def sigkill_a_build_with_search(
        self, before: list[Edit], when: str | float, whole_group: bool, indexed: bool
    ) -> None:
        if indexed:  # a site with its index: the build below patches the edits, then indexes again
            code = self.wait_for(self.p.start(), "the build with search before the edits")
            self.check(code == 0, f"the build with search before the edits failed: exit {code}")
        did = self.make_edits(before)
        build = self.p.start()  # with search: Pagefind runs as the last step
        moment = self.reach(build, when)
        pagefind = build.pagefind()
        running = build.alive()
        if running:
            self.kill(build, whole_group)
        code = self.wait_for(build, "the killed build with search")
        target = "its process group" if whole_group else "its main process"
        self.note(
            f"{'indexed; ' if indexed else ''}{before} {did}; build with search: SIGKILL to {target} {moment} "
            f"({'running' if running else 'had ended'}, Pagefind {pagefind or 'not seen'}): exit {code}"
        )
        event(f"sigkill with search: {'Pagefind running' if pagefind else 'no Pagefind'}")
        self.nothing_left_of(build, f"the build with search killed with SIGKILL to {target}")
        left = [_describe(pid) for pid in pagefind if _running(pid)]
        self.check(not left, f"Pagefind outlived the killed build: {left}")

    @rule(before=before, clean=st.booleans(), after=st.integers(0, 200).map(lambda ms: ms / 1000), which=index)
    def kill_a_worker(self, before: list[Edit], clean: bool, after: float, which: int) -> None:
        did = self.make_edits(before)
        old = snapshot(self.p.site)
        new = self.p.clean_build()
        try:
            build = self.p.start("--no-search", *(["--clean"] if clean else []))
            self.reach(build, WORKERS)
            forks = build.forks()
            killed = None
            if forks:
                time.sleep(after)
                forks = build.forks() or forks
                killed = forks[which % len(forks)]
                with contextlib.suppress(ProcessLookupError):
                    os.kill(killed, signal.SIGKILL)
            at = time.monotonic()
            code = self.wait_for(build, f"the build whose worker {killed} was killed", timeout=PROMPT)
            took = time.monotonic() - at
            stderr = build.stderr
            self.note(
                f"{before} {did}; build{' --clean' if clean else ''}: "
                + (f"SIGKILL to fork {killed} of {forks}" if killed else "no worker seen")
                + f": exit {code} after {took:.2f} s; stderr {stderr.strip()!r}"
            )
            event(f"kill a worker: {'killed, exit ' + str(code) if killed else 'no worker seen'}")
            self.nothing_left_of(build, "the build whose worker was killed")
            if not killed or code == 0:  # no worker, or it had done its work: a normal build
                self.check(code == 0, f"the build exited {code}:\n{stderr}")
                self.site_is_complete(old, new.site(), "the build whose worker was killed")
                return
            lines = [line for line in stderr.splitlines() if line.strip()]
            errors = [line for line in lines if line.startswith("error:")]
            self.check(code == 1, f"the build whose worker was killed exited {code}, not 1:\n{stderr}")
            self.check(
                len(errors) == 1 and re.search(r"(worker|build) process died", errors[0]) and "Traceback" not in stderr,
                f"the build whose worker was killed did not say so in one line:\n{stderr}",
            )
            self.site_is_unchanged(old, "the build whose worker was killed")
        finally:
            new.close()

    @rule(before=before, clean=st.booleans(), when=moments)
    def sigterm_a_build(self, before: list[Edit], clean: bool, when: str | float) -> None:
        did = self.make_edits(before)
        old = snapshot(self.p.site)
        new = self.p.clean_build()
        try:
            build = self.p.start("--no-search", *(["--clean"] if clean else []))
            moment = self.reach(build, when)
            forks = build.forks()
            running = build.alive()
            if running:
                os.kill(build.pid, signal.SIGTERM)
            at = time.monotonic()
            code = self.wait_for(build, "the build stopped with SIGTERM", timeout=PROMPT)
            took = time.monotonic() - at
            self.note(
                f"{before} {did}; build{' --clean' if clean else ''}: SIGTERM {moment} ({self.state(running, forks)}): "
                f"exit {code} {took:.2f} s later; "
                f"stderr {build.stderr.strip()!r}"
            )
            event(f"sigterm: {'running' if running else 'had ended'}, exit {code}")
            if running and code == 0:
                # Only a build that was already ending may exit 0: one that went on after SIGTERM ignored it,
                # and so did one whose handler's exception was swallowed ("Exception ignored in ...").
                self.check(
                    took < 0.25 and "Exception ignored" not in build.stderr,
                    f"the build ignored SIGTERM: it exited 0, {took:.2f} s later:\n{build.stderr}",
                )
            elif not running:
                self.check(code == 0, f"the build exited {code}:\n{build.stderr}")
            self.nothing_left_of(build, "the build stopped with SIGTERM")
            self.site_is_complete(old, new.site(), "the build stopped with SIGTERM")
        finally:
            new.close()

    @precondition(lambda self: self.project is not None and self.project.mount is not None)
    @rule(before=before, clean=st.booleans(), free_kb=st.integers(0, 400))
    def build_on_a_full_disk(self, before: list[Edit], clean: bool, free_kb: int) -> None:
        did = self.make_edits(before)
        old = snapshot(self.p.site)
        new = self.p.clean_build()
        filler = self.p.root.parent / "filler"
        try:
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                with contextlib.suppress(OSError):  # until the disk is full
                    while os.write(fd, b"\0" * (1 << 16)):
                        pass
            finally:
                os.close(fd)
            os.truncate(filler, max(0, filler.stat().st_size - free_kb * 1024))
            build = self.p.start("--no-search", *(["--clean"] if clean else []))
            code = self.wait_for(build, "the build on a full disk")
            stderr = build.stderr
            self.note(
                f"{before} {did}; filled the disk but {free_kb} KB; build{' --clean' if clean else ''}: "
                f"exit {code}; stderr {stderr.strip()[-300:]!r}"
            )
            event(f"disk full: exit {code}")
        finally:
            filler.unlink(missing_ok=True)
        try:
            self.check(code in (0, 1), f"the build on a full disk exited {code}:\n{stderr}")
            if code == 1:
                self.check(
                    "Traceback" not in stderr and any(line.startswith("error:") for line in stderr.splitlines()),
                    f"the build on a full disk did not end with an error message:\n{stderr}",
                )
            self.nothing_left_of(build, "the build on a full disk")
            self.site_is_complete(old, new.site(), "the build on a full disk")
        finally:
            new.close()


FAST = settings(
    max_examples=5,
    stateful_step_count=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # No shrinking: each attempt costs seconds, and a failure that hangs on timing seldom replays.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    print_blob=True,
)
SLOW = settings(
    FAST,
    max_examples=int(os.environ.get("PAPERFEED_INTERRUPTION_EXAMPLES", "100")),
    stateful_step_count=20,
)


def test_interrupted_builds_leave_the_next_build_equal_to_a_clean_one() -> None:
    run_state_machine_as_test(Interruptions, settings=FAST)


@pytest.mark.slow
def test_interrupted_builds_leave_the_next_build_equal_to_a_clean_one_long_run() -> None:
    run_state_machine_as_test(Interruptions, settings=SLOW)
