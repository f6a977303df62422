"""What `paperfeed ingest` says and how it exits: an empty answer is an answer; a source that gives
nothing usable is a failure; the counts of the summary add up."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import REPO, write_files

from generator.cli import main

REAL = REPO.parent / "shared" / "real-sources"

# What rss.arxiv.org serves on a Saturday: a valid feed with no items.
EMPTY_RSS = """
    <?xml version='1.0' encoding='UTF-8'?>
    <rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/"
         version="2.0">
      <channel>
        <title>cs.LG updates on arXiv.org</title>
        <link>http://rss.arxiv.org/rss/cs.LG</link>
        <description>cs.LG updates on the arXiv.org e-print archive.</description>
        <atom:link href="https://rss.arxiv.org/rss/cs.LG" rel="self" type="application/rss+xml"/>
        <docs>http://www.rssboard.org/rss-specification</docs>
        <language>en-us</language>
        <lastBuildDate>Sat, 14 Dec 2024 05:00:00 +0000</lastBuildDate>
        <managingEditor>rss-help@arxiv.org</managingEditor>
        <pubDate>Sat, 14 Dec 2024 00:00:00 -0500</pubDate>
        <skipDays>
          <day>Saturday</day>
          <day>Sunday</day>
        </skipDays>
      </channel>
    </rss>
"""
# What export.arxiv.org/api/query answers for a search that finds nothing.
EMPTY_API = """
    <?xml version="1.0" encoding="UTF-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom">
      <link href="http://arxiv.org/api/query?search_query%3Dall%3Axyzzyq%26start%3D0%26max_results%3D10"
            rel="self" type="application/atom+xml"/>
      <title type="html">ArXiv Query: search_query=all:xyzzyq&amp;id_list=&amp;start=0&amp;max_results=10</title>
      <id>http://arxiv.org/api/4Aq2gTV4lsd0NKvQ8jwiRHzYyD0</id>
      <updated>2024-12-14T00:00:00-05:00</updated>
      <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults>
      <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
      <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">10</opensearch:itemsPerPage>
    </feed>
"""
SUMMARY = re.compile(
    r"(\d+) records from (\d+) source\(s\) -> (\d+) new, (\d+) merged, (\d+) unchanged, (\d+) duplicates, (\d+) skipped"
)


def run(project: Path, *args: str) -> int:
    return main(["-C", str(project), "ingest", "--date", "2026-11-21", *args])


@pytest.mark.parametrize(("name", "text"), [("daily.json", "[]\n"), ("cs.LG.rss", EMPTY_RSS), ("query.xml", EMPTY_API)])
def test_an_empty_answer_is_a_valid_answer_with_0_records(project, capsys, name, text):
    write_files(project, {name: text})
    assert run(project, "--dry-run", str(project / name)) == 0
    out, err = capsys.readouterr()
    assert "unknown input format" not in err
    assert out.endswith(
        "0 records from 1 source(s) -> 0 new, 0 merged, 0 unchanged, 0 duplicates, 0 skipped; "
        "would write 0 entries in content/papers/\n"
    )


def test_a_source_whose_every_record_is_rejected_fails_and_the_others_still_go_in(project, capsys):
    write_files(
        project,
        {
            "bad.jsonl": '{"title": "", "abstract": "an empty title"}\n{"title": ["a", "list"], "abstract": "x"}\n',
            "good.jsonl": '{"title": "A Good Paper", "abstract": "Fine."}\n',
        },
    )
    assert run(project, str(project / "bad.jsonl"), str(project / "good.jsonl")) == 1
    out, err = capsys.readouterr()
    assert err.splitlines()[-1] == f"error: {project / 'bad.jsonl'}: every record was rejected"
    assert out == (
        "3 records from 2 source(s) -> 1 new, 0 merged, 0 unchanged, 0 duplicates, 2 skipped; "
        "wrote 1 entries in content/papers/; 1 source(s) with every record rejected\n"
    )
    assert (project / "content/papers/a-good-paper.md").exists()


def test_a_source_with_some_records_rejected_succeeds(project, capsys):
    write_files(project, {"some.jsonl": '{"title": "Kept", "abstract": "Fine."}\n{"abstract": "no title"}\n'})
    assert run(project, str(project / "some.jsonl")) == 0
    assert (
        "2 records from 1 source(s) -> 1 new, 0 merged, 0 unchanged, 0 duplicates, 1 skipped" in capsys.readouterr().out
    )


def test_an_empty_folder_is_not_a_successful_ingest(project, capsys):
    (project / "nothing").mkdir()
    assert run(project, str(project / "nothing")) == 1
    assert capsys.readouterr().err == f"error: {project / 'nothing'}: no source files found\n"


@pytest.mark.skipif(not REAL.is_dir() and not os.environ.get("CI"), reason="../shared/real-sources is not here")
def test_the_counts_of_the_summary_add_up_on_every_real_source(project, capsys):
    sources = sorted(str(p) for p in REAL.rglob("*") if p.is_file() and p.name != "README.md")
    for attempt in ("first", "again"):
        run(project, *sources)
        out = capsys.readouterr().out
        match = SUMMARY.search(out)
        assert match, out
        records, _, new, merged, unchanged, duplicates, skipped = map(int, match.groups())
        assert records == new + merged + unchanged + duplicates + skipped, (attempt, out)
        assert records > 300
    assert (new, merged) == (0, 0)  # the second time, every paper is already there


def test_a_value_dropped_from_a_kept_record_is_a_note(tmp_path, capsys):
    source = tmp_path / "n.json"
    source.write_text('[{"title": "A Paper", "abstract": "Text.", "date": "2024-01-01", "published": "someday"}]')
    (tmp_path / "site.yaml").write_text("")
    assert main(["-C", str(tmp_path), "ingest", str(source)]) == 0
    err = capsys.readouterr().err
    assert f"note: {source}:1: record 'A Paper': published 'someday' is not a date; kept without it" in err
    assert (tmp_path / "content/papers/a-paper.md").is_file()
