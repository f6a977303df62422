"""Nothing lost: one build or ingest at a time, and builds killed at any moment leave the old site."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

from conftest import FIXTURES, REPO, tree

from generator.build.lock import project_lock
from generator.cli import main


def test_a_second_build_or_ingest_waits_its_turn_with_a_clear_message(project, capsys):
    with project_lock(project, "build"):
        assert main(["-C", str(project), "build", "--no-search"]) == 1
        err = capsys.readouterr().err
        assert f"error: cannot build: paperfeed build (pid {os.getpid()}) is running in this project" in err
        assert main(["-C", str(project), "ingest", str(FIXTURES / "tabular/papers.csv")]) == 1
        assert "cannot ingest: paperfeed build" in capsys.readouterr().err
    assert main(["-C", str(project), "-q", "build", "--no-search"]) == 0


def test_builds_killed_at_random_moments_leave_the_previous_site_complete(tmp_path):
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    papers = sorted((REPO / "content/papers").glob("*.md"))[:200]
    (root / "content/papers").mkdir(parents=True)
    for path in papers:
        shutil.copy(path, root / "content/papers" / path.name)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator", "-C", str(root), "-q", "build", "--no-search", "--clean"]
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env)
    duration = time.perf_counter() - started
    good = tree(root / "site")
    rng = random.Random(7)
    interrupted = 0
    for attempt in range(8):
        proc = subprocess.Popen(command, env=env, start_new_session=True)
        time.sleep(rng.uniform(0.05, duration))
        # A build may finish before its kill (then it wrote the same site): count those that did not.
        if proc.poll() is None:  # not reaped, so its process group exists for the kill
            interrupted += 1
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert tree(root / "site") == good, f"killed build {attempt} changed the site"
    assert interrupted > 0, "every build finished before its kill, so no kill hit a build midway"
    # Leftover staging folders from the killed builds never break the next build.
    assert main(["-C", str(root), "-q", "build", "--no-search"]) == 0
    assert tree(root / "site") == good


def test_outputs_are_written_inside_the_staging_folder_or_refused(tmp_path):
    import pytest

    from generator.build.output import new_staging, write_files
    from generator.errors import BuildError

    staging = new_staging(tmp_path / "site")
    files = {
        "index.html": b"i",
        "papers/a/index.html": b"a",
        "papers/a/a.bib": b"b",
        "tags/x/page/2/index.html": b"2",
        "./feeds//rss.xml": b"r",
    }
    assert write_files(staging, files) == len(files)
    assert tree(staging) == {
        "index.html": b"i",
        "papers/a/index.html": b"a",
        "papers/a/a.bib": b"b",
        "tags/x/page/2/index.html": b"2",
        "feeds/rss.xml": b"r",
    }
    for bad in ("../escape.html", "papers/../../escape.html", "/etc/escape", ""):
        with pytest.raises(BuildError, match="outside the output folder"):
            write_files(staging, {bad: b"x"})
    assert not (tmp_path / "escape.html").exists()
