"""Nothing is lost through the output folder or `init`: a build replaces only a folder that is an
earlier site or empty, and `init` overwrites a file only with --force. Every refusal is one line."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, write_files

from generator.build.cache import CACHE_DIR
from generator.build.output import MARKER
from generator.cli import main
from generator.scaffold import GITIGNORE, PAGES_WORKFLOW

MINE = {"notes.md": "my notes\n", "drafts/idea.txt": "an idea\n"}
MINE_BYTES = {name: text.encode() for name, text in MINE.items()}


def make_project(root: Path, output_dir: str | None = None) -> Path:
    """The sample site, with `output_dir` set on line 4 of site.yaml when given."""
    shutil.copytree(FIXTURES / "sample_site", root)
    shutil.copytree(REPO / "themes", root / "themes")
    if output_dir is not None:
        lines = (root / "site.yaml").read_text().split("\n")
        lines.insert(3, f"output_dir: '{output_dir}'")
        (root / "site.yaml").write_text("\n".join(lines))
    return root


def build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "-q", "build", "--no-search", "--jobs", "1", *args])


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line a refused command printed (and that it is exactly one line)."""
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err[len("error: ") : -1]


# -- output_dir in site.yaml --------------------------------------------------------


def test_output_dir_dot_git_is_refused_and_the_git_folder_survives(tmp_path, capsys):
    root = make_project(tmp_path / "p", ".git")
    write_files(root / ".git", {"HEAD": "ref: refs/heads/main\n", "objects/ab/cdef": "history\n"})
    before = files(root / ".git")
    assert build(root) == 1
    assert refused(capsys) == (
        "site.yaml:4: `output_dir` must not be a hidden folder (a name starting with a dot), not '.git'"
    )
    assert files(root / ".git") == before


INSIDE = "`output_dir` must be a folder name inside the project, not "
HIDDEN = "`output_dir` must not be a hidden folder (a name starting with a dot), not "
CONTENT = "`output_dir` must not overlap the content folder 'content', not "
THEMES = "`output_dir` must not overlap the themes folder 'themes', not "


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("site.yaml", "`output_dir` must be a folder, not the file 'site.yaml'"),
        ("../elsewhere", INSIDE + "'../elsewhere'"),
        ("/abs", INSIDE + "'/abs'"),
        (".", INSIDE + "'.'"),
        ("public/../..", INSIDE + "'public/../..'"),
        (".paperfeed-cache", HIDDEN + "'.paperfeed-cache'"),
        ("public/.hidden", HIDDEN + "'public/.hidden'"),
        ("content", CONTENT + "'content'"),
        ("content/site", CONTENT + "'content/site'"),
        ("themes", THEMES + "'themes'"),
        ("themes/default/static", THEMES + "'themes/default/static'"),
    ],
)
def test_output_dir_outside_the_project_or_over_its_inputs_is_a_config_error(tmp_path, capsys, value, message):
    root = make_project(tmp_path / "p", value)
    before = files(tmp_path)
    assert build(root) == 1
    assert refused(capsys) == f"site.yaml:4: {message}"
    assert files(tmp_path) == before
    assert main(["-C", str(root), "check"]) == 1
    assert f"site.yaml:4: {message}" in capsys.readouterr().out


def test_output_dir_naming_an_existing_file_is_a_config_error(tmp_path, capsys):
    root = make_project(tmp_path / "p", "NOTES.md")
    write_files(root, {"NOTES.md": "keep me\n"})
    assert build(root) == 1
    assert refused(capsys) == "site.yaml:4: `output_dir` must be a folder, not the file 'NOTES.md'"
    assert (root / "NOTES.md").read_text() == "keep me\n"


def test_output_dir_problems_are_listed_with_the_other_config_errors(tmp_path, capsys):
    write_files(tmp_path, {"site.yaml": "content_dir: papers-src\nper_page: 0\noutput_dir: papers-src/out\n"})
    assert main(["-C", str(tmp_path), "build"]) == 1
    assert capsys.readouterr().err == (
        "error: site.yaml:2: `per_page` must be a whole number of at least 1, not 0\n"
        "site.yaml:3: `output_dir` must not overlap the content folder 'papers-src', not 'papers-src/out'\n"
    )


def test_a_file_where_the_default_output_folder_goes_is_refused_and_kept(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    write_files(root, {"site": "not a folder\n"})
    assert build(root) == 1
    assert refused(capsys) == "output folder site is a file, not a folder; choose another output_dir"
    assert (root / "site").read_text() == "not a folder\n"


def test_output_dir_with_files_paperfeed_did_not_write_is_refused_and_kept(tmp_path, capsys):
    root = make_project(tmp_path / "p", "docs")
    write_files(root / "docs", MINE)
    assert build(root) == 1
    assert refused(capsys) == (
        f"output folder docs is not empty and was not written by paperfeed (it has no {MARKER} file): "
        "a build would delete what it holds; empty or delete it, or choose another output_dir"
    )
    assert files(root / "docs") == MINE_BYTES


def test_a_plain_folder_name_builds_and_rebuilds_with_the_marker(tmp_path):
    root = make_project(tmp_path / "p", "public/site")
    assert build(root) == 0
    marker = root / "public/site" / MARKER
    assert marker.is_file()
    assert MARKER not in (root / "public/site/sitemap.xml").read_text()
    assert build(root, "--clean") == 0
    assert marker.is_file() and (root / "public/site/index.html").is_file()


# -- the -o option ------------------------------------------------------------------


def test_dash_o_at_a_folder_with_other_files_is_refused_and_its_files_are_intact(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    mine = tmp_path / "mine"
    write_files(mine, MINE)
    assert build(root, "-o", str(mine)) == 1
    assert refused(capsys) == (
        f"output folder {mine} is not empty and was not written by paperfeed (it has no {MARKER} file): "
        "a build would delete what it holds; empty or delete it, or choose another output_dir"
    )
    assert files(mine) == MINE_BYTES
    assert not list(tmp_path.glob(".mine.*"))  # no staging folder was made beside it


def test_dash_o_at_an_empty_folder_builds_and_builds_again(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    out = tmp_path / "out"
    out.mkdir()
    assert build(root, "-o", str(out)) == 0
    assert (out / "index.html").is_file() and (out / MARKER).is_file()
    assert build(root, "-o", str(out), "--clean") == 0  # a full build: every file is moved into the folder
    assert (out / "index.html").is_file() and (out / MARKER).is_file()
    assert not (root / "site").exists()
    assert capsys.readouterr().err == ""


def test_dash_o_at_a_new_folder_builds(tmp_path):
    root = make_project(tmp_path / "p")
    assert build(root, "-o", str(tmp_path / "new/site")) == 0
    assert (tmp_path / "new/site/index.html").is_file()


def test_dash_o_may_not_be_the_project_a_folder_holding_it_or_the_home_folder(tmp_path, capsys, monkeypatch):
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    project = root.resolve()
    for output, message in [
        (".", f"output folder {project} would replace the project itself; choose another output_dir"),
        ("..", "output folder .. would replace the project itself; choose another output_dir"),
        (str(tmp_path), f"output folder {tmp_path} would replace the project itself; choose another output_dir"),
        ("/", "output folder / would replace the project itself; choose another output_dir"),
        (str(home), f"output folder {home} is the home folder; choose another output_dir"),
    ]:
        assert build(root, "-o", output) == 1, output
        assert refused(capsys) == message, output
    assert (root / "content/papers/cachegen.md").is_file()


def test_dash_o_may_not_overlap_content_themes_or_the_cache_nor_be_a_file(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    write_files(tmp_path, {"file.txt": "text\n"})
    for output, message in [
        ("content", "output folder content overlaps content; choose another output_dir"),
        ("content/papers/site", "output folder content/papers/site overlaps content; choose another output_dir"),
        ("themes/out", "output folder themes/out overlaps themes; choose another output_dir"),
        (CACHE_DIR, f"output folder {CACHE_DIR} overlaps {CACHE_DIR}; choose another output_dir"),
        (
            str(tmp_path / "file.txt"),
            f"output folder {tmp_path / 'file.txt'} is a file, not a folder; choose another output_dir",
        ),
    ]:
        assert build(root, "-o", output) == 1, output
        assert refused(capsys) == message, output
    assert (tmp_path / "file.txt").read_text() == "text\n"


def test_dash_o_at_a_hidden_folder_with_files_is_refused(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    write_files(root / ".git", {"HEAD": "ref: refs/heads/main\n"})
    assert build(root, "-o", ".git") == 1
    assert "output folder .git is not empty and was not written by paperfeed" in refused(capsys)
    assert (root / ".git/HEAD").read_text() == "ref: refs/heads/main\n"


# -- sites built before the marker ----------------------------------------------------


def test_a_site_the_cache_recorded_is_rebuilt_without_its_marker(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    (root / "site" / MARKER).unlink()
    assert build(root, "--clean") == 0  # the check reads the cache's record before --clean discards it
    assert (root / "site" / MARKER).is_file()
    assert capsys.readouterr().err == ""


def test_a_site_built_by_an_earlier_version_is_still_paperfeeds(tmp_path):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    (root / "site" / MARKER).unlink()
    # What an earlier paperfeed leaves: no marker, and a cache of another format (discarded when opened).
    with sqlite3.connect(root / CACHE_DIR / "cache.sqlite") as db:
        db.execute("UPDATE meta SET value = 'an earlier version' WHERE key = 'format'")
    db.close()
    assert build(root) == 0
    assert (root / "site" / MARKER).is_file() and (root / "site/index.html").is_file()


def test_a_folder_made_again_where_the_site_was_is_not_taken_for_it(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    shutil.rmtree(root / "site")
    write_files(root / "site", MINE)  # may even reuse the old folder's inode
    assert build(root) == 1
    assert "output folder site is not empty and was not written by paperfeed" in refused(capsys)
    assert files(root / "site") == MINE_BYTES


def test_a_lost_marker_is_put_back_by_a_build_with_nothing_to_do(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    time.sleep(2.1)  # past the racy window: both builds stamp the inputs by their stats
    assert build(root) == 0
    marker = root / "site" / MARKER
    text = marker.read_bytes()
    marker.unlink()
    assert main(["-C", str(root), "build", "--no-search", "--jobs", "1"]) == 0
    assert "site/ is up to date" in capsys.readouterr().out
    assert marker.read_bytes() == text
    marker.write_bytes(b"changed by hand\n")
    assert build(root) == 0
    assert marker.read_bytes() == text


def test_a_marker_that_is_a_link_is_replaced_not_followed(tmp_path):
    root = make_project(tmp_path / "p")
    assert build(root) == 0
    target = tmp_path / "precious.txt"
    target.write_text("precious\n")
    marker = root / "site" / MARKER
    marker.unlink()
    marker.symlink_to(target)
    assert build(root) == 0
    assert target.read_text() == "precious\n"
    assert not marker.is_symlink() and marker.is_file()


# -- init -----------------------------------------------------------------------------


def test_init_refuses_to_overwrite_a_gitignore_and_a_workflow_without_force(tmp_path, capsys):
    site = tmp_path / "mysite"
    write_files(site, {".gitignore": "my ignores\n", ".github/workflows/pages.yml": "my workflow\n"})
    assert main(["init", str(site)]) == 2  # wrong usage
    assert refused(capsys) == (
        f"{site} already holds .gitignore, .github/workflows/pages.yml; use --force to overwrite them"
    )
    assert (site / ".gitignore").read_text() == "my ignores\n"
    assert (site / ".github/workflows/pages.yml").read_text() == "my workflow\n"
    assert not (site / "site.yaml").exists() and not (site / "content").exists()
    assert main(["-q", "init", "--force", str(site)]) == 0
    assert (site / ".gitignore").read_text() == GITIGNORE
    assert (site / ".github/workflows/pages.yml").read_text() == PAGES_WORKFLOW
    assert (site / "site.yaml").is_file()


def test_init_names_the_one_file_it_would_overwrite(tmp_path, capsys):
    site = tmp_path / "mysite"
    write_files(site, {".github/workflows/pages.yml": "my workflow\n", "README.md": "mine\n"})
    assert main(["init", str(site)]) == 2  # wrong usage
    assert refused(capsys) == f"{site} already holds .github/workflows/pages.yml; use --force to overwrite it"
    assert (site / ".github/workflows/pages.yml").read_text() == "my workflow\n"


def test_init_with_theme_copy_refuses_to_overwrite_a_theme_file(tmp_path, capsys):
    site = tmp_path / "mysite"
    write_files(site, {"themes/default/templates/paper.html": "my template\n", "themes/default/mine.txt": "x\n"})
    assert main(["init", "--theme-copy", str(site)]) == 2  # wrong usage
    assert refused(capsys) == f"{site} already holds themes/default/templates/paper.html; use --force to overwrite it"
    assert (site / "themes/default/templates/paper.html").read_text() == "my template\n"
    assert main(["-q", "init", "--theme-copy", "--force", str(site)]) == 0
    assert (site / "themes/default/templates/paper.html").read_text() != "my template\n"
    assert (site / "themes/default/mine.txt").read_text() == "x\n"  # init's own files are overwritten, no others


def test_init_into_a_folder_with_other_files_writes_its_own(tmp_path):
    site = tmp_path / "mysite"
    write_files(site, {"README.md": "mine\n"})
    assert main(["-q", "init", str(site)]) == 0
    assert (site / "README.md").read_text() == "mine\n" and (site / "site.yaml").is_file()
