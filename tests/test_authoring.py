"""The authoring loop: init, check, tags, and serve with live reload."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import fields

import pytest
from conftest import FIXTURES, REPO, write_files

from generator.cli import main
from generator.config import Config


def test_init_creates_a_site_that_builds_at_once(tmp_path, capsys):
    site = tmp_path / "mysite"
    assert main(["init", str(site)]) == 0
    for name in (
        "site.yaml",
        ".gitignore",
        ".github/workflows/pages.yml",
        "content/papers/attention-is-all-you-need.md",
    ):
        assert (site / name).is_file(), name
    text = (site / "site.yaml").read_text()
    for f in fields(Config):
        assert f"# {f.metadata['doc']}" in text, f.name
    assert main(["-C", str(site), "-q", "build", "--no-search"]) == 0
    page = (site / "site/papers/attention-is-all-you-need/index.html").read_text()
    assert "Attention Is All You Need" in page and "<math" in page
    assert main(["-C", str(site), "check"]) == 0


def test_init_refuses_to_overwrite_and_can_copy_the_theme(tmp_path, capsys):
    site = tmp_path / "mysite"
    main(["init", str(site)])
    assert main(["init", str(site)]) == 2  # wrong usage
    assert "already holds a site (site.yaml); use --force" in capsys.readouterr().err
    assert main(["init", "--force", "--theme-copy", str(site)]) == 0
    assert (site / "themes/default/templates/paper.html").is_file()


def test_check_reports_every_problem_with_path_and_line(tmp_path, capsys):
    write_files(
        tmp_path,
        {
            "site.yaml": "taxonomy:\n  speech:\n    keywords: [speech]\n  llm:\n    keywords: [LLM]\n",
            "content/papers/good.md": "---\ntitle: Good\ndate: 2024-01-01\ntags: [speech]\n---\nFine.\n",
            "content/papers/typo.md": "---\ntitle: Typo\ndate: 2024-01-02\ntags: [speach]\ntitel: x\n"
            "links:\n  code: javascript:alert(1)\n---\nSee [this](javascript:alert(2)).\n",
            "content/papers/bad-date.md": "---\ntitle: Bad\ndate: someday\n---\n",
            "content/papers/again.md": "---\ntitle: 'good!'\ndate: 2024-01-03\n---\n",
        },
    )
    assert main(["-C", str(tmp_path), "check"]) == 1
    out = capsys.readouterr().out
    assert "content/papers/bad-date.md:3: `date` must be a date like 2024-03-11, not 'someday'" in out
    assert (
        "content/papers/typo.md:4: tag 'speach' is not in the taxonomy in site.yaml\n  hint: did you mean 'speech'?"
        in out
    )
    assert "content/papers/typo.md:5: unknown front matter key 'titel'\n  hint: did you mean 'title'?" in out
    assert "content/papers/typo.md:6: link 'code' is not an http(s) URL: 'javascript:alert(1)'" in out
    assert "content/papers/typo.md:9: unsafe link dropped: 'javascript:alert(2)'" in out
    assert "content/papers/good.md:2: same paper (title) as content/papers/again.md" in out
    assert "6 problems found" in out


def test_check_reports_config_errors(tmp_path, capsys):
    write_files(tmp_path, {"site.yaml": "titel: X\n"})
    assert main(["-C", str(tmp_path), "check"]) == 1
    assert "site.yaml:1: unknown key 'titel'" in capsys.readouterr().out


def test_tags_lists_counts_and_uncovered_title_words(project, capsys):
    write_files(
        project,
        {
            "content/papers/a.md": "---\ntitle: Streaming Speech Recognition\ndate: 2024-01-01\ntags: [speech]\n---\n",
            "content/papers/b.md": "---\ntitle: Streaming LLM Serving\ndate: 2024-01-02\ntags: [llm, custom]\n---\n",
            "content/papers/c.md": "---\ntitle: Untagged Streaming\ndate: 2024-01-03\n---\n",
        },
    )
    assert main(["-C", str(project), "tags"]) == 0
    out = capsys.readouterr().out
    assert "     1  custom  custom  (not in the taxonomy)" in out
    assert "3 tags over 3 papers; 1 papers have no tag" in out
    assert "     3  streaming" in out.split("no tag covers:")[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _project(tmp_path):
    root = tmp_path / "site-src"
    (root / "content/papers").mkdir(parents=True)
    for name in ("cachegen.md", "wavthruvec.md"):
        (root / "content/papers" / name).write_text((FIXTURES / "sample_site/content/papers" / name).read_text())
    (root / "site.yaml").write_text("title: Live\nbase_url: https://example.org/\n")
    return root


@pytest.fixture
def served(tmp_path):
    yield from _serving(_project(tmp_path))


def _serving(root):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "serve", "--no-search", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = proc.stdout.readline()
    while line and "serving" not in line:
        line = proc.stdout.readline()
    assert f"http://127.0.0.1:{port}/" in line
    yield root, f"http://127.0.0.1:{port}", proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


class _Events(threading.Thread):
    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.reloads = threading.Semaphore(0)
        self.connected = threading.Event()

    def run(self) -> None:
        with urllib.request.urlopen(self.url, timeout=60) as stream:
            for raw in stream:
                self.connected.set()
                if raw.startswith(b"event: reload"):
                    self.reloads.release()


def test_serve_rebuilds_on_change_reloads_pages_and_survives_errors(served):
    root, base, proc = served
    status, page = _get(base + "/papers/cachegen/")
    assert status == 200 and '<script src="/__paperfeed/live.js"></script></body>' in page
    events = _Events(base + "/__paperfeed/events")
    events.start()
    assert events.connected.wait(10)

    entry = root / "content/papers/cachegen.md"
    saved = time.perf_counter()
    entry.write_text(entry.read_text().replace("CacheGen: Fast", "CacheGen Live: Fast"))
    assert events.reloads.acquire(timeout=30)
    latency = time.perf_counter() - saved
    assert "CacheGen Live: Fast" in _get(base + "/papers/cachegen/")[1]
    assert latency < 15

    (root / "content/papers/broken.md").write_text("---\ntitle: [unclosed\n---\n")
    assert events.reloads.acquire(timeout=30)
    status, page = _get(base + "/papers/cachegen/")
    assert status == 200 and "CacheGen Live: Fast" in page  # the last good site is still served
    assert "the last rebuild failed" in page and "content/papers/broken.md:3:1: invalid YAML" in page

    (root / "content/papers/broken.md").unlink()
    assert events.reloads.acquire(timeout=30)
    assert "the last rebuild failed" not in _get(base + "/papers/cachegen/")[1]

    status, page = _get(base + "/nope/")
    assert status == 404 and "Page not found" in page
    assert not any("__paperfeed" in p.read_text() for p in (root / "site").rglob("*.html"))

    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "stopped" in out


def test_serve_starts_despite_a_failing_first_build_and_survives_theme_errors(tmp_path):
    root = _project(tmp_path)
    shutil.copytree(REPO / "themes", root / "themes")
    template = root / "themes/default/templates/paper.html"
    good = template.read_text()
    template.write_text(good.replace("{% block main %}", "{% block main %}{{ 1 / 0 }}", 1))
    server = _serving(root)
    _, base, proc = next(server)
    # No site yet: every page says why.
    status, page = _get(base + "/papers/cachegen/")
    assert status == 404 and "the last rebuild failed" in page
    assert "paper.html:" in page and "ZeroDivisionError: division by zero (while rendering /papers/" in page
    events = _Events(base + "/__paperfeed/events")
    events.start()
    assert events.connected.wait(10)

    template.write_text(good)
    assert events.reloads.acquire(timeout=30)
    status, page = _get(base + "/papers/cachegen/")
    assert status == 200 and "the last rebuild failed" not in page

    # An error that is not paperfeed's own (a TypeError in a filter call) keeps the last good site...
    template.write_text(good.replace("{% block main %}", "{% block main %}{{ page.title|int(x=1) }}", 1))
    assert events.reloads.acquire(timeout=30)
    status, page = _get(base + "/papers/cachegen/")
    assert status == 200 and "TypeError" in page and "the last rebuild failed" in page
    # ...and the server still rebuilds on the next change.
    template.write_text(good)
    assert events.reloads.acquire(timeout=30)
    assert "the last rebuild failed" not in _get(base + "/papers/cachegen/")[1]
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "Traceback" not in err
    server.close()


def test_init_force_says_which_files_it_overwrote(tmp_path, capsys):
    site = tmp_path / "mysite"
    assert main(["-q", "init", str(site)]) == 0
    (site / "site.yaml").write_text("title: Mine\n")
    assert main(["init", "--force", "--theme-copy", str(site)]) == 0
    out = capsys.readouterr().out
    assert f"overwrote {site}/site.yaml\n" in out and f"created {site}/themes/default\n" in out
    assert "created" not in out.replace(f"created {site}/themes/default", "")  # every other file was there
