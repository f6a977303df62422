"""Taxonomies besides tags (generator/model/taxonomies.py): author and arXiv category pages, their
indexes and feeds, the links to them, the settings that turn them on, and patching after an edit."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from conftest import FIXTURES, REPO, broken_links, copy_project, tree, write_files

from generator.cli import main
from generator.config import Config, parse_config
from generator.content.entry import Entry
from generator.errors import ConfigError
from generator.model.site import Site, build_site
from generator.model.taxonomies import TermRef, author_refs, category_refs, collect_terms

D = dt.date
CONFIG = Config(title="Test Feed", base_url="https://example.org/", per_page=2, feed_days=1, author_min_papers=1)
ENTRIES = [
    Entry(slug="a", title="A", date=D(2024, 3, 11), authors=("Yuhan Liu", "Ada Lovelace"), categories=("cs.LG",)),
    Entry(slug="b", title="B", date=D(2024, 3, 12), authors=("Yuhan Liu",), categories=("cs.CL", "cs.LG")),
    Entry(slug="c", title="C", date=D(2024, 3, 12), authors=("Yühan LIU", "Alan Turing"), categories=("math.AP",)),
    Entry(slug="d", title="D", date=D(2024, 3, 13), authors=("Zed", "3M", "Ümit Özdemir"), categories=("hep-th",)),
]


def site_of(entries=ENTRIES, config=CONFIG) -> Site:
    return build_site(entries, config, bodies={}, assets={"style.css": "/static/style.css"})


def pages_of(site: Site, template: str):
    return [page for page in site.pages if page.template == template]


def term_pages(site: Site, taxonomy: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for page in pages_of(site, "term.html"):
        if page.taxonomy.name == taxonomy:
            found.setdefault(page.term.slug, []).append(page)
    return found


# -- the model --------------------------------------------------------------------------------


def test_every_author_gets_a_page_listing_all_their_papers_newest_first():
    authors = term_pages(site_of(), "authors")
    assert sorted(authors) == ["3m", "ada-lovelace", "alan-turing", "umit-ozdemir", "yuhan-liu", "zed"]
    liu = authors["yuhan-liu"]
    assert [(p.path, p.url, p.title) for p in liu] == [
        ("authors/yuhan-liu/index.html", "/authors/yuhan-liu/", "Yuhan Liu"),
        ("authors/yuhan-liu/page/2/index.html", "/authors/yuhan-liu/page/2/", "Yuhan Liu, page 2"),
    ]
    assert [[paper.slug for paper in p.pager.items] for p in liu] == [["b", "c"], ["a"]]
    term = liu[0].term
    assert (term.name, term.count, term.description) == ("Yuhan Liu", 3, "Papers by Yuhan Liu.")


def test_spellings_with_one_slug_are_one_author_named_by_the_most_common_spelling():
    # "Yühan LIU" (one paper) and "Yuhan Liu" (two) have one slug: one page, under the common spelling.
    [terms] = [t for t in collect_terms(ENTRIES, CONFIG) if t.taxonomy.name == "authors"]
    liu = next(t for t in terms.terms if t.slug == "yuhan-liu")
    assert (liu.name, liu.label, liu.count) == ("Yuhan Liu", "Liu, Yuhan", 3)
    tie = [replace(ENTRIES[0], authors=("Zoë Ng",)), replace(ENTRIES[1], authors=("Zoe Ng",))]
    [terms] = [t for t in collect_terms(tie, CONFIG) if t.taxonomy.name == "authors"]
    assert [(t.slug, t.name, t.count) for t in terms.terms] == [("zoe-ng", "Zoe Ng", 2)]


def test_the_author_index_is_by_family_name_under_letters_and_by_count():
    site = site_of()
    by_name, by_count = pages_of(site, "terms.html")[:2]
    assert (by_name.path, by_name.url, by_name.title, by_name.sort) == (
        "authors/index.html", "/authors/", "Authors", "name"
    )  # fmt: skip
    assert [(g.name, [t.label for t in g.terms]) for g in by_name.groups] == [
        ("#", ["3M"]),
        ("L", ["Liu, Yuhan", "Lovelace, Ada"]),
        ("O", ["Özdemir, Ümit"]),  # by the family name in ASCII
        ("T", ["Turing, Alan"]),
        ("Z", ["Zed"]),
    ]
    assert [(g.name, g.url) for g in by_name.jumps] == [
        ("#", "/authors/#group-other"),
        ("L", "/authors/#group-l"),
        ("O", "/authors/#group-o"),
        ("T", "/authors/#group-t"),
        ("Z", "/authors/#group-z"),
    ]
    assert by_name.description == "The 6 authors of Test Feed"
    assert (by_count.path, by_count.title, by_count.sort, by_count.jumps) == (
        "authors/by-count/index.html", "Authors by count", "count", ()
    )  # fmt: skip
    [group] = by_count.groups
    assert [(t.label, t.count) for t in group.terms] == [
        ("Liu, Yuhan", 3), ("3M", 1), ("Lovelace, Ada", 1), ("Özdemir, Ümit", 1), ("Turing, Alan", 1), ("Zed", 1)
    ]  # fmt: skip


def test_a_large_index_splits_into_pages_and_each_letter_links_to_where_it_begins():
    site = site_of(config=replace(CONFIG, terms_per_page=2))
    by_name = [p for p in pages_of(site, "terms.html") if p.taxonomy.name == "authors" and p.sort == "name"]
    assert [(p.url, [t.slug for g in p.groups for t in g.terms]) for p in by_name] == [
        ("/authors/", ["3m", "yuhan-liu"]),
        ("/authors/page/2/", ["ada-lovelace", "umit-ozdemir"]),
        ("/authors/page/3/", ["alan-turing", "zed"]),
    ]
    assert [g.name for g in by_name[1].groups] == ["L", "O"]  # L goes on from page 1 under its heading again
    assert [(g.name, g.url) for g in by_name[1].jumps] == [
        ("#", "/authors/#group-other"),
        ("L", "/authors/#group-l"),
        ("O", "/authors/page/2/#group-o"),
        ("T", "/authors/page/3/#group-t"),
        ("Z", "/authors/page/3/#group-z"),
    ]
    assert by_name[1].title == "Authors, page 2" and by_name[1].term_pager.prev_url == "/authors/"


def test_authors_need_author_min_papers_for_a_page_and_the_others_stay_plain_names():
    site = site_of(config=replace(CONFIG, author_min_papers=2))
    assert list(term_pages(site, "authors")) == ["yuhan-liu"]
    paper = next(p for p in site.papers if p.slug == "a")
    assert [(r.name, r.url) for r in paper.author_refs] == [("Yuhan Liu", "/authors/yuhan-liu/"), ("Ada Lovelace", "")]
    assert pages_of(site, "terms.html")[0].description == "The 1 author of Test Feed with at least 2 papers"


def test_authors_named_like_the_index_pages_get_their_own_slug():
    entries = [Entry(slug=s, title=s, date=D(2024, 1, 1), authors=(name,)) for s, name in
               (("p", "Page"), ("q", "By Count"), ("r", "Index"))]  # fmt: skip
    site = site_of(entries)  # check_collisions would raise if one took the index's place
    assert sorted(term_pages(site, "authors")) == ["by-count-tag", "index-tag", "page-tag"]


def test_two_people_with_one_name_on_a_paper_list_it_once():
    entries = [Entry(slug="x", title="X", date=D(2024, 1, 1), authors=("Wei Zhang", "Wei Zhang"))]
    [page] = term_pages(site_of(entries), "authors")["wei-zhang"]
    assert [p.slug for p in page.pager.items] == ["x"] and page.term.count == 1


def test_categories_have_pages_with_arxivs_names_grouped_by_archive():
    entries = [*ENTRIES, replace(ENTRIES[0], slug="e", categories=("Made Up",))]
    site = site_of(entries)
    categories = term_pages(site, "categories")
    assert sorted(categories) == ["cs.CL", "cs.LG", "hep-th", "made-up", "math.AP"]
    lg = categories["cs.LG"][0]
    assert (lg.path, lg.title, lg.description) == (
        "categories/cs.LG/index.html",
        "Machine Learning (cs.LG)",
        "Papers listed in cs.LG (Machine Learning) on arXiv.",
    )
    assert [p.slug for page in categories["cs.LG"] for p in page.pager.items] == ["b", "a"]
    index = next(p for p in pages_of(site, "terms.html") if p.url == "/categories/")
    assert [(g.name, [t.code for t in g.terms]) for g in index.groups] == [
        ("Computer Science", ["cs.CL", "cs.LG"]),
        ("High Energy Physics - Theory", ["hep-th"]),
        ("Mathematics", ["math.AP"]),
        ("Other", ["Made Up"]),
    ]
    assert index.description == "The 5 arXiv categories of Test Feed"


def test_papers_link_their_authors_and_categories():
    paper = next(p for p in site_of().papers if p.slug == "b")
    assert [(r.slug, r.name, r.url) for r in paper.author_refs] == [("yuhan-liu", "Yuhan Liu", "/authors/yuhan-liu/")]
    assert author_refs(("Yuhan Liu",), {}) == (TermRef("yuhan-liu", "Yuhan Liu", ""),)  # a name with no page
    assert [(r.slug, r.name, r.title, r.url) for r in paper.category_refs] == [
        ("cs.CL", "cs.CL", "Computation and Language", "/categories/cs.CL/"),
        ("cs.LG", "cs.LG", "Machine Learning", "/categories/cs.LG/"),
    ]
    assert category_refs(("CS.lg", "nope"), {})[0].name == "cs.LG"  # arXiv's spelling, whatever the entry's


def test_author_and_category_feeds_carry_whole_days_and_only_category_feeds_are_listed():
    site = site_of()
    feeds = {f.path: f for f in site.feeds}
    liu = feeds["authors/yuhan-liu/feed.xml"]
    assert [p.slug for p in liu.items] == ["b", "c"]  # feed_days: 1, the newest day whole
    assert (liu.title, liu.subtitle, liu.link) == (
        "Test Feed: Yuhan Liu", "Papers by Yuhan Liu.", "https://example.org/authors/yuhan-liu/"
    )  # fmt: skip
    assert {f.kind for f in site.feeds if f.path.startswith("authors/yuhan-liu/")} == {"rss", "atom", "json"}
    assert not liu.listed and feeds["categories/cs.LG/feed.xml"].listed and feeds["feed.xml"].listed
    assert len({f.id for f in site.feeds if f.kind == "rss"}) == len([f for f in site.feeds if f.kind == "rss"])
    [page] = term_pages(site, "categories")["cs.CL"]
    assert [href for _, _, href in page.feeds][:3] == [
        "https://example.org/categories/cs.CL/feed.xml",
        "https://example.org/categories/cs.CL/atom.xml",
        "https://example.org/categories/cs.CL/feed.json",
    ]


def test_settings_turn_each_taxonomy_and_the_feeds_off():
    site = site_of(config=replace(CONFIG, author_pages=False, term_feeds=False))
    assert not term_pages(site, "authors") and term_pages(site, "categories")
    assert [t.name for t in site.info.taxonomies] == ["categories"]
    assert not any(f.path.startswith("categories/") for f in site.feeds)
    assert all(r.url == "" for p in site.papers for r in p.author_refs)
    off = site_of(config=replace(CONFIG, author_pages=False, category_pages=False))
    assert not pages_of(off, "term.html") and not pages_of(off, "terms.html") and off.info.taxonomies == ()


def test_a_site_without_authors_or_categories_has_no_taxonomy_pages():
    entries = [replace(e, authors=(), categories=()) for e in ENTRIES]
    site = site_of(entries, Config())
    assert not pages_of(site, "terms.html") and site.info.taxonomies == ()


def test_the_model_does_not_depend_on_the_order_of_entries():
    assert site_of(list(reversed(ENTRIES))) == site_of()


def test_site_yaml_settings_are_validated():
    config = parse_config("author_pages: false\nauthor_min_papers: 3\ncategory_pages: true\nterms_per_page: 50\n")
    assert (config.author_pages, config.author_min_papers, config.terms_per_page) == (False, 3, 50)
    assert (Config().author_pages, Config().author_min_papers, Config().category_pages) == (True, 5, True)
    with pytest.raises(ConfigError) as err:
        parse_config("author_min_papers: 0\ncategory_pages: yes please\nauthor_page: true\n")
    text = str(err.value)
    assert "`author_min_papers` must be a whole number of at least 1, not 0" in text
    assert "`category_pages` must be true or false, not 'yes please'" in text
    assert "unknown key 'author_page'" in text and "did you mean 'author_pages'?" in text


# -- built sites ------------------------------------------------------------------------------

SITE_YAML = """
title: Test Feed
base_url: https://example.org/
per_page: 2
author_min_papers: 2
"""
PAPER = "---\ntitle: {title}\ndate: {date}\nauthors: [{authors}]\ncategories: [{categories}]\n---\n{body}\n"


def paper(title: str, date: str, authors: str, categories: str = "cs.LG", body: str = "An abstract.") -> str:
    return PAPER.format(title=title, date=date, authors=authors, categories=categories, body=body)


@pytest.fixture
def arxiv_site(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(REPO / "themes", root / "themes")
    write_files(
        root,
        {
            "site.yaml": SITE_YAML,
            "content/papers/one.md": paper("One", "2024-03-11", "Ada Lovelace, Alan Turing", "cs.LG, cs.CL"),
            "content/papers/two.md": paper("Two", "2024-03-12", "Ada Lovelace, Grace Hopper", "CS.lg"),
            "content/papers/three.md": paper("Three", "2024-03-12", "'Adá <Lovelace>', Grace Hopper"),
        },
    )
    return root


def build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "-q", "build", "--no-search", "--jobs", "1", *args])


def test_built_author_and_category_pages_link_each_other_with_no_broken_link(arxiv_site):
    assert build(arxiv_site) == 0
    site = arxiv_site / "site"
    assert broken_links(site, "https://example.org/") == []
    ada = (site / "authors/ada-lovelace/index.html").read_text()
    assert "<h1>Ada Lovelace</h1>" in ada and "3 papers · Subscribe to this author" in ada
    assert 'data-follow-url="/authors/ada-lovelace/"' in ada and "follow.js" in ada
    assert not (site / "authors/alan-turing").exists()  # one paper: no page, and no link
    older = (site / "page/2/index.html").read_text()
    assert '<a href="/authors/ada-lovelace/">Ada Lovelace</a>, Alan Turing' in older
    assert '<a href="/categories/cs.CL/" title="Computation and Language">cs.CL</a>' in older
    home = (site / "index.html").read_text()
    # A name is text, never markup, and "Adá <Lovelace>" is Ada Lovelace by its slug.
    assert '<a href="/authors/ada-lovelace/">Adá &lt;Lovelace&gt;</a>' in home
    assert '<a href="/authors/">Authors</a>' in home and '<a href="/categories/">Categories</a>' in home
    index = (site / "authors/index.html").read_text()
    assert '<a class="chip" href="/authors/grace-hopper/">Hopper, Grace <span class="count">2</span></a>' in index
    categories = (site / "categories/index.html").read_text()
    assert '<a class="tag-name" href="/categories/cs.LG/">cs.LG</a> <span class="count">3</span>' in categories


def test_built_author_feeds_parse_and_stay_out_of_the_opml(arxiv_site):
    assert build(arxiv_site) == 0
    site = arxiv_site / "site"
    feed = feedparser.parse((site / "authors/ada-lovelace/feed.xml").read_bytes())
    assert not feed.bozo and feed.feed.title == "Test Feed: Ada Lovelace"
    assert [e.title for e in feed.entries] == ["Three", "Two", "One"]  # newest day first, its papers by slug
    atom = feedparser.parse((site / "categories/cs.LG/atom.xml").read_bytes())
    assert not atom.bozo and atom.feed.title == "Test Feed: Machine Learning (cs.LG)"
    opml = (site / "feeds.opml").read_text()
    assert "categories/cs.LG/feed.xml" in opml and "authors/" not in opml


def test_an_edited_author_name_takes_a_full_build_equal_to_a_clean_one(arxiv_site, tmp_path, capsys):
    assert build(arxiv_site) == 0
    _backdate(arxiv_site)
    path = arxiv_site / "content/papers/one.md"
    path.write_text(path.read_text().replace("Alan Turing", "Grace Hopper"))
    capsys.readouterr()
    assert main(["-C", str(arxiv_site), "build", "--no-search"]) == 0
    assert not capsys.readouterr().out.startswith("updated ")
    assert "3 papers" in (arxiv_site / "site/authors/grace-hopper/index.html").read_text()
    assert 'href="/papers/one/"' in (arxiv_site / "site/authors/grace-hopper/page/2/index.html").read_text()
    _assert_same_as_clean_build(arxiv_site, tmp_path / "clean")
    # and a name that takes an author below author_min_papers removes their page
    path.write_text(path.read_text().replace("Grace Hopper", "Alan Turing"))
    for other in ("two", "three"):
        text = (arxiv_site / f"content/papers/{other}.md").read_text()
        (arxiv_site / f"content/papers/{other}.md").write_text(text.replace("Grace Hopper", "Grace B. Hopper"))
    assert build(arxiv_site) == 0
    assert not (arxiv_site / "site/authors/grace-hopper").exists()
    assert (arxiv_site / "site/authors/grace-b-hopper/index.html").is_file()
    _assert_same_as_clean_build(arxiv_site, tmp_path / "clean2")


def test_edited_surnames_take_a_full_build_since_they_order_the_index(arxiv_site, tmp_path, capsys):
    path = arxiv_site / "content/papers/one.md"
    path.write_text(path.read_text().replace("categories:", "surnames: [Ada Lovelace]\ncategories:"))
    assert build(arxiv_site) == 0
    assert ">Ada Lovelace <span" in (arxiv_site / "site/authors/index.html").read_text()  # a family name of two words
    _backdate(arxiv_site)
    path.write_text(path.read_text().replace("surnames: [Ada Lovelace]\n", ""))
    capsys.readouterr()
    assert main(["-C", str(arxiv_site), "build", "--no-search"]) == 0
    assert not capsys.readouterr().out.startswith("updated ")
    assert ">Lovelace, Ada <span" in (arxiv_site / "site/authors/index.html").read_text()
    _assert_same_as_clean_build(arxiv_site, tmp_path / "clean")


def test_an_edited_category_takes_a_full_build_equal_to_a_clean_one(arxiv_site, tmp_path, capsys):
    assert build(arxiv_site) == 0
    _backdate(arxiv_site)
    path = arxiv_site / "content/papers/two.md"
    path.write_text(path.read_text().replace("categories: [CS.lg]", "categories: [stat.ML]"))
    capsys.readouterr()
    assert main(["-C", str(arxiv_site), "build", "--no-search"]) == 0
    assert not capsys.readouterr().out.startswith("updated ")
    assert (arxiv_site / "site/categories/stat.ML/index.html").is_file()
    _assert_same_as_clean_build(arxiv_site, tmp_path / "clean")


def test_an_edited_abstract_patches_the_author_and_category_pages_that_show_it(arxiv_site, tmp_path, capsys):
    assert build(arxiv_site) == 0
    _backdate(arxiv_site)
    path = arxiv_site / "content/papers/two.md"
    path.write_text(path.read_text().replace("An abstract.", "A patched abstract."))
    capsys.readouterr()
    assert main(["-C", str(arxiv_site), "build", "--no-search"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    for page in ("authors/ada-lovelace/index.html", "authors/grace-hopper/index.html", "categories/cs.LG/index.html"):
        assert "A patched abstract." in (arxiv_site / "site" / page).read_text(), page
    # "CS.lg", as the entry spells it, still links to cs.LG's page after the patch
    assert (
        '<a href="/categories/cs.LG/" title="Machine Learning">cs.LG</a>'
        in (arxiv_site / "site/index.html").read_text()
    )
    _assert_same_as_clean_build(arxiv_site, tmp_path / "clean")


def test_an_edited_author_name_patches_when_the_site_has_no_author_pages(arxiv_site, tmp_path, capsys):
    (arxiv_site / "site.yaml").write_text(SITE_YAML + "author_pages: false\n")
    assert build(arxiv_site) == 0
    _backdate(arxiv_site)
    path = arxiv_site / "content/papers/one.md"
    path.write_text(path.read_text().replace("Alan Turing", "Alan M. Turing"))
    capsys.readouterr()
    assert main(["-C", str(arxiv_site), "build", "--no-search"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    assert "Alan M. Turing" in (arxiv_site / "site/page/2/index.html").read_text()
    _assert_same_as_clean_build(arxiv_site, tmp_path / "clean")


def test_the_sample_site_shows_author_and_category_pages(tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(FIXTURES / "sample_site", root)
    shutil.copytree(REPO / "themes", root / "themes")
    assert build(root) == 0
    site = root / "site"
    assert (site / "authors/yuhan-liu/index.html").is_file() and (site / "categories/cs.NI/index.html").is_file()
    page = (site / "authors/img-src-x-onerror-alert-1/index.html").read_text()
    assert "<h1>&lt;img src=x onerror=alert(1)&gt;</h1>" in page and "<img src=x" not in page


def _backdate(root: Path) -> None:
    """As if time had passed since the last build (the racy window), with the theme untouched."""
    past = time.time() - 60
    for entry in (root / "content/papers").glob("*.md"):
        os.utime(entry, (past, past))


def _assert_same_as_clean_build(root: Path, scratch: Path) -> None:
    scratch.mkdir()
    clean = copy_project(root, scratch)
    assert build(clean, "--clean") == 0
    assert tree(root / "site") == tree(clean / "site")
