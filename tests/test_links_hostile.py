"""Hostile links and costly Markdown in abstracts: no link can run script, in pages or feeds, and no
body is slow or crashes a build.

Links are judged as a browser reads them: the page or feed is parsed (feeds as XML, then the HTML
they carry), every href and src decoded, blanks and control characters removed, and its scheme
must be http, https or mailto, or none (a relative URL).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
import unicodedata
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.content.entry import Entry, format_entry
from generator.ids import is_safe_url
from generator.render.markup import Markup, text_paragraphs

# Markdown bodies whose link would run script if its href or src were kept. From issue 16 and
# OWASP's XSS filter evasion cheat sheet; every one is built into the site below.
VECTORS = [
    "[click](javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](&#X6a;avascript:alert(1))",
    "[click](&#0000106;avascript:alert(1))",
    "[click](&#0000106avascript:alert(1))",
    "[click](&#106avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](javascript&#x3A;alert(1))",
    "[click](java&Tab;script:alert(1))",
    "[click](java&#9;script:alert(1))",
    "[click](javas&#x09;cript:alert(1))",
    "[click](java&NewLine;script:alert(1))",
    "[click](&NewLine;javascript:alert(1))",
    "[click](&#14;javascript:alert(1))",
    "[click](&#x0D;javascript:alert(1))",
    "[click](&#32;javascript:alert(1))",
    "[click](&nbsp;javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](JAVASCRIPT&colon;alert(1))",
    "[click]( javascript:alert(1))",
    "[click](\x01javascript:alert(1))",
    "[click](jav\tascript:alert(1))",
    "[click](java\u00adscript:alert(1))",
    "[click](java\u200bscript:alert(1))",
    "[click](<java script:alert(1)>)",
    "[click](<&#106;avascript:alert(1)>)",
    "[click](javascript:alert(1) 'title')",
    '[click](&#106;avascript:alert(1) "title")',
    "[click](javascript:alert\\(1\\))",
    "[click](&amp;#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](vbscript&colon;msgbox(1))",
    "[click](livescript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data&colon;text/html,<script>alert(1)</script>)",
    "[click](file:///etc/passwd)",
    "[click][1]\n\n[1]: &#106;avascript:alert(1)",
    "[click][1]\n\n[1]: javascript:alert(1)",
    '[click][1]\n\n[1]: java&Tab;script:alert(1) "title"',
    "[click]\n\n[click]: &#106;avascript:alert(1)",
    "[click][]\n\n[click]: vbscript&colon;msgbox(1)",
    "<javascript:alert(1)>",
    "<&#106;avascript:alert(1)>",
    "<data:text/html,x>",
    "![click](javascript:alert(1))",
    "![click](&#106;avascript:alert(1))",
    "![click][1]\n\n[1]: javascript:alert(1)",
    "[![click](javascript:alert(1))](&#106;avascript:alert(2))",
    "- [click](&#106;avascript:alert(1))\n- > [click](java&Tab;script:alert(2))",
    "# [click](javascript&colon;alert(1))",
    "*[click](&#106;avascript:alert(1))*",
]
SAFE_SCHEMES = {"", "http", "https", "mailto"}
# Links that must come through byte for byte, in pages and feeds.
SAFE_BODY = (
    "Links: [query](https://example.org/a?x=1&amp;y=2), [relative](../v0/), [fragment](#top), "
    "[search](?q=1), [mail](mailto:a@example.org), [host](//example.org/x), <https://example.org/auto>."
)
SAFE_HTML = (
    '<p>Links: <a href="https://example.org/a?x=1&amp;y=2" rel="nofollow noopener">query</a>, '
    '<a href="../v0/">relative</a>, <a href="#top">fragment</a>, <a href="?q=1">search</a>, '
    '<a href="mailto:a@example.org">mail</a>, <a href="//example.org/x">host</a>, '
    '<a href="https://example.org/auto" rel="nofollow noopener">https://example.org/auto</a>.</p>'
)


def scheme(url: str) -> str:
    """The scheme a browser reads in `url` (decoded already), lower-cased; "" for a relative URL.
    Every control, format and blank character is removed first, which can only reveal a scheme."""
    squeezed = "".join(c for c in url if unicodedata.category(c)[0] not in "CZ" and not c.isspace())
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", squeezed)
    return m.group(1).lower() if m else ""


class _URLs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("href", "src", "action", "xlink:href") and value]


def urls_in(html: str) -> list[str]:
    """Every URL attribute of `html`, decoded as a browser decodes it."""
    parser = _URLs()
    parser.feed(html)
    parser.close()
    return parser.urls


def feed_bodies(path: Path) -> dict[str, str]:
    """The HTML each entry of an RSS or Atom feed carries, by entry link: the XML parsed, its text kept."""
    root = ET.parse(path).getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    if root.tag == f"{atom}feed":
        return {
            e.find(f"{atom}link").get("href"): e.findtext(f"{atom}content") or "" for e in root.iter(f"{atom}entry")
        }
    return {item.findtext("link") or "": item.findtext("description") or "" for item in root.iter("item")}


@pytest.fixture(scope="module")
def link_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("links")
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "site.yaml").write_text("base_url: https://example.org/\nfeed_items: 500\n")
    (root / "content/papers").mkdir(parents=True)
    bodies = {f"v{i}": f"Vector {i}.\n\n{vector}\n\nThe end." for i, vector in enumerate(VECTORS)}
    bodies["safe"] = SAFE_BODY
    for slug, body in bodies.items():
        entry = Entry(slug=slug, title=f"Paper {slug}", date=dt.date(2024, 1, 1), body=body, tags=("links",))
        (root / f"content/papers/{slug}.md").write_text(format_entry(entry), encoding="utf-8")
    assert main(["-C", str(root), "-q", "build", "--no-search"]) == 0
    return root


def test_no_paper_page_keeps_a_link_with_another_scheme(link_site):
    for i in range(len(VECTORS)):
        html = (link_site / f"site/papers/v{i}/index.html").read_text(encoding="utf-8")
        assert "The end." in html and ("click" in html or "click" not in VECTORS[i]), VECTORS[i]  # text stays
        bad = [url for url in urls_in(html) if scheme(url) not in SAFE_SCHEMES]
        assert bad == [], VECTORS[i]
    for page in sorted((link_site / "site").rglob("*.html")):  # listings, tag and day pages too
        assert [url for url in urls_in(page.read_text(encoding="utf-8")) if scheme(url) not in SAFE_SCHEMES] == []


@pytest.mark.parametrize("feed", ["feed.xml", "atom.xml", "tags/links/feed.xml", "tags/links/atom.xml"])
def test_no_feed_entry_keeps_a_link_with_another_scheme(link_site, feed):
    bodies = feed_bodies(link_site / "site" / feed)
    for i, vector in enumerate(VECTORS):
        html = bodies[f"https://example.org/papers/v{i}/"]  # every vector paper is in every feed
        assert "The end." in html, vector
        bad = [url for url in urls_in(html) if scheme(url) not in SAFE_SCHEMES]
        assert bad == [], vector


def test_safe_links_survive_byte_for_byte_in_pages_and_feeds(link_site):
    page = (link_site / "site/papers/safe/index.html").read_text(encoding="utf-8")
    assert SAFE_HTML in page
    for feed in ("feed.xml", "atom.xml"):
        assert feed_bodies(link_site / "site" / feed)["https://example.org/papers/safe/"] == SAFE_HTML


def test_check_reports_each_dropped_link_on_its_line(tmp_path, capsys):
    write_files(
        tmp_path,
        {
            "site.yaml": "title: T\n",
            "content/papers/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n"  # lines 1-4
            "Fine [ok](https://example.org/?a=1&amp;b=2) and [rel](../b/).\n"  # line 5
            "\n"
            "See [x](&#106;avascript:alert(1)) and\n"  # line 7
            "[y](java&Tab;script:alert(2)), [z][1], [w](javascript:alert\\(4\\)).\n"  # line 8
            "\n"
            "[1]: vbscript&colon;msgbox(3)\n",  # line 10
        },
    )
    assert main(["-C", str(tmp_path), "check"]) == 1
    out = capsys.readouterr().out
    hint = "\n  hint: pages and feeds keep only http(s), mailto and relative links\n"
    assert out == (
        f"content/papers/a.md:7: unsafe link dropped: 'javascript:alert(1)'{hint}"
        f"content/papers/a.md:8: unsafe link dropped: 'java\\tscript:alert(2)'{hint}"
        f"content/papers/a.md:8: unsafe link dropped: 'javascript:alert(4)'{hint}"
        f"content/papers/a.md:10: unsafe link dropped: 'vbscript:msgbox(3)'{hint}"
        "4 problems found\n"
    )


def test_a_hostile_link_in_an_ingested_hf_abstract_is_dropped_and_reported(project, capsys):
    summary = (
        "We study links.\nSee [our code](&#106;avascript:alert(1)), [data](data&colon;text/html,x) "
        "and [the project](https://example.org/p?a=1&amp;b=2)."
    )
    record = {
        "paper": {"id": "2401.00001", "authors": [{"name": "Ada"}], "title": "Hostile Links", "summary": summary},
        "publishedAt": "2024-01-01T00:00:00.000Z",
        "title": "Hostile Links",
    }
    dump = project / "daily.json"
    dump.write_text(json.dumps([record]))
    assert main(["-C", str(project), "ingest", "--date", "2024-01-02", str(dump)]) == 0
    assert main(["-C", str(project), "check"]) == 1
    out = capsys.readouterr().out
    entry = project / "content/papers/hostile-links.md"
    line = next(n for n, text in enumerate(entry.read_text().splitlines(), 1) if "[our code]" in text)
    assert f"content/papers/hostile-links.md:{line}: unsafe link dropped: 'javascript:alert(1)'" in out
    assert f"content/papers/hostile-links.md:{line}: unsafe link dropped: 'data:text/html,x'" in out
    assert main(["-C", str(project), "-q", "build", "--no-search"]) == 0
    site = project / "site"
    page = (site / "papers/hostile-links/index.html").read_text(encoding="utf-8")
    htmls = [page, *(feed_bodies(site / feed)["https://example.org/papers/hostile-links/"]
                     for feed in ("feed.xml", "atom.xml"))]  # fmt: skip
    for html in htmls:
        assert [url for url in urls_in(html) if scheme(url) not in SAFE_SCHEMES] == []
        assert "<a>our code</a>" in html and "<a>data</a>" in html
        assert '<a href="https://example.org/p?a=1&amp;b=2" rel="nofollow noopener">the project</a>' in html


@pytest.mark.parametrize(
    "url",
    ["https://example.org/", "http://x", "HTTPS://X.ORG", "mailto:a@b.org", "../a", "/a", "#f", "?q=1", "//host/x",
     "a b.html", "https://example.org/?a=1&b=2", ""],
)  # fmt: skip
def test_the_url_rule_keeps_web_mail_and_relative_urls(url):
    assert is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "\x01javascript:x", "java\tscript:x",
     "java\nscript:x", "\x0ejavascript:x", "java\u00adscript:x", "java\u200bscript:x", "\u2028javascript:x",
     "\u00a0javascript:x", "vbscript:x", "livescript:x", "data:text/html,x", "file:///etc/passwd", "ftp://x.org/",
     "http://[bad"],
)  # fmt: skip
def test_the_url_rule_refuses_every_other_scheme_however_spelt(url):
    assert not is_safe_url(url)


# Issue 16's costly bodies: each was a traceback or took minutes. Now each is shown as escaped text, at once.
COSTLY = {
    "300 nested list levels": "\n".join("    " * i + "- x" for i in range(300)),
    "300 nested list levels on one line": "- " * 300 + "x",
    "300 nested numbered lists": "1. " * 300 + "x",
    "300 nested quotes": "> " * 300 + "x",
    "3,000 nested list levels": "\n".join("    " * i + "- x" for i in range(3000)),
    "3,000 nested list levels on one line": "- " * 3000 + "x",
    "[ x 20,000, x, ] x 20,000": "[" * 20_000 + "x" + "]" * 20_000,
    "[a]( x 8,000": "[a](" * 8_000,
    "[a][ x 8,000": "[a][" * 8_000,
    "[ x 40,000": "[" * 40_000,
    "*a* x 25,000": "*a* " * 25_000 + "end",
    "a, = x 25,000": "a\n=\n" * 25_000,
    "--- x 25,000": "---\n" * 25_000,
}


@pytest.mark.parametrize("name", list(COSTLY))
def test_costly_markdown_is_shown_as_escaped_text_at_once(name):
    text = COSTLY[name]
    markup = Markup()
    start = time.perf_counter()
    rendered = markup.render_body(text)
    assert time.perf_counter() - start < 2.0
    assert rendered.failure
    assert rendered.html == text_paragraphs(text)
    assert rendered.html.startswith("<p>" + escape(text[:50], quote=False))


def test_math_spans_take_linear_time_on_the_plain_paragraph_path():
    text = "Bounds $x_1$ and " * 10_000 + "done."
    start = time.perf_counter()
    html = Markup().render(text)
    assert time.perf_counter() - start < 2.0
    assert html.count("<math") == 10_000 and html.startswith("<p>Bounds <math")


def test_a_costly_body_builds_and_check_says_why_it_is_plain_text(project, capsys):
    write_files(project, {"content/papers/deep.md": "---\ntitle: Deep\ndate: 2024-01-01\n---\n" + "- " * 300 + "x\n"})
    assert main(["-C", str(project), "-q", "build", "--no-search"]) == 0
    page = (project / "site/papers/deep/index.html").read_text(encoding="utf-8")
    assert "<p>" + "- " * 300 + "x</p>" in page
    assert main(["-C", str(project), "check"]) == 1
    assert (
        "content/papers/deep.md:5: the abstract is shown as plain text: lists or quotes nested deeper than 16 levels"
        in capsys.readouterr().out
    )


def test_check_takes_costly_bodies_at_once(project, capsys):
    names = ["[ x 20,000, x, ] x 20,000", "[a]( x 8,000", "[ x 40,000", "3,000 nested list levels on one line"]
    for i, name in enumerate(names):
        write_files(project, {f"content/papers/c{i}.md": f"---\ntitle: C{i}\ndate: 2024-01-01\n---\n{COSTLY[name]}\n"})
    start = time.perf_counter()
    assert main(["-C", str(project), "check"]) == 1
    assert time.perf_counter() - start < 4.0
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines() if "shown as plain text" in line] == [
        f"content/papers/c{i}.md" for i in range(len(names))
    ]


SOUP = st.sampled_from(
    ["[", "]", "(", ")", "[a]", "](", "[a](", "(b)", "[a]: b\n", "![", "*", "**", "_", "__", "`", "$", "$x$", "\\",
     "\\[", "<", ">", "&", "&#106;", "<a@b.c>", "<http://a.b>", "- ", "* ", "+ ", "1. ", "1) ", "> ", "    ", "\t",
     "\n", "\n\n", "  \n", " ", "a", "word", "# ", "=", "\n=\n", "---", "\n---\n", "***", '"', "'", "|"]
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.lists(SOUP, min_size=1, max_size=16).map("".join), size=st.sampled_from([10_000, 50_000, 100_000]))
def test_bracket_list_and_emphasis_soups_render_in_linear_time(unit, size):
    text = unit * (size // len(unit) + 1)
    start = time.perf_counter()
    html = Markup().render(text)  # never raises
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5 + 2.0 * len(text) / 100_000, (unit, elapsed)
    assert all(scheme(url) in SAFE_SCHEMES for url in urls_in(html))
