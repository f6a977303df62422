"""Following authors as topics are followed, and dates no source gave marked where readers see dates.

The markup tests build a small project without a browser. The browser tests drive it with
Playwright in Debian's Chromium, like tests/test_search.py; they skip when Chromium or Playwright is
missing (and fail on CI, which has both).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import REPO, write_files

from generator.cli import main
from generator.server import make_server

try:  # the browser tests skip without Playwright
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

PAPERS = 12
FIRST_DAY = dt.date(2025, 1, 1)  # two papers a day, Jan 1 to Jan 6
ASSUMED = (
    '<span class="date-assumed" title="No source gave this date: it was set when the paper was added to this site">'
    "(assumed)</span>"
)


def paper_date(i: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=i // 2)


def by_ada(i: int) -> bool:
    return i % 2 == 0


def is_speech(i: int) -> bool:
    return i % 3 == 0


def fallback(i: int) -> bool:
    """Whether no source gave paper i's date (`date_from: ingest`)."""
    return i in (6, 10)


def title(i: int) -> str:
    return f"Paper {i:02d} on {'speech' if is_speech(i) else 'LLMs'}"


def write_project(root: Path) -> None:
    """PAPERS papers: Ada Lovelace wrote every other one (she has an author page), every third is Speech,
    the odd ones are in cs.CL, and two of Ada's newer papers have a date no source gave."""
    files = {
        "site.yaml": """
            title: Follow Test
            description: Papers for the following tests.
            base_url: http://127.0.0.1:8000/
            taxonomy:
              speech: {name: Speech, description: Spoken language., keywords: [speech]}
              llm: {name: LLMs, description: Large language models., keywords: [LLM]}
        """
    }
    for i in range(PAPERS):
        authors = ["Ada Lovelace", f"Second Author{i}"] if by_ada(i) else [f"Other Author{i}"]
        date_from = "date_from: ingest\n" if fallback(i) else ""
        categories = "categories: [cs.CL]\n" if i % 2 else ""
        files[f"content/papers/paper-{i:02d}.md"] = (
            f"---\ntitle: {title(i)}\ndate: {paper_date(i).isoformat()}\n{date_from}"
            f"tags: [{'speech' if is_speech(i) else 'llm'}]\nauthors: [{', '.join(authors)}]\n{categories}---\n"
            f"Abstract {i}.\n"
        )
    write_files(root, files)
    shutil.copytree(REPO / "themes", root / "themes")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("follow")
    write_project(root)
    assert main(["-C", str(root), "-q", "build", "--no-search"]) == 0
    return root / "site"


def _item(listing: str, i: int) -> str:
    """The listing's article of paper i."""
    return next(a for a in listing.split('<article class="item">')[1:] if f"/papers/paper-{i:02d}/" in a)


# markup


def test_author_category_and_tag_pages_have_a_follow_button_that_says_what_it_follows(built):
    pages = {
        "authors/ada-lovelace": ("/authors/ada-lovelace/", "Ada Lovelace", "author"),
        "categories/cs.CL": ("/categories/cs.CL/", "Computation and Language", "category"),
        "tags/speech": ("/tags/speech/", "Speech", "tag"),
    }
    for path, (url, name, kind) in pages.items():
        html = (built / path / "index.html").read_text()
        # Hidden until follow.js shows it: without JavaScript there is no button to press.
        assert '<p class="follow" hidden><button class="button button-quiet follow-toggle" type="button"' in html
        assert f'data-follow-url="{url}" data-follow-name="{name}" data-follow-kind="{kind}"' in html
        assert re.search(r'<script src="/static/follow\.js\?v=[0-9a-f]+" defer></script>', html)


def test_a_date_no_source_gave_is_marked_on_the_paper_page_and_in_dated_listings(built):
    page = (built / "papers/paper-06/index.html").read_text()
    assert (
        '<time datetime="2025-01-04" data-pagefind-filter="date[datetime], year:2025" '
        f'data-pagefind-sort="date[datetime]">Jan 4, 2025</time>\n      {ASSUMED}\n    </p>'
    ) in page
    listing = (built / "tags/speech/index.html").read_text()
    assert (
        '<a class="date" href="/days/2025-01-04/"><time datetime="2025-01-04">Jan 4, 2025</time></a>'
        f'{ASSUMED}<span class="authors">· '
    ) in _item(listing, 6)
    author = (built / "authors/ada-lovelace/index.html").read_text()
    assert ASSUMED in _item(author, 6)


def test_a_date_a_source_gave_is_not_marked(built):
    page = (built / "papers/paper-03/index.html").read_text()
    assert "date-assumed" not in page
    assert 'data-pagefind-sort="date[datetime]">Jan 2, 2025</time>\n    </p>' in page
    listing = (built / "tags/speech/index.html").read_text()
    assert "date-assumed" not in _item(listing, 3)
    assert '<time datetime="2025-01-02">Jan 2, 2025</time></a><span class="authors">· ' in _item(listing, 3)


def test_listings_under_a_day_heading_show_no_date_and_so_no_mark(built):
    home = (built / "index.html").read_text()
    assert "date-assumed" not in home
    assert "date-assumed" not in (built / "days/2025-01-04/index.html").read_text()


def test_feeds_are_the_same_whether_or_not_a_source_gave_the_date(built, tmp_path):
    write_project(tmp_path)
    for entry in (tmp_path / "content/papers").glob("*.md"):
        entry.write_text(entry.read_text().replace("date_from: ingest\n", ""))
    assert main(["-C", str(tmp_path), "-q", "build", "--no-search"]) == 0
    feeds = ["feed.xml", "atom.xml", "feed.json", "tags/speech/feed.xml", "authors/ada-lovelace/atom.xml"]
    for feed in feeds:
        assert (tmp_path / "site" / feed).read_bytes() == (built / feed).read_bytes(), feed


# in a browser


@pytest.fixture(scope="module")
def site(built):
    server = make_server(built, "/", bind="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _follow(page, site: str, path: str, name: str) -> None:
    page.goto(site + path)
    button = page.get_by_role("button", name=f"Follow {name}")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert button.get_attribute("aria-pressed") == "true"


def _new_since(page, site: str, last_visit: str):
    page.evaluate(f"localStorage.setItem('paperfeed-last-visit', '{last_visit}')")
    page.goto(site)
    section = page.locator("#follow-new")
    section.get_by_role("listitem").first.wait_for(timeout=10_000)
    return section


def test_following_an_author_lists_their_papers_new_since_the_last_visit(page, site):
    _follow(page, site, "authors/ada-lovelace/", "Ada Lovelace")
    note = page.locator(".follow-note")
    assert note.inner_text() == "Following Ada Lovelace: their new papers will show on the home page."
    # The last visit saw the papers up to Jan 3: Ada's papers of the days after are new.
    section = _new_since(page, site, "2025-01-03")
    new = [i for i in reversed(range(PAPERS)) if by_ada(i) and paper_date(i) > dt.date(2025, 1, 3)]
    assert section.locator(".follow-status").inner_text() == f"{len(new)} new papers by Ada Lovelace since Jan 3, 2025."
    assert section.locator(".follow-list a").all_inner_texts() == [title(i) for i in new]
    assert (
        section.locator(".follow-list li").first.inner_text() == f"{title(10)} Jan 6, 2025 (assumed) · by Ada Lovelace"
    )
    # A date no source gave keeps its mark, as in the author's listing.
    assumed = section.locator(".follow-list .date-assumed")
    assert assumed.count() == 2
    assert (
        assumed.first.get_attribute("title")
        == "No source gave this date: it was set when the paper was added to this site"
    )
    assert section.locator(".follow-topics").inner_text() == "Following authors: Ada Lovelace"
    assert section.locator(".follow-topics a").get_attribute("href") == "/authors/ada-lovelace/"
    # The visit is remembered, as for topics.
    assert page.evaluate("localStorage.getItem('paperfeed-last-visit')") == paper_date(PAPERS - 1).isoformat()
    assert page.errors == []


def test_a_paper_in_a_followed_topic_and_by_a_followed_author_is_listed_once_with_both(page, site):
    _follow(page, site, "tags/speech/", "Speech")
    _follow(page, site, "authors/ada-lovelace/", "Ada Lovelace")
    section = _new_since(page, site, "2025-01-03")
    new = [i for i in reversed(range(PAPERS)) if (by_ada(i) or is_speech(i)) and paper_date(i) > dt.date(2025, 1, 3)]
    status = section.locator(".follow-status")
    assert status.inner_text() == f"{len(new)} new papers in Speech or by Ada Lovelace since Jan 3, 2025."
    assert sorted(section.locator(".follow-list a").all_inner_texts()) == sorted(title(i) for i in new)
    metas = dict(
        zip(section.locator(".follow-list a").all_inner_texts(), section.locator(".follow-meta").all_inner_texts())
    )
    assert metas[title(6)] == "Jan 4, 2025 (assumed) · Speech · by Ada Lovelace"
    assert metas[title(9)] == "Jan 5, 2025 · Speech"
    assert metas[title(8)] == "Jan 5, 2025 · by Ada Lovelace"
    assert section.locator(".follow-topics").inner_text() == "Following topics: Speech; authors: Ada Lovelace"
    assert page.errors == []


def test_an_author_whose_page_is_gone_is_named_and_the_topics_still_show(page, site):
    page.goto(site)
    page.evaluate("""() => {
        localStorage.setItem('paperfeed-follows', JSON.stringify([
            {url: '/authors/gone/', name: 'Gone Person', kind: 'author'}, {url: '/tags/speech/', name: 'Speech'}]));
        localStorage.setItem('paperfeed-last-visit', '2025-01-04');
    }""")
    page.goto(site)
    status = page.locator("#follow-new .follow-status")
    expect(status).to_contain_text("Could not", timeout=10_000)
    assert (
        status.inner_text()
        == "1 new paper in Speech since Jan 4, 2025. Could not look for papers by Gone Person just now."
    )


@pytest.mark.parametrize("path", ["authors/ada-lovelace/", ""])
def test_axe_finds_no_serious_or_critical_violations_with_an_author_followed(page, site, path):
    from axe_playwright_python.sync_playwright import Axe

    _follow(page, site, "authors/ada-lovelace/", "Ada Lovelace")
    if path:
        page.goto(site + path)
    else:
        _new_since(page, site, "2025-01-03")
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    assert page.errors == []
