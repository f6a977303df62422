"""Search and following: what Pagefind is given, and what a reader gets in a real browser.

The browser tests build a project of 60 papers (three pages of search results, two years, two
topics, authors and arXiv ids) and drive it with Playwright in Debian's Chromium, like
tests/test_browser.py; they skip when Chromium, Playwright or Pagefind is missing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from conftest import REPO, stable_files, tree, write_files

from generator.build import search
from generator.cli import main
from generator.errors import BuildError
from generator.server import make_server

try:  # the browser tests skip without Playwright
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

PAPERS = 60
FIRST_DAY = dt.date(2024, 12, 20)  # four papers a day: 48 in December 2024, 12 in January 2025
FIRST_NAMES = ("Ada", "Brian", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Ivan", "Jun")


def paper_date(i: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=i // 4)


def paper_tag(i: int) -> str:
    return "speech" if i % 3 == 0 else "llm"


def write_project(root: Path) -> None:
    """A project of PAPERS papers: every abstract says "transformer", every third is Speech."""
    files = {
        "site.yaml": """
            title: Search Test
            description: Papers for the search tests.
            base_url: http://127.0.0.1:8000/
            taxonomy:
              speech: {name: Speech, description: Spoken language., keywords: [speech]}
              llm: {name: LLMs, description: Large language models., keywords: [LLM]}
        """
    }
    for i in range(PAPERS):
        authors = f"[{FIRST_NAMES[i % 10]} Example{i}, Second Author, Third Author, Fourth Author]"
        # One paper has no abstract: its title must still find it.
        body = "" if i == PAPERS - 1 else (
            f"We study transformer number {i} for {paper_tag(i)} tasks. The transformer is trained on "
            f"benchmark {i} and compared with the Tag{paper_tag(i)} baseline, among others."
        )  # fmt: skip
        files[f"content/papers/paper-{i:02d}.md"] = f"""
            ---
            title: "Paper {i:02d}: Quokka{i} transformer"
            date: {paper_date(i).isoformat()}
            tags: [{paper_tag(i)}]
            authors: {authors}
            arxiv: "2501.{i:05d}"
            ---
            {body}
        """
    write_files(root, files)


def test_paper_pages_give_pagefind_the_abstract_as_body_and_the_rest_as_meta_and_filters(tmp_path):
    write_project(tmp_path)
    assert main(["-C", str(tmp_path), "-q", "build", "--no-search"]) == 0
    page = lxml.html.parse(str(tmp_path / "site/papers/paper-07/index.html"))
    # Only the abstract is the body, so excerpts never repeat the title, authors or tags.
    [body] = page.xpath("//*[@data-pagefind-body]")
    assert body.get("class") == "abstract"
    assert " ".join(body.text_content().split()).startswith("Abstract We study transformer number 7")
    meta = {
        e.get("data-pagefind-meta"): " ".join(e.text_content().split()) for e in page.xpath("//*[@data-pagefind-meta]")
    }
    assert meta.pop("tags:LLMs")  # inline: the tag names are the value, not the element's text
    assert meta == {
        "title": "Paper 07: Quokka7 transformer",
        "authors": "Hana Example7, Second Author, Third Author, Fourth Author",
        "arxiv": "2501.00007",
    }
    [date] = page.xpath("//time[@data-pagefind-filter]")
    assert date.get("data-pagefind-filter") == "date[datetime], year:2024"
    assert date.get("data-pagefind-sort") == "date[datetime]"
    assert date.get("datetime") == "2024-12-21"
    assert [e.text_content() for e in page.xpath('//*[@data-pagefind-filter="topic"]')] == ["LLMs"]
    # A paper without an abstract is found by its title, which is then its body.
    bare = lxml.html.parse(str(tmp_path / f"site/papers/paper-{PAPERS - 1}/index.html"))
    assert [e.tag for e in bare.xpath("//*[@data-pagefind-body]")] == ["h1", "section"]


def test_indexing_the_paper_pages_alone_gives_the_index_of_the_whole_site(tmp_path):
    write_project(tmp_path)
    assert main(["-C", str(tmp_path), "-q", "build", "--no-search"]) == 0
    site = tmp_path / "site"
    whole = tmp_path / "whole"
    subprocess.run([*search.find_pagefind(), "--site", str(site), "--output-path", str(whole), "--quiet"], check=True)
    search.index_site(site, tmp_path / "papers")
    # The same pages, words, fragments and filters (Pagefind writes the filter files in no fixed order),
    # and no edits yet.
    same = stable_files({f"pagefind/{path}": data for path, data in tree(whole).items()})
    papers = tree(tmp_path / "papers")
    assert papers.pop("edits/manifest.json") == b'{"pages":[]}\n'
    assert stable_files({f"pagefind/{path}": data for path, data in papers.items()}) == same
    assert sum(path.startswith("pagefind/fragment/") for path in same) == PAPERS


def _edit(root: Path, i: int, old: str, new: str) -> None:
    path = root / f"content/papers/paper-{i:02d}.md"
    path.write_text(path.read_text().replace(old, new))


def _outside_index(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if not path.startswith("pagefind/")}


def test_an_edit_indexes_the_edited_papers_alone_until_there_are_too_many(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(search, "EDITS_SHARE", 1)  # 60 papers: a share of them would be a few pages
    write_project(tmp_path / "p")
    root = tmp_path / "p"
    assert main(["-C", str(root), "-q", "build"]) == 0
    index = root / "site/pagefind"
    main_fragments = sorted(path.name for path in (index / "fragment").iterdir())
    for n, i in enumerate([5, 20], 1):
        _edit(root, i, "among others.", "among others. Wombat.")
        capsys.readouterr()
        assert main(["-C", str(root), "build"]) == 0
        assert re.match(r"updated \d+ files in site/ .*\(search index [\d.]+ s\)$", capsys.readouterr().out)
        pages = json.loads((index / "edits/manifest.json").read_text())["pages"]
        # The papers edited so far, each with its page in the main index (left as it was) and in the edits' one.
        # (with the other paper pages the patch wrote: those whose related papers changed)
        urls = [page["url"] for page in pages]
        assert {"/papers/paper-05/", "/papers/paper-20/"}.intersection(urls) == {
            "/papers/paper-05/", "/papers/paper-20/"
        } - ({"/papers/paper-20/"} if n == 1 else set())  # fmt: skip
        assert urls == sorted(urls) and all(re.fullmatch(r"/papers/paper-\d\d/", url) for url in urls)
        assert sorted(path.name for path in (index / "fragment").iterdir()) == main_fragments
        assert all(f"{page['main']}.pf_fragment" in main_fragments for page in pages)
        edit_fragments = {path.name for path in (index / "edits/fragment").iterdir()}
        assert {f"{page['edit']}.pf_fragment" for page in pages} == edit_fragments
        paper_05 = next(page for page in pages if page["url"] == "/papers/paper-05/")
        assert paper_05["filters"] == {"date": ["2024-12-21"], "topic": ["LLMs"], "year": ["2024"]}
    clean = tmp_path / "clean"
    write_project(clean)
    for i in (5, 20):
        _edit(clean, i, "among others.", "among others. Wombat.")
    assert main(["-C", str(clean), "-q", "build"]) == 0
    assert _outside_index(tree(root / "site")) == _outside_index(tree(clean / "site"))
    # Past the limit, the whole site is indexed again: the index is a clean build's, with no edits.
    monkeypatch.setattr(search, "EDITS_LIMIT", 2)
    for folder in (root, clean):
        _edit(folder, 30, "among others.", "among others. Wombat.")
    assert main(["-C", str(root), "-q", "build"]) == 0
    assert main(["-C", str(clean), "-q", "build", "--clean"]) == 0
    assert json.loads((index / "edits/manifest.json").read_text()) == {"pages": []}
    assert stable_files(tree(root / "site")) == stable_files(tree(clean / "site"))


def _fake_pagefind(tmp_path: Path, version: str) -> str:
    script = tmp_path / "pagefind"
    script.write_text(f"#!/bin/sh\necho 'pagefind {version}'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_an_old_pagefind_is_refused_with_how_to_update_it(tmp_path, monkeypatch):
    old = _fake_pagefind(tmp_path, "1.4.0")
    monkeypatch.setattr(search, "get_executable", lambda: old)
    search.pagefind_version.cache_clear()
    with pytest.raises(BuildError) as caught:
        search.find_pagefind()
    assert str(caught.value) == (
        "search needs Pagefind 1.5 or newer (found 1.4.0), which searches titles, authors and arXiv ids:"
        " `pip install -U 'pagefind[bin]'`, or build with --no-search"
    )
    search.pagefind_version.cache_clear()


def test_a_new_enough_pagefind_is_used(tmp_path, monkeypatch):
    new = _fake_pagefind(tmp_path, "1.5.2")
    monkeypatch.setattr(search, "get_executable", lambda: new)
    search.pagefind_version.cache_clear()
    assert search.find_pagefind() == [new]
    search.pagefind_version.cache_clear()


def test_without_the_binary_the_site_builds_without_search_and_says_how_to_add_it(tmp_path, monkeypatch, capsys):
    def missing():
        raise FileNotFoundError

    monkeypatch.setattr(search, "get_executable", missing)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `pagefind` on PATH either
    write_files(
        tmp_path,
        {
            "site.yaml": "base_url: https://example.org/\n",
            "content/papers/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nx\n",
        },
    )
    assert main(["-C", str(tmp_path), "-q", "build"]) == 0
    assert capsys.readouterr().err == (
        "warning: built without search: the Pagefind binary is missing; install it with "
        "`pip install 'pagefind[bin]'` (or pass --no-search to say you mean it)\n"
    )
    assert (tmp_path / "site/papers/a/index.html").is_file()
    assert not (tmp_path / "site/search").exists() and not (tmp_path / "site/pagefind").exists()


# The browser tests.


def needs_pagefind() -> None:
    try:
        search.find_pagefind()
    except BuildError as exc:
        pytest.skip(str(exc))


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 meanwhile: its URL."""
    server = make_server(folder, "/", bind="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    needs_pagefind()
    root = tmp_path_factory.mktemp("search")
    write_project(root)
    shutil.copytree(REPO / "themes", root / "themes")
    assert main(["-C", str(root), "-q", "build"]) == 0
    with served(root / "site") as url:
        yield url


def status_of(page) -> str:
    return page.locator("#search-status").inner_text()


# Waits go through locators: the pages' Content-Security-Policy refuses the eval behind wait_for_function.
def wait_for_status(page, pattern: str) -> str:
    expect(page.locator("#search-status")).to_have_text(re.compile(pattern), timeout=10_000)
    return status_of(page)


def test_more_reaches_every_result(page, site):
    page.goto(site + "search/")
    page.fill("#search-input", "transformer")
    assert wait_for_status(page, "^Showing") == f"Showing 20 of {PAPERS} papers for “transformer”."
    results = page.locator(".search-result")
    assert results.count() == 20
    more = page.locator("#search-more")
    clicks = 0
    while more.is_visible():
        more.click()
        clicks += 1
        expect(results).to_have_count(min(20 * (clicks + 1), PAPERS))
    assert clicks == 2
    assert results.count() == PAPERS  # with the paper that has no abstract: its title says "transformer"
    assert status_of(page) == f"{PAPERS} papers for “transformer”."
    titles = results.locator(".result-title").all_inner_texts()
    assert len(set(titles)) == len(titles)
    # The new results take the focus, so a keyboard reader goes on where they start.
    assert page.evaluate("document.activeElement.textContent") == titles[40]
    assert page.errors == []


def test_results_show_date_authors_and_an_excerpt_from_the_abstract(page, site):
    page.goto(site + "search/?q=Quokka7")
    wait_for_status(page, "papers? for")
    first = page.locator(".search-result").first
    assert first.locator(".result-title").inner_text() == "Paper 07: Quokka7 transformer"
    assert first.locator("time").get_attribute("datetime") == "2024-12-21"
    assert first.locator(".meta").inner_text() == (
        "Dec 21, 2024 · Hana Example7, Second Author, Third Author et al. · arXiv:2501.00007"
    )
    # The title matched, but the excerpt is the abstract's beginning, with no title or tag in it.
    assert first.locator(".summary").inner_text().startswith("We study transformer number 7 for llm tasks.")
    assert first.locator(".result-tags").inner_text() == "LLMs"


def test_an_author_name_finds_the_paper(page, site):
    page.goto(site + "search/?q=Example42")
    assert wait_for_status(page, "for") == "1 paper for “Example42”."
    assert page.locator(".result-title").inner_text() == "Paper 42: Quokka42 transformer"


@pytest.mark.parametrize("typed", ["2501.00017", "arXiv:2501.00017v2", "https://arxiv.org/abs/2501.00017"])
def test_an_arxiv_id_finds_its_paper_and_only_it(page, site, typed):
    page.goto(site + "search/")
    page.fill("#search-input", typed)
    assert wait_for_status(page, "arXiv id") == "1 paper with arXiv id 2501.00017."
    assert page.locator(".result-title").all_inner_texts() == ["Paper 17: Quokka17 transformer"]
    page.press("#search-input", "Enter")  # Enter opens it
    page.wait_for_url("**/papers/paper-17/")


def test_an_unknown_arxiv_id_finds_nothing_rather_than_lookalikes(page, site):
    page.goto(site + "search/")
    page.fill("#search-input", "2501.00099")
    assert wait_for_status(page, "arXiv id") == "No papers with arXiv id 2501.00099."
    assert page.locator(".search-result").count() == 0


def test_the_header_search_box_goes_straight_to_an_arxiv_ids_paper(page, site):
    page.goto(site + "tags/")
    page.fill("#header-q", "arXiv:2501.00031")
    page.press("#header-q", "Enter")
    page.wait_for_url("**/papers/paper-31/")
    assert page.locator("h1").inner_text() == "Paper 31: Quokka31 transformer"


def test_topic_and_year_filters_narrow_the_results(page, site):
    speech = sum(1 for i in range(PAPERS) if paper_tag(i) == "speech")
    speech_2025 = sum(1 for i in range(PAPERS) if paper_tag(i) == "speech" and paper_date(i).year == 2025)
    page.goto(site + "search/")
    page.fill("#search-input", "transformer")
    wait_for_status(page, "^Showing")
    page.get_by_text("Filter by topic and year").click()  # loads the filters' index
    expect(page.locator("#search-topic option")).to_have_count(3)
    topics = page.locator("#search-topic option").all_inner_texts()
    assert topics == ["All topics", f"LLMs ({PAPERS - speech})", f"Speech ({speech})"]
    page.select_option("#search-topic", "Speech")
    assert wait_for_status(page, "in Speech") == f"{speech} papers for “transformer” in Speech."
    assert set(page.locator(".result-tags").all_inner_texts()) == {"Speech"}
    page.select_option("#search-year", "2025")
    assert wait_for_status(page, "from 2025") == f"{speech_2025} papers for “transformer” in Speech from 2025."
    assert {t[-4:] for t in page.locator(".search-result time").all_inner_texts()} == {"2025"}
    # The state is in the address, so the page can be shared or reloaded.
    assert re.search(r"\?q=transformer&topic=Speech&year=2025$", page.url)
    page.reload()
    assert wait_for_status(page, "from 2025") == f"{speech_2025} papers for “transformer” in Speech from 2025."
    assert page.errors == []


def test_a_filter_alone_lists_its_papers_newest_first(page, site):
    page.goto(site + "search/?topic=LLMs")
    llm = [i for i in range(PAPERS) if paper_tag(i) == "llm"]
    assert wait_for_status(page, "in LLMs") == f"Showing 20 of {len(llm)} papers in LLMs."
    dates = page.locator(".search-result time").evaluate_all("nodes => nodes.map(n => n.dateTime)")
    assert dates == sorted(dates, reverse=True) and dates[0] == paper_date(max(llm)).isoformat()


def test_following_a_topic_lists_its_papers_new_since_the_last_visit(page, site):
    page.goto(site + "tags/speech/")
    follow = page.get_by_role("button", name="Follow Speech")
    assert follow.get_attribute("aria-pressed") == "false"
    follow.focus()
    page.keyboard.press("Enter")
    assert follow.get_attribute("aria-pressed") == "true"
    assert "Following Speech" in page.locator(".follow-note").inner_text()
    # The last visit saw the papers up to Dec 30: the Speech papers of the days after are new.
    page.evaluate("localStorage.setItem('paperfeed-last-visit', '2024-12-30')")
    page.goto(site)
    section = page.locator("#follow-new")
    section.get_by_role("listitem").first.wait_for(timeout=10_000)
    new = [i for i in range(PAPERS) if paper_tag(i) == "speech" and paper_date(i) > dt.date(2024, 12, 30)]
    links = section.locator(".follow-list a")
    assert sorted(links.all_inner_texts()) == [f"Paper {i:02d}: Quokka{i} transformer" for i in new]
    assert links.first.get_attribute("href") == f"/papers/paper-{max(new):02d}/"
    dates = section.locator(".follow-list time").evaluate_all("nodes => nodes.map(n => n.dateTime)")
    assert dates == sorted(dates, reverse=True)
    assert section.locator(".follow-status").inner_text() == f"{len(new)} new papers in Speech since Dec 30, 2024."
    # This visit is remembered: the newest day shown is the next visit's starting point...
    assert page.evaluate("localStorage.getItem('paperfeed-last-visit')") == paper_date(PAPERS - 1).isoformat()
    # ...while within this visit a reload shows the same list.
    page.reload()
    section.get_by_role("listitem").first.wait_for(timeout=10_000)
    assert section.locator(".follow-list a").count() == len(new)
    assert page.errors == []


def test_new_papers_are_gathered_from_every_page_of_a_followed_topic(page, site):
    page.goto(site + "tags/llm/")
    page.get_by_role("button", name="Follow LLMs").click()
    page.evaluate("localStorage.setItem('paperfeed-last-visit', '2024-12-01')")
    page.goto(site)
    status = page.locator("#follow-new .follow-status")
    expect(status).to_contain_text("since", timeout=10_000)
    llm = [i for i in range(PAPERS) if paper_tag(i) == "llm"]  # more than the 25 of a tag page
    assert status.inner_text() == f"{len(llm)} new papers in LLMs since Dec 1, 2024."
    assert page.locator("#follow-new .follow-list li").count() == len(llm)
    assert page.errors == []


def test_a_followed_topic_that_is_gone_is_named_and_the_others_still_show(page, site):
    page.goto(site + "tags/speech/")
    page.evaluate("""() => {
        localStorage.setItem('paperfeed-follows', JSON.stringify(
            [{url: '/tags/gone/', name: 'Gone'}, {url: '/tags/speech/', name: 'Speech'}]));
        localStorage.setItem('paperfeed-last-visit', '2025-01-01');
    }""")
    page.goto(site)
    status = page.locator("#follow-new .follow-status")
    expect(status).to_contain_text("Could not", timeout=10_000)
    assert status.inner_text() == "2 new papers in Speech since Jan 1, 2025. Could not look in Gone just now."
    assert page.locator("#follow-new .follow-list a").all_inner_texts() == [
        "Paper 57: Quokka57 transformer",
        "Paper 54: Quokka54 transformer",
    ]
    # The last visit stays where it was, so the next visit looks in Gone again.
    assert page.evaluate("localStorage.getItem('paperfeed-last-visit')") == "2025-01-01"


def test_unfollowing_empties_the_section_and_a_next_visit_finds_nothing_new(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "tags/llm/")
    page.get_by_role("button", name="Follow LLMs").click()
    page.goto(site)  # a first visit with a followed topic: nothing is new yet
    status = page.locator("#follow-new .follow-status")
    assert status.inner_text() == "New papers in LLMs will be listed here from your next visit on."
    page.evaluate("sessionStorage.clear()")  # the next visit
    page.reload()
    expect(status).to_contain_text("Nothing", timeout=10_000)
    assert status.inner_text() == f"Nothing new in LLMs since {_label(paper_date(PAPERS - 1))}."
    page.goto(site + "tags/llm/")
    page.get_by_role("button", name="Follow LLMs").click()
    page.goto(site)
    assert page.locator("#follow-new").is_hidden()
    context.close()


def _label(day: dt.date) -> str:
    return day.strftime("%b ") + f"{day.day}, {day.year}"


@pytest.mark.parametrize("path", ["search/?q=transformer&topic=Speech", "tags/speech/", ""])
def test_axe_finds_no_serious_or_critical_violations(page, site, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site + "tags/speech/")
    page.get_by_role("button", name="Follow Speech").click()
    page.evaluate("localStorage.setItem('paperfeed-last-visit', '2024-12-30')")
    page.goto(site + path)
    if path.startswith("search"):
        page.locator(".search-result").first.wait_for(timeout=10_000)
    elif not path:
        page.locator("#follow-new li").first.wait_for(timeout=10_000)
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    assert page.errors == []


# Edits with search on: the patch indexes the edited papers' pages alone (see `search.update_index`),
# and a reader searching gets what a clean build's index gives.

EDITS = {  # paper -> (text replaced, by what): new words, a word gone, a new title
    5: ("among others.", "among others. Wombat quasar."),
    20: ("among others.", "among others. Wombat."),
    10: ("Tagllm baseline", "Tagnone baseline"),
    30: ("Quokka30 transformer", "Platypus transformer"),
    12: ('arxiv: "2501.00012"', 'arxiv: "2501.00112"'),
}


@pytest.fixture(scope="module")
def edited_sites(tmp_path_factory):
    """The search project with EDITS made after a build with search, patched, and its clean build: their URLs."""
    needs_pagefind()
    root = tmp_path_factory.mktemp("edited")
    write_project(root)
    assert main(["-C", str(root), "-q", "build"]) == 0
    for i, (old, new) in EDITS.items():
        _edit(root, i, old, new)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "EDITS_SHARE", 1)  # 60 papers: a share of them would be a few pages
        assert main(["-C", str(root), "-q", "build"]) == 0
    manifest = json.loads((root / "site/pagefind/edits/manifest.json").read_text())
    assert {f"/papers/paper-{i:02d}/" for i in EDITS} <= {page["url"] for page in manifest["pages"]}
    clean = tmp_path_factory.mktemp("clean")
    write_project(clean)
    for i, (old, new) in EDITS.items():
        _edit(clean, i, old, new)
    assert main(["-C", str(clean), "-q", "build"]) == 0
    assert json.loads((clean / "site/pagefind/edits/manifest.json").read_text()) == {"pages": []}
    with served(root / "site") as patched, served(clean / "site") as built:
        yield [patched, built]


def everything_found(page, url: str, *, filters: bool = False) -> tuple[str, list[str], list[str], list[str]]:
    """The search at `url` with every result shown: its status, result titles, excerpts and (with
    `filters`) the topic and year options with their counts."""
    page.goto(url)
    if filters:
        page.get_by_text("Filter by topic and year").click()
        expect(page.locator("#search-topic option")).to_have_count(3)  # then the search runs again
    expect(page.locator("#search-results")).to_have_attribute("aria-busy", "false", timeout=10_000)
    wait_for_status(page, r"papers? |No papers")
    more = page.locator("#search-more")
    while more.is_visible():
        shown = page.locator(".search-result").count()
        more.click()
        expect(page.locator(".search-result")).not_to_have_count(shown)
    options = page.locator("#search-topic option, #search-year option").all_inner_texts() if filters else []
    assert page.errors == []
    return (
        status_of(page),
        page.locator(".result-title").all_inner_texts(),
        page.locator(".search-result .summary").all_inner_texts(),
        options,
    )


@pytest.mark.parametrize(
    "query",
    ["q=wombat&order=newest", "q=tagllm&topic=LLMs&order=newest", "topic=LLMs", "q=transformer&year=2024&order=newest"],
)
def test_after_edits_a_search_in_date_order_gives_a_clean_builds_results(page, edited_sites, query):
    patched, clean = (everything_found(page, f"{site}search/?{query}", filters=True) for site in edited_sites)
    assert patched == clean


@pytest.mark.parametrize("query", ["wombat", "quasar", "tagllm", "platypus", "transformer", "Example10"])
def test_after_edits_a_search_by_relevance_finds_what_a_clean_build_finds(page, edited_sites, query):
    # The same papers, shown as they are now; the order may differ, as the edits' index ranks its own.
    (status, titles, excerpts, options), clean = (
        everything_found(page, f"{site}search/?q={query}", filters=True) for site in edited_sites
    )
    assert (status, sorted(titles), sorted(excerpts), options) == (
        clean[0], sorted(clean[1]), sorted(clean[2]), clean[3]
    )  # fmt: skip


@pytest.mark.parametrize("typed", ["2501.00112", "2501.00012"])
def test_after_edits_a_changed_arxiv_id_is_looked_up_as_a_clean_build_does(page, edited_sites, typed):
    # The main index knows no paper with the new id, and finds the 60 lookalikes: the edited paper
    # is still the one found, and its old id finds none.
    found = []
    for site in edited_sites:
        page.goto(site + "search/")
        page.fill("#search-input", typed)  # typed, not in the address, which would open the paper
        found.append((wait_for_status(page, "arXiv id"), page.locator(".result-title").all_inner_texts()))
    assert found[0] == found[1]
    if typed.endswith("112"):
        assert found[0] == ("1 paper with arXiv id 2501.00112.", ["Paper 12: Quokka12 transformer"])
    else:
        assert found[0] == ("No papers with arXiv id 2501.00012.", [])


@pytest.mark.parametrize(
    "manifest", ["<!doctype html><p>Not found</p>", '{"pages": [{"url": "/x/", "main": "a", "edit": "b"}]}']
)
def test_a_manifest_that_does_not_read_or_names_other_pages_leaves_the_main_index_answering(
    page, edited_sites, manifest
):
    # A manifest cached from an earlier patch, or a host's error page served as it: search still works.
    page.route("**/pagefind/edits/manifest.json", lambda route: route.fulfill(status=200, body=manifest))
    status, titles, _, _ = everything_found(page, edited_sites[0] + "search/?q=wombat")
    assert status.endswith("for “wombat”.") and all("Paper" in title for title in titles)


def test_after_edits_an_arxiv_id_finds_the_paper_as_it_is_now(page, edited_sites):
    page.goto(edited_sites[0] + "search/")
    page.fill("#search-input", "2501.00030")
    assert wait_for_status(page, "arXiv id") == "1 paper with arXiv id 2501.00030."
    assert page.locator(".result-title").all_inner_texts() == ["Paper 30: Platypus transformer"]
    # Its old title finds it no more. (A clean build's index, which never held the word, finds a
    # lookalike instead, `Quokka3`; the main index still holds it, so Pagefind looks no further.)
    status, titles, _, _ = everything_found(page, edited_sites[0] + "search/?q=quokka30")
    assert (status, titles) == ("No papers for “quokka30”.", [])
