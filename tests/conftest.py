"""Shared helpers: project scaffolds, the seed dumps, and a checker for built sites."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = sorted((FIXTURES / "hf_page").glob("*.txt"))
TODAY = dt.date(2026, 11, 21)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="also run the tests marked slow")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a long run (a large property-test budget); skipped unless --slow")
    # The fast tier draws the same examples on every run, so that it fails for a change and never for a
    # rare draw (CI once met the key `no`, which YAML reads as false); the slow tier draws afresh each run.
    settings.register_profile("fast", derandomize=True)
    settings.register_profile("slow", derandomize=False)
    settings.load_profile("slow" if config.getoption("--slow") else "fast")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.add_marker(skip)


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write dedented files under root (paths may contain folders)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project with the repo's default theme and a small site.yaml."""
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    write_files(
        tmp_path,
        {
            "site.yaml": """
        title: Test Feed
        description: Papers for tests.
        base_url: https://example.org/
        per_page: 2
        taxonomy:
          speech:
            name: Speech
            description: Spoken language.
            keywords: [speech, ASR]
          llm:
            name: LLMs
            description: Large language models.
            keywords: [large language model, LLM]
    """
        },
    )
    return tmp_path


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.add(value)


def page_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def resolve(site: Path, url: str, base_url: str) -> Path | None:
    """The file a site URL points to, or None for an external URL."""
    parts = urlsplit(url)
    base = urlsplit(base_url)
    if parts.scheme in ("http", "https") and parts.netloc != base.netloc:
        return None
    if parts.scheme not in ("", "http", "https"):
        return None
    path = parts.path
    assert path.startswith(base.path), f"{url} is outside the site's base path {base.path}"
    rel = path[len(base.path) :]
    target = site / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    return target


def broken_links(site: Path, base_url: str) -> list[str]:
    """Every internal href/src in every HTML page that does not lead to a file of the site."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        for url in page_links(page.read_text(encoding="utf-8")):
            if url.startswith("#"):
                continue
            target = resolve(site, url, base_url)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {url}")
    return broken


def copy_project(source: Path, target: Path) -> Path:
    """Copy a project's inputs (site.yaml, content/, themes/) to `target`, which must exist."""
    for name in ("site.yaml", "content", "themes", "static"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
        elif (source / name).exists():
            shutil.copy(source / name, target / name)
    return target


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path relative to it (with `/`), and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stable_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """Every file but Pagefind's filter index and the index files naming it: Pagefind writes filters
    in hash-map order, so their bytes (and names) differ between runs (Pagefind/pagefind#638)."""
    return {
        path: data
        for path, data in files.items()
        if not path.startswith("pagefind/filter/")
        and path != "pagefind/pagefind-entry.json"
        and not path.endswith(".pf_meta")
    }


@pytest.fixture(scope="session")
def demo_docs() -> list:
    """The demo papers three times over, as the benchmark's demo corpus grows them: 2,040 related-papers
    docs, each with two others of the same words (ties), terms held by more than the postings keep
    and by more than 2**DF_BITS papers."""
    from generator.content.entry import load_entries
    from generator.ids import tag_slug
    from generator.model.related import Doc, terms_of_many

    entries, problems = load_entries(REPO / "content" / "papers", REPO)
    assert not problems and len(entries) > 500
    terms = terms_of_many([(entry.title, entry.body) for entry in entries])
    return [
        Doc(f"{entry.slug}-{copy}", t, frozenset(tag_slug(tag) for tag in entry.tags))
        for copy in range(3)
        for entry, t in zip(entries, terms)
    ]


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Path:
    """The shipped demo, built once per test run; tests read it and never change it."""
    from generator.cli import main

    root = copy_project(REPO, tmp_path_factory.mktemp("demo"))
    assert main(["-C", str(root), "-q", "build"]) == 0
    return root / "site"


# -- a browser, for the tests that drive the theme in Chromium (tests/test_search.py, tests/test_follow.py) --

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright; skipped where either is missing, except on CI, which has both."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        sync_playwright = None
    for missing, what in ((not Path(CHROMIUM).exists(), f"{CHROMIUM} (apt-get install -y chromium)"),
                          (sync_playwright is None, "Playwright")):  # fmt: skip
        if missing:
            if os.environ.get("CI"):
                raise RuntimeError(f"browser tests need {what}")
            pytest.skip(f"{what} is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page at 1280x900 that collects console errors and page errors in `page.errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()
