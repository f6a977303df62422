"""A person's edits to entries survive every later ingest and retag; re-ingesting changes no byte."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from generator.cli import main
from generator.content.entry import Entry, format_entry
from generator.model.records import Source

REAL = REPO.parent / "shared" / "real-sources"


def ingest(project: Path, *args: str) -> int:
    return main(["-C", str(project), "-q", "ingest", "--date", "2026-11-21", *args])


def hf_record(authors: list[str], *, link: str = "https://github.com/x/y", summary: str = "Abstract text.") -> dict:
    return {
        "paper": {
            "id": "2406.01234",
            "title": "A Study of Shared Names",
            "summary": summary,
            "authors": [{"name": name} for name in authors],
            "publishedAt": "2024-06-03T00:00:00.000Z",
            "githubRepo": link,
        },
        "publishedAt": "2024-06-04T00:00:00.000Z",
    }


def write_json(path: Path, *records: dict) -> Path:
    path.write_text(json.dumps(list(records)), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


@pytest.fixture
def one(project: Path) -> tuple[Path, Path, Path]:
    """A project with one entry ingested from an HF JSON file; (project, source, entry file)."""
    source = write_json(project / "day.json", hf_record(["Liang Wang", "Ada Li", "Liang Wang"]))
    assert ingest(project, str(source)) == 0
    [entry] = (project / "content/papers").glob("*.md")
    return project, source, entry


def test_author_repeats_are_kept_and_a_second_ingest_changes_no_byte(one):
    project, source, entry = one
    text = entry.read_text()
    assert "authors: [Liang Wang, Ada Li, Liang Wang]" in text
    assert "&id" not in text and "*id" not in text
    before = snapshot(project / "content/papers")
    assert ingest(project, str(source)) == 0
    assert snapshot(project / "content/papers") == before


def test_a_merge_rewrites_only_the_lines_it_must(one):
    project, source, entry = one
    text = entry.read_text()
    mine = text.replace("---\ntitle:", "---\n# read on Thursday\ntitle:", 1).replace(
        "\n---\n", "\nmeeting: 12:30\nroom: 0123\nflag: yes\nnotes:\n  - first\n  - second\n---\n", 1
    )
    entry.write_text(mine)
    other = write_json(project / "other.json", hf_record(["Liang Wang", "Ada Li", "Liang Wang", "Bo Chen"]))
    assert ingest(project, str(other)) == 0
    after = entry.read_text()
    changed = [line for line in after.splitlines() if line not in mine.splitlines()]
    # The new author, the new source, and ingest's record of what it wrote: nothing else.
    assert changed[0] == "authors: [Liang Wang, Ada Li, Liang Wang, Bo Chen]"
    assert any(line.startswith("- {name: other.json") for line in changed)
    assert all(line.startswith(("authors:", "- {name:", "ingested:")) for line in changed), changed
    for line in ("# read on Thursday", "meeting: 12:30", "room: 0123", "flag: yes", "notes:", "  - first"):
        assert line in after.splitlines()


@pytest.mark.parametrize(
    ("edit", "gone"),
    [
        (lambda t: t.replace("authors: [Liang Wang, Ada Li, Liang Wang]", "authors: [Liang Wang, Ada Li]"), None),
        (lambda t: "\n".join(line for line in t.split("\n") if "github.com" not in line), "github.com/x/y"),
        (lambda t: t[: t.rindex("---\n") + 4], "Abstract text."),
        (lambda t: "\n".join(line for line in t.split("\n") if "- {name: day.json" not in line), "day.json"),
    ],
    ids=["an author", "a link", "the body", "a source line"],
)
def test_what_a_person_removed_stays_removed(one, edit, gone):
    project, source, entry = one
    entry.write_text(edit(entry.read_text()))
    removed = entry.read_text()
    renamed = shutil.copy(source, project / "Exported Items (1).json")
    for again in (source, renamed):
        assert ingest(project, str(again)) == 0
        now = entry.read_text()
        if gone:
            assert gone not in now.split("\n---\n", 1)[0] + now.split("---\n")[-1]
        assert "authors: [Liang Wang, Ada Li]\n" in now or "authors: [Liang Wang, Ada Li, Liang Wang]" in now
    if gone is None:
        assert "authors: [Liang Wang, Ada Li]\n" in entry.read_text()
    # At most the renamed file's source line, and ingest's record of it, are new.
    changed = set(entry.read_text().splitlines()) - set(removed.splitlines())
    assert all(line.startswith(("- {name: Exported Items (1).json", "ingested:")) for line in changed), changed


def test_a_tag_a_person_removed_stays_removed_through_ingest_and_retag(project):
    source = write_json(project / "day.json", hf_record(["A B"], summary="A speech recognition model for ASR."))
    assert ingest(project, str(source)) == 0
    [entry] = (project / "content/papers").glob("*.md")
    assert "tags: [speech]" in entry.read_text()
    entry.write_text(entry.read_text().replace("tags: [speech]\n", ""))
    kept = entry.read_text()
    assert ingest(project, str(shutil.copy(source, project / "2024-06-04.json"))) == 0
    assert "\ntags:" not in entry.read_text()
    assert main(["-C", str(project), "-q", "retag"]) == 0
    assert "\ntags:" not in entry.read_text()
    assert main(["-C", str(project), "-q", "retag", "--edited"]) == 0
    assert "tags: [speech]" in entry.read_text()
    assert kept != entry.read_text()


def test_shared_values_never_become_yaml_anchors():
    day = dt.date(2026, 11, 21)  # one date object in two sources, as one ingest run makes them
    entry = Entry(slug="a", title="A", date=day, sources=(Source("a.txt", day), Source("b.txt", day)), published=day)
    text = format_entry(entry)
    assert "- {name: a.txt, seen: 2026-11-21}\n- {name: b.txt, seen: 2026-11-21}\n" in text
    assert "&id" not in text and "*id" not in text


@pytest.mark.skipif(not REAL.is_dir() and not os.environ.get("CI"), reason="../shared/real-sources is not here")
def test_re_ingesting_every_real_source_changes_no_byte(project):
    sources = sorted(str(p) for p in REAL.rglob("*") if p.is_file() and p.name != "README.md")
    ingest(project, *sources)
    first = snapshot(project / "content/papers")
    assert len(first) > 300
    ingest(project, *sources)
    assert snapshot(project / "content/papers") == first


def test_source_keywords_that_are_not_tags_stay_on_the_entry(project):
    record = hf_record(["A B"])
    record["paper"]["ai_keywords"] = ["context loading", "bandwidth"]
    source = write_json(project / "day.json", record)
    assert ingest(project, str(source)) == 0
    [entry] = (project / "content/papers").glob("*.md")
    assert "keywords: [context loading, bandwidth]\n" in entry.read_text()
    before = entry.read_bytes()
    assert ingest(project, str(source)) == 0
    assert entry.read_bytes() == before
