"""The output folder keeps its identity: a full build moves the new site into the same folder (same
inode), so a server started inside site/ or a bind mount of it sees the new site; it never follows a
link out of the folder, and a build killed while it moves files is completed by the next one."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_project, tree

import generator.build.full
from generator.build.output import MARKER, Trash, commit
from generator.cli import main


def make_project(root: Path) -> Path:
    shutil.copytree(FIXTURES / "sample_site", root)
    shutil.copytree(REPO / "themes", root / "themes")
    return root


def build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "-q", "build", "--no-search", "--jobs", "1", *args])


def settled(root: Path) -> None:
    """Wait until what builds set aside beside the site (`.site.old-*`) is deleted by its detached process."""
    deadline = time.monotonic() + 10
    while list(root.glob(".site.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def clean_site(root: Path, scratch: Path) -> dict[str, bytes]:
    """The files a clean build of a copy of the project's inputs gives."""
    scratch.mkdir()
    assert build(copy_project(root, scratch), "--clean") == 0
    return tree(scratch / "site")


def change_papers_and_title(root: Path) -> None:
    """Remove wavthruvec, add a paper like cachegen, and retitle the site (every page changes)."""
    papers = root / "content/papers"
    (papers / "wavthruvec.md").unlink()
    text = (papers / "cachegen.md").read_text(encoding="utf-8")
    (papers / "added-paper.md").write_text(text.replace("title: '", "title: 'Added ", 1), encoding="utf-8")
    yaml = root / "site.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("title: Sample Feed", "title: Retitled Feed"))


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The output folders the full build's `commit` moved a staged site into, in order."""
    done: list[Path] = []

    def counted(staging: Path, output: Path) -> None:
        commit(staging, output)
        done.append(output)

    monkeypatch.setattr(generator.build.full, "commit", counted)
    return done


@pytest.mark.parametrize("how", ["--clean", "reusing unchanged files"])
def test_a_full_build_updates_the_same_folder_that_an_open_handle_sees(tmp_path, monkeypatch, commits, how):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    site = root / "site"
    inode = site.stat().st_ino
    robots = (site / "robots.txt").stat().st_ino
    change_papers_and_title(root)
    if how == "--clean":
        args: tuple[str, ...] = ("--clean",)
    else:  # the staged path even for this small site: unchanged files are hard links of the old ones
        args = ()
        monkeypatch.setattr(generator.build.full, "IN_PLACE_SHARE", 0)
    fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
    try:
        commits.clear()
        assert build(root, *args) == 0
        assert commits == [site.absolute()]
        assert site.stat().st_ino == inode
        assert MARKER in os.listdir(fd) and "index.html" in os.listdir(fd)
        papers = os.open("papers", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        try:
            listed = os.listdir(papers)
        finally:
            os.close(papers)
        assert "added-paper" in listed and "wavthruvec" not in listed and "cachegen" in listed
        index = os.open("index.html", os.O_RDONLY, dir_fd=fd)
        with open(index, "rb") as file:
            assert b"Retitled Feed" in file.read()
    finally:
        os.close(fd)
    if how != "--clean":
        assert (site / "robots.txt").stat().st_ino == robots  # unchanged: the same file stays
    settled(root)
    assert not list(root.glob(".site.*"))
    assert tree(site) == clean_site(root, tmp_path / "clean")


def test_after_a_full_build_that_reused_files_the_next_build_is_up_to_date(tmp_path, monkeypatch, capsys):
    # Unlinking a staged link of an unchanged file changes the file's ctime: done before the cache records it.
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    change_papers_and_title(root)
    time.sleep(2.1)  # past the racy window: both builds below stamp the inputs by their stats
    monkeypatch.setattr(generator.build.full, "IN_PLACE_SHARE", 0)
    assert build(root) == 0
    settled(root)  # as a later build would find it
    capsys.readouterr()
    assert main(["-C", str(root), "build", "--no-search", "--jobs", "1"]) == 0
    assert "site/ is up to date" in capsys.readouterr().out


def test_a_first_build_makes_the_folder_and_the_next_keeps_it(tmp_path, commits):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    site = root / "site"
    assert commits == [site.absolute()] and (site / MARKER).is_file()
    inode = site.stat().st_ino
    assert build(root, "--clean") == 0
    assert site.stat().st_ino == inode and len(commits) == 2


def test_links_and_wrong_kinds_of_files_in_the_site_are_replaced_and_nothing_outside_is_touched(tmp_path):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    site = root / "site"
    outside = tmp_path / "elsewhere"
    shutil.move(site / "papers", outside)  # a link to a folder that looks like the site's own
    (outside / "precious.txt").write_text("precious\n")
    (site / "papers").symlink_to(outside, target_is_directory=True)
    (tmp_path / "secret.txt").write_text("secret\n")
    (site / "robots.txt").unlink()
    (site / "robots.txt").symlink_to(tmp_path / "secret.txt")  # a link where a file goes
    (site / "stray").symlink_to(outside, target_is_directory=True)  # a link the new site does not have
    shutil.rmtree(site / "tags")
    (site / "tags").write_text("a file where a folder goes\n")
    (site / "sitemap.xml").unlink()
    (site / "sitemap.xml").mkdir()  # a folder where a file goes
    (site / "sitemap.xml/inner.txt").write_text("inner\n")
    before = tree(outside)
    assert build(root, "--clean") == 0
    assert tree(outside) == before and (tmp_path / "secret.txt").read_text() == "secret\n"
    assert not any(p.is_symlink() for p in site.rglob("*"))
    assert (site / "papers").is_dir() and (site / "tags").is_dir() and (site / "sitemap.xml").is_file()
    assert not (site / "stray").exists() and not (site / "papers/precious.txt").exists()
    assert tree(site) == clean_site(root, tmp_path / "clean")


def test_a_build_killed_while_it_moves_files_in_is_completed_by_the_next(tmp_path, monkeypatch, commits):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    site = root / "site"
    inode = site.stat().st_ino
    change_papers_and_title(root)
    real_replace, calls = os.replace, []

    def dies_on_the_fifth_file(src, dst):
        calls.append(dst)
        if len(calls) == 5:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr("generator.build.output.os.replace", dies_on_the_fifth_file)
    commits.clear()
    assert build(root, "--clean") == 130  # the command line reports the interrupt as its exit status
    monkeypatch.setattr("generator.build.output.os.replace", real_replace)
    assert len(calls) == 5 and commits == []
    assert (site / MARKER).is_file() and (site / "index.html").is_file()  # four new files in, the rest old
    settled(root)
    assert not list(root.glob(".site.*"))
    assert build(root) == 0
    assert site.stat().st_ino == inode
    assert tree(site) == clean_site(root, tmp_path / "clean")


def test_old_site_folders_left_by_earlier_versions_are_removed(tmp_path):
    root = make_project(tmp_path / "p")
    leftover = root / ".site.old-123-456"
    (leftover / "papers").mkdir(parents=True)
    (leftover / "papers/index.html").write_text("an old site\n")
    assert build(root) == 0
    deadline = time.monotonic() + 10
    while leftover.exists() and time.monotonic() < deadline:  # removed by a detached process
        time.sleep(0.05)
    assert not leftover.exists()


def test_a_clean_build_killed_after_the_marker_was_deleted_leaves_a_folder_the_next_build_takes(tmp_path):
    # Found by the interruption state machine: the marker deleted by hand, then `build --clean` (which forgets
    # the cache's record of the site) killed midway; the next build refused the folder as someone else's.
    import signal
    import subprocess
    import sys

    root = tmp_path / "project"
    shutil.copytree(REPO / "tests/fixtures/sample_site", root)
    assert main(["-C", str(root), "-q", "build", "--no-search"]) == 0
    (root / "site" / MARKER).unlink()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "-q", "build", "--no-search", "--clean"],
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    deadline = time.monotonic() + 30
    while not list(root.glob(".site.new-*")) and time.monotonic() < deadline:  # rendering: the cache is fresh
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(root.glob(".site.new-*")), "the build ended before it could be killed while rendering"
    assert (root / "site" / MARKER).is_file()
    assert main(["-C", str(root), "-q", "build", "--no-search"]) == 0


def test_what_leaves_the_site_waits_beside_it_for_a_detached_removal(tmp_path):
    site, staging = tmp_path / "site", tmp_path / ".site.new-abc"
    (site / "gone").mkdir(parents=True)
    (site / "gone/x.html").write_bytes(b"x")
    (site / "a.html").write_bytes(b"old")
    staging.mkdir()
    (staging / "a.html").write_bytes(b"new")
    old = (site / "a.html").stat().st_ino
    with Trash(staging) as trash:
        trash.hold(site / "a.html")
        os.replace(staging / "a.html", site / "a.html")
        trash.take(site / "gone")
        trash.take(site / "never-was")
        trash.hold(site / "never-was")
        assert trash.folder == tmp_path / ".site.old-abc"  # what a later commit removes if this build is killed
        # The replaced file keeps a link aside, so the rename freed nothing while the build waits.
        assert old in {p.stat().st_ino for p in trash.folder.iterdir() if p.is_file()}
        assert sorted(os.listdir(site)) == ["a.html"]
    settled(tmp_path)
    assert not trash.folder.exists()
    assert (site / "a.html").read_bytes() == b"new"


def test_a_full_build_freeing_files_where_they_are_gives_the_same_site(tmp_path, monkeypatch, commits):
    # The plain way, without the trash: a replaced file freed by its rename, a removed one deleted in place.
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    (root / "site/stray.html").write_text("not the build's\n")
    (root / "site/stray-folder").mkdir()
    change_papers_and_title(root)
    monkeypatch.setattr(Trash, "hold", lambda self, path: None)
    monkeypatch.setattr(Trash, "take", lambda self, path: generator.build.output._delete(path))
    monkeypatch.setattr(generator.build.full, "IN_PLACE_SHARE", 0)
    commits.clear()
    assert build(root) == 0
    assert commits == [(root / "site").absolute()]
    settled(root)
    assert tree(root / "site") == clean_site(root, tmp_path / "clean")
