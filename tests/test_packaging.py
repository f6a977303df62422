"""Packaging: a built wheel and a git-URL install carry the default theme, the license and the version.

The tests work on a snapshot of the repository's working tree: the files git tracks or would track
(untracked ones that no .gitignore excludes), committed once in a scratch repository. So what is
packaged is what would be committed, and nothing from `.venv/`, `build/` or `*.egg-info/` leaks in;
on CI's fresh clone the snapshot is that clone's tree. Everything runs offline: pip gets `--no-index`
and `--no-build-isolation`, and builds with the setuptools from the `test` extra. One snapshot, one
wheel and one install of it are shared by the module (about 10 s in all).
"""

from __future__ import annotations

import email
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import REPO
from packaging.version import Version

from generator import __version__

# The oldest setuptools that reads pyproject's SPDX `license` string and `license-files`
# (as [build-system] requires).
SETUPTOOLS_MIN = Version("77")
# No index and no pip self-check, so no command here reaches the network.
OFFLINE = {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
# Who commits the snapshot, whatever the machine's git configuration says.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "paperfeed tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "paperfeed tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}


@dataclass(frozen=True)
class Snapshot:
    """A scratch git repository holding the working tree as one commit."""

    path: Path
    commit: str


@dataclass(frozen=True)
class BuiltWheel:
    """A wheel built from the snapshot, and what `pip wheel --verbose` printed while building it."""

    path: Path
    log: str = field(repr=False)


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command; a non-zero exit fails the test with the command's output."""
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(args)}\nexited {result.returncode}:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result


def _pip(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "pip", *args], cwd=cwd, env={**os.environ, **OFFLINE})


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return _run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, env={**os.environ, **GIT_IDENTITY})


def _with_installed(target: Path) -> dict[str, str]:
    """The environment with `target` first on the import path, ahead of the venv's editable paperfeed."""
    path = os.pathsep.join(p for p in (str(target), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _theme_files(theme_dir: Path) -> set[str]:
    """The files under a theme folder, as POSIX paths relative to it."""
    return {p.relative_to(theme_dir).as_posix() for p in theme_dir.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the packaging tests snapshot the repository and install from a git URL")
    top = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if top.returncode != 0:
        pytest.skip(f"{REPO} is not a git work tree: the packaging tests snapshot the files git tracks")
    root = Path(top.stdout.strip())
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=root).stdout.split("\0")
    dest = tmp_path_factory.mktemp("snapshot")
    for name in filter(None, listed):
        source = root / name
        if source.is_file():  # `--cached` also lists a file deleted but not yet staged
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    _git("-c", "init.defaultBranch=main", "init", "-q", cwd=dest)
    _git("add", "-A", cwd=dest)
    _git("commit", "-q", "--no-verify", "-m", "snapshot of the working tree", cwd=dest)
    return Snapshot(dest, _git("rev-parse", "HEAD", cwd=dest).stdout.strip())


@pytest.fixture(scope="module")
def built_wheel(snapshot: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> BuiltWheel:
    try:
        found = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        found = "none"
    if found == "none" or Version(found) < SETUPTOOLS_MIN:
        pytest.fail(
            f"building offline needs setuptools>={SETUPTOOLS_MIN} in this environment, found {found}: "
            "pip install -e '.[test]'",
            pytrace=False,
        )
    out = tmp_path_factory.mktemp("wheel")
    # The source is an absolute path: a bare name such as `src` would be looked up as a project on the index.
    result = _pip(
        "wheel", "--no-deps", "--no-build-isolation", "--verbose", "-w", str(out), str(snapshot.path), cwd=out
    )
    [wheel] = out.glob("paperfeed-*.whl")
    return BuiltWheel(wheel, result.stdout + result.stderr)


@pytest.fixture(scope="module")
def installed(built_wheel: BuiltWheel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed with `pip install --target`: a folder to put on PYTHONPATH."""
    target = tmp_path_factory.mktemp("installed")
    _pip("install", "--no-deps", "--target", str(target), str(built_wheel.path), cwd=target)
    return target


def test_wheel_carries_every_file_of_the_default_theme(snapshot, built_wheel):
    expected = {f"generator/_themes/default/{name}" for name in _theme_files(snapshot.path / "themes" / "default")}
    assert {"generator/_themes/default/templates/paper.html", "generator/_themes/default/static/style.css"} <= expected
    with zipfile.ZipFile(built_wheel.path) as wheel:
        names = set(wheel.namelist())
    assert sorted(expected - names) == []


def test_wheel_metadata_has_the_version_and_the_mit_license(snapshot, built_wheel):
    with zipfile.ZipFile(built_wheel.path) as wheel:
        [metadata_name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        dist_info = metadata_name.rsplit("/", 1)[0]
        metadata = email.message_from_bytes(wheel.read(metadata_name))
        license_text = wheel.read(f"{dist_info}/licenses/LICENSE").decode("utf-8")
    assert (metadata["Name"], metadata["Version"]) == ("paperfeed", __version__)
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert license_text == (snapshot.path / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License\n")


def test_wheel_builds_without_setuptools_warnings(built_wheel):
    # Python warnings read "Category: message" (setuptools' "Package would be ignored" is a `_Warning:`,
    # a deprecated license table a `SetuptoolsDeprecationWarning:`) and setuptools frames them in "!!".
    # Plain "warning: build_py: byte-compiling is disabled" lines are setuptools' ordinary verbose output.
    warnings = [line.strip() for line in built_wheel.log.splitlines() if "Warning:" in line or "!!" in line]
    assert warnings == []


def test_installed_wheel_builds_a_site_with_its_packaged_theme(installed, tmp_path):
    script = textwrap.dedent(
        """
        import sys

        import generator
        from generator.cli import main
        from generator.render.theme import BUILTIN_THEMES

        print(generator.__file__)
        print(BUILTIN_THEMES)
        site = sys.argv[1]
        sys.exit(main(["-q", "init", site]) or main(["-q", "-C", site, "build", "--no-search"]))
        """
    )
    # Run outside the repository, so neither the current folder nor the editable install supplies `generator`.
    result = _run(
        [sys.executable, "-c", script, str(tmp_path / "mysite")], cwd=tmp_path, env=_with_installed(installed)
    )
    module_file, themes = (Path(line).resolve() for line in result.stdout.splitlines()[:2])
    assert module_file == (installed / "generator" / "__init__.py").resolve()
    assert themes == (installed / "generator" / "_themes").resolve()
    assert not (tmp_path / "mysite" / "themes").exists()  # so the build used the packaged theme
    site = tmp_path / "mysite" / "site"
    assert (site / "index.html").is_file()
    assert list((site / "papers").glob("*/index.html"))
    css = installed / "generator" / "_themes" / "default" / "static" / "style.css"
    assert (site / "static" / "style.css").read_bytes() == css.read_bytes()


def test_installed_command_prints_its_version(installed, tmp_path):
    result = _run([str(installed / "bin" / "paperfeed"), "--version"], cwd=tmp_path, env=_with_installed(installed))
    assert result.stdout == f"paperfeed {__version__}\n"


def test_git_url_install_carries_the_theme_and_records_the_commit(snapshot, tmp_path):
    target = tmp_path / "installed"
    url = f"git+{snapshot.path.as_uri()}@{snapshot.commit}"
    _pip("install", "--no-deps", "--no-build-isolation", "--target", str(target), url, cwd=tmp_path)
    theme = target / "generator" / "_themes" / "default"
    assert _theme_files(theme) == _theme_files(snapshot.path / "themes" / "default")
    assert (theme / "templates" / "paper.html").is_file()
    [direct_url] = target.glob("paperfeed-*.dist-info/direct_url.json")
    vcs_info = json.loads(direct_url.read_text(encoding="utf-8"))["vcs_info"]
    assert (vcs_info["vcs"], vcs_info["commit_id"]) == ("git", snapshot.commit)
