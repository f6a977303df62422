"""Golden test: the sample site builds to exactly the checked-in tree in fixtures/sample_site_expected/.

Any change to a page, feed or asset of the sample site shows here as a diff. When the
change is intended, rewrite the expected tree and review it with `git diff`:

    PAPERFEED_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, tree

from generator.build.pipeline import build
from generator.config import load_config

EXPECTED = FIXTURES / "sample_site_expected"
UPDATE = os.environ.get("PAPERFEED_UPDATE_GOLDEN") == "1"
SHOWN_DIFFS = 5  # text files whose diff the failure message shows
DIFF_LINES = 80  # lines of each diff shown


def build_sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(FIXTURES / "sample_site", root)
    shutil.copytree(REPO / "themes", root / "themes")
    config = load_config(root)
    build(root, config, search=False, jobs=1)
    return root / config.output_dir


def describe(expected: dict[str, bytes], built: dict[str, bytes]) -> str:
    """What differs between two trees: missing and extra files, then diffs of the first files that differ."""
    missing = sorted(set(expected) - set(built))
    extra = sorted(set(built) - set(expected))
    changed = sorted(path for path in set(expected) & set(built) if expected[path] != built[path])
    lines = [f"the built sample site differs from {EXPECTED.relative_to(REPO)}/"]
    if missing:
        lines += [f"missing from the build ({len(missing)}):", *(f"  {path}" for path in missing)]
    if extra:
        lines += [f"not in the expected tree ({len(extra)}):", *(f"  {path}" for path in extra)]
    if changed:
        lines += [f"different bytes ({len(changed)}):", *(f"  {path}" for path in changed)]
    shown = 0
    for path in changed:
        try:
            old, new = expected[path].decode("utf-8"), built[path].decode("utf-8")
        except UnicodeDecodeError:
            lines.append(f"{path}: binary, {len(expected[path])} bytes expected, {len(built[path])} built")
            continue
        diff = list(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"expected/{path}",
                tofile=f"built/{path}",
                n=2,
            )
        )
        if not diff:  # only line endings differ, say
            diff = [f"{path}: same lines, different bytes: {expected[path][-20:]!r} vs {built[path][-20:]!r}\n"]
        cut = len(diff) - DIFF_LINES
        lines.append("".join(diff[:DIFF_LINES]).rstrip("\n") + (f"\n... {cut} more diff lines" if cut > 0 else ""))
        shown += 1
        if shown == SHOWN_DIFFS:
            break
    lines.append("if the change is intended: PAPERFEED_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py")
    return "\n".join(lines)


def test_sample_site_builds_to_the_expected_tree(tmp_path):
    site = build_sample(tmp_path)
    built = tree(site)
    assert built, "the build wrote no files"
    if UPDATE:
        if EXPECTED.exists():
            shutil.rmtree(EXPECTED)
        shutil.copytree(site, EXPECTED)
        assert tree(EXPECTED) == built
        pytest.skip(f"PAPERFEED_UPDATE_GOLDEN=1: rewrote {EXPECTED} ({len(built)} files); review it with git diff")
    assert EXPECTED.is_dir(), f"no expected tree: make it with PAPERFEED_UPDATE_GOLDEN=1 ({EXPECTED})"
    expected = tree(EXPECTED)
    if built != expected:
        pytest.fail(describe(expected, built), pytrace=False)


def test_the_comparison_reports_missing_extra_and_changed_files():
    expected = {"a.html": b"<p>one</p>\n<p>two</p>\n", "gone.xml": b"x", "logo.png": b"\x89PNG\x00"}
    built = {"a.html": b"<p>one</p>\n<p>2</p>\n", "new.xml": b"y", "logo.png": b"\x89PNG\x01"}
    report = describe(expected, built)
    assert "missing from the build (1):\n  gone.xml" in report
    assert "not in the expected tree (1):\n  new.xml" in report
    assert "different bytes (2):\n  a.html\n  logo.png" in report
    assert "--- expected/a.html\n+++ built/a.html\n@@ -1,2 +1,2 @@\n <p>one</p>\n-<p>two</p>\n+<p>2</p>" in report
    assert "logo.png: binary, 5 bytes expected, 5 built" in report
