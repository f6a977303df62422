"""The fast front matter reader answers exactly what PyYAML's safe loader answers."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content import frontmatter
from generator.content.entry import FENCE, Entry, format_entry
from generator.model.records import Source

REPO = Path(__file__).resolve().parent.parent


def pyyaml(text: str):
    return yaml.load(text, Loader=yaml.CSafeLoader)


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (1 == True == 1.0 would hide a bug)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def fast_or_none(text: str):
    try:
        return frontmatter._load_subset(text)
    except frontmatter._Unsupported:
        return None


def front_matter(entry_text: str) -> str:
    first = FENCE.match(entry_text)
    closing = FENCE.search(entry_text, first.end() + 1)
    return entry_text[first.end() + 1 : closing.start()]


# Text made of YAML's syntax characters, words that resolve to other types, and odd characters.
PIECES = [
    "title",
    "date",
    "tags",
    "links",
    "sources",
    "name",
    "seen",
    "code",
    "a",
    "Zb",
    "x_y",
    "k-9",
    ": ",
    ":",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n- ",
    "- ",
    "'",
    "''",
    '"',
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "#",
    " #",
    "?",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "~",
    "-",
    ".",
    "0",
    "1",
    "07",
    "0x1F",
    "1_0",
    "12:30",
    "2024-03-11",
    "2024-3-1",
    "2024-02-30",
    "2024-03-11T10:00:00Z",
    "1e3",
    "1.5",
    ".inf",
    ".nan",
    "yes",
    "No",
    "ON",
    "off",
    "null",
    "NULL",
    "true",
    "y",
    "n",
    "=",
    "<<",
    "é",
    "数",
    "😀",
    "\u00a0",
    "\u0085",
    "\u2028",
    "\ufeff",
    "\t",
    "\r",
    "\x00",
    "\x7f",
    "https://example.org/a#b",
    "a: b",
]


fragments = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
keys = st.sampled_from(["title", "date", "tags", "x_y", "k-9", "on", "null", "a"])
# Mostly `key: value` lines and blocks, so that most documents are within the subset or near its edge.
line = st.one_of(
    st.tuples(keys, fragments).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(keys, st.lists(fragments, max_size=4)).map(lambda kv: f"{kv[0]}: [{', '.join(kv[1])}]"),
    st.tuples(keys, st.lists(st.tuples(keys, fragments), min_size=1, max_size=3)).map(
        lambda kv: kv[0] + ":\n" + "\n".join(f"  {k}: {v}" for k, v in kv[1])
    ),
    st.tuples(keys, st.lists(st.lists(st.tuples(keys, fragments), max_size=2), min_size=1, max_size=3)).map(
        lambda kv: kv[0] + ":\n" + "\n".join("- {" + ", ".join(f"{k}: {v}" for k, v in m) + "}" for m in kv[1])
    ),
    fragments,
)
documents = st.lists(line, max_size=6).map(lambda lines: "".join(x + "\n" for x in lines))
EXAMPLES = int(os.environ.get("FRONTMATTER_EXAMPLES", "3000"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), documents))
def test_fast_reader_agrees_with_pyyaml_on_any_text(text):
    fast = fast_or_none(text)
    if fast is None:
        return
    try:
        expected = pyyaml(text)
    except (yaml.YAMLError, ValueError) as exc:
        pytest.fail(f"fast reader read {text!r} as {fast!r}; PyYAML raised {exc!r}")
    assert same(fast, expected), (text, fast, expected)


words = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
names = st.lists(words, max_size=4)


@settings(max_examples=1500, deadline=None)
@given(
    title=words.filter(str.strip),
    tags=names,
    authors=names,
    comment=words,
    links=st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), words, max_size=3),
    sources=st.lists(st.tuples(words.filter(str.strip), st.none() | st.dates()), max_size=3),
    upvotes=st.none() | st.integers(0, 10**6),
    date=st.dates(),
)
def test_fast_reader_agrees_with_pyyaml_on_written_entries(
    title, tags, authors, comment, links, sources, upvotes, date
):
    entry = Entry(
        slug="x",
        title=title,
        date=date,
        tags=tuple(tags),
        authors=tuple(authors),
        comment=comment,
        links=links,
        sources=tuple(Source(n, s) for n, s in sources),
        upvotes=upvotes,
    )
    text = front_matter(format_entry(entry))
    fast = fast_or_none(text)
    assert fast is None or same(fast, pyyaml(text)), text


def test_written_entries_take_the_fast_path():
    entry = Entry(
        slug="x",
        title="KV cache: eviction at 1M tokens, for 'real'",
        date=dt.date(2024, 3, 11),
        tags=("llm", "kv-cache"),
        authors=("Ada Lovelace", "Émile Borel", "李雷"),
        arxiv="2403.01234",
        upvotes=42,
        links={"code": "https://github.com/a/b", "pdf": "https://arxiv.org/pdf/2403.01234"},
        sources=(Source("000_e51db3cf39dcc2e5.txt", dt.date(2024, 3, 12)), Source("hf-daily")),
    )
    text = front_matter(format_entry(entry))
    assert same(fast_or_none(text), pyyaml(text))
    demo = sorted((REPO / "content" / "papers").glob("*.md"))
    fast = sum(fast_or_none(front_matter(p.read_text())) is not None for p in demo)
    assert fast >= 0.95 * len(demo)


def test_text_outside_the_subset_goes_to_pyyaml():
    assert frontmatter.load("title: x\nextra:\n  deep:\n    - 1\n") == {"title": "x", "extra": {"deep": [1]}}
    assert frontmatter.load("title: |\n  two\n  lines\n") == {"title": "two\nlines\n"}
    with pytest.raises(yaml.YAMLError):
        frontmatter.load("title: [unclosed\n")
