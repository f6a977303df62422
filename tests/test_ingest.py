"""`paperfeed ingest`: seeds to entries, merging, idempotence, and edits that survive."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, SEEDS, write_files

from generator.cli import main
from generator.content.entry import load_entries, read_entry

ABSTRACT = (
    "We study a problem at length and propose a method that works well for speech. "
    "Experiments on many ASR benchmarks show that it beats every baseline by a wide margin."
)


def ingest(project: Path, *args: str) -> int:
    return main(["-C", str(project), "ingest", "--date", "2026-11-21", "--year", "2026", *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def test_seeds_become_680_entries_and_a_second_run_changes_nothing(project, capsys):
    assert ingest(project, *map(str, SEEDS)) == 0
    papers = project / "content" / "papers"
    first = snapshot(papers)
    assert len(first) == 680
    assert "735 records from 5 source(s) -> 680 new, 0 merged" in capsys.readouterr().out
    assert ingest(project, *map(str, SEEDS)) == 0
    assert "0 new, 0 merged, 680 unchanged" in capsys.readouterr().out
    assert snapshot(papers) == first


def test_shipped_demo_content_is_exactly_what_the_seeds_ingest_to(tmp_path):
    shutil.copy(REPO / "site.yaml", tmp_path / "site.yaml")
    assert ingest(tmp_path, *map(str, SEEDS)) == 0
    assert snapshot(tmp_path / "content" / "papers") == snapshot(REPO / "content" / "papers")


def test_duplicate_across_dumps_lists_every_source_and_keeps_the_earliest_date(project):
    ingest(project, *map(str, SEEDS))
    entry = read_entry(
        project / "content/papers/cachegen-fast-context-loading-for-language-model-applications.md", project
    )
    assert [(s.name, str(s.seen)) for s in entry.sources] == [
        ("000_e51db3cf39dcc2e5.txt", "2026-11-21"),
        ("001_57bc9e7ee142a0d4.txt", "2026-03-11"),
        ("002_7165c0a6babe4322.txt", "2026-03-12"),
    ]
    assert str(entry.date) == "2026-03-11"


def test_edits_a_person_made_survive_a_reingest(project):
    dump = project / "dump.txt"
    dump.write_text(f"Subscribe\nSpeech Paper: Part One\n{ABSTRACT} Code: https://github.com/a/b.\n")
    ingest(project, str(dump))
    path = project / "content/papers/speech-paper-part-one.md"
    edited = (
        path.read_text()
        .replace("tags: [speech]", "tags: [my-own-tag]")
        .replace("We study", "I rewrote this abstract. We study")
        + "\nA note I added.\n"
    )
    edited = edited.replace("---\nI rewrote", "rating: 5\n---\nI rewrote")
    path.write_text(edited)
    assert ingest(project, str(dump)) == 0
    assert path.read_text() == edited
    # A second source adds itself and new links, and still keeps the edits.
    other = project / "other.txt"
    other.write_text(f"Subscribe\nspeech paper part one\n{ABSTRACT} See https://example.org/demo.\n")
    ingest(project, str(other))
    entry = read_entry(path, project)
    assert entry.tags == ("my-own-tag",)
    assert entry.extra == {"rating": 5}
    assert "A note I added." in entry.body and entry.body.startswith("I rewrote")
    assert [s.name for s in entry.sources] == ["dump.txt", "other.txt"]
    assert entry.links == {"code": "https://github.com/a/b", "project": "https://example.org/demo"}


def test_same_slug_for_a_different_paper_gets_a_suffix(project):
    dump = project / "dump.txt"
    dump.write_text(f"Subscribe\nÜber Paper\n{ABSTRACT}\nUber Paper\n{ABSTRACT}\n")
    ingest(project, str(dump))
    assert sorted(p.name for p in (project / "content/papers").glob("*.md")) == ["uber-paper-2.md", "uber-paper.md"]
    assert read_entry(project / "content/papers/uber-paper-2.md", project).title == "Uber Paper"


def test_hostile_titles_become_safe_entries_inside_content(project):
    titles = ["../../x", "∑∏∫", "CON", "...", "- leading: dash # hash 'quote'"]
    dump = project / "dump.txt"
    dump.write_text("Subscribe\n" + "".join(f"{t}\n{ABSTRACT}\n" for t in titles))
    assert ingest(project, str(dump)) == 0
    entries, problems = load_entries(project / "content" / "papers", project)
    assert problems == []
    assert sorted(e.title for e in entries) == sorted(titles)
    assert not (project / "x.md").exists() and not (project.parent / "x.md").exists()
    assert all(p.parent == project / "content" / "papers" for p in (project / "content").rglob("*.md"))


def test_dry_run_writes_nothing_and_lists_the_plan(project, capsys):
    dump = project / "dump.txt"
    dump.write_text(f"Subscribe\nA Speech Paper\n{ABSTRACT}\n")
    assert ingest(project, "--dry-run", str(dump)) == 0
    out = capsys.readouterr().out
    assert "action     slug            title or reason" in out
    assert "new        a-speech-paper  A Speech Paper" in out
    assert not (project / "content").exists()


def test_unreadable_sources_are_reported_and_the_rest_goes_in(project, capsys):
    good = project / "good.txt"
    good.write_text(f"Subscribe\nA Speech Paper\n{ABSTRACT}\n")
    assert ingest(project, str(project / "missing.txt"), str(good)) == 1  # one source could not be read
    err = capsys.readouterr().err
    assert "missing.txt: cannot read" in err
    assert (project / "content/papers/a-speech-paper.md").exists()
    assert ingest(project, str(project / "missing.txt")) == 1


def test_ingest_refuses_to_merge_into_broken_content(project, capsys):
    write_files(project, {"content/papers/bad.md": "---\ntitle: [\n---\n"})
    dump = project / "dump.txt"
    dump.write_text(f"Subscribe\nA Speech Paper\n{ABSTRACT}\n")
    assert ingest(project, str(dump)) == 1
    assert "content/papers/bad.md:3:1: invalid YAML" in capsys.readouterr().err
