"""Safe output: well-known XSS vectors in every field produce no executable markup in pages or feeds.

Checked by parsing the output, not by searching strings.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from conftest import FIXTURES, REPO

from generator.cli import main
from generator.content.entry import Entry, format_entry
from generator.model.records import Source

# Issue 16: character references in a Markdown link's target, which browsers decode in href.
ENCODED_LINKS = [
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java&Tab;script:alert(1))",
    "[x](&NewLine;javascript:alert(1))",
    "[x](vbscript&colon;msgbox(1))",
    "[x](data&colon;text/html,<script>alert(1)</script>)",
    "[x](\x01javascript:alert(1))",
    "[x](livescript:alert(1))",
]
VECTORS = [v for v in (FIXTURES / "xss/vectors.txt").read_text().splitlines() if v.strip()] + ENCODED_LINKS
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "style",
    "base",
    "form",
    "input",
    "button",
    "details",
    "body",
    "link",
    "meta",
    "textarea",
    "img",
    "mglyph",
}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


def scheme(url: str) -> str:
    """The scheme of a decoded URL, lower-cased, after removing every control, format and blank
    character (browsers skip some); "" for a relative URL."""
    squeezed = "".join(c for c in url if unicodedata.category(c)[0] not in "CZ" and not c.isspace())
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", squeezed)
    return m.group(1).lower() if m else ""


class Audit(HTMLParser):
    """Collects what could execute: elements, event handlers and URL schemes outside the theme's own."""

    def __init__(self, own_scripts: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.own_scripts = own_scripts
        self.found: list[str] = []
        self.in_head = False
        self.bodies = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "body":
            self.bodies += 1
        theme = self.own_scripts and (
            (tag == "body" and self.bodies == 1)
            or (tag == "svg" and a.get("aria-hidden") == "true")
            or (
                tag == "script"
                and ((a.get("src") or "").startswith("/static/") or a.get("type") == "application/ld+json")
            )
            or (self.in_head and tag in ("meta", "link"))
            or (
                tag in ("form", "input", "button")
                and (
                    a.get("action") == "/search/"
                    or a.get("id") in ("header-q", "theme-toggle")
                    or a.get("name") == "q"
                    or a.get("class") == "button button-quiet copy"
                    or (a.get("type") == "button")
                )
            )
        )
        if tag in DANGEROUS_TAGS and not theme:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.found.append(f"{tag} {name}")
            if value and name in ("href", "src", "action", "data", "xlink:href") and scheme(value) not in SAFE_SCHEMES:
                self.found.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def audit(html: str, *, own_scripts: bool = True) -> list[str]:
    parser = Audit(own_scripts)
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("xss")
    (root / "content/papers").mkdir(parents=True)
    shutil.copytree(REPO / "themes", root / "themes")
    (root / "site.yaml").write_text("base_url: https://example.org/\nbib_files: true\n")
    for i, vector in enumerate(VECTORS):
        entry = Entry(
            slug=f"v{i}",
            title=f"Paper {i} {vector}",
            date=dt.date(2024, 1, 1 + i % 28),
            body=f"Abstract {i}: {vector}\n\n{vector}",
            tags=(vector, "safe"),
            authors=(vector, "Ada"),
            links={"code": "https://github.com/a/b", "project": vector, "data": "javascript:alert(1)"},
            sources=(Source(vector, None),),
            comment=vector,
            journal_ref=vector,
            doi=vector,
            extra={"note": vector},
        )
        (root / f"content/papers/v{i}.md").write_text(format_entry(entry))
    assert main(["-C", str(root), "-q", "build", "--no-search"]) == 0
    return root / "site"


def test_the_corpus_is_large():
    assert len(VECTORS) >= 35


def test_no_page_holds_executable_markup(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > len(VECTORS)
    for page in pages:
        assert audit(page.read_text()) == [], page


def test_feeds_carry_no_executable_markup(hostile_site):
    for path in sorted(hostile_site.rglob("*.xml")):
        if path.name not in ("feed.xml", "atom.xml"):
            continue
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        assert not parsed.bozo, path
        for entry in parsed.entries:
            # Atom carries HTML in <content> (its <summary> is plain text); RSS in <description>.
            html = entry["content"][0]["value"] if "content" in entry else entry.get("description", "")
            assert audit(html, own_scripts=False) == [], (path, entry.title)


def test_vectors_survive_as_visible_text(hostile_site):
    page = (hostile_site / "papers/v0/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, not run and not lost
    bib = (hostile_site / "papers/v0/v0.bib").read_text()
    assert "<script>alert(1)</script>" in bib  # plain-text download, served as text


def test_opml_and_sitemap_are_well_formed(hostile_site):
    import xml.etree.ElementTree as ET

    ET.parse(hostile_site / "feeds.opml")
    ET.parse(hostile_site / "sitemap.xml")
