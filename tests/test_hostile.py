"""Hostile input: no parser and no entry reader ever fails with anything but a clean `SourceError`."""

from __future__ import annotations

import datetime as dt
import importlib.util
import time

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.entry import parse_entry, parse_entry_bytes
from generator.errors import SourceError
from generator.ingest.registry import PARSERS, ParseOptions, decode, parse_source

OPTIONS = ParseOptions(today=dt.date(2026, 11, 21))
SEEDS = {
    "hf-page": "Subscribe\nMar 11\nA Title\nA long abstract sentence that goes on. " * 3,
    "hf-json": '[{"paper": {"id": "2310.07240", "title": "T", "summary": "S", "authors": [{"name": "A"}]}}]',
    "arxiv-atom": (
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>http://arxiv.org/api/x</id><entry>'
        "<id>http://arxiv.org/abs/2310.07240v1</id><title>T</title><summary>S</summary></entry></feed>"
    ),
    "arxiv-rss": (
        "<rss><channel><item><title>T</title><description>arXiv:2403.1v1 Announce Type: new "
        "Abstract: S</description><guid>oai:arXiv.org:2403.07001v1</guid></item></channel></rss>"
    ),
    "bibtex": "@article{a, title={T {x}}, author={A and B}, eprint={2310.07240}, keywords={k}}",
    "jsonl": '{"title": "T", "abstract": "S", "date": "2024-01-01", "authors": "A, B", "tags": ["x"]}',
    "csv": 'title,abstract,date,authors\n"T","S",2024-01-01,"A; B"\n',
}
hostile_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)


def mutate(seed: str, data: st.DataObject) -> str:
    """The seed with a random slice replaced by random text: mostly-valid input, the hardest kind."""
    start = data.draw(st.integers(0, len(seed)))
    end = data.draw(st.integers(start, len(seed)))
    return seed[:start] + data.draw(hostile_text) + seed[end:]


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parsers_fail_only_cleanly_on_any_text(name, data):
    text = mutate(SEEDS[name], data) if data.draw(st.booleans()) else data.draw(hostile_text)
    try:
        result = parse_source(text, "fuzz", OPTIONS, format=name)
    except SourceError as exc:
        assert all(str(p).startswith("fuzz") for p in exc.problems)
        return
    for paper in result.papers:
        assert paper.title and "\n" not in paper.title
    for problem in result.problems:
        assert str(problem).startswith("fuzz")


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_format_detection_never_crashes(data):
    text = data.draw(hostile_text)
    try:
        parse_source(text, "fuzz", OPTIONS)
    except SourceError:
        pass


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=300))
def test_decoding_any_bytes_gives_text_or_a_clean_error(raw):
    try:
        assert isinstance(decode(raw, "fuzz"), str)
    except SourceError as exc:
        assert "binary file" in str(exc)


ENTRY_SEED = "---\ntitle: 'A: B'\ndate: 2024-03-11\ntags: [llm]\nlinks: {code: https://x.org}\n---\nBody $x$.\n"


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_entry_reader_fails_only_cleanly(data):
    text = mutate(ENTRY_SEED, data)
    try:
        entry = parse_entry(text, "x", "x.md")
    except SourceError as exc:
        assert all(p.path == "x.md" for p in exc.problems)
        return
    assert entry.title.strip()


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=200))
def test_entry_bytes_fail_only_cleanly(raw):
    try:
        parse_entry_bytes(b"---\ntitle: x\ndate: 2024-01-01\n---\n" + raw, "x", "x.md")
    except SourceError:
        pass


def test_a_ten_megabyte_abstract_and_a_hundred_thousand_line_dump_parse():
    abstract = ("We study attention and caches in depth. " * 260_000)[:10_000_000]
    [paper] = parse_source(f"Subscribe\nHuge\n{abstract}\n", "huge.txt", OPTIONS, format="hf-page").papers
    assert len(paper.abstract) >= 9_999_000
    lines = ["Subscribe"] + [
        f"Paper {i}\nWe study thing {i} in depth and report many results on benchmarks." for i in range(50_000)
    ]
    result = parse_source("\n".join(lines), "long.txt", OPTIONS, format="hf-page")
    assert len(result.papers) == 50_000 and result.problems == []


def _fuzzer():
    spec = importlib.util.spec_from_file_location("fuzz_inputs", REPO / "tests/fuzz/fuzz_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", sorted((REPO / "tests/fuzz/crashes").glob("*.bin")), ids=lambda p: p.name)
def test_inputs_the_fuzzer_once_broke_now_pass_within_budget(path):
    fuzz = _fuzzer()
    [kind] = [k for k in fuzz.SAMPLES if path.name.startswith(k + "-")]
    data = path.read_bytes()
    fuzz.run_one(kind, (fuzz.FIXTURES / fuzz.SAMPLES[kind][0]).read_bytes())  # first-use loading, untimed
    started = time.process_time()  # CPU time: other processes on the machine do not count
    fuzz.run_one(kind, data)  # anything but a clean result or a SourceError escapes
    assert time.process_time() - started < fuzz.budget(len(data))  # the fuzzer's own budget


@pytest.mark.parametrize("value", ["Mon, 11 Mar 2024 00:00:00 +99999999999999999999", "Mon, 99 Mar 2024", "2024-13-45"])
def test_a_feed_date_that_cannot_be_a_date_is_none(value):
    from generator.ingest.feedtext import feed_date

    assert feed_date(value) is None
