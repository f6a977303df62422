"""The second example site (docs/examples/arxiv-and-hf): its entries are what `paperfeed update` makes of its
sources, and its pages show authors, categories, links and both sources."""

from __future__ import annotations

import shutil

import feedparser
from conftest import REPO

from generator.cli import main

EXAMPLE = REPO / "docs/examples/arxiv-and-hf"
AUTHORS = (
    '<a href="/arxiv-and-hf/authors/albert-gu/">Albert Gu</a>, <a href="/arxiv-and-hf/authors/tri-dao/">Tri Dao</a>'
)


def test_the_entries_are_what_update_makes_of_the_sources(tmp_path):
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("site", ".paperfeed-cache", "content"))
    assert main(["-C", str(root), "-q", "update", "--no-build"]) == 0
    made = {p.name: p.read_bytes() for p in (root / "content/papers").iterdir()}
    shipped = {p.name: p.read_bytes() for p in (EXAMPLE / "content/papers").iterdir()}
    assert made == shipped and len(made) == 9  # 11 records, Mamba and FlashAttention-2 in both sources


def test_the_example_site_shows_authors_categories_links_and_sources(tmp_path):
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("site", ".paperfeed-cache"))
    assert main(["-C", str(root), "-q", "build", "--no-search"]) == 0
    site = root / "site"
    mamba = (site / "papers/mamba-linear-time-sequence-modeling-with-selective-state-spaces/index.html").read_text()
    for text in (
        AUTHORS,
        '<a href="/arxiv-and-hf/categories/cs.LG/" title="Machine Learning">cs.LG</a>',
        'href="https://github.com/state-spaces/mamba"',
        'href="https://arxiv.org/pdf/2312.00752"',
        "Hugging Face Daily Papers",
    ):
        assert text in mamba, text
    tri_dao = (site / "authors/tri-dao/index.html").read_text()
    assert tri_dao.count('class="item') >= 3 or tri_dao.count("/arxiv-and-hf/papers/") >= 3
    feed = feedparser.parse((site / "authors/tri-dao/feed.xml").read_bytes())
    assert len(feed.entries) == 3 and all(e.get("author") for e in feed.entries)
