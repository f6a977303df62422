"""`paperfeed serve`'s watch loop: native events, editor noise left out, a burst of saves folded into one rebuild,
a log that says what a rebuild did, and a busy port that moves to the next."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

from generator.watch import is_noise


@pytest.mark.parametrize(
    "name",
    [".cachegen.md.swp", ".cachegen.md.swx", "cachegen.md~", ".#cachegen.md", "#cachegen.md#", "4913",
     "cachegen.md.bak", ".git/index", "themes/x/__pycache__/a.pyc", "x.md.orig", "paper.md.crswap"],
)  # fmt: skip
def test_editor_and_vcs_noise(name):
    assert is_noise(name)


@pytest.mark.parametrize("name", ["content/papers/cachegen.md", "themes/default/static/style.css", "site.yaml"])
def test_real_files_are_not_noise(name):
    assert not is_noise(name)


class Serve:
    """A `paperfeed serve` process and the lines it prints, as they come."""

    def __init__(self, root: Path, *flags: str, search: bool = False):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "-C", str(root), "serve", *([] if search else ["--no-search"]), *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []  # every line taken from `lines`
        threading.Thread(target=self._read, daemon=True).start()
        self.serving = self.wait_for("(rebuilds on change")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.log.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in {timeout} s")

    def quiet_for(self, seconds: float) -> list[str]:
        """The lines printed in the next `seconds`."""
        seen, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                seen.append(self.lines.get(timeout=left))
            except queue.Empty:
                break
        return seen

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "site-src"
    (root / "content/papers").mkdir(parents=True)
    for name in ("cachegen.md", "wavthruvec.md"):
        (root / "content/papers" / name).write_text((FIXTURES / "sample_site/content/papers" / name).read_text())
    (root / "site.yaml").write_text("title: Live\nbase_url: https://example.org/\n")
    return root


def test_a_save_through_a_swap_file_is_one_rebuild_and_noise_is_none(project):
    served = Serve(project, "--port", "0")
    try:
        entry = project / "content/papers/cachegen.md"
        papers = entry.parent
        # What Vim does on :w — a swap file, its 4913 probe, a backup, the write, then the cleanup.
        swap = papers / ".cachegen.md.swp"
        swap.write_text("swap")
        (papers / "4913").write_text("")
        (papers / "4913").unlink()
        (papers / "cachegen.md~").write_text(entry.read_text())
        entry.write_text(entry.read_text().replace("CacheGen: Fast", "CacheGen Saved: Fast"))
        (papers / "cachegen.md~").unlink()
        swap.unlink()
        line = served.wait_for("patched")
        assert re.search(r"\d\d:\d\d:\d\d patched \d+ files? in \d+\.\d\d s; reloading open pages$", line.rstrip()), (
            line
        )
        assert not [x for x in served.quiet_for(1.5) if "patched" in x or "rebuilt" in x]  # exactly one
        assert "CacheGen Saved: Fast" in (project / "site/papers/cachegen/index.html").read_text()

        (papers / "notes.txt").write_text("not an entry")  # not an entry: nothing to do
        (project / ".git").mkdir()
        (project / ".git/index").write_text("x")
        assert served.quiet_for(1.5) == []

        os.utime(entry)  # touched, not changed: the log says so and pages are not reloaded
        line = served.wait_for("no change")
        assert "reloading" not in line
    finally:
        served.stop()


def test_a_busy_port_moves_to_the_next(project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        served = Serve(project, "--port", str(port))
        try:
            moved = int(served.serving.split("http://127.0.0.1:")[1].split("/")[0])
            assert moved != port
            assert f"note: port {port} is busy; serving on {moved}\n" in served.log
        finally:
            served.stop()


def test_with_search_pages_reload_before_the_index_is_made(project, tmp_path):
    from generator.build.search import find_pagefind

    try:
        find_pagefind()
    except Exception:  # noqa: BLE001 - any reason the binary cannot run
        pytest.skip("the Pagefind binary is not available")
    served = Serve(project, "--port", "0", search=True)
    try:
        before = (project / "site/pagefind/pagefind-entry.json").read_text()
        entry = project / "content/papers/wavthruvec.md"
        entry.write_text(entry.read_text().replace("WavThruVec: Latent", "WavThruVec Live: Latent"))
        ready = served.wait_for("new pages in place; reloading open pages, indexing for search")
        done = served.wait_for("patched ")  # the edit is patched, then the index made again
        assert "reloading" not in done  # the pages were reloaded once, before the index
        assert served.log.index(ready) < served.log.index(done)
        assert (project / "site/pagefind/pagefind-entry.json").read_text() != before
        assert not list(project.glob(".site.new-*"))  # the index was made beside the site and moved in
        assert "WavThruVec Live" in (project / "site/papers/wavthruvec/index.html").read_text()
    finally:
        served.stop()
