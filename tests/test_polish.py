"""What readers see of papers their sources say little about, and the layout on any screen.

Sources shown by name, searches for papers no link leads to, TeX as Unicode in tab titles,
display math, bare URLs as links, `5times` as `5×`; long words wrap, a phone shows the first
paper on its first screen; `paperfeed serve` on any port gives links to that port.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import REPO, copy_project, write_files
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.ids import is_safe_url
from generator.model.text import plain_text
from generator.render.environment import FILTERS
from generator.render.markup import Markup, _markdown, link_bare_urls, plain_paragraphs
from generator.render.mathtext import plain_math
from generator.render.texmath import text_to_html
from generator.server import make_server, preview_url

# Sources


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("004_6a9130a22abd98d5.txt", "Hugging Face Daily Papers"),
        ("dump-2024-03-11.TXT", "Hugging Face Daily Papers"),
        ("daily_papers.json", "Hugging Face Daily Papers"),
        ("daily_papers_2024-03-11.json", "Hugging Face Daily Papers"),
        ("https://huggingface.co/api/daily_papers?date=2024-03-11", "Hugging Face Daily Papers"),
        ("https://huggingface.co/papers/2310.07240", "Hugging Face Daily Papers"),
        ("https://huggingface.co/datasets/x", "Hugging Face"),
        ("https://export.arxiv.org/api/query?search_query=cat:cs.LG", "arXiv API"),
        ("https://rss.arxiv.org/rss/cs.LG", "arXiv announcements"),
        ("https://www.example.org/feeds/papers.xml", "example.org"),
        ("refs.bib", "refs.bib"),
        ("reading-list.csv", "reading-list.csv"),
        ("stdin", "standard input"),
    ],
)
def test_a_source_is_shown_by_the_name_readers_know_it_by(name, label):
    assert FILTERS["source_label"](name) == label


# TeX as text, and searches by title


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Enhancing $T_{\\mathrm{c}}$ in a bilayer", "Enhancing T_c in a bilayer"),
        ("PixArt-$\\alpha$: Fast Training", "PixArt-α: Fast Training"),
        ("E$^{2}$GAN and RNiO$_3$", "E²GAN and RNiO₃"),
        ("Energy $$E = mc^2$$ shown", "Energy E = mc² shown"),
        ("No math, $5 and $10", "No math, $5 and $10"),
        ("Broken $\\frac{$ stays", "Broken $\\frac{$ stays"),
    ],
)
def test_textex_gives_tex_as_readable_unicode(title, text):
    assert FILTERS["textex"](title) == text


def test_title_searches_look_the_title_up_on_arxiv_and_hugging_face():
    searches = FILTERS["title_searches"]("Enhancing $T_{\\mathrm{c}}$ in a metal/superconductor: A & B")
    assert [label for label, _ in searches] == ["Search arXiv", "Search Hugging Face"]
    (_, arxiv), (_, hf) = searches
    assert arxiv.startswith("https://arxiv.org/search/?") and hf.startswith("https://huggingface.co/papers?")
    # The math is left out (arXiv wants every word of the query in the title), the rest is quoted.
    assert parse_qs(urlsplit(arxiv).query) == {
        "query": ["Enhancing in a metal/superconductor: A & B"],
        "searchtype": ["title"],
    }
    assert parse_qs(urlsplit(hf).query) == {"q": ["Enhancing in a metal/superconductor: A & B"]}


# Display math


def test_display_math_in_a_body_is_block_mathml():
    markup = Markup()
    html = markup.render("We bound it:\n\n$$\n\\sum_{i=1}^{n} x_i^2 \\le \\epsilon\n$$\n\nwith $O(n)$ work.")
    assert html.startswith("<p>We bound it:</p>\n<math ")
    block, inline = re.findall(r"<math [^>]*>", html)
    assert 'display="block"' in block and 'alttext="\\sum_{i=1}^{n} x_i^2 \\le \\epsilon"' in block
    assert "<munderover>" in html  # limits under and over the sum, as TeX sets display math
    assert 'display="inline"' in inline
    assert "$" not in html.replace('alttext="', "")


def test_display_math_within_a_sentence_and_math_that_does_not_convert():
    markup = Markup()
    html = markup.render("Energy $$E = mc^2$$ holds, and $$\\frac{$$ does not.")
    assert html.count('display="block"') == 1
    assert '<span class="math tex-source">$$\\frac{$$</span>' in html


def test_bodies_with_display_math_take_markdowns_path_and_others_keep_the_fast_one():
    assert plain_paragraphs("Energy $$E = mc^2$$ holds.") is None
    assert plain_paragraphs("Energy $E = mc^2$ holds.") is not None
    text = "Energy $$E = mc^2$$ holds."
    assert Markup().render(text) == _markdown().convert(text)


def test_titles_excerpts_and_feeds_show_display_math_inline():
    html = text_to_html("Energy $$E = mc^2$$ holds")
    assert 'display="inline"' in html and "$" not in html.replace('alttext="', "")
    assert plain_math("Energy $$E = mc^2$$ holds") == "Energy E = mc² holds"


# Bare URLs


@pytest.mark.parametrize(
    ("body", "html"),
    [
        (
            "Code: https://github.com/a/b.",
            '<p>Code: <a href="https://github.com/a/b" rel="nofollow noopener">https://github.com/a/b</a>.</p>',
        ),
        (
            "(see https://x.org/a_(b)), then",
            '<p>(see <a href="https://x.org/a_(b)" rel="nofollow noopener">https://x.org/a_(b)</a>), then</p>',
        ),
        (
            "At http://x.org/p?a=1&b=2; done!",
            (
                '<p>At <a href="http://x.org/p?a=1&amp;b=2" rel="nofollow noopener">'
                "http://x.org/p?a=1&amp;b=2</a>; done!</p>"
            ),
        ),
        (
            "[https://x.org/a]: and https://x.org/b?",
            (
                '<p>[<a href="https://x.org/a" rel="nofollow noopener">https://x.org/a</a>]: and '
                '<a href="https://x.org/b" rel="nofollow noopener">https://x.org/b</a>?</p>'
            ),
        ),
        ("Only a scheme: https:// and ftp://x.org", "<p>Only a scheme: https:// and ftp://x.org</p>"),
    ],
)
def test_bare_urls_become_links_with_the_sentences_punctuation_outside(body, html):
    assert Markup().render(body) == html


def test_urls_in_links_code_and_math_are_left_as_they_are():
    html = Markup().render(
        "A [named link](https://x.org/a), `https://x.org/code`, <https://x.org/auto> and $\\text{https://x.org}$."
    )
    assert html.count("<a ") == 2  # the named link and the autolink, not linked again
    assert "<code>https://x.org/code</code>" in html
    assert 'rel="nofollow noopener">named link</a>' in html


def test_a_bare_url_in_the_abstract_is_linked_in_page_and_feed(project):
    write_files(
        project,
        {
            "content/papers/tool.md": """
            ---
            title: A Tool
            date: 2024-03-11
            ---
            The code is at https://github.com/org/tool.
            """
        },
    )
    assert main(["-C", str(project), "-q", "build", "--no-search"]) == 0
    link = '<a href="https://github.com/org/tool" rel="nofollow noopener">https://github.com/org/tool</a>.'
    assert link in (project / "site/papers/tool/index.html").read_text()
    description = ET.parse(project / "site/feed.xml").getroot().findtext("channel/item/description") or ""
    assert link in description


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.links.append((self._href, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


def _read(html: str) -> _Text:
    reader = _Text()
    reader.feed(html)
    reader.close()
    return reader


URL_PIECES = st.sampled_from(
    ["https://x.org", "http://x.org/a", "https://", "/p", "?q=1", "&", "&amp;", "(", ")", "[", "]", "_", "*", "`"]
    + [".", ",", ";", ":", "!", "?", " ", "\n", "\n\n", "'", '"', "<", ">", "a", "word", "$x$", "$", "\\", "#"]
)


@settings(max_examples=1500, deadline=None)
@given(parts=st.lists(URL_PIECES, max_size=20))
def test_linking_bare_urls_keeps_the_text_and_links_only_what_it_shows(parts):
    html = _markdown().convert("".join(parts))
    linked = link_bare_urls(html)
    before, after = _read(html), _read(linked)
    assert "".join(after.text) == "".join(before.text)
    added = list(after.links)
    for link in before.links:
        added.remove(link)  # every link Markdown made is still there
    for href, text in added:
        assert href == text and href.startswith(("http://", "https://")) and is_safe_url(href)
        assert not href.endswith((".", ",", ";", ":", "!", "?"))


# `5times`


def test_a_number_followed_by_times_reads_as_a_multiplication_sign():
    body = "Up to 5times less, 2.75times faster, 8-10times cheaper; sometimes 10 times; times 5."
    expected = "Up to 5× less, 2.75× faster, 8-10× cheaper; sometimes 10 times; times 5."
    assert Markup().render(body) == f"<p>{expected}</p>"
    assert plain_text(body) == expected


# Pages


def _entry(title: str, body: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2024-03-11\n{extra}---\n{body}\n"


def test_paper_pages_show_sources_by_name_tex_in_the_tab_and_searches_where_no_link_leads(project):
    write_files(
        project,
        {
            "content/papers/tc.md": _entry(
                "'Enhancing $T_{\\mathrm{c}}$ in a bilayer'",
                "Abstract.",
                "sources:\n- {name: 004_6a9130a22abd98d5.txt, seen: 2024-03-11}\n"
                "- {name: 'https://export.arxiv.org/api/query?id_list=1', seen: 2024-03-12}\n"
                "- {name: refs.bib}\n",
            ),
            "content/papers/coded.md": _entry("Coded", "Abstract.", "links: {code: 'https://github.com/a/b'}\n"),
            "content/papers/on-arxiv.md": _entry(
                "On arXiv", "Abstract.", "links: {arxiv: 'https://arxiv.org/abs/1'}\n"
            ),
            "content/papers/by-id.md": _entry("By id", "Abstract.", "arxiv: '2310.07240'\n"),
        },
    )
    assert main(["-C", str(project), "-q", "build", "--no-search"]) == 0
    page = (project / "site/papers/tc/index.html").read_text()
    assert "<title>Enhancing T_c in a bilayer · Test Feed</title>" in page
    assert '<meta property="og:title" content="Enhancing T_c in a bilayer">' in page
    assert (
        '<li><span class="source-name" title="004_6a9130a22abd98d5.txt">Hugging Face Daily Papers</span>, '
        '<time datetime="2024-03-11">Mar 11, 2024</time></li>'
    ) in page
    assert (
        '<li><span class="source-name" title="https://export.arxiv.org/api/query?id_list=1">arXiv API</span>, '
        '<time datetime="2024-03-12">Mar 12, 2024</time></li>'
    ) in page
    assert '<li><span class="source-name">refs.bib</span></li>' in page
    searches = re.findall(r'<a class="button button-search" href="([^"]+)"[^>]*>.*?</svg>([^<]+)</a>', page)
    assert searches == [
        ("https://arxiv.org/search/?query=Enhancing+in+a+bilayer&amp;searchtype=title", "Search arXiv"),
        ("https://huggingface.co/papers?q=Enhancing+in+a+bilayer", "Search Hugging Face"),
    ]
    # A code link leads to no paper: the searches stay; an arXiv link or id is the paper itself.
    coded = (project / "site/papers/coded/index.html").read_text()
    assert ">Code</a>" in coded and "Search arXiv" in coded
    for slug in ("on-arxiv", "by-id"):
        assert "button-search" not in (project / f"site/papers/{slug}/index.html").read_text()
    for html in (project / "site").rglob("*.html"):
        title = re.search(r"<title>(.*?)</title>", html.read_text(), re.DOTALL)
        assert title is not None and "$" not in title.group(1), html


# serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8124/"),
        ("0.0.0.0", "http://127.0.0.1:8124/"),
        ("::", "http://[::1]:8124/"),
        ("::1", "http://[::1]:8124/"),
        ("localhost", "http://localhost:8124/"),
    ],
)
def test_the_preview_url_is_where_this_machine_reaches_the_server(bind, url):
    assert preview_url(bind, 8124, "/") == url
    assert preview_url(bind, 8124, "/group/") == url + "group/"


def _serve(root: Path, *flags: str) -> tuple[subprocess.Popen[str], list[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "serve", "--no-search", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline()]
    while lines[-1] and not lines[-1].startswith("serving "):
        lines.append(proc.stdout.readline())
    return proc, lines


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _live_project(root: Path, base_url: str) -> Path:
    write_files(
        root,
        {
            "site.yaml": f"title: Live\nbase_url: {base_url}\n",
            "content/papers/cachegen.md": _entry("CacheGen", "Fast context loading."),
        },
    )
    return root


def test_serve_on_any_port_makes_the_links_of_pages_and_feeds_lead_to_it(tmp_path):
    root = _live_project(tmp_path / "site-src", "https://example.org/group/")
    port = _free_port()
    proc, lines = _serve(root, "--port", str(port))
    try:
        served = f"http://127.0.0.1:{port}/group/"
        assert lines[-1].startswith(f"serving {root / 'site'} at {served} ")
        assert any(
            line.startswith(f"note: links in pages and feeds lead to {served} while serving; ")
            and "`paperfeed build` makes the site for https://example.org/group/" in line
            for line in lines
        )
        page = (root / "site/papers/cachegen/index.html").read_text()
        assert f'<link rel="canonical" href="{served}papers/cachegen/">' in page
        assert f'href="{served}feed.xml"' in page
        feed = (root / "site/feed.xml").read_text()
        assert f"<link>{served}papers/cachegen/</link>" in feed and "example.org" not in feed
        assert f"Sitemap: {served}sitemap.xml" in (root / "site/robots.txt").read_text()
    finally:
        _stop(proc)


def test_serve_keeps_a_base_url_given_on_the_command_line(tmp_path):
    root = _live_project(tmp_path / "site-src", "https://example.org/")
    port = _free_port()
    proc, lines = _serve(root, "--port", str(port), "--base-url", "https://preview.example.org/")
    try:
        assert lines[-1].startswith(f"serving {root / 'site'} at http://127.0.0.1:{port}/ ")
        assert not any(line.startswith("note:") for line in lines)
        feed = (root / "site/feed.xml").read_text()
        assert "<link>https://preview.example.org/papers/cachegen/</link>" in feed
    finally:
        _stop(proc)


def test_serve_says_so_when_it_cannot_listen(tmp_path):
    # A busy port moves to the next one (tests/test_watch.py); an address not on this machine cannot be used.
    root = _live_project(tmp_path / "site-src", "https://example.org/")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "-C", str(root), "serve", "--no-search", "--bind", "192.0.2.1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: cannot listen on 192.0.2.1:8000: ")
    assert not (root / "site").exists()  # nothing built for a server that never ran


# Layout, in a browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosisandsupercalifragilisticexpialidociousness"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The demo with a paper whose title is one long word, and one with authors and upvotes."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    pytest.importorskip("playwright.sync_api")
    root = copy_project(REPO, tmp_path_factory.mktemp("polish"))
    write_files(
        root,
        {
            "content/papers/long-word.md": _entry(f"'{LONG_WORD}: a test'", "An abstract.", "tags: [llm]\n"),
            "content/papers/many-authors.md": _entry(
                "Many Authors", "An abstract.", "tags: [llm]\nauthors: [A One, B Two, C Three, D Four]\nupvotes: 25\n"
            ),
        },
    )
    assert main(["-C", str(root), "-q", "build", "--no-search"]) == 0
    server = make_server(root / "site", "/", bind="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(demo_site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _page(browser, viewport, url):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    return context, page


def test_a_phone_shows_the_first_paper_on_its_first_screen(browser, demo_site):
    context, page = _page(browser, PHONE, demo_site)
    try:
        box = page.locator("article.item").first.bounding_box()
        title = page.locator(".item-title").first.bounding_box()
        assert box is not None and title is not None
        assert title["y"] + title["height"] < 500  # the title, and below it the start of its abstract
        assert box["y"] + box["height"] <= PHONE["height"]  # the whole first paper
        assert page.locator(".top-tags a.chip-more").is_visible()  # all tags stay one tap away
    finally:
        context.close()


def _overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_long_word_in_a_title_wraps_instead_of_widening_the_page(browser, demo_site, viewport):
    context, page = _page(browser, viewport, demo_site + "papers/long-word/")
    try:
        assert _overflow(page) == 0
        wrap = page.locator("main").bounding_box()
        for selector in ("h1", ".prevnext"):
            box = page.locator(selector).first.bounding_box()
            assert box is not None and wrap is not None
            assert box["x"] + box["width"] <= wrap["x"] + wrap["width"] + 0.5, selector
        # Its neighbours show its title in their newer/older links, and listings in their cards.
        for link in ("a[rel=prev]", "a[rel=next]"):
            if page.locator(link).count():
                page.goto(demo_site + (page.locator(link).get_attribute("href") or "").lstrip("/"))
                assert page.get_by_text(LONG_WORD).count() and _overflow(page) == 0
                page.go_back()
        page.goto(demo_site + "days/2024-03-11/")
        assert page.get_by_text(LONG_WORD).count() and _overflow(page) == 0
    finally:
        context.close()


def test_et_al_and_upvotes_are_apart(browser, demo_site):
    context, page = _page(browser, DESKTOP, demo_site + "days/2024-03-11/")
    try:
        item = page.locator("article.item", has_text="Many Authors")
        authors = item.locator(".meta .authors").bounding_box()
        upvotes = item.locator(".meta .upvotes").bounding_box()
        assert authors is not None and upvotes is not None
        assert item.locator(".meta .authors").inner_text().endswith("et al.")
        assert upvotes["x"] - (authors["x"] + authors["width"]) >= 6  # at least a space's width
    finally:
        context.close()
