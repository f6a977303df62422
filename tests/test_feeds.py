"""Feeds a subscriber can rely on: whole days, ranked times, authors, links, readable titles and math,
ids unique to the site, and JSON Feed 1.1 beside RSS and Atom.

Most tests build a small project with a day of 424 papers (the size of a busy arXiv day) and read
the feeds back with feedparser, lxml and json, as readers do.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from conftest import REPO, write_files
from lxml import html as lxml_html

from generator.cli import main
from generator.config import Config, parse_config
from generator.content.entry import Entry
from generator.errors import ConfigError
from generator.model.site import build_site, feed_papers, feed_times
from generator.render.mathtext import plain_math, readable_mathml
from generator.render.texmath import tex_to_mathml

BASE = "https://example.org/sub/"
BUSY = dt.date(2026, 11, 21)  # 424 papers
OLDER = [dt.date(2026, 11, 20), dt.date(2026, 11, 19), dt.date(2026, 11, 12)]  # 3, 2 and 1 papers
ATOM = "{http://www.w3.org/2005/Atom}"
UTC = dt.timezone.utc


def entry_text(title: str, date: dt.date, *, body: str = "An abstract.", extra: str = "") -> str:
    return f"---\ntitle: '{title}'\ndate: {date.isoformat()}\n{extra}---\n{body}\n"


def write_project(root: Path, site_yaml: str) -> Path:
    shutil.copytree(REPO / "themes", root / "themes")
    files = {"site.yaml": site_yaml}
    for i in range(424):
        files[f"content/papers/busy-{i:03d}.md"] = entry_text(
            f"Busy paper {i:03d}", BUSY, extra="tags: [speech]\n" if i % 100 == 0 else ""
        )
    files["content/papers/busy-000.md"] = entry_text(
        "PixArt-$\\alpha$: a loss below $10^{-3}$",
        BUSY,
        body="We reach $\\epsilon < 10^{-3}$ in $\\mathcal{O}(n \\log n)$ steps.",
        extra=(
            "tags: [speech]\nauthors: [Ada Lovelace, Alan Turing]\narxiv: '2310.07240'\n"
            "links:\n  code: https://github.com/example/pixart\n"
        ),
    )
    for day, count in zip(OLDER, (3, 2, 1)):
        for i in range(count):
            files[f"content/papers/older-{day.isoformat()}-{i}.md"] = entry_text(
                f"Older paper {day} {i}", day, extra="tags: [speech]\n"
            )
    write_files(root, files)
    assert main(["-C", str(root), "-q", "build", "--no-search", "--jobs", "1"]) == 0
    return root / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("feeds"), f"title: Busy\nbase_url: {BASE}\n")


def listing_order(site: Path) -> list[str]:
    """The slugs of the home listing, in order, over its pages."""
    pages = [site / "index.html", *sorted(site.glob("page/*/index.html"), key=lambda p: int(p.parent.name))]
    slugs: list[str] = []
    for page in pages:
        for slug in re.findall(r'href="/sub/papers/([^/"]+)/"', page.read_text()):
            if slug not in slugs:
                slugs.append(slug)
    return slugs


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def json_feed(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# -- whole days, in listing order --------------------------------------------------------------


def test_a_day_of_424_papers_arrives_whole_in_every_format(site):
    listed = listing_order(site)
    assert len(listed) == 430
    carried = [slug for slug in listed if not slug.startswith("older-2026-11-12")]  # the three newest days
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    feed = json_feed(site / "feed.json")
    assert [slug_of(e.link) for e in rss.entries] == carried
    assert [slug_of(e.link) for e in atom.entries] == carried
    assert [slug_of(item["url"]) for item in feed["items"]] == carried
    assert sum(slug.startswith("busy-") for slug in carried) == 424


def test_a_day_past_feed_items_is_still_carried_whole_and_older_days_wait(tmp_path):
    site = write_project(tmp_path, f"base_url: {BASE}\nfeed_items: 100\n")
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    assert len(rss.entries) == 424 and all(slug_of(e.link).startswith("busy-") for e in rss.entries)
    # A tag's feed follows the same rule over the tag's own days: 5 busy papers, then 3 + 2 older ones.
    speech = feedparser.parse((site / "tags/speech/feed.xml").read_bytes())
    assert [slug_of(e.link)[:5] for e in speech.entries] == ["busy-"] * 5 + ["older"] * 5


ENTRIES = [
    Entry(slug=f"d{day}-{i}", title=f"Day {day} paper {i}", date=dt.date(2024, 3, day), body="x")
    for day, count in ((12, 3), (11, 2), (10, 4), (9, 1))
    for i in range(count)
]


def model(config: Config) -> list:
    return list(build_site(ENTRIES, config, bodies={}, assets={}).feeds)


def test_feeds_carry_the_newest_feed_days_within_feed_items_never_part_of_a_day():
    def slugs(**settings: int) -> list[str]:
        rss = model(Config(base_url=BASE, **settings))[0]
        return [p.slug for p in rss.items]

    assert slugs() == ["d12-0", "d12-1", "d12-2", "d11-0", "d11-1", "d10-0", "d10-1", "d10-2", "d10-3"]
    assert slugs(feed_days=1) == ["d12-0", "d12-1", "d12-2"]
    assert slugs(feed_days=5) == [e.slug for e in ENTRIES]
    assert slugs(feed_items=6) == ["d12-0", "d12-1", "d12-2", "d11-0", "d11-1"]  # day 10 would make 9
    assert slugs(feed_items=1) == ["d12-0", "d12-1", "d12-2"]  # the newest day, whole


def test_feed_papers_keep_the_order_they_are_given():
    papers = build_site(ENTRIES, Config(base_url=BASE), bodies={}, assets={}).papers
    ranked = papers[2::-1] + papers[3:]  # the newest day's papers ranked the other way round
    assert [p.slug for p in feed_papers(ranked, days=2, limit=10)] == ["d12-2", "d12-1", "d12-0", "d11-0", "d11-1"]


def test_item_times_fall_within_the_day_and_rank_the_first_listed_paper_newest():
    rss = model(Config(base_url=BASE))[0]
    midnight = dt.datetime(2024, 3, 12, tzinfo=UTC)
    newest_day = [t for p, t in zip(rss.items, rss.published) if p.date == midnight.date()]
    assert newest_day == [midnight + dt.timedelta(seconds=s) for s in (2, 1, 0)]
    assert list(rss.published) == sorted(rss.published, reverse=True)  # newest first is listing order
    assert rss.updated == midnight + dt.timedelta(seconds=2)
    assert feed_times(rss.items) == rss.published  # a function of the items alone: no clock


def test_readers_sorting_by_date_show_the_listing_order(site):
    for name in ("feed.xml", "atom.xml"):
        entries = feedparser.parse((site / name).read_bytes()).entries
        by_time = sorted(entries, key=lambda e: e.published_parsed, reverse=True)
        assert [e.link for e in by_time] == [e.link for e in entries]
        assert len({e.published for e in entries}) == len(entries)
    items = json_feed(site / "feed.json")["items"]
    stamps = [dt.datetime.fromisoformat(item["date_published"]) for item in items]
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == len(stamps)
    assert stamps[0] == dt.datetime(2026, 11, 21, 0, 7, 3, tzinfo=UTC)  # 423 s: one second per paper below
    assert stamps[423] == dt.datetime(2026, 11, 21, tzinfo=UTC)


# -- authors, links, titles, math ----------------------------------------------------------------


def item(site: Path, name: str, slug: str) -> ET.Element:
    root = ET.parse(site / name).getroot()
    for element in [*root.iter("item"), *root.iter(f"{ATOM}entry")]:
        links = [element.findtext("link"), *(a.get("href") for a in element.iter(f"{ATOM}link"))]
        if any(link and link.endswith(f"/papers/{slug}/") for link in links):
            return element
    raise AssertionError(f"no {slug} in {name}")


def test_authors_are_in_rss_as_dc_creator_and_in_atom_and_json(site):
    rss = item(site, "feed.xml", "busy-000")
    assert [c.text for c in rss.iter("{http://purl.org/dc/elements/1.1/}creator")] == ["Ada Lovelace, Alan Turing"]
    assert feedparser.parse((site / "feed.xml").read_bytes()).entries[0].author == "Ada Lovelace, Alan Turing"
    atom = item(site, "atom.xml", "busy-000")
    assert [a.findtext(f"{ATOM}name") for a in atom.iter(f"{ATOM}author")] == ["Ada Lovelace", "Alan Turing"]
    first = json_feed(site / "feed.json")["items"][0]
    assert first["authors"] == [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}]


def test_items_link_to_arxiv_pdf_and_code(site):
    expected = [
        ("arXiv", "https://arxiv.org/abs/2310.07240"),
        ("PDF", "https://arxiv.org/pdf/2310.07240"),  # made from the arXiv id
        ("Code", "https://github.com/example/pixart"),
    ]
    atom = item(site, "atom.xml", "busy-000")
    links = [(a.get("rel"), a.get("title"), a.get("href")) for a in atom.iter(f"{ATOM}link")]
    assert links == [(None, None, BASE + "papers/busy-000/"), *(("related", t, u) for t, u in expected)]
    assert feedparser.parse((site / "atom.xml").read_bytes()).entries[0].link == BASE + "papers/busy-000/"
    rss_html = lxml_html.fragment_fromstring(item(site, "feed.xml", "busy-000").findtext("description"), "div")
    assert [(a.text_content(), a.get("href")) for a in rss_html.iter("a")] == expected
    first = json_feed(site / "feed.json")["items"][0]
    assert first["external_url"] == "https://arxiv.org/abs/2310.07240"
    assert [a.get("href") for a in lxml_html.fragment_fromstring(first["content_html"], "div").iter("a")] == [
        url for _, url in expected
    ]


def test_titles_are_plain_text_with_tex_as_unicode(site):
    title = "PixArt-α: a loss below 10⁻³"
    assert item(site, "feed.xml", "busy-000").findtext("title") == title
    assert item(site, "atom.xml", "busy-000").findtext(f"{ATOM}title") == title
    assert json_feed(site / "feed.json")["items"][0]["title"] == title
    assert item(site, "atom.xml", "busy-000").findtext(f"{ATOM}summary") == "We reach ϵ < 10⁻³ in 𝒪(n log n) steps."


def test_math_in_content_is_mathml_that_reads_as_math_when_tags_are_stripped(site):
    for text in (
        item(site, "feed.xml", "busy-000").findtext("description"),
        item(site, "atom.xml", "busy-000").findtext(f"{ATOM}content"),
        json_feed(site / "feed.json")["items"][0]["content_html"],
    ):
        assert text.count("<math ") == 2 and "<msup>" in text  # MathML readers still get MathML
        paragraph = lxml_html.fragment_fromstring(text, "div").find("p")
        assert " ".join(paragraph.text_content().split()) == "We reach ϵ < 10^−3 in 𝒪(n log n) steps."


# -- ids -------------------------------------------------------------------------------------------


def ids(site: Path) -> tuple[set[str], set[str]]:
    """The feed ids and the item ids of every feed of a site."""
    feed_ids, item_ids = set(), set()
    for path in site.rglob("atom.xml"):
        parsed = feedparser.parse(path.read_bytes())
        feed_ids.add(parsed.feed.id)
        item_ids |= {e.id for e in parsed.entries}
    for path in site.rglob("feed.xml"):
        item_ids |= {e.id for e in feedparser.parse(path.read_bytes()).entries}
    return feed_ids, item_ids


def test_two_sites_with_the_same_papers_share_no_feed_or_item_id(tmp_path):
    one = write_project(tmp_path / "one", "base_url: https://one.example/\n")
    two = write_project(tmp_path / "two", "base_url: https://two.example/papers/\n")
    (feeds_one, items_one), (feeds_two, items_two) = ids(one), ids(two)
    assert len(feeds_one) == len(feeds_two) == 2  # the site's and the speech tag's
    assert len(items_one) == len(items_two) == 429
    assert not feeds_one & feeds_two and not items_one & items_two


def test_ids_are_the_same_in_every_format_and_every_build(site, tmp_path):
    rss = {slug_of(e.link): e.id for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}
    atom = {slug_of(e.link): e.id for e in feedparser.parse((site / "atom.xml").read_bytes()).entries}
    items = {slug_of(i["url"]): i["id"] for i in json_feed(site / "feed.json")["items"]}
    assert rss == atom == items
    again = write_project(tmp_path, f"title: Busy\nbase_url: {BASE}\n")
    for name in ("feed.xml", "atom.xml", "feed.json", "tags/speech/feed.json"):
        assert (again / name).read_bytes() == (site / name).read_bytes()


# -- formats ---------------------------------------------------------------------------------------


JSON_FEED_KEYS = set(
    "version title home_page_url feed_url description user_comment next_url icon favicon authors language expired "
    "hubs items".split()
)
JSON_ITEM_KEYS = set(
    "id url external_url title content_html content_text summary image banner_image date_published date_modified "
    "authors tags language attachments".split()
)


def check_json_feed(feed: dict) -> list[str]:
    """What in `feed` breaks JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str) or not isinstance(feed.get("items"), list):
        problems.append("title and items are required")
    problems += [f"unknown key {k}" for k in feed if k not in JSON_FEED_KEYS and not k.startswith("_")]
    for key in ("home_page_url", "feed_url"):
        if key in feed and not feed[key].startswith("https://"):
            problems.append(f"{key} is not absolute")
    for author in feed.get("authors", []):
        if not isinstance(author, dict) or not {"name", "url", "avatar"} & author.keys():
            problems.append(f"author {author!r}")
    for i, entry in enumerate(feed.get("items", [])):
        problems += [f"item {i}: unknown key {k}" for k in entry if k not in JSON_ITEM_KEYS and not k.startswith("_")]
        if not isinstance(entry.get("id"), str) or not entry["id"]:
            problems.append(f"item {i}: id must be a non-empty string")
        if not isinstance(entry.get("content_html", entry.get("content_text")), str):
            problems.append(f"item {i}: content_html or content_text is required")
        for key in ("date_published", "date_modified"):
            if key in entry and dt.datetime.fromisoformat(entry[key]).tzinfo is None:
                problems.append(f"item {i}: {key} has no time zone (RFC 3339)")
        if not all(isinstance(tag, str) for tag in entry.get("tags", [])):
            problems.append(f"item {i}: tags must be strings")
        for author in entry.get("authors", []):
            if not isinstance(author, dict) or not {"name", "url", "avatar"} & author.keys():
                problems.append(f"item {i}: author {author!r}")
    return problems


def test_json_feeds_follow_json_feed_1_1_and_match_the_rss_feed(site):
    paths = sorted(site.rglob("feed.json"))
    assert [p.relative_to(site).as_posix() for p in paths] == ["feed.json", "tags/speech/feed.json"]
    for path in paths:
        feed = json_feed(path)
        assert check_json_feed(feed) == [], path
        assert feed["feed_url"] == BASE + path.relative_to(site).as_posix()
        rss = feedparser.parse((path.parent / "feed.xml").read_bytes())
        assert [i["id"] for i in feed["items"]] == [e.id for e in rss.entries]
        assert [i["title"] for i in feed["items"]] == [e.title for e in rss.entries]
    assert json_feed(site / "feed.json")["items"][0]["tags"] == ["speech"]
    assert check_json_feed({"version": "1", "items": [{"date_published": "2024-01-01T00:00:00"}]}) == [
        "version '1'",
        "title and items are required",
        "item 0: id must be a non-empty string",
        "item 0: content_html or content_text is required",
        "item 0: date_published has no time zone (RFC 3339)",
    ]


def test_every_xml_feed_parses_without_bozo(site):
    feeds = sorted(site.rglob("*.xml"))
    feeds = [p for p in feeds if p.name in ("feed.xml", "atom.xml")]
    assert len(feeds) == 4
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("rss20" if path.name == "feed.xml" else "atom10")


def test_pages_link_the_json_feeds_for_discovery(site):
    home = (site / "index.html").read_text()
    assert f'type="application/feed+json" title="Busy (JSON Feed)" href="{BASE}feed.json">' in home
    tag = (site / "tags/speech/index.html").read_text()
    assert f'type="application/feed+json" title="Busy: speech (JSON Feed)" href="{BASE}tags/speech/feed.json"' in tag


def test_feed_days_must_be_a_whole_number_of_at_least_one():
    with pytest.raises(ConfigError) as error:
        parse_config("feed_days: 0\n")
    assert "site.yaml:1: `feed_days` must be a whole number of at least 1, not 0" in str(error.value)
    assert (parse_config("").feed_days, parse_config("").feed_items) == (3, 1000)


# -- math as text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("PixArt-$\\alpha$", "PixArt-α"),
        ("$\\epsilon < 10^{-3}$", "ϵ < 10⁻³"),
        ("$\\mathcal{O}(n \\log n)$ time", "𝒪(n log n) time"),
        ("$x^{n+1}$ and $\\ell_1$", "xⁿ⁺¹ and ℓ₁"),
        ("$\\frac{a+b}{2}$", "(a+b)/2"),
        ("$\\sqrt{T}$ regret", "√T regret"),
        ("$\\hat{x}$", "x̂"),
        ("$\\mathbb{R}^{d \\times d}$", "ℝ^(d×d)"),
        ("$k \\in \\{1, \\dots, K\\}$", "k ∈ {1, …, K}"),
        ("costs $5 or $10", "costs $5 or $10"),
        ("no math", "no math"),
    ],
)
def test_plain_math_turns_tex_into_readable_unicode(text, plain):
    assert plain_math(text) == plain


EXPRESSIONS = [
    "\\epsilon < 10^{-3}",
    "\\sum_{i=1}^{n} x_i^2",
    "\\frac{a+b}{c}",
    "\\sqrt[3]{x+1}",
    "\\lim_{n \\to \\infty} f(n)",
    "\\begin{pmatrix}a&b\\\\c&d\\end{pmatrix}",
    "\\tilde{O}(\\sqrt{T})",
    "\\ell_\\infty",
]


def unmarked(element: ET.Element) -> ET.Element:
    """`element` without the marks `readable_mathml` adds: a mark's `<semantics>` becomes what it shows."""
    out = ET.Element(element.tag, element.attrib)
    out.text = element.text
    for child in element:
        if child.tag.endswith("semantics"):
            shown = child[0]
            if shown.tag.endswith("mrow") and len(shown) == 0:
                continue  # a mark between children
            child = shown
        out.append(unmarked(child))
    if out.tag.endswith("mrow") and len(out) == 1 and not (out.text or "").strip():
        return out[0]  # the row a mark was put in
    return out


@pytest.mark.parametrize("tex", EXPRESSIONS)
def test_marks_add_text_for_text_readers_and_nothing_for_mathml_readers(tex):
    mathml = tex_to_mathml(tex)
    marked = readable_mathml(f"<p>{mathml}</p>")[3:-4]
    added = {e.tag for e in ET.fromstring(marked).iter()} - {e.tag for e in ET.fromstring(mathml).iter()}
    assert added <= {"{http://www.w3.org/1998/Math/MathML}" + t for t in ("semantics", "annotation", "mrow")}
    canonical = ET.tostring(unmarked(ET.fromstring(marked)))
    assert canonical == ET.tostring(unmarked(ET.fromstring(mathml)))
    assert readable_mathml(mathml) == marked  # a pure function: the same bytes for the same input


def test_marked_text_reads_as_linear_math():
    def text(tex: str) -> str:
        return "".join(ET.fromstring(readable_mathml(tex_to_mathml(tex))).itertext())

    assert [text(t) for t in EXPRESSIONS] == [
        "ϵ < 10^−3",
        "∑_(i=1)^n x_i^2",
        "(a+b)/c",
        "(x+1)^(1/3)",
        "lim_(n→∞) f(n)",
        "(a, b; c, d)",
        "O~(√T)",
        "ℓ_∞",
    ]


# -- in a real reader ------------------------------------------------------------------------------


def test_newsboat_keeps_both_sites_whole_and_in_rank_order(tmp_path):
    """Two paperfeed sites with the same 429 papers, subscribed in one newsboat: every item of both arrives,
    and newsboat's date order (its default) is each site's ranked listing order."""
    import http.server
    import sqlite3
    import subprocess
    import threading
    from functools import partial

    if shutil.which("newsboat") is None:
        if os.environ.get("CI"):
            pytest.fail("newsboat is missing: .ci/run installs it")
        pytest.skip("newsboat is not installed (apt-get install -y newsboat)")
    served = tmp_path / "www"
    write_project(tmp_path / "one", "base_url: https://one.example/\n")
    write_project(tmp_path / "two", "base_url: https://two.example/papers/\n")
    served.mkdir()
    for name in ("one", "two"):
        shutil.copytree(tmp_path / name / "site", served / name)
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        (tmp_path / "urls").write_text(f"{base}/one/feed.xml\n{base}/two/atom.xml\n")
        (tmp_path / "config").write_text("")
        done = subprocess.run(
            ["newsboat", "-u", str(tmp_path / "urls"), "-c", str(tmp_path / "cache.db"), "-C",
             str(tmp_path / "config"), "-x", "reload"],
            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    finally:
        httpd.shutdown()
        httpd.server_close()
    with sqlite3.connect(tmp_path / "cache.db") as db:
        rows = db.execute("SELECT feedurl, url, guid FROM rss_item ORDER BY pubDate DESC, id").fetchall()
    # The ranked listing order, which the site's feeds keep (test_a_day_of_424_papers_arrives_whole_in_every_format).
    order = [slug_of(e.link) for e in feedparser.parse((tmp_path / "one/site/feed.xml").read_bytes()).entries]
    assert len(order) == 429
    for feed in (f"{base}/one/feed.xml", f"{base}/two/atom.xml"):
        items = [(url, guid) for feedurl, url, guid in rows if feedurl == feed]
        assert len({guid for _, guid in items}) == 429  # all of them, none merged with the other site's
        assert [slug_of(url) for url, _ in items] == order
