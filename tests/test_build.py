"""`paperfeed build` on the small sample site: pages, links, pagination, tags, feeds, safety."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from conftest import FIXTURES, REPO, broken_links, stable_files, tree, write_files

from generator.cli import main

BASE = "https://example.org/"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(FIXTURES / "sample_site", root)
    shutil.copytree(REPO / "themes", root / "themes")
    return root


def build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "-q", "build", *args])


def test_sample_builds_every_page_kind(sample):
    assert build(sample) == 0
    site = sample / "site"
    expected = [
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "404.html",
        "papers/cachegen/index.html",
        "papers/wavthruvec/index.html",
        "papers/pixart-a/index.html",
        "papers/xss/index.html",
        "papers/speech-only/index.html",
        "tags/index.html",
        "tags/speech/index.html",
        "tags/speech/page/2/index.html",
        "tags/llm/index.html",
        "tags/kv-cache/index.html",
        "tags/diffusion/index.html",
        "archive/index.html",
        "feed.xml",
        "atom.xml",
        "tags/speech/feed.xml",
        "tags/speech/atom.xml",
        "feeds.opml",
        "sitemap.xml",
        "robots.txt",
    ]
    for path in expected:
        assert (site / path).is_file(), path
    assert not (site / "page/4").exists() and not (site / "page/1").exists()
    assert broken_links(site, BASE) == []


def test_home_lists_newest_first_and_paginates(sample):
    build(sample)
    site = sample / "site"
    home = (site / "index.html").read_text()
    assert home.index("PixArt") < home.index("CacheGen")
    assert 'href="/page/2/"' in home and "Page 1 of 3" in home
    last = (site / "page/3/index.html").read_text()
    assert "Speech Only" in last and 'rel="next"' not in last
    assert "https://github.com/UChi-JCL/CacheGen" in home  # code link on the listing


def test_tag_index_counts_and_tag_pages(sample):
    build(sample)
    site = sample / "site"
    tags = (site / "tags/index.html").read_text()
    assert '<a class="tag-name" href="/tags/speech/">Speech</a> <span class="count">3</span>' in tags
    speech = (site / "tags/speech/index.html").read_text()
    assert "Spoken language processing." in speech
    assert 'href="https://example.org/tags/speech/feed.xml"' in speech
    assert 'rel="alternate" type="application/atom+xml"' in speech


def test_paper_page_shows_abstract_tags_links_sources(sample):
    build(sample)
    page = (sample / "site/papers/cachegen/index.html").read_text()
    for text in (
        "CacheGen: Fast Context Loading",
        '<a href="/authors/yuhan-liu/">Yuhan Liu</a>, <a href="/authors/hanchen-li/">Hanchen Li</a>',
        'href="/tags/kv-cache/"',
        'href="https://arxiv.org/abs/2310.07240"',
        "001_57bc9e7ee142a0d4.txt",
        "Mar 11, 2024",
    ):
        assert text in page


def test_tex_renders_as_mathml_and_dollar_amounts_stay_text(sample):
    build(sample)
    page = (sample / "site/papers/pixart-a/index.html").read_text()
    assert (
        '<h1 data-pagefind-meta="title">PixArt-<math xmlns="http://www.w3.org/1998/Math/MathML" '
        'display="inline" alttext="α"><mrow><mi>α</mi></mrow></math>: Fast Training'
    ) in page
    alts = re.findall(r'<math [^>]*alttext="([^"]*)"', page.split("<h2", 1)[1])
    assert "\\mathcal{O}(n \\log n)" in alts and "a_1 * b_2" in alts and "c*d" in alts
    assert "costs $5 or $10." in page
    assert "<em>" not in page  # "*" inside math is not emphasis
    feed = feedparser.parse((sample / "site/feed.xml").read_bytes())
    pixart = next(e for e in feed.entries if "PixArt" in e.title)
    assert pixart.title == "PixArt-α: Fast Training of Diffusion Transformer"  # TeX as Unicode in feed titles
    assert "<math" in pixart.description


def test_tex_that_cannot_be_converted_stays_visible(sample):
    write_files(
        sample,
        {
            "content/papers/bad-tex.md": "---\ntitle: Broken $\\frac{a}{$ math\ndate: 2024-01-01\n---\n"
            "Also $\\frac{x}{$ here.\n"
        },
    )
    assert build(sample) == 0
    page = (sample / "site/papers/bad-tex/index.html").read_text()
    assert '<span class="math tex-source">$\\frac{a}{$</span>' in page
    assert '<span class="math tex-source">$\\frac{x}{$</span>' in page


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # The theme's own scripts and JSON-LD data are the only scripts a page may hold.
        own = tag == "script" and (
            (attributes.get("src") or "").startswith("/static/") or attributes.get("type") == "application/ld+json"
        )
        if tag in ("script", "iframe", "object", "embed") and not own:
            self.scripts += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"{tag} {name}")
            if (
                name in ("href", "src")
                and value
                and value.replace(" ", "").lower().startswith(("javascript:", "data:"))
            ):
                self.bad.append(f"{tag} {name}={value}")


def test_text_from_sources_is_never_markup(sample):
    build(sample)
    site = sample / "site"
    for page in ("papers/xss/index.html", "index.html", "tags/speech/page/2/index.html", "tags/index.html"):
        audit = _Audit()
        audit.feed((site / page).read_text())
        assert audit.scripts == 0 and audit.bad == [], page
    page = (site / "papers/xss/index.html").read_text()
    jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(jsonld)["name"] == '<script>alert("title")</script> & Friends'
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; Friends" in page
    assert "&lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;" in page or '&lt;script&gt;alert("body")' in page
    assert 'href="https://example.com/"' in page


def test_feeds_parse_cleanly_with_unique_guids_and_live_links(sample):
    build(sample)
    site = sample / "site"
    feeds = sorted(site.rglob("*.xml"))
    feeds = [f for f in feeds if f.name in ("feed.xml", "atom.xml")]
    assert len(feeds) == 2 * (1 + 5)  # site + speech, llm, kv-cache, diffusion, b-bold-b
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        guids = [e.id for e in parsed.entries]
        assert len(guids) == len(set(guids))
        for entry in parsed.entries:
            assert entry.link.startswith(BASE)
            assert (site / entry.link[len(BASE) :] / "index.html").is_file()
    site_feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert [e.title for e in site_feed.entries] == [
        "PixArt-α: Fast Training of Diffusion Transformer",
        "CacheGen: Fast Context Loading for Language Model Applications",
        "WavThruVec: Latent speech representation as intermediate features",
    ]  # newest first, same day by slug, whole days within feed_items
    assert site_feed.feed.updated_parsed[:3] == (2024, 3, 12)
    assert site_feed.entries[0].published_parsed[:3] == (2024, 3, 12)
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    assert atom.version == "atom10" and site_feed.version == "rss20"
    cachegen = atom.entries[1]
    assert [a.name for a in cachegen.authors] == ["Yuhan Liu", "Hanchen Li"]
    assert [t.term for t in cachegen.tags] == ["llm", "kv-cache"]
    assert [t.term for t in site_feed.entries[1].tags] == [t.label for t in cachegen.tags]
    assert "Sat, 11 Mar 2024" not in (site / "feed.xml").read_text()
    assert "Mon, 11 Mar 2024 00:00:00 +0000" in (site / "feed.xml").read_text()


def test_two_builds_are_byte_identical(sample, tmp_path):
    # Two copies of the project in different folders, each built from nothing (a second build of the
    # same folder would reuse the first one's outputs), the second in another process with another
    # hash seed (set and dict-of-set orders) and time zone.
    assert build(sample) == 0
    other = tmp_path / "elsewhere" / "sample"
    shutil.copytree(FIXTURES / "sample_site", other)
    shutil.copytree(REPO / "themes", other / "themes")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": "12345", "TZ": "Pacific/Kiritimati"}
    subprocess.run([sys.executable, "-m", "generator", "-C", str(other), "-q", "build"], env=env, check=True)
    first, second = tree(sample / "site"), tree(other / "site")
    assert len(first) > 40 and any(path.startswith("pagefind/") for path in first)
    assert stable_files(second) == stable_files(first)


def test_one_process_and_several_build_the_same_bytes(sample):
    # With several processes, related papers are found in a background process while the model is built.
    build(sample, "--no-search", "--clean", "--jobs", "1")
    alone = tree(sample / "site")
    build(sample, "--no-search", "--clean", "--jobs", "2")
    assert tree(sample / "site") == alone
    assert any("Related papers" in text.decode() for path, text in alone.items() if path.startswith("papers/"))


def test_guids_survive_title_and_scheme_changes_and_belong_to_the_site_address(sample):
    def guids() -> dict[str, str]:
        entries = feedparser.parse((sample / "site/feed.xml").read_bytes()).entries
        return {e.link.rsplit("/", 2)[-2]: e.id for e in entries}

    build(sample)
    before = guids()
    path = sample / "content/papers/cachegen.md"
    path.write_text(path.read_text().replace("title: 'CacheGen:", "title: 'CacheGen (renamed):"))
    build(sample, "--base-url", "http://example.org/")
    assert guids() == before
    # Another site (another host or path) has its own GUIDs: a reader following two sites keeps both copies.
    build(sample, "--base-url", "https://other.example/feeds/")
    after = guids()
    assert after.keys() == before.keys() and not set(after.values()) & set(before.values())


def test_sub_path_base_url_keeps_every_link_inside_the_sub_path(sample):
    base = "https://example.org/reading-group/"
    assert build(sample, "--base-url", base) == 0
    site = sample / "site"
    assert broken_links(site, base) == []
    home = (site / "index.html").read_text()
    assert 'href="/reading-group/papers/' in home and 'href="/papers/' not in home
    assert 'href="/reading-group/static/style.css?v=' in home
    feed = feedparser.parse((site / "tags/speech/feed.xml").read_bytes())
    assert all(e.link.startswith(base + "papers/") for e in feed.entries)
    assert feed.feed.link == base + "tags/speech/"
    assert f"<loc>{base}papers/cachegen/</loc>" in (site / "sitemap.xml").read_text()
    assert f'xmlUrl="{base}tags/speech/feed.xml"' in (site / "feeds.opml").read_text()


def test_broken_entry_is_reported_and_skipped_or_fails_with_strict(sample, capsys):
    write_files(sample, {"content/papers/broken.md": "---\ntitle: Broken\ndate: someday\n---\n"})
    assert build(sample) == 0
    assert "content/papers/broken.md:3: `date` must be a date" in capsys.readouterr().err
    assert (sample / "site/papers/cachegen/index.html").is_file()
    assert not (sample / "site/papers/broken").exists()
    assert build(sample, "--strict") == 1


def test_template_error_names_the_template_and_leaves_the_old_site(sample, capsys):
    build(sample)
    before = tree(sample / "site")
    template = sample / "themes/default/templates/paper.html"
    template.write_text(template.read_text().replace("{{ paper.title }}", "{{ paper.no_such_field }}", 1))
    assert build(sample) == 1
    err = capsys.readouterr().err
    assert "paper.html" in err and "no_such_field" in err
    assert tree(sample / "site") == before


def test_output_folder_may_not_be_the_project_or_content(sample, capsys):
    assert build(sample, "--output", ".") == 1
    assert build(sample, "--output", "content") == 1
    assert "choose another output_dir" in capsys.readouterr().err
    assert (sample / "content/papers/cachegen.md").is_file()


def test_empty_project_builds_a_site_with_no_papers(tmp_path):
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    (tmp_path / "site.yaml").write_text("")
    assert build(tmp_path) == 0
    assert "No papers yet" in (tmp_path / "site/index.html").read_text()
    assert not feedparser.parse((tmp_path / "site/feed.xml").read_bytes()).bozo


def test_output_folder_is_readable_by_others(sample):
    build(sample)
    mode = (sample / "site").stat().st_mode & 0o777
    assert mode & 0o055 == 0o055 or mode == 0o777 & ~os.umask(os.umask(0))
