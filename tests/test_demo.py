"""The demo site: the shipped content/ builds into a complete, linked, subscribable site."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
from conftest import REPO, broken_links

from generator.config import load_config


def test_demo_has_a_page_per_paper(demo):
    assert len(list((demo / "papers").glob("*/index.html"))) == 680 == len(list((REPO / "content/papers").glob("*.md")))


def tag_dirs(demo: Path) -> list[Path]:
    return [p for p in (demo / "tags").iterdir() if p.is_dir() and p.name != "by-count"]


def test_every_tag_has_a_page_and_both_feeds(demo):
    tag_dirs_ = tag_dirs(demo)
    assert len(tag_dirs_) >= 30
    for folder in tag_dirs_:
        for name in ("index.html", "feed.xml", "atom.xml"):
            assert (folder / name).is_file(), folder / name
    listed = re.findall(r'class="tag-name" href="/tags/([^/]+)/"', (demo / "tags/index.html").read_text())
    assert sorted(listed) == sorted(p.name for p in tag_dirs_)


def test_every_internal_link_resolves(demo):
    assert broken_links(demo, load_config(REPO).base_url) == []


def test_every_feed_parses_cleanly_and_links_to_pages_that_exist(demo):
    base = load_config(REPO).base_url
    feeds = sorted(demo.rglob("feed.xml")) + sorted(demo.rglob("atom.xml"))
    assert len(feeds) == 2 * (1 + len(tag_dirs(demo)))
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, path
        assert parsed.entries
        ids = [e.id for e in parsed.entries]
        assert len(ids) == len(set(ids))
        for entry in parsed.entries:
            assert (demo / entry.link[len(base) :] / "index.html").is_file()


def test_opml_lists_every_rss_feed_and_sitemap_every_page(demo):
    opml = ET.parse(demo / "feeds.opml").getroot()
    urls = [o.get("xmlUrl") for o in opml.iter("outline")]
    assert len(urls) == len(list(demo.rglob("feed.xml")))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ET.parse(demo / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    pages = [p for p in demo.rglob("index.html") if p.parent.name != "search"]
    assert len(locs) == len(set(locs)) == len(pages)
