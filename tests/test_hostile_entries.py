"""Hostile entries and themes: one bad entry, tag or template never stops the site or prints a traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, write_files

from generator.cli import main
from generator.ids import SLUG_MAX, tag_slug


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(FIXTURES / "sample_site", root)
    shutil.copytree(REPO / "themes", root / "themes")
    return root


def build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "-q", "build", "--no-search", *args])


def entry(title: str, tags: str = "[x]", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2024-03-11\ntags: {tags}\n{extra}---\nBody.\n"


def test_tags_named_like_the_tag_index_pages_get_their_own_pages(sample, capsys):
    write_files(sample, {"content/papers/a.md": entry("A", "[By Count, page, Index]")})
    assert build(sample) == 0
    site = sample / "site"
    assert "Tags by count" in (site / "tags/by-count/index.html").read_text()
    for slug in ("by-count-tag", "page-tag", "index-tag"):
        assert "/papers/a/" in (site / f"tags/{slug}/index.html").read_text(), slug
    assert capsys.readouterr().err == ""


def test_a_very_long_tag_is_capped_and_two_alike_stay_apart(sample):
    long_a, long_b = "word " * 60 + "alpha", "word " * 60 + "beta"
    write_files(
        sample, {"content/papers/a.md": entry("A", f"['{long_a}']"), "content/papers/b.md": entry("B", f"['{long_b}']")}
    )
    assert build(sample) == 0
    slug_a, slug_b = tag_slug(long_a), tag_slug(long_b)
    assert slug_a != slug_b and len(slug_a) == len(slug_b) == SLUG_MAX
    assert "/papers/a/" in (sample / "site/tags" / slug_a / "index.html").read_text()
    assert "/papers/b/" in (sample / "site/tags" / slug_b / "index.html").read_text()


def test_special_files_and_symlinks_out_of_the_project_are_skipped_with_a_note(sample, tmp_path, capsys):
    papers = sample / "content/papers"
    os.mkfifo(papers / "fifo.md")
    (papers / "folder.md").mkdir()
    outside = tmp_path / "secret.md"
    outside.write_text(entry("Secret outside the project"))
    (papers / "outside.md").symlink_to(outside)
    (papers / "zero.md").symlink_to("/dev/zero")
    (sample / "inside.md").write_text(entry("Linked from inside"))
    (papers / "inside.md").symlink_to(sample / "inside.md")
    assert build(sample) == 0  # a FIFO would block forever, /dev/zero never ends
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "warning: skipped content/papers/fifo.md: not a regular file (a FIFO, device or folder)",
        "warning: skipped content/papers/folder.md: not a regular file (a FIFO, device or folder)",
        "warning: skipped content/papers/outside.md: a symlink to a file outside the project",
        "warning: skipped content/papers/zero.md: a symlink to a file outside the project",
    ]
    assert (sample / "site/papers/inside/index.html").is_file()
    assert not (sample / "site/papers/outside").exists()
    assert build(sample, "--strict") == 1
    assert main(["-C", str(sample), "check"]) == 1
    assert "content/papers/fifo.md: not a regular file" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("title: T\ntags: [a]\nauthors: [A]\n\ndate: 2024-13-45\n", 6, "invalid value in front matter: month must be"),
        ("title: T\ndate: 2024-01-01\nlinks:\n  code: https://x.org/\n  arxiv: 5\n", 6, "`links` must map names"),
        ("title: T\n\n\nauthors: 7\ndate: 2024-01-01\n", 5, "`authors` must be a list of names"),
        ("title: T\ndate: 2024-01-01\nupvotes: many\n", 4, "`upvotes` must be a whole number"),
    ],
)
def test_problems_name_the_line_they_are_on(sample, capsys, front, line, message):
    write_files(sample, {"content/papers/bad.md": f"---\n{front}---\nBody.\n"})
    assert build(sample) == 0
    err = capsys.readouterr().err
    assert f"warning: skipped content/papers/bad.md:{line}: {message}" in err


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
        ("{{ page.title|int(x=1) }}", "TypeError: do_int() got an unexpected keyword argument 'x'"),
        ("{{ page.nothing.deeper }}", "'generator.model.site.Page object' has no attribute 'nothing'"),
    ],
)
def test_a_template_runtime_error_is_one_line_with_template_line_and_page(sample, capsys, expression, message):
    assert build(sample) == 0
    before = sorted(p.relative_to(sample).as_posix() for p in (sample / "site").rglob("*"))
    template = sample / "themes/default/templates/paper.html"
    text = template.read_text()
    line = text[: text.index("{% block main %}")].count("\n") + 1
    template.write_text(text.replace("{% block main %}", "{% block main %}" + expression, 1))
    capsys.readouterr()
    assert build(sample) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    where = f"error: {sample}/themes/default/templates/paper.html:{line}: "
    assert err[0].startswith(where + message) and "(while rendering /papers/" in err[0], err[0]
    assert sorted(p.relative_to(sample).as_posix() for p in (sample / "site").rglob("*")) == before


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB file system, where the test may mount one (root on Linux)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=1000k", "tmpfs", str(folder)]
    if subprocess.run(mount, capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_is_one_line_naming_the_file_and_the_old_site_stays(sample, small_disk, capsys):
    root = small_disk / "project"
    shutil.copytree(sample, root)
    for i in range(60):  # the project fits, its site does not
        write_files(root, {f"content/papers/p{i}.md": entry(f"Paper {i}", "[speech]")})
    assert build(root) == 1
    [line] = capsys.readouterr().err.splitlines()
    # The file that could not be written (in the staging folder beside the output).
    assert re.fullmatch(rf"error: cannot build: No space left on device: {root}/\.site\.new-\w+/\S+", line), line
    assert not (root / "site").exists()
    assert not list(root.glob(".site.*"))
