"""Venues (generator/model/venues.py, and their pages through generator/model/taxonomies.py): a
journal_ref's venue, normalised so that one venue's papers group together; venue pages, their index
and feeds, the link from a paper's journal reference, the settings, and patching after an edit."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, broken_links, copy_project, tree, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.config import Config, parse_config
from generator.content.entry import Entry
from generator.errors import ConfigError
from generator.ingest.registry import ParseOptions, read_source
from generator.model.site import Site, build_site
from generator.model.taxonomies import taxonomy_shape, venue_ref
from generator.model.venues import parse_venue, venue_slug

REAL = REPO.parent / "shared" / "real-sources"
needs_real = pytest.mark.skipif(
    not REAL.is_dir() and not os.environ.get("CI"), reason="../shared/real-sources is not here"
)

# (journal_ref, the venue's name or None, the part of journal_ref that names it)
CASES = [
    # arXiv API responses in ../shared/real-sources/arxiv-atom/
    ("Phys. Rev. B 74, 024520 (2006)", "Phys. Rev. B", "Phys. Rev. B"),
    ("Physical Review B 82, 060515(R) (2010)", "Phys. Rev. B", "Physical Review B"),
    ("Int. J. Mod. Phys. B, 26, 1244002 (2012)", "Int. J. Mod. Phys. B", "Int. J. Mod. Phys. B"),
    ("Annals of Physics 324, 523 (2009).", "Annals of Physics", "Annals of Physics"),
    ("ActaAstron.56:1-50,2006", "ActaAstron", "ActaAstron."),
    # BibTeX journal, journaltitle and booktitle in ../shared/real-sources/bibtex/
    ("Advances in Neural Information Processing Systems 30", "NeurIPS",
     "Advances in Neural Information Processing Systems"),
    ("Advances in neural information processing systems", "NeurIPS",
     "Advances in neural information processing systems"),
    ("FE@ NIPS", "FE@NIPS", "FE@ NIPS"),  # a workshop at NIPS is not NIPS
    ("NUT@EMNLP", "NUT@EMNLP", "NUT@EMNLP"),
    ("Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition", "CVPR",
     "Computer Vision and Pattern Recognition"),
    ("Computer Vision and Pattern Recognition (CVPR), 2017 IEEE Conference on", "CVPR",
     "Computer Vision and Pattern Recognition"),
    ("European conference on computer vision", "ECCV", "European conference on computer vision"),
    ("International Conference on Machine Learning (ICML)", "ICML", "International Conference on Machine Learning"),
    ("Proceedings of the 23rd ACM SIGKDD International Conference on Knowledge Discovery and Data Mining", "KDD",
     "SIGKDD"),
    ("Proceedings of the 2016 CHI Conference on Human Factors in Computing Systems", "CHI", "CHI"),
    ("Proceedings of the SIGCHI Conference on Human Factors in Computing Systems", "CHI",
     "Conference on Human Factors in Computing Systems"),
    ("Acm Transactions On Graphics (Tog)", "ACM Transactions on Graphics", "Acm Transactions On Graphics"),
    ("ACM Transactions on Information Systems (TOIS)", "ACM Transactions on Information Systems",
     "ACM Transactions on Information Systems (TOIS)"),
    (("Proceedings of the 59th Annual Meeting of the Association for Computational Linguistics and the 11th "
      "International Joint Conference on Natural Language Processing (Volume 1: Long Papers)"), "ACL",
     "Annual Meeting of the Association for Computational Linguistics"),
    (("Proceedings of the 2019 Conference of the North American Chapter of the Association for Computational "
      "Linguistics: Human Language Technologies, Volume 1 (Long and Short Papers)"), "NAACL",
     "North American Chapter of the Association for Computational Linguistics"),
    (("Proceedings of the 2019 Conference on Empirical Methods in Natural Language Processing and the 9th "
      "International Joint Conference on Natural Language Processing (EMNLP-IJCNLP)"), "EMNLP",
     "Empirical Methods in Natural Language Processing"),
    ("Findings of the Association for Computational Linguistics: EMNLP 2021", "Findings of EMNLP",
     "Findings of the Association for Computational Linguistics: EMNLP"),
    ("Transactions of the Association for Computational Linguistics",
     "Transactions of the Association for Computational Linguistics",
     "Transactions of the Association for Computational Linguistics"),
    ("Proceedings of the AAAI Conference on Artificial Intelligence", "AAAI", "AAAI"),
    ("Proceedings of the 3rd Workshop on Machine Reading for Question Answering",
     "Workshop on Machine Reading for Question Answering", "Workshop on Machine Reading for Question Answering"),
    ("Proceedings of The Eleventh Asian Conference on Machine Learning", "Asian Conference on Machine Learning",
     "Asian Conference on Machine Learning"),  # not ICML
    ("Proceedings of the Eighth Joint Conference on Lexical and Computational Semantics (*SEM 2019)",
     "Joint Conference on Lexical and Computational Semantics",
     "Joint Conference on Lexical and Computational Semantics"),
    ("Proceedings of the IEEE", "Proceedings of the IEEE", "Proceedings of the IEEE"),  # a journal
    ("Proceedings of the National Academy of Sciences", "PNAS", "Proceedings of the National Academy of Sciences"),
    ("nature", "Nature", "nature"),
    ("Nature Biomedical Engineering", "Nature Biomedical Engineering", "Nature Biomedical Engineering"),
    ("J. Amer. Math. Soc.", "J. Amer. Math. Soc.", "J. Amer. Math. Soc."),
    ("Journal of King Saud University - Computer and Information Sciences",
     "Journal of King Saud University - Computer and Information Sciences",
     "Journal of King Saud University - Computer and Information Sciences"),
    ("arXiv preprint arXiv:1506.02078", None, ""),
    ("CoRR", None, ""),
    # journal_ref as arXiv authors write it
    ("ICLR 2023", "ICLR", "ICLR"),
    ("NeurIPS 2022", "NeurIPS", "NeurIPS"),
    ("Advances in Neural Information Processing Systems 35 (NeurIPS 2022)", "NeurIPS",
     "Advances in Neural Information Processing Systems"),
    ("NIPS 2017", "NeurIPS", "NIPS"),
    ("Accepted at NeurIPS 2023", "NeurIPS", "NeurIPS"),
    ("Published as a conference paper at ICLR 2024", "ICLR", "ICLR"),
    ("ICLR'23", "ICLR", "ICLR"),
    ("Accepted by IEEE TPAMI", "IEEE Transactions on Pattern Analysis and Machine Intelligence", "TPAMI"),
    ("EMNLP 2023 Findings", "Findings of EMNLP", "EMNLP 2023 Findings"),
    ("ACL 2023 (Findings)", "Findings of ACL", "ACL 2023 (Findings)"),
    ("17th USENIX Symposium on Operating Systems Design and Implementation (OSDI 23)", "OSDI",
     "Symposium on Operating Systems Design and Implementation"),
    ("PVLDB 16(8): 1977-1990, 2023", "VLDB", "PVLDB"),
    ("Accepted at the ICML 2023 Workshop on Efficient Systems", "ICML Workshop on Efficient Systems",
     "ICML 2023 Workshop on Efficient Systems"),
    ("Journal of Machine Learning Research 21(140):1-67, 2020", "Journal of Machine Learning Research",
     "Journal of Machine Learning Research"),
    ("JMLR 2023", "Journal of Machine Learning Research", "JMLR"),
    ("Phys. Rev. D 98, 123456 (2018)", "Phys. Rev. D", "Phys. Rev. D"),
    ("Accepted for publication in Physical Review D", "Phys. Rev. D", "Physical Review D"),
    ("Phys.Rev.D98:123456,2018", "Phys. Rev. D", "Phys.Rev.D"),
    ("Phys. Rev. Lett. 120, 010501 (2018)", "Phys. Rev. Lett.", "Phys. Rev. Lett."),
    ("Eur.Phys.J. C31 (2003) 17-29", "Eur. Phys. J. C", "Eur.Phys.J. C"),
    ("JHEP05(2018)123", "JHEP", "JHEP"),
    ("Mon.Not.Roy.Astron.Soc. 400 (2009) 1", "Mon. Not. R. Astron. Soc.", "Mon.Not.Roy.Astron.Soc."),
    ("J. Chem. Phys. 115, 1626 (2001)", "J. Chem. Phys.", "J. Chem. Phys."),
    ("Pattern Recognition, Volume 120, 2021", "Pattern Recognition", "Pattern Recognition"),
    ("To appear in Annals of Statistics", "Annals of Statistics", "Annals of Statistics"),
    ("Phys. Rev. D, in press", "Phys. Rev. D", "Phys. Rev. D"),
    ("Nature, May 2020", "Nature", "Nature"),
    ("Submitted to Phys. Rev. D", None, ""),
    ("Under review", None, ""),
    ("2023", None, ""),
    ("12 pages, 5 figures", None, ""),
    ("pp. 1-10", None, ""),
    ("Accepted", None, ""),
    ("", None, ""),
]  # fmt: skip


@pytest.mark.parametrize("journal_ref, name, text", CASES)
def test_a_journal_ref_names_its_venue_and_the_part_that_names_it(journal_ref, name, text):
    venue = parse_venue(journal_ref)
    assert (venue.name if venue else None) == name
    assert (journal_ref[venue.start : venue.end] if venue else "") == text


def test_spellings_of_one_venue_share_a_slug():
    assert {venue_slug(parse_venue(j).name) for j in ("ICLR 2022", "ICLR 2023", "Accepted to ICLR 2024")} == {"iclr"}
    assert venue_slug("The Journal of physiology") == venue_slug("Journal of Physiology") == "journal-of-physiology"
    assert venue_slug("Phys. Rev. D") == "phys-rev-d"
    assert venue_slug("Page") == "page-tag"  # never an index page's own address


def test_a_venue_ref_splits_the_journal_ref_around_the_venue():
    ref = venue_ref("Advances in Neural Information Processing Systems 35 (NeurIPS 2022)")
    assert (ref.slug, ref.name, ref.before, ref.text, ref.after) == (
        "neurips", "NeurIPS", "", "Advances in Neural Information Processing Systems", " 35 (NeurIPS 2022)"
    )  # fmt: skip
    assert venue_ref("Accepted at NeurIPS 2023").before == "Accepted at "
    assert venue_ref("") is None and venue_ref("12 pages") is None


@needs_real
def test_real_journal_refs_group_into_venues():
    found: Counter[str] = Counter()
    names: dict[str, str] = {}
    for path in sorted([*(REAL / "arxiv-atom").iterdir(), *(REAL / "bibtex").iterdir()]):
        for paper in read_source(path, path.name, ParseOptions(today=dt.date(2026, 1, 1))).papers:
            venue = parse_venue(paper.journal_ref)
            if venue:
                found[venue_slug(venue.name)] += 1
                names.setdefault(venue_slug(venue.name), venue.name)
    assert len(found) == 75  # of 123 journal references
    assert {names[slug]: count for slug, count in found.most_common(6)} == {
        "Phys. Rev. B": 9, "EMNLP": 8, "NeurIPS": 7, "ACL": 6, "Distill": 5, "CVPR": 4,
    }  # fmt: skip


# -- the model --------------------------------------------------------------------------------

D = dt.date
CONFIG = Config(title="Test Feed", base_url="https://example.org/", per_page=2, feed_days=1, author_pages=False)
ENTRIES = [
    Entry(slug="a", title="A", date=D(2024, 3, 11), journal_ref="Accepted at NeurIPS 2023"),
    Entry(slug="b", title="B", date=D(2024, 3, 12), journal_ref="Advances in Neural Information Processing Systems 35"),
    Entry(slug="c", title="C", date=D(2024, 3, 12), journal_ref="NIPS 2017"),
    Entry(slug="d", title="D", date=D(2024, 3, 13), journal_ref="Phys. Rev. D 98, 123456 (2018)"),
    Entry(slug="e", title="E", date=D(2024, 3, 13), journal_ref="Physical Review D 99, 1 (2019)"),
    Entry(slug="f", title="F", date=D(2024, 3, 14), journal_ref="Annals of Physics 324, 523 (2009)."),
    Entry(slug="g", title="G", date=D(2024, 3, 14), journal_ref="12 pages, 5 figures"),
    Entry(slug="h", title="H", date=D(2024, 3, 14)),
]


def site_of(entries=ENTRIES, config=CONFIG) -> Site:
    return build_site(entries, config, bodies={}, assets={"style.css": "/static/style.css"})


def venue_pages(site: Site) -> dict[str, list]:
    found: dict[str, list] = {}
    for page in site.pages:
        if page.template == "term.html" and page.taxonomy.name == "venues":
            found.setdefault(page.term.slug, []).append(page)
    return found


def test_venues_with_venue_min_papers_get_pages_listing_their_papers():
    site = site_of()
    pages = venue_pages(site)
    assert sorted(pages) == ["neurips", "phys-rev-d"]  # Annals of Physics has one paper
    neurips = pages["neurips"]
    assert [(p.path, p.title) for p in neurips] == [
        ("venues/neurips/index.html", "NeurIPS"), ("venues/neurips/page/2/index.html", "NeurIPS, page 2")
    ]  # fmt: skip
    assert [[paper.slug for paper in p.pager.items] for p in neurips] == [["b", "c"], ["a"]]
    term = neurips[0].term
    assert (term.name, term.count, term.description, term.url) == (
        "NeurIPS", 3, "Papers published in NeurIPS.", "/venues/neurips/"
    )  # fmt: skip
    assert pages["phys-rev-d"][0].term.name == "Phys. Rev. D"
    assert site.info.venue_urls == {"neurips": "/venues/neurips/", "phys-rev-d": "/venues/phys-rev-d/"}
    assert [t.name for t in site.info.taxonomies] == ["venues"]
    one = venue_pages(site_of(config=replace(CONFIG, venue_min_papers=1)))
    assert sorted(one) == ["annals-of-physics", "neurips", "phys-rev-d"]


def test_the_venue_index_is_by_name_under_letters_and_by_count():
    site = site_of(config=replace(CONFIG, venue_min_papers=1))
    by_name, by_count = [p for p in site.pages if p.template == "terms.html" and p.taxonomy.name == "venues"]
    assert (by_name.url, by_name.title, by_name.description) == (
        "/venues/", "Venues", "The 3 venues of Test Feed"
    )  # fmt: skip
    assert [(g.name, [t.label for t in g.terms]) for g in by_name.groups] == [
        ("A", ["Annals of Physics"]), ("N", ["NeurIPS"]), ("P", ["Phys. Rev. D"])
    ]  # fmt: skip
    assert [(t.label, t.count) for t in by_count.groups[0].terms] == [
        ("NeurIPS", 3), ("Phys. Rev. D", 2), ("Annals of Physics", 1)
    ]  # fmt: skip
    two = next(p for p in site_of().pages if p.url == "/venues/")
    assert two.description == "The 2 venues of Test Feed with at least 2 papers"


def test_papers_carry_their_venue_and_venue_feeds_stay_out_of_the_opml():
    site = site_of()
    papers = {p.slug: p for p in site.papers}
    assert (papers["a"].venue.slug, papers["a"].venue.text) == ("neurips", "NeurIPS")
    assert papers["f"].venue.slug == "annals-of-physics" and "annals-of-physics" not in site.info.venue_urls
    assert papers["g"].venue is None and papers["h"].venue is None
    feeds = {f.path: f for f in site.feeds}
    neurips = feeds["venues/neurips/feed.xml"]
    assert [p.slug for p in neurips.items] == ["b", "c"]  # feed_days: 1, the newest day whole
    assert (neurips.title, neurips.subtitle) == ("Test Feed: NeurIPS", "Papers published in NeurIPS.")
    assert not neurips.listed


def test_settings_turn_venues_and_their_feeds_off():
    site = site_of(config=replace(CONFIG, term_feeds=False))
    assert venue_pages(site) and not any(f.path.startswith("venues/") for f in site.feeds)
    off = site_of(config=replace(CONFIG, venue_pages=False))
    assert not venue_pages(off) and off.info.venue_urls == {} and off.info.taxonomies == ()
    assert next(p for p in off.papers if p.slug == "a").venue.name == "NeurIPS"  # still there for a theme


def test_the_model_does_not_depend_on_the_order_of_entries():
    assert site_of(list(reversed(ENTRIES))) == site_of()


def test_a_journal_ref_that_names_another_venue_changes_the_taxonomy_shape():
    entry = ENTRIES[0]
    same = replace(entry, journal_ref="NeurIPS 2024 (spotlight)")
    other = replace(entry, journal_ref="ICLR 2024")
    assert taxonomy_shape(entry, CONFIG) == taxonomy_shape(same, CONFIG) != taxonomy_shape(other, CONFIG)
    off = replace(CONFIG, venue_pages=False)
    assert taxonomy_shape(entry, off) == taxonomy_shape(other, off)


def test_site_yaml_venue_settings_are_validated():
    config = parse_config("venue_pages: false\nvenue_min_papers: 3\n")
    assert (config.venue_pages, config.venue_min_papers) == (False, 3)
    assert (Config().venue_pages, Config().venue_min_papers) == (True, 2)
    with pytest.raises(ConfigError) as err:
        parse_config("venue_min_papers: 0\nvenue_pages: maybe\nvenue_page: true\n")
    text = str(err.value)
    assert "`venue_min_papers` must be a whole number of at least 1, not 0" in text
    assert "`venue_pages` must be true or false, not 'maybe'" in text
    assert "unknown key 'venue_page'" in text and "did you mean 'venue_pages'?" in text


# -- built sites ------------------------------------------------------------------------------

SITE_YAML = "title: Test Feed\nbase_url: https://example.org/\nper_page: 2\n"
PAPER = "---\ntitle: {title}\ndate: {date}\njournal_ref: '{journal_ref}'\n---\n{body}\n"


def paper(title: str, date: str, journal_ref: str, body: str = "An abstract.") -> str:
    return PAPER.format(title=title, date=date, journal_ref=journal_ref, body=body)


@pytest.fixture
def venue_site(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(REPO / "themes", root / "themes")
    write_files(
        root,
        {
            "site.yaml": SITE_YAML,
            "content/papers/one.md": paper("One", "2024-03-11", "Accepted at NeurIPS 2023"),
            "content/papers/two.md": paper("Two", "2024-03-12", "Advances in Neural Information Processing Systems 35"),
            "content/papers/three.md": paper("Three", "2024-03-12", "Phys. Rev. D 98, 123456 (2018)"),
            "content/papers/four.md": paper("Four", "2024-03-13", "Physical Review D 99, 1 (2019)"),
            "content/papers/five.md": paper("Five", "2024-03-13", "Annals of Physics 324, 523 (2009)"),
            "content/papers/six.md": paper("Six", "2024-03-10", "<b>NeurIPS</b> 2023"),
        },
    )
    _backdate(root)
    return root


def build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "-q", "build", "--no-search", "--jobs", "1", *args])


def test_built_venue_pages_are_linked_from_the_journal_refs_that_name_them(venue_site):
    assert build(venue_site) == 0
    site = venue_site / "site"
    assert broken_links(site, "https://example.org/") == []
    two = (site / "papers/two/index.html").read_text()
    assert (
        '<dt>Published in</dt><dd><a href="/venues/neurips/" title="Papers in NeurIPS">Advances in Neural '
        "Information Processing Systems</a> 35</dd>" in two
    )
    one = (site / "papers/one/index.html").read_text()
    assert '<dd>Accepted at <a href="/venues/neurips/" title="Papers in NeurIPS">NeurIPS</a> 2023</dd>' in one
    five = (site / "papers/five/index.html").read_text()
    assert "<dd>Annals of Physics 324, 523 (2009)</dd>" in five  # one paper: no page, no link
    assert not (site / "venues/annals-of-physics").exists()
    neurips = (site / "venues/neurips/index.html").read_text()
    assert "<h1>NeurIPS</h1>" in neurips and "3 papers · Subscribe to this venue" in neurips
    six = (site / "papers/six/index.html").read_text()  # a journal reference is text, never markup
    assert '<dd>&lt;b&gt;<a href="/venues/neurips/" title="Papers in NeurIPS">NeurIPS</a>&lt;/b&gt; 2023</dd>' in six
    index = (site / "venues/index.html").read_text()
    assert '<a class="chip" href="/venues/phys-rev-d/">Phys. Rev. D <span class="count">2</span></a>' in index
    assert '<a href="/venues/">Venues</a>' in (site / "index.html").read_text()
    assert "venues/" not in (site / "feeds.opml").read_text()


def test_an_edited_abstract_patches_and_keeps_the_venue_link(venue_site, tmp_path, capsys):
    assert build(venue_site) == 0
    path = venue_site / "content/papers/two.md"
    path.write_text(path.read_text().replace("An abstract.", "A patched abstract."))
    capsys.readouterr()
    assert main(["-C", str(venue_site), "build", "--no-search"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    assert "A patched abstract." in (venue_site / "site/venues/neurips/index.html").read_text()
    assert 'href="/venues/neurips/"' in (venue_site / "site/papers/two/index.html").read_text()
    _assert_same_as_clean_build(venue_site, tmp_path / "clean")


def test_a_journal_ref_edited_within_its_venue_patches(venue_site, tmp_path, capsys):
    assert build(venue_site) == 0
    path = venue_site / "content/papers/one.md"
    path.write_text(path.read_text().replace("NeurIPS 2023", "NeurIPS 2023 (spotlight)"))
    capsys.readouterr()
    assert main(["-C", str(venue_site), "build", "--no-search"]) == 0
    assert capsys.readouterr().out.startswith("updated ")
    assert "NeurIPS</a> 2023 (spotlight)</dd>" in (venue_site / "site/papers/one/index.html").read_text()
    _assert_same_as_clean_build(venue_site, tmp_path / "clean")


def test_a_journal_ref_naming_another_venue_takes_a_full_build(venue_site, tmp_path, capsys):
    assert build(venue_site) == 0
    path = venue_site / "content/papers/five.md"
    path.write_text(path.read_text().replace("Annals of Physics 324, 523 (2009)", "Phys. Rev. Lett. 1, 2 (2009)"))
    (venue_site / "content/papers/four.md").write_text(paper("Four", "2024-03-13", "PRL 99, 1 (2019)"))
    capsys.readouterr()
    assert main(["-C", str(venue_site), "build", "--no-search"]) == 0
    assert not capsys.readouterr().out.startswith("updated ")
    assert (venue_site / "site/venues/phys-rev-lett/index.html").is_file()
    assert not (venue_site / "site/venues/phys-rev-d").exists()  # down to one paper
    assert "<dd>Phys. Rev. D 98, 123456 (2018)</dd>" in (venue_site / "site/papers/three/index.html").read_text()
    _assert_same_as_clean_build(venue_site, tmp_path / "clean")


JOURNAL_REFS = ["NeurIPS 2024", "Physical Review D 1, 2 (2020)", "ICLR 2023", "12 pages", "To appear in Nature"]
operations = st.one_of(
    st.tuples(st.just("journal_ref"), st.integers(0, 9), st.sampled_from(JOURNAL_REFS)),
    st.tuples(st.just("abstract"), st.integers(0, 9), st.sampled_from(["Edited.", "Edited again."])),
    st.tuples(st.just("add"), st.integers(0, 9), st.sampled_from(JOURNAL_REFS)),
    st.tuples(st.just("delete"), st.integers(0, 9), st.just("")),
    st.tuples(st.just("config"), st.integers(0, 1), st.sampled_from(["venue_min_papers: 1", "venue_pages: false"])),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(operations, st.booleans()), min_size=1, max_size=3))
def test_incremental_builds_with_venues_equal_clean_builds(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("venues")
    shutil.copytree(REPO / "themes", root / "themes")
    write_files(root, {"site.yaml": SITE_YAML, **{f"content/papers/p{i}.md": paper(f"P{i}", f"2024-03-1{i}", ref)
                                                  for i, ref in enumerate(JOURNAL_REFS)}})  # fmt: skip
    _backdate(root)
    assert build(root) == 0
    for (kind, n, value), time_passes in steps:
        papers = sorted((root / "content/papers").glob("*.md"))
        path = papers[n % len(papers)]
        if kind == "journal_ref":
            path.write_text("\n".join(f"journal_ref: '{value}'" if line.startswith("journal_ref:") else line
                                      for line in path.read_text().split("\n")))  # fmt: skip
        elif kind == "abstract":
            path.write_text(path.read_text().replace("An abstract.", value))
        elif kind == "add":
            (root / f"content/papers/new-{n}.md").write_text(paper(f"New {n}", "2024-03-20", value))
        elif kind == "delete" and len(papers) > 1:
            path.unlink()
        elif kind == "config":
            (root / "site.yaml").write_text(SITE_YAML + value + "\n")
        if time_passes:
            _backdate(root)
        assert build(root) == 0
        clean = copy_project(root, tmp_path_factory.mktemp("clean"))
        assert build(clean, "--clean") == 0
        assert tree(root / "site") == tree(clean / "site"), (kind, n, value)


def _backdate(root: Path) -> None:
    """As if the project had been written a minute ago: no input is in the racy window of the first build,
    so that the next build trusts the stamps of every file but the one a test edits."""
    past = time.time() - 60
    for path in [*root.joinpath("content").rglob("*"), *root.joinpath("themes").rglob("*"), root / "site.yaml"]:
        os.utime(path, (past, past))


def _assert_same_as_clean_build(root: Path, scratch: Path) -> None:
    scratch.mkdir()
    clean = copy_project(root, scratch)
    assert build(clean, "--clean") == 0
    assert tree(root / "site") == tree(clean / "site")
