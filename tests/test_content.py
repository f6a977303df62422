"""Entries: front matter written and read back without loss, and clear errors for broken ones."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.content.entry import (
    Entry,
    format_entry,
    load_entries,
    parse_entry,
    read_entry,
)
from generator.errors import SourceError
from generator.model.records import Source

HOSTILE_TITLES = [
    "CacheGen: Fast Context Loading",
    "Quotes \"double\" and 'single'",
    "# Not a comment",
    "- Leading dash",
    "Ünïcödé — résumé 中文 ∑∏∫ 😀",
    "yes",
    "null",
    "1984",
    "3.14",
    "[not, a, list]",
    "{not: a map}",
    "key: value: more",
    "&anchor *alias !tag %directive @at `tick`",
    "PixArt-$α$: $\\mathcal{O}(n)$",
    "../../etc/passwd",
    "---",
    "Trailing colon:",
    "tab\tinside",
    "back\\slash",
    "'",
    '"',
    "a" * 300,
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_any_title_round_trips(title):
    entry = Entry(slug="x", title=" ".join(title.split()), date=dt.date(2024, 3, 11), body="Body.")
    assert parse_entry(format_entry(entry), "x", "x.md") == entry


def test_full_entry_round_trips_with_extra_keys_in_order():
    entry = Entry(
        slug="cachegen",
        title="CacheGen: Fast",
        date=dt.date(2024, 3, 11),
        body="Line one with $O(n^2)$.\n\n---\n\nA rule above, and: colons.",
        tags=("llm", "kv-cache"),
        links={"code": "https://github.com/a/b", "arxiv": "https://arxiv.org/abs/1"},
        authors=("Ada Lovelace", "Zoë O'Neil"),
        sources=(Source("001.txt", dt.date(2024, 3, 11)), Source("feed", None)),
        arxiv="2403.1",
        upvotes=3,
        extra={"note": "read this: soon", "rating": 5, "nested": {"a": [1, 2]}},
    )
    text = format_entry(entry)
    assert parse_entry(text, "cachegen", "c.md") == entry
    assert list(parse_entry(text, "cachegen", "c.md").extra) == ["note", "rating", "nested"]
    assert "tags: [llm, kv-cache]\n" in text
    import pickle

    for copy in (pickle.loads(pickle.dumps(entry)), pickle.loads(pickle.dumps(entry, protocol=2))):
        assert copy == entry and type(copy) is Entry


def test_format_is_stable_and_readable():
    entry = Entry(
        slug="x",
        title="A: B",
        date=dt.date(2024, 3, 11),
        body="Text.",
        tags=("llm",),
        links={"code": "https://github.com/a/b"},
        sources=(Source("001.txt", dt.date(2024, 3, 11)),),
    )
    assert format_entry(entry) == (
        "---\n"
        "title: 'A: B'\n"
        "date: 2024-03-11\n"
        "tags: [llm]\n"
        "links:\n"
        "  code: https://github.com/a/b\n"
        "sources:\n"
        "- {name: 001.txt, seen: 2024-03-11}\n"
        "---\n"
        "Text.\n"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("no front matter\n", "x.md:1: no front matter"),
        ("---\ntitle: A\n", "x.md:1: front matter is not closed"),
        ("---\ntitle: A\ndate: [2024\n---\n", "x.md:4"),
        ("---\ntitle: A\ndate: soon\n---\n", "x.md:3: `date` must be a date like 2024-03-11, not 'soon'"),
        ("---\ndate: 2024-01-01\n---\n", "x.md:2: missing `title`"),
        ("---\ntitle: A\ndate: 2024-01-01\ntags: {a: 1}\n---\n", "x.md:4: `tags` must be a list of words"),
        ("---\n- a\n- b\n---\n", "x.md:2: front matter must be a mapping"),
        ("---\ntitle: yes\ndate: 2024-01-01\n---\n", "x.md:2: `title` must be text"),
    ],
)
def test_broken_entries_name_path_and_line(text, message):
    with pytest.raises(SourceError) as err:
        parse_entry(text, "x", "x.md")
    assert str(err.value).startswith(message)


def test_human_friendly_values_are_accepted():
    entry = parse_entry("---\ntitle: 1984\ndate: '2024-03-11'\ntags: speech\nauthors: Ada\n---\n", "x", "x.md")
    assert (entry.title, entry.date, entry.tags, entry.authors) == ("1984", dt.date(2024, 3, 11), ("speech",), ("Ada",))


def test_crlf_and_bom_entries_read(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("\ufeff---\r\ntitle: A\r\ndate: 2024-01-01\r\n---\r\nBody\r\n".encode())
    assert read_entry(path, tmp_path).body == "Body"


def test_load_entries_skips_broken_files_and_reports_each(tmp_path):
    (tmp_path / "good.md").write_text("---\ntitle: Good\ndate: 2024-01-01\n---\nText\n")
    (tmp_path / "bad.md").write_text("---\ntitle: [\n---\n")
    (tmp_path / "latin.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    entries, problems = load_entries(tmp_path, tmp_path)
    assert [e.slug for e in entries] == ["good"]
    assert sorted(p.path for p in problems) == ["bad.md", "latin.md"]
    assert any("not valid UTF-8" in str(p) for p in problems)
