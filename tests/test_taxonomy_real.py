"""Tags on real data: the taxonomy `init` writes, arXiv categories as topics, keywords that are not tags."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, write_files

from generator.cli import main
from generator.config import load_config
from generator.content.arxiv_categories import ARCHIVES, CATEGORIES, categories_named, category_name
from generator.content.entry import load_entries, read_entry
from generator.content.taxonomy import Tagger
from generator.ids import tag_slug

REAL = REPO.parent / "shared" / "real-sources"
needs_real = pytest.mark.skipif(
    not REAL.is_dir() and not os.environ.get("CI"), reason="../shared/real-sources is not here"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A new site, as `paperfeed init` makes it."""
    assert main(["-q", "init", str(tmp_path / "site")]) == 0
    return tmp_path / "site"


def ingest(project: Path, *args: str) -> int:
    return main(["-C", str(project), "-q", "ingest", "--date", "2026-11-21", *args])


@needs_real
def test_everything_real_ingested_into_a_new_site_passes_check_and_most_papers_get_a_topic(site, capsys):
    sources = sorted(str(p) for p in REAL.rglob("*") if p.is_file() and p.name != "README.md")
    ingest(site, *sources)
    capsys.readouterr()
    assert main(["-C", str(site), "check"]) == 0
    assert capsys.readouterr().out == "no problems found\n"
    taxonomy = load_config(site).taxonomy
    entries = load_entries(site / "content/papers", site)[0]
    assert len(entries) > 300
    assert {tag_slug(tag) for entry in entries for tag in entry.tags} <= set(taxonomy)
    tagged = sum(1 for entry in entries if entry.tags)
    assert tagged / len(entries) > 0.8  # 2 of 3 of the rest are biblatex's own examples: Homer, Kant, TeX


@needs_real
def test_zotero_keywords_that_name_arxiv_categories_become_categories_and_their_topics(site):
    assert ingest(site, str(REAL / "bibtex/zotero_rosati_exported_items.bib")) == 0
    entry = read_entry(site / "content/papers/a-question-entailment-approach-to-question-answering.md", site)
    # keywords = {Computer Science - Artificial Intelligence, Computer Science - Computation and Language, ...}
    assert entry.categories == ("cs.AI", "cs.CL", "cs.IR", "cs.LG")
    assert entry.tags[:4] == ("agents", "nlp", "data", "machine-learning")


@needs_real
def test_bibtex_keywords_outside_the_taxonomy_are_not_tags(project):
    # The repo's tests keep a two-tag taxonomy (speech, llm): 'primary', 'I.7', '68T50' and friends are not tags.
    assert ingest(project, str(REAL / "bibtex/zotero_rosati_exported_items.bib")) == 0
    entries = load_entries(project / "content/papers", project)[0]
    assert {tag for entry in entries for tag in entry.tags} <= {"speech", "llm"}
    assert main(["-C", str(project), "-q", "check"]) == 0


@needs_real
def test_arxiv_categories_of_a_real_api_answer_give_topics(site):
    assert ingest(site, str(REAL / "arxiv-atom/arxivpy_del_maestro_2016.xml")) == 0
    entries = load_entries(site / "content/papers", site)[0]
    assert len(entries) == 11  # ten papers and init's example
    for entry in entries:
        if any(code.startswith(("cond-mat", "physics", "quant-ph")) for code in entry.categories):
            assert {"physics", "quantum"} & set(entry.tags), entry.slug


def test_the_init_taxonomy_gives_nearly_every_arxiv_category_a_topic(site):
    tagger = Tagger.from_taxonomy(load_config(site).taxonomy, 5)
    # cs.CE, cs.GL and cs.OH are catch-alls ("Computational Engineering, Finance, and Science",
    # "General Literature", "Other Computer Science") that no one topic fits.
    missing = [code for code in CATEGORIES if not tagger.category_tags([code])]
    assert missing == ["cs.CE", "cs.GL", "cs.OH"]


def test_arxiv_category_names_are_arxivs():
    assert category_name("cs.CL") == "Computation and Language"
    assert category_name("CS.cl") == "Computation and Language"
    assert category_name("hep-th") == "High Energy Physics - Theory"
    assert category_name("cs.XX") == ""
    assert all(code.split(".")[0] in ARCHIVES for code in CATEGORIES)
    keywords = ["Computer Science - Machine Learning", "Statistics - Machine Learning", "cs.GL", "Quantum Physics"]
    assert categories_named([*keywords, "math", "68T50", "I.7", "primary"]) == ("cs.LG", "stat.ML", "cs.GL", "quant-ph")


def test_a_taxonomy_category_arxiv_does_not_have_is_a_config_problem_with_a_hint(project, capsys):
    write_files(
        project,
        {
            "site.yaml": """
            taxonomy:
              nlp:
                name: NLP
                categories: [cs.CL, cs.LC]
            """
        },
    )
    assert main(["-C", str(project), "check"]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        "site.yaml:2: unknown arXiv category 'cs.LC' in tag 'nlp'",
        "  hint: did you mean 'cs.CL'?",
    ]


def test_a_tag_given_by_an_archive_covers_each_of_its_categories(project):
    write_files(
        project,
        {
            "site.yaml": """
            taxonomy:
              mathematics:
                categories: [math]
              nlp:
                categories: [cs.cl]
            """,
        },
    )
    tagger = Tagger.from_taxonomy(load_config(project).taxonomy, 5)
    assert tagger.category_tags(["math.AG", "cs.CL", "physics.optics"]) == ("mathematics", "nlp")
    assert tagger.category_tags(["math"]) == ("mathematics",)
