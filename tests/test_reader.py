"""Reader features without a browser: scholarly metadata, citations, related papers, search, theme budget."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import numpy as np
import pytest
from conftest import FIXTURES, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import search as search_module
from generator.cli import main
from generator.model.related import Doc, related, terms_of, terms_of_many, vectorize

BASE = "https://example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reader")
    shutil.copytree(FIXTURES / "sample_site", root, dirs_exist_ok=True)
    shutil.copytree(REPO / "themes", root / "themes")
    assert main(["-C", str(root), "-q", "build"]) == 0
    return root / "site"


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.append((a.get("name") or a.get("property"), a.get("content", "")))


def meta_of(html: str) -> list[tuple[str, str]]:
    parser = _Meta()
    parser.feed(html)
    return parser.meta


def test_paper_pages_carry_highwire_tags_that_zotero_reads(site):
    meta = meta_of((site / "papers/cachegen/index.html").read_text())
    assert ("citation_title", "CacheGen: Fast Context Loading for Language Model Applications") in meta
    assert [v for k, v in meta if k == "citation_author"] == ["Yuhan Liu", "Hanchen Li"]
    assert ("citation_publication_date", "2024/03/11") in meta
    assert ("citation_online_date", "2024/03/11") in meta
    assert ("citation_abstract_html_url", BASE + "papers/cachegen/") in meta
    # Zotero's Embedded Metadata translator recognises a page by citation_title plus authors or a date.
    names = {k for k, _ in meta}
    assert {"citation_title", "citation_author", "citation_publication_date"} <= names
    assert ("og:type", "article") in meta and ("twitter:card", "summary") in meta


def test_arxiv_papers_get_arxiv_id_pdf_and_doi_tags(tmp_path):
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    (tmp_path / "site.yaml").write_text("base_url: https://example.org/\nbib_files: true\n")
    assert main(["-C", str(tmp_path), "-q", "ingest", str(FIXTURES / "arxiv_atom/query.xml")]) == 0
    assert main(["-C", str(tmp_path), "-q", "build", "--no-search"]) == 0
    html = (tmp_path / "site/papers/lora-low-rank-adaptation-of-large-language-models/index.html").read_text()
    meta = meta_of(html)
    assert ("citation_arxiv_id", "2106.09685") in meta
    assert ("citation_pdf_url", "https://arxiv.org/pdf/2106.09685") in meta
    assert ("citation_doi", "10.48550/arxiv.2106.09685") in meta  # DOIs ignore case: paperfeed keeps them lower-case
    assert ("citation_publication_date", "2021/06/17") in meta
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "ScholarlyArticle" and data["sameAs"] == "https://arxiv.org/abs/2106.09685"
    assert {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.48550/arxiv.2106.09685"} in data["identifier"]
    assert data["author"][0] == {"@type": "Person", "name": "Edward J. Hu"}
    bib = (
        tmp_path / "site/papers/lora-low-rank-adaptation-of-large-language-models/"
        "lora-low-rank-adaptation-of-large-language-models.bib"
    ).read_text()
    [entry] = bibtexparser.parse_string(bib).entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.key == "hu2021lora" and fields["eprint"] == "2106.09685" and fields["archivePrefix"] == "arXiv"
    assert fields["author"] == "Hu, Edward J. and Shen, Yelong" and fields["primaryClass"] == "cs.CL"


def test_every_paper_has_a_cite_block_and_a_bib_that_parses(site):
    for folder in sorted((site / "papers").iterdir()):
        html = (folder / "index.html").read_text()
        assert 'id="bibtex"' in html and f'href="/papers/{folder.name}/{folder.name}.bib" download' in html
        library = bibtexparser.parse_string((folder / f"{folder.name}.bib").read_text())
        assert len(library.entries) == 1 and not library.failed_blocks, folder.name


def test_without_bib_files_the_browser_makes_the_download(tmp_path):
    shutil.copytree(FIXTURES / "sample_site", tmp_path, dirs_exist_ok=True)
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    config = tmp_path / "site.yaml"
    config.write_text(config.read_text().replace("bib_files: true\n", ""))
    assert main(["-C", str(tmp_path), "-q", "build", "--no-search"]) == 0
    assert not list((tmp_path / "site").rglob("*.bib"))
    for folder in sorted((tmp_path / "site" / "papers").iterdir()):
        html = (folder / "index.html").read_text()
        assert f'data-download="bibtex" data-filename="{folder.name}.bib" hidden>Download .bib</button>' in html
        assert '.bib" download' not in html


def doc(key: str, title: str, text: str, tags: set[str]) -> Doc:
    return Doc(key, terms_of(title, text), frozenset(tags))


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("aZk9 0_-.\u00e9\u0130\u212a\u00df\ufb01\u0301\U0001d400\n\t\x00$"), max_size=40),
    st.text(max_size=30),
)
def test_terms_count_the_words_the_word_pattern_finds(text, title):
    # The definition of a word, applied the slow way: lowercase, then the regex.
    from collections import Counter

    from generator.model.related import _WORD, STOP_WORDS, TITLE_WEIGHT

    counts = Counter(_WORD.findall(text.lower()))
    for word in _WORD.findall(title.lower()):
        counts[word] += TITLE_WEIGHT
    expected = {w: c for w, c in counts.items() if w not in STOP_WORDS}
    # Each term is the 64-bit BLAKE2b of its word (the same in every process and run), in ascending order.
    hashed = sorted(
        (int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little"), c) for w, c in expected.items()
    )
    hashes, weights = terms_of(title, text)
    assert list(hashes) == [h for h, _ in hashed]
    assert list(weights) == [float(c) for _, c in hashed]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.sampled_from("aZk9 0_-.\u00e9\u0130\n"), max_size=12),
            st.text(alphabet=st.sampled_from("abk9 0_-.\u00e9\u0130\n"), max_size=60),
        ),
        max_size=8,
    )
)
def test_terms_of_many_papers_are_each_papers_terms(papers):
    # With stop words, digits and one-letter words among them, which are no terms.
    papers = papers + [("The 2 of us", "of the use of a kv cache 42 x2 X2"), ("", "")]
    assert terms_of_many(papers) == [terms_of(title, text) for title, text in papers]
    assert terms_of_many([]) == []


def test_related_papers_are_similar_deterministic_and_never_self():
    docs = [
        doc(*args)
        for args in [
            ("kv-a", "KV cache compression for LLM serving", "We compress the KV cache of LLM inference.", {"kv"}),
            ("kv-b", "Evicting KV cache entries", "KV cache eviction keeps LLM inference memory low.", {"kv"}),
            ("kv-c", "KV cache offloading", "Offloading the KV cache to CPU memory for LLM inference.", set()),
            ("speech", "Speech enhancement with diffusion", "Diffusion models denoise speech recordings.", set()),
            ("speech-2", "Diffusion speech codecs", "A diffusion decoder for neural speech codecs.", set()),
        ]
    ]
    result = related(docs, k=2)
    assert result == related(list(reversed(docs)), k=2)
    assert result["kv-a"][0] in ("kv-b", "kv-c") and "kv-a" not in result["kv-a"]
    assert set(result["speech"]) <= {"speech-2", "kv-a", "kv-b", "kv-c"} and result["speech"][0] == "speech-2"
    assert related(docs[:1]) == {"kv-a": ()}


def test_related_ties_are_broken_by_shared_tags():
    docs = [
        doc("a", "alpha beta", "", {"t"}),
        doc("b", "alpha beta", "", set()),
        doc("c", "alpha beta", "", {"t"}),
        doc("z", "gamma delta", "", set()),
    ]
    assert related(docs, k=2)["a"] == ("c", "b")


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(
        st.lists(
            st.sampled_from(["kv", "cache", "speech", "codec", "graph", "token", "audio"]), min_size=1, max_size=6
        ),
        min_size=2,
        max_size=30,
    ),
    tags=st.lists(st.frozensets(st.sampled_from(["a", "b", "c"])), min_size=30, max_size=30),
)
def test_related_is_the_brute_force_ranking(texts, tags):
    # Every pair scored densely: best score first, then most shared tags, then slug order.
    docs = [Doc(f"d{i:02d}", terms_of("", " ".join(words)), tags[i]) for i, words in enumerate(texts)]
    prepared = vectorize(docs)
    found = related(prepared, k=3)
    if len(docs) < 2:
        return
    rows, cols, data, width = prepared.arrays
    vectors = np.zeros((len(docs), width))
    vectors[rows, cols] = data
    scores = np.round(vectors @ vectors.T, 9)
    ordered = prepared.docs
    for i, me in enumerate(ordered):
        others = [j for j in range(len(ordered)) if j != i and scores[i, j] > 0]
        others.sort(key=lambda j: (-scores[i, j], -len(me.tags & ordered[j].tags), j))
        assert found[me.key] == tuple(ordered[j].key for j in others[:3])


def related_on_page(html: str) -> list[str]:
    """The slugs the page's Related papers section links to, in order; [] without the section."""
    section = re.search(r'<section class="related" aria-labelledby="related-label".*?</section>', html, re.S)
    return re.findall(r'<li><a href="/papers/([^/"]+)/">', section.group(0)) if section else []


def test_paper_pages_list_related_papers(site):
    # Papers are related by the words they share: "speech" (Speech Only, WavThruVec), "abstract" (Speech Only,
    # the XSS paper), "fast" (the titles of CacheGen and PixArt); no other word is in two papers. Speech Only is
    # nearer WavThruVec (both have "speech" in the title, which weighs double) than the XSS paper (one body word).
    related = {page.parent.name: related_on_page(page.read_text()) for page in (site / "papers").glob("*/index.html")}
    assert related == {
        "cachegen": ["pixart-a"],
        "pixart-a": ["cachegen"],
        "speech-only": ["wavthruvec", "xss"],
        "wavthruvec": ["speech-only"],
        "xss": ["speech-only"],
    }


def test_search_index_is_built_and_only_papers_are_indexed(site):
    assert (site / "pagefind/pagefind.js").is_file() and (site / "search/index.html").is_file()
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 5
    home = (site / "index.html").read_text()
    assert 'action="/search/"' in home and "data-pagefind-body" not in home


def test_no_search_flag_and_a_missing_binary(sample_root, monkeypatch, capsys):
    assert main(["-C", str(sample_root), "-q", "build", "--no-search"]) == 0
    assert not (sample_root / "site/pagefind").exists() and not (sample_root / "site/search").exists()
    assert 'action="/search/"' not in (sample_root / "site/index.html").read_text()

    def missing():
        raise search_module.BuildError(search_module.MISSING)

    monkeypatch.setattr("generator.build.search.find_pagefind", missing)
    assert main(["-C", str(sample_root), "build"]) == 1
    assert "search needs the Pagefind binary" in capsys.readouterr().err


@pytest.fixture
def sample_root(tmp_path) -> Path:
    shutil.copytree(FIXTURES / "sample_site", tmp_path, dirs_exist_ok=True)
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    return tmp_path


def test_tag_index_sorts_by_name_and_by_count(site):
    by_name = re.findall(r'class="tag-name" href="/tags/([^/]+)/"', (site / "tags/index.html").read_text())
    by_count = re.findall(r'class="tag-name" href="/tags/([^/]+)/"', (site / "tags/by-count/index.html").read_text())
    assert by_name == ["b-bold-b", "diffusion", "kv-cache", "llm", "speech"]  # by name: "<b>bold</b>", ..., "Speech"
    assert by_count == ["speech", "b-bold-b", "diffusion", "kv-cache", "llm"]  # 3 papers, then 1 each by name


def test_theme_budget_and_no_requests_to_other_hosts(site):
    static = site / "static"
    assert (static / "style.css").stat().st_size < 30_000
    assert sorted(p.name for p in static.glob("*.js")) == ["follow.js", "search.js", "site.js", "theme.js"]
    for page in [site / "index.html", site / "papers/cachegen/index.html", site / "search/index.html"]:
        html = page.read_text()
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html):
            url = re.search(r'(?:src|href)="([^"]+)"', tag)
            if url and 'rel="alternate"' not in tag and 'rel="canonical"' not in tag:
                assert url.group(1).startswith("/"), tag
    assert "http" not in (static / "style.css").read_text().replace("http://www.w3.org", "")


WORDS = ["cache", "kv", "speech", "codec", "diffusion", "serving", "latency", "token", "quantized", "graph"]


@settings(max_examples=300, deadline=None)
@given(
    corpus=st.lists(st.lists(st.sampled_from(WORDS), max_size=12), min_size=2, max_size=8),
    edits=st.lists(
        st.tuples(st.integers(0, 7), st.lists(st.sampled_from(WORDS + ["zyzzyva", "quokka"]), max_size=12)),
        min_size=1,
        max_size=3,
    ),
    tags=st.lists(st.sampled_from(["a", "b"]), max_size=8),
)
def test_frequencies_tell_exactly_when_an_edit_leaves_every_vector_alone(corpus, edits, tags):
    def docs_of(texts):
        return [
            Doc(f"d{i}", terms_of("", " ".join(words)), frozenset(tags[i : i + 1])) for i, words in enumerate(texts)
        ]

    before = vectorize(docs_of(corpus))
    after_texts = list(corpus)
    for i, words in edits:
        after_texts[i % len(corpus)] = after_texts[i % len(corpus)] + words
    changed = sorted({i % len(corpus) for i, _ in edits})
    after = vectorize(docs_of(after_texts))
    old_docs, new_docs = docs_of(corpus), docs_of(after_texts)
    edited = before.frequencies.edited([(old_docs[i].terms, new_docs[i].terms) for i in changed])
    if edited is not None:
        assert after.key == before.key and related(after) == related(before)
        assert np.array_equal(edited.vocabulary, after.frequencies.vocabulary)
        assert np.array_equal(edited.df, after.frequencies.df)


def test_a_word_used_once_leaves_related_papers_alone():
    docs = [doc(f"p{i}", "kv cache serving", "latency of the kv cache", set()) for i in range(3)]
    edited = Doc("p0", terms_of("kv cache serving", "latency of the kv cache. Zyzzyva."), frozenset())
    vectors = vectorize(docs)
    assert vectors.frequencies.edited([(docs[0].terms, edited.terms)]) is not None
    assert vectorize([edited, *docs[1:]]).key == vectors.key
