"""The site model (generator/model/site.py) built from entries in memory: no file is read or written."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import Config, TagSpec
from generator.content.entry import Entry
from generator.errors import BuildError
from generator.ids import tag_slug
from generator.model.site import GUID_NAMESPACE, Site, build_site, paper_guid, with_related

D = dt.date
CONFIG = Config(
    title="Test Feed",
    description="Papers for tests.",
    base_url="https://example.org/",
    per_page=2,
    feed_items=3,
    taxonomy=MappingProxyType(
        {
            "speech": TagSpec("speech", "Speech", "Spoken language.", ("speech",)),
            "llm": TagSpec("llm", "LLMs", "Large language models.", ("LLM",)),
            "asr": TagSpec("asr", "Speech recognition", "", ("ASR",)),  # its name sorts far from its slug
        }
    ),
)
# Five papers over four days; two share 2024-03-11, so the slug decides between them.
ENTRIES = [
    Entry(slug="wav", title="Wav", date=D(2024, 3, 11), body="About speech.", tags=("speech",)),
    Entry(slug="cache", title="Cache", date=D(2024, 3, 11), body="About caches.", tags=("llm", "kv-cache")),
    Entry(slug="only", title="Only", date=D(2024, 1, 15), body="Short.", tags=("Speech", "asr")),
    Entry(slug="pix", title="Pix", date=D(2024, 3, 12), body="Images.", tags=("Diffusion",)),
    Entry(slug="xss", title="X", date=D(2024, 2, 1), body="Odd.", tags=("zeta", "speech", "alpha")),
]
NEWEST_FIRST = ["pix", "cache", "wav", "xss", "only"]


def site_of(entries=ENTRIES, config=CONFIG, **kwargs) -> Site:
    kwargs.setdefault("bodies", {e.slug: f"<p>{e.body}</p>" for e in entries})
    kwargs.setdefault("assets", {"style.css": "/static/style.css?v=1"})
    return build_site(entries, config, **kwargs)


def pages_of(site: Site, template: str):
    return [page for page in site.pages if page.template == template]


def output_paths(site: Site) -> list[str]:
    return (
        [page.path for page in site.pages]
        + [feed.path for feed in site.feeds]
        + [paper.bib_path for paper in site.papers if paper.bib_path]
        + list(site.extra_paths)
    )


def test_papers_are_newest_first_with_same_day_papers_by_slug_whatever_the_input_order():
    assert [p.slug for p in site_of().papers] == NEWEST_FIRST
    assert [p.slug for p in site_of(list(reversed(ENTRIES))).papers] == NEWEST_FIRST
    assert site_of(list(reversed(ENTRIES))) == site_of()


def test_home_pages_paginate_with_paths_and_urls():
    homes = pages_of(site_of(), "list.html")
    assert [(p.path, p.url, p.title) for p in homes] == [
        ("index.html", "/", "Test Feed"),
        ("page/2/index.html", "/page/2/", "Test Feed, page 2"),
        ("page/3/index.html", "/page/3/", "Test Feed, page 3"),
    ]
    assert [[paper.slug for paper in p.pager.items] for p in homes] == [["pix", "cache"], ["wav", "xss"], ["only"]]
    assert [(p.pager.number, p.pager.count, p.pager.offset) for p in homes] == [(1, 3, 0), (2, 3, 2), (3, 3, 4)]
    assert [(p.pager.prev_url, p.pager.next_url) for p in homes] == [
        (None, "/page/2/"),
        ("/", "/page/3/"),
        ("/page/2/", None),
    ]
    assert {(p.pager.first_url, p.pager.last_url) for p in homes} == {("/", "/page/3/")}


def test_tag_pages_paginate_under_the_tag():
    speech = [p for p in pages_of(site_of(), "tag.html") if p.tag.slug == "speech"]
    assert [(p.path, p.url, p.title) for p in speech] == [
        ("tags/speech/index.html", "/tags/speech/", "Speech"),
        ("tags/speech/page/2/index.html", "/tags/speech/page/2/", "Speech, page 2"),
    ]
    assert [[paper.slug for paper in p.pager.items] for p in speech] == [["wav", "xss"], ["only"]]
    assert speech[0].pager.next_url == "/tags/speech/page/2/" and speech[1].pager.prev_url == "/tags/speech/"
    assert speech[0].description == "Spoken language."
    assert [f[2] for f in speech[0].feeds] == [
        "https://example.org/tags/speech/feed.xml",
        "https://example.org/tags/speech/atom.xml",
        "https://example.org/tags/speech/feed.json",
        "https://example.org/feed.xml",
        "https://example.org/atom.xml",
        "https://example.org/feed.json",
    ]


def test_an_empty_site_has_one_empty_home_page_and_empty_feeds():
    site = site_of([])
    [home] = pages_of(site, "list.html")
    assert (home.path, home.pager.items, home.pager.count) == ("index.html", (), 1)
    assert [f.path for f in site.feeds] == ["feed.xml", "atom.xml", "feed.json"]
    assert all(f.items == () and f.updated == dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) for f in site.feeds)
    assert site.tags == () and site.info.paper_count == 0


def test_every_paper_page_links_its_newer_and_older_neighbours():
    site = site_of()
    pages = {p.paper.slug: p for p in pages_of(site, "paper.html")}
    assert list(pages) == NEWEST_FIRST
    neighbours = {slug: (p.prev and p.prev.slug, p.next and p.next.slug) for slug, p in pages.items()}
    assert neighbours == {
        "pix": (None, "cache"),
        "cache": ("pix", "wav"),
        "wav": ("cache", "xss"),
        "xss": ("wav", "only"),
        "only": ("xss", None),
    }
    cache = pages["cache"]
    assert (cache.path, cache.url, cache.title, cache.lastmod) == (
        "papers/cache/index.html",
        "/papers/cache/",
        "Cache",
        D(2024, 3, 11),
    )
    assert cache.paper.html == "<p>About caches.</p>" and cache.paper.abstract == "About caches."


def test_tags_count_papers_and_take_names_from_the_taxonomy_or_the_first_entry_by_slug():
    site = site_of()
    assert [(t.slug, t.name, t.count, t.description) for t in site.tags] == [
        ("alpha", "alpha", 1, ""),
        ("diffusion", "Diffusion", 1, ""),
        ("kv-cache", "kv-cache", 1, ""),
        ("llm", "LLMs", 1, "Large language models."),
        ("speech", "Speech", 3, "Spoken language."),
        ("asr", "Speech recognition", 1, ""),
        ("zeta", "zeta", 1, ""),
    ]
    speech = next(t for t in site.tags if t.slug == "speech")
    assert (speech.url, speech.rss_url, speech.atom_url) == (
        "/tags/speech/",
        "/tags/speech/feed.xml",
        "/tags/speech/atom.xml",
    )
    # A paper's tags keep the entry's order and show the tag's name.
    xss = next(p for p in site.papers if p.slug == "xss")
    assert [(r.slug, r.name, r.url) for r in xss.tags] == [
        ("zeta", "zeta", "/tags/zeta/"),
        ("speech", "Speech", "/tags/speech/"),
        ("alpha", "alpha", "/tags/alpha/"),
    ]
    # Outside the taxonomy, the name is the spelling of the entry whose slug sorts first, whatever the input order.
    spelled = [
        Entry(slug="b", title="B", date=D(2024, 1, 2), tags=("Graph Nets",)),
        Entry(slug="a", title="A", date=D(2024, 1, 1), tags=("graph  nets",)),
    ]
    for entries in (spelled, spelled[::-1]):
        assert [(t.slug, t.name, t.count) for t in site_of(entries).tags] == [("graph-nets", "graph  nets", 2)]


def test_a_tag_listed_twice_by_one_entry_counts_that_paper_once():
    site = site_of([Entry(slug="a", title="A", date=D(2024, 1, 1), tags=("Graph", "graph"))])
    [paper] = site.papers
    assert [r.slug for r in paper.tags] == ["graph"]  # the paper shows the tag once...
    assert [t.count for t in site.tags] == [1]  # ...and the tag index counts it once


def test_tag_indexes_sort_by_name_and_by_count():
    site = site_of()
    by_name, by_count = pages_of(site, "tags.html")
    assert (by_name.path, by_name.url, by_name.sort) == ("tags/index.html", "/tags/", "name")
    assert (by_count.path, by_count.url, by_count.sort) == ("tags/by-count/index.html", "/tags/by-count/", "count")
    # By name, case-insensitively (not by slug: "asr" is named "Speech recognition").
    names = ["alpha", "Diffusion", "kv-cache", "LLMs", "Speech", "Speech recognition", "zeta"]
    assert [t.name for t in by_name.tags] == names
    assert [t.name for t in site.tags] == names
    # Most papers first; ties by name, case-insensitively.
    assert [t.name for t in by_count.tags] == [
        "Speech",
        "alpha",
        "Diffusion",
        "kv-cache",
        "LLMs",
        "Speech recognition",
        "zeta",
    ]
    # The header's top tags break ties by slug, not by name as the by-count index does.
    assert [t.slug for t in site.info.top_tags] == ["speech", "alpha", "asr", "diffusion", "kv-cache", "llm", "zeta"]


def test_feeds_hold_whole_days_up_to_feed_items():
    site = site_of()
    feeds = {f.path: f for f in site.feeds}
    tags = ("alpha", "diffusion", "kv-cache", "llm", "speech", "asr", "zeta")
    assert list(feeds) == [
        "feed.xml",
        "atom.xml",
        "feed.json",
        *(f"tags/{t}/{name}" for t in tags for name in ("feed.xml", "atom.xml", "feed.json")),
    ]
    rss, atom = feeds["feed.xml"], feeds["atom.xml"]
    assert (rss.kind, atom.kind) == ("rss", "atom")
    assert [p.slug for p in rss.items] == ["pix", "cache", "wav"] == [p.slug for p in atom.items]
    assert (rss.url, rss.link, rss.title, rss.subtitle, rss.updated) == (
        "https://example.org/feed.xml",
        "https://example.org/",
        "Test Feed",
        "Papers for tests.",
        dt.datetime(2024, 3, 12, tzinfo=dt.timezone.utc),
    )
    speech = feeds["tags/speech/feed.xml"]
    assert [p.slug for p in speech.items] == ["wav", "xss", "only"]
    assert (speech.url, speech.link, speech.title, speech.subtitle, speech.updated) == (
        "https://example.org/tags/speech/feed.xml",
        "https://example.org/tags/speech/",
        "Test Feed: Speech",
        "Spoken language.",
        dt.datetime(2024, 3, 11, tzinfo=dt.timezone.utc),
    )
    assert feeds["tags/zeta/atom.xml"].subtitle == "Papers tagged zeta."
    one = site_of(config=replace(CONFIG, feed_items=1))
    assert {f.path: [p.slug for p in f.items] for f in one.feeds if f.path.endswith("feed.xml")} == {
        "feed.xml": ["pix"],
        "tags/alpha/feed.xml": ["xss"],
        "tags/asr/feed.xml": ["only"],
        "tags/diffusion/feed.xml": ["pix"],
        "tags/kv-cache/feed.xml": ["cache"],
        "tags/llm/feed.xml": ["cache"],
        "tags/speech/feed.xml": ["wav"],
        "tags/zeta/feed.xml": ["xss"],
    }


def test_feed_ids_are_stable_and_distinct_between_the_site_and_each_tag():
    site = site_of()
    ids = {f.path: f.id for f in site.feeds}
    # RSS and Atom of one listing are one feed; every listing has its own id.
    assert all(ids[path] == ids[path.replace("feed.xml", "atom.xml")] for path in ids if path.endswith("feed.xml"))
    rss_ids = [ids[path] for path in ids if path.endswith("feed.xml")]
    assert len(set(rss_ids)) == len(rss_ids) == 8
    assert all(i.startswith("urn:uuid:") for i in rss_ids)
    # The same ids after a change of title, scheme, paging or papers; others at another address.
    other = replace(CONFIG, title="Renamed", base_url="http://example.org/", per_page=1, feed_items=1)
    changed = site_of(ENTRIES[:3] + ENTRIES[4:], other)
    assert {f.path: f.id for f in changed.feeds} == {p: i for p, i in ids.items() if "/diffusion/" not in p}
    moved = site_of(config=replace(CONFIG, base_url="https://example.org/sub/"))
    assert not {f.id for f in moved.feeds} & set(ids.values())


def test_paper_guids_depend_on_the_site_address_and_the_slug_alone():
    site = site_of()
    guids = {p.slug: p.guid for p in site.papers}
    assert guids == {slug: paper_guid(slug, "https://example.org/") for slug in NEWEST_FIRST}
    assert len(set(guids.values())) == len(guids)
    changed = [replace(e, title=e.title + " (revised)", date=D(2025, 1, 1), tags=()) for e in ENTRIES]
    other = replace(CONFIG, base_url="http://EXAMPLE.org", title="Other")
    assert {p.slug: p.guid for p in site_of(changed, other).papers} == guids
    elsewhere = replace(CONFIG, base_url="https://other.example/sub/")
    assert not {p.guid for p in site_of(config=elsewhere).papers} & set(guids.values())
    wav = uuid.uuid5(GUID_NAMESPACE, "example.org/papers/wav")
    assert paper_guid("wav", "https://example.org/") == f"urn:uuid:{wav}"


def test_a_sub_path_base_url_puts_every_url_under_it():
    config = replace(CONFIG, base_url="https://example.org/reading-group/")
    site = site_of(config=config)
    sub = "/reading-group/"
    info = site.info
    assert (info.base_url, info.base_path, info.origin) == (
        "https://example.org/reading-group/",
        sub,
        "https://example.org",
    )
    assert (info.rss_url, info.atom_url, info.search_url) == (sub + "feed.xml", sub + "atom.xml", sub + "search/")
    assert [p.url for p in site.pages if p.template == "list.html"] == [sub, sub + "page/2/", sub + "page/3/"]
    assert all(p.url.startswith(sub) for p in site.pages), [p.url for p in site.pages]
    for page in site.pages:
        if page.pager:
            urls = [page.pager.prev_url, page.pager.next_url, page.pager.first_url, page.pager.last_url]
            assert all(u.startswith(sub) for u in urls if u), urls
        assert all(url.startswith("https://example.org" + sub) for _, _, url in page.feeds)
    assert all(t.url.startswith(sub + "tags/") and t.rss_url.startswith(sub + "tags/") for t in site.tags)
    cache = next(p for p in site.papers if p.slug == "cache")
    assert (cache.url, cache.abs_url) == (sub + "papers/cache/", "https://example.org/reading-group/papers/cache/")
    assert all(r.url.startswith(sub + "tags/") for r in cache.tags)
    assert all(
        f.url.startswith("https://example.org" + sub) and f.link.startswith(f.url[: -len(f.path)]) for f in site.feeds
    )
    # Output paths stay relative to the output folder: the sub-path is where the host serves it.
    assert output_paths(site) == output_paths(site_of())


def test_related_papers_appear_on_the_paper_page_in_the_given_order():
    related = {"cache": ["wav", "only", "no-such-paper"], "only": ["pix"]}
    site = site_of(related=related)
    pages = {p.paper.slug: p for p in pages_of(site, "paper.html")}
    assert [p.slug for p in pages["cache"].related] == ["wav", "only"]  # unknown slugs are left out
    assert [p.slug for p in pages["only"].related] == ["pix"]
    assert all(pages[slug].related == () for slug in ("pix", "wav", "xss"))
    assert pages["cache"].related[0] is next(p for p in site.papers if p.slug == "wav")
    # Added afterwards, as the pipeline does while related papers are still being found.
    plain = site_of()
    assert all(p.related == () for p in pages_of(plain, "paper.html"))
    assert with_related(plain, related) == site
    assert with_related(plain, {}) == plain


def test_a_tag_named_like_a_tag_index_page_gets_its_own_slug():
    entries = [*ENTRIES, Entry(slug="c", title="C", date=D(2024, 1, 1), tags=("By Count",))]
    site = site_of(entries)
    [tag] = [t for t in site.tags if t.name == "By Count"]
    assert (tag.slug, tag.url) == ("by-count-tag", "/tags/by-count-tag/")
    assert "tags/by-count-tag/index.html" in {p.path for p in site.pages}


def test_two_entries_with_one_slug_collide():
    twice = [*ENTRIES, replace(ENTRIES[0], title="Again")]
    with pytest.raises(BuildError, match=r"papers/wav/index.html: paper.html \(Wav\), paper.html \(Again\)"):
        site_of(twice)


def test_bib_files_on_and_off():
    with_bib = site_of(config=replace(CONFIG, bib_files=True))
    assert {p.slug: (p.bib_url, p.bib_path) for p in with_bib.papers} == {
        slug: (f"/papers/{slug}/{slug}.bib", f"papers/{slug}/{slug}.bib") for slug in NEWEST_FIRST
    }
    sub = site_of(config=replace(CONFIG, bib_files=True, base_url="https://example.org/rg/"))
    assert next(p for p in sub.papers if p.slug == "pix").bib_url == "/rg/papers/pix/pix.bib"
    assert all(p.bib_url == "" and p.bib_path == "" for p in site_of().papers)
    assert len(output_paths(with_bib)) == len(output_paths(site_of())) + len(ENTRIES)


def test_search_page_only_with_search_and_archive_by_month():
    with_search = site_of(search=True)
    assert [(p.path, p.in_sitemap) for p in pages_of(with_search, "search.html")] == [("search/index.html", False)]
    assert with_search.info.search is True
    without = site_of(search=False)
    assert pages_of(without, "search.html") == [] and without.info.search is False
    [archive] = pages_of(without, "archive.html")
    # The archive is a calendar: its months with their counts, not every paper (see tests/test_days.py).
    assert [(m.month.key, m.month.label, m.month.count, m.month.url) for m in archive.months] == [
        ("2024-03", "March 2024", 3, "/months/2024-03/"),
        ("2024-02", "February 2024", 1, "/months/2024-02/"),
        ("2024-01", "January 2024", 1, "/months/2024-01/"),
    ]


def test_links_keep_only_http_urls_with_labels():
    entry = Entry(
        slug="a",
        title="A",
        date=D(2024, 1, 1),
        links={"code": "https://github.com/a/b", "bad": "javascript:alert(1)", "model_card": "http://x.org/m"},
    )
    [paper] = site_of([entry]).papers
    assert [(link.kind, link.label, link.url) for link in paper.links] == [
        ("code", "Code", "https://github.com/a/b"),
        ("model_card", "Model card", "http://x.org/m"),
    ]
    assert paper.code_url == "https://github.com/a/b"


# -- properties ----------------------------------------------------------------------------------

slugs = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4})?", fullmatch=True)
tag_names = st.sampled_from(["speech", "Speech", "LLM", "llm", "kv cache", "KV-Cache", "by count", "C++", "!!!", "é"])
entries_strategy = st.lists(
    st.builds(
        lambda slug, date, tags: Entry(slug=slug, title=slug.upper(), date=date, tags=tuple(tags)),
        slugs,
        st.dates(D(2023, 12, 25), D(2024, 1, 5)),  # a few days: many same-day papers
        st.lists(tag_names | st.text(max_size=6), max_size=3),
    ),
    max_size=12,
    unique_by=lambda e: e.slug,
)


@settings(max_examples=100, deadline=None)
@given(entries=entries_strategy, per_page=st.integers(1, 4), feed_items=st.integers(1, 4), data=st.data())
def test_any_entries_give_distinct_outputs_or_name_the_collision(entries, per_page, feed_items, data):
    config = replace(CONFIG, per_page=per_page, feed_items=feed_items, bib_files=data.draw(st.booleans()))
    if any(tag_slug(name) == "by-count" for e in entries for name in e.tags):
        with pytest.raises(BuildError, match="tags/by-count/index.html: tag.html"):
            site_of(entries, config)
        return
    site = site_of(entries, config)
    paths = output_paths(site)
    assert len(paths) == len(set(paths))
    # Every paper on exactly one home page, in the model's order.
    listed = [p.slug for page in pages_of(site, "list.html") for p in page.pager.items]
    assert listed == [p.slug for p in site.papers]
    # Any input order gives the same site.
    shuffled = data.draw(st.permutations(entries))
    assert site_of(shuffled, config) == site


@settings(max_examples=60, deadline=None)
@given(entries=entries_strategy)
def test_the_paper_order_is_total_newest_first_then_slug(entries):
    papers = site_of([e for e in entries if all(tag_slug(n) != "by-count" for n in e.tags)], search=False).papers
    keys = [(-p.date.toordinal(), p.slug) for p in papers]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
