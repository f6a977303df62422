"""Which records are one paper: arXiv id, then DOI, then a title nothing contradicts; and fallback dates."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from conftest import REPO, write_files

from generator.cli import main
from generator.content.entry import Entry, load_entries, read_entry
from generator.model.identity import conflict, identity
from generator.model.records import Paper

REAL = REPO.parent / "shared" / "real-sources"
needs_real = pytest.mark.skipif(
    not REAL.is_dir() and not os.environ.get("CI"), reason="../shared/real-sources is not here"
)

# The case from issue 17: one title, two papers 27 years apart with no author in common.
TWO_PAPERS = """
    @article{exercise2017,
      author  = {Chekroud, Sammi R. and Gueorguieva, Ralitza and Zheutlin, Amanda B.
                 and Paulus, Martin and Krumholz, Harlan M.},
      title   = {Exercise and mental health},
      journal = {The Lancet Psychiatry},
      year    = {2017},
    }
    @article{exercise1990,
      author  = {Plante, Thomas G.},
      title   = {Exercise and Mental Health},
      journal = {Journal of Sport Psychology},
      year    = {1990},
    }
"""


def ingest(project: Path, *args: str) -> int:
    return main(["-C", str(project), "ingest", "--date", "2026-11-21", *args])


def entries(project: Path) -> dict[str, Entry]:
    return {entry.slug: entry for entry in load_entries(project / "content/papers", project)[0]}


def test_one_title_with_different_years_and_authors_is_two_papers(project, capsys):
    write_files(project, {"refs.bib": TWO_PAPERS})
    assert ingest(project, str(project / "refs.bib")) == 0
    found = entries(project)
    assert sorted(found) == ["exercise-and-mental-health", "exercise-and-mental-health-2"]
    authors = sorted(len(entry.authors) for entry in found.values())
    assert authors == [1, 5]  # nobody is credited with the other paper
    assert "2 records from 1 source(s) -> 2 new, 0 merged, 0 unchanged, 0 duplicates" in capsys.readouterr().out


def test_a_same_titled_paper_ingested_later_gets_its_own_entry(project, capsys):
    first, second = TWO_PAPERS.split("@article{exercise1990")
    write_files(project, {"a.bib": first, "b.bib": "@article{exercise1990" + second})
    assert ingest(project, str(project / "a.bib")) == 0
    before = read_entry(project / "content/papers/exercise-and-mental-health.md", project)
    assert ingest(project, str(project / "b.bib")) == 0
    assert "1 records from 1 source(s) -> 1 new, 0 merged" in capsys.readouterr().out
    assert read_entry(project / "content/papers/exercise-and-mental-health.md", project) == before
    later = read_entry(project / "content/papers/exercise-and-mental-health-2.md", project)
    assert later.authors == ("Thomas G. Plante",)


def test_different_arxiv_ids_keep_same_titled_records_apart(project):
    records = [
        {"title": "Scaling Laws", "abstract": "One.", "arxiv": "2001.08361"},
        {"title": "Scaling laws", "abstract": "Two.", "arxiv": "arXiv:2203.15556v1"},
    ]
    (project / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert ingest(project, str(project / "a.jsonl")) == 0
    assert sorted(e.arxiv for e in entries(project).values()) == ["2001.08361", "2203.15556"]


def test_an_arxiv_id_in_any_form_is_one_paper_whatever_the_titles_say(project, capsys):
    records = [
        {"title": "CacheGen: Fast Context Loading", "abstract": "A.", "url": "https://arxiv.org/abs/2310.07240v3"},
        {"title": "CacheGen (SIGCOMM version)", "abstract": "B.", "doi": "10.48550/arXiv.2310.07240"},
        {"title": "CacheGen again", "abstract": "C.", "arxiv": "arXiv:2310.07240v1"},
    ]
    (project / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert ingest(project, "--dry-run", str(project / "a.jsonl")) == 0
    out = capsys.readouterr().out
    assert "3 records from 1 source(s) -> 1 new, 0 merged, 0 unchanged, 2 duplicates, 0 skipped;" in out
    assert "by title" not in out


def test_a_doi_makes_one_paper_of_differently_written_titles(project):
    records = [
        {"title": "Network Dissection", "abstract": "A.", "doi": "10.1109/CVPR.2017.354"},
        {
            "title": "Network dissection: quantifying interpretability",
            "abstract": "B.",
            "doi": "doi:10.1109/cvpr.2017.354",
        },
    ]
    (project / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert ingest(project, str(project / "a.jsonl")) == 0
    assert list(entries(project)) == ["network-dissection"]


def test_a_record_without_authors_merges_by_title_and_the_dry_run_says_so(project, capsys):
    # A page dump has no authors, ids or years: nothing conflicts, so its title is enough.
    write_files(
        project,
        {
            "refs.bib": TWO_PAPERS.split("@article{exercise1990")[0],
            "dump.txt": "Subscribe\nExercise and Mental Health\n"
            "We study exercise and mental health in a very large sample of adults across the whole country.\n",
        },
    )
    assert ingest(project, str(project / "refs.bib")) == 0
    capsys.readouterr()
    assert ingest(project, "--dry-run", str(project / "dump.txt")) == 0
    out = capsys.readouterr().out
    assert "merged     exercise-and-mental-health  Exercise and mental health" in out
    assert "by title   exercise-and-mental-health  dump.txt:2: Exercise and Mental Health" in out
    assert "1 records from 1 source(s) -> 0 new, 1 merged, 0 unchanged, 0 duplicates, 0 skipped" in out
    assert "(1 matched by title alone)" in out


def test_conflicts_name_what_keeps_two_titles_apart():
    def paper(**fields: object) -> Paper:
        return Paper(title="Exercise and mental health", abstract="", date=dt.date(2024, 1, 1), **fields)  # type: ignore[arg-type]

    plain = identity(paper())
    assert conflict(plain, identity(paper(authors=("Thomas G. Plante",)))) == ""
    assert conflict(identity(paper(arxiv="2001.08361")), identity(paper(arxiv="2203.15556"))) == "different arXiv ids"
    assert conflict(identity(paper(doi="10.1/a")), identity(paper(doi="10.1/b"))) == "different DOIs"
    assert conflict(identity(paper(authors=("Plante, Thomas G.",))), identity(paper(authors=("Chekroud, S.",)))) == (
        "no author in common"
    )
    # Name order differs between sources (family name first in many Chinese and Hungarian names).
    assert conflict(identity(paper(authors=("Wang Xiaolong",))), identity(paper(authors=("Xiaolong Wang",)))) == ""
    # An arXiv DOI is the arXiv id, not a DOI that differs from the journal's.
    preprint = identity(paper(doi="10.48550/arXiv.1704.05796"))
    assert preprint.arxiv == "1704.05796" and conflict(preprint, identity(paper(doi="10.1109/cvpr.2017.354"))) == ""


@needs_real
def test_reprints_and_editions_in_a_real_bibliography_stay_separate(project):
    assert ingest(project, str(REAL / "bibtex/biblatex-examples.bib")) == 0
    titles = [entry.title for entry in entries(project).values()]
    # kullback (1959) and its 1997 Dover reprint (twice in the file); Moore's law, 1965 and its 1998 reprint
    assert titles.count("Information Theory and Statistics") == 2
    assert titles.count("Cramming more components onto integrated circuits") == 2


@needs_real
def test_a_real_bibliography_merges_its_duplicate_by_arxiv_id_not_by_title(project, capsys):
    assert ingest(project, "--dry-run", str(REAL / "bibtex/distill_circuits_bibliography.bib")) == 0
    out = capsys.readouterr().out
    # Network Dissection is in it twice, with one arXiv id (and a key written twice: the same paper too)
    assert "by title" not in out and "-> 78 new, 0 merged" in out


# -- fallback dates ------------------------------------------------------------------


def hf_day(project: Path) -> tuple[Path, dict]:
    """A real Hugging Face daily papers answer, and its first paper."""
    path = REAL / "hf-json/hfnews_2025-12-17.json"
    return path, json.loads(path.read_text(encoding="utf-8"))[0]


@needs_real
def test_a_fallback_date_is_marked_and_replaced_by_the_first_real_one(project):
    source, item = hf_day(project)
    paper = item["paper"]
    # A page dump with no date line: its papers get --date, a fallback.
    (project / "dump.txt").write_text(f"Subscribe\n{paper['title']}\n{' '.join(paper['summary'].split())}\n")
    assert ingest(project, str(project / "dump.txt")) == 0
    [path] = (project / "content/papers").glob("*.md")
    entry = read_entry(path, project)
    assert (str(entry.date), entry.date_from) == ("2026-11-21", "ingest")
    assert "\ndate: 2026-11-21\ndate_from: ingest\n" in path.read_text()
    assert ingest(project, str(source)) == 0
    entry = read_entry(path, project)
    real = (paper.get("submittedOnDailyAt") or item["publishedAt"])[:10]
    assert (str(entry.date), entry.date_from) == (real, "")
    assert "date_from" not in path.read_text()
    # The slug (the URL) never changes, and a real date is never replaced again.
    assert ingest(project, "--date", "2030-01-01", str(project / "dump.txt")) == 0
    assert str(read_entry(path, project).date) == real


@needs_real
def test_a_date_a_source_gave_stays_when_a_later_source_has_only_a_fallback(project):
    source, item = hf_day(project)
    paper = item["paper"]
    assert ingest(project, str(source)) == 0
    (project / "dump.txt").write_text(f"Subscribe\n{paper['title']}\n{' '.join(paper['summary'].split())}\n")
    path = next(p for p in (project / "content/papers").glob("*.md") if read_entry(p, project).title == paper["title"])
    before = read_entry(path, project).date
    assert ingest(project, str(project / "dump.txt")) == 0
    entry = read_entry(path, project)
    assert entry.date == before and entry.date_from == "" and len(entry.sources) == 2
