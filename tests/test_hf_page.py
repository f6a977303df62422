"""The Daily Papers page-dump parser, on the real dumps and on edge cases."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SEEDS, TODAY

from generator.errors import SourceError
from generator.ids import paper_key
from generator.ingest.base import find_urls, links_from_text
from generator.ingest.merge import combine
from generator.ingest.registry import (
    PARSERS,
    ParseOptions,
    detect_format,
    parse_source,
    read_source,
)

OPTIONS = ParseOptions(today=TODAY)
ABSTRACT = (
    "We study a problem at length and propose a method that works well. "
    "Experiments on many benchmarks show that it beats every baseline by a wide margin."
)


def parse(text: str, options: ParseOptions = OPTIONS):
    return parse_source(text, "dump.txt", options, format="hf-page")


@pytest.mark.parametrize(
    "name, count",
    [
        ("000_e51db3cf39dcc2e5.txt", 264),
        ("001_57bc9e7ee142a0d4.txt", 47),
        ("002_7165c0a6babe4322.txt", 105),
        ("003_750423300d75b2cb.txt", 203),
        ("004_6a9130a22abd98d5.txt", 116),
    ],
)
def test_each_seed_dump_parses_to_its_exact_record_count(name, count):
    path = next(p for p in SEEDS if p.name == name)
    result = read_source(path, name, OPTIONS)
    assert len(result.papers) == count
    assert result.problems == []
    for paper in result.papers:
        assert len(paper.title) < 250 and len(paper.abstract) > 250
        assert not paper.title.startswith("Subscribe")


def test_seeds_hold_735_records_and_680_distinct_papers():
    papers = [p for path in SEEDS for p in read_source(path, path.name, OPTIONS).papers]
    assert len(papers) == 735
    keys = [p.key for p in papers]
    assert sum(1 for k in set(keys) if keys.count(k) > 1) == 51
    merged = combine(papers)
    assert len(merged) == 680
    assert sum(len(p.sources) > 1 for p in merged) == 51


def test_page_date_line_dates_the_papers_with_the_latest_past_year():
    result = read_source(next(p for p in SEEDS if p.name.startswith("001")), "001", OPTIONS)
    assert {p.date for p in result.papers} == {dt.date(2026, 3, 11)}
    # In January, "Aug 8" is last year's August.
    result = read_source(
        next(p for p in SEEDS if p.name.startswith("004")), "004", ParseOptions(today=dt.date(2027, 1, 5))
    )
    assert {p.date for p in result.papers} == {dt.date(2026, 8, 8)}


def test_year_flag_sets_the_year_of_page_dates():
    text = f"Subscribe\n\nMar 11\n\nA Title\n\n{ABSTRACT}\n"
    assert parse(text, ParseOptions(today=TODAY, year=2024)).papers[0].date == dt.date(2024, 3, 11)


def test_dump_without_date_takes_date_flag_or_today():
    text = f"Get trending papers in your email inbox!\nSubscribeA Title\n{ABSTRACT}\n"
    assert parse(text).papers[0].date == TODAY
    assert parse(text, ParseOptions(today=TODAY, date=dt.date(2024, 1, 2))).papers[0].date == dt.date(2024, 1, 2)


def test_subscribe_glued_to_first_title_is_removed():
    text = f"Get trending papers in your email inbox!\nSubscribeTowards Better Things\n{ABSTRACT}\n"
    assert [p.title for p in parse(text).papers] == ["Towards Better Things"]


def test_blank_separated_and_dense_shapes_give_the_same_papers():
    records = [("First Paper: A Study", ABSTRACT), ("Second Paper", ABSTRACT.replace("method", "model"))]
    dense = "new\nSubscribe\n" + "".join(f"{t}\n{a}\n" for t, a in records)
    spaced = "new\n\nSubscribe\n\n" + "".join(f"{t}\n\n{a}\n\n" for t, a in records)
    for text in (dense, spaced):
        papers = parse(text).papers
        assert [(p.title, p.abstract) for p in papers] == records
    assert [p.line for p in parse(spaced).papers] == [5, 9]


def test_trailing_title_without_abstract_is_reported_and_skipped():
    result = parse(f"Subscribe\nOnly Paper\n{ABSTRACT}\nDangling Title\n")
    assert [p.title for p in result.papers] == ["Only Paper"]
    [problem] = result.problems
    assert str(problem).startswith("dump.txt:4: title with no abstract at the end of the file; skipped")


def test_title_missing_its_abstract_in_the_middle_is_skipped_not_paired_wrongly():
    result = parse(f"Subscribe\nFirst\n{ABSTRACT}\nOrphan Title\nThird\n{ABSTRACT}\n")
    assert [p.title for p in result.papers] == ["First", "Third"]
    assert [pr.line for pr in result.problems] == [4]


def test_crlf_bom_and_control_characters_are_cleaned():
    text = "\ufeffSubscribe\r\nA\x00 Title\x07\r\n" + ABSTRACT + "\r\n"
    [paper] = parse(text).papers
    assert paper.title == "A Title"


def test_tex_is_kept_verbatim():
    text = (
        "Subscribe\nPixArt-$α$: Fast $\\mathcal{O}(n)$ Training\n"
        f"We reach $T_{{\\mathrm{{c}}}}$ quickly. {ABSTRACT}\n"
    )
    [paper] = parse(text).papers
    assert paper.title == "PixArt-$α$: Fast $\\mathcal{O}(n)$ Training"
    assert paper.abstract.startswith("We reach $T_{\\mathrm{c}}$ quickly.")


def test_urls_become_links_without_trailing_punctuation():
    text = (
        "Code is at https://github.com/a/b. See https://x.github.io/site/. "
        "Also http://github.com/c/d{http://github.com/c/d}. (https://example.org/p_(x))"
    )
    assert find_urls(text) == [
        "https://github.com/a/b",
        "https://x.github.io/site/",
        "http://github.com/c/d",
        "https://example.org/p_(x)",
    ]
    assert links_from_text(text) == {"code": "https://github.com/a/b", "project": "https://x.github.io/site/"}


def test_seed_links_are_extracted():
    result = read_source(next(p for p in SEEDS if p.name.startswith("003")), "003", OPTIONS)
    first = result.papers[0]
    assert first.links == {"code": "https://github.com/KaKituken/affordance-aware-any"}
    assert sum(bool(p.links) for p in result.papers) > 30


def test_unknown_format_error_lists_the_formats():
    with pytest.raises(SourceError) as err:
        detect_format('{"not": "a dump"}', "x.json")
    assert "x.json: unknown input format" in str(err.value)
    assert "hf-page" in str(err.value)


def test_binary_and_empty_files_get_clear_errors(tmp_path):
    (tmp_path / "bin").write_bytes(b"\x00\x01\x02\xff\xfe\x00" * 100)
    (tmp_path / "empty").write_bytes(b"")
    for name, message in (("bin", "binary file"), ("empty", "empty file")):
        with pytest.raises(SourceError, match=message):
            read_source(tmp_path / name, name, OPTIONS)


def test_titles_differing_only_in_case_and_punctuation_are_one_paper():
    assert paper_key("CacheGen: Fast  Context-Loading!") == paper_key("cachegen fast context loading")
    assert paper_key("∑∏∫") != paper_key("∆∆")


def test_registry_names_the_parser():
    assert "hf-page" in PARSERS


def test_tex_outside_math_becomes_text_and_math_stays_whole():
    dump = (
        'Subscribe\nNa\\"ive {\\Lambda}-shaped Attention at $O(n)$ Cost\n'
        "We reach 98.3\\% accuracy -- a new record, e.g.~on \\textbf{small} devices with $\\epsilon < 10^{-3}$ error.\n"
    )
    [paper] = parse(dump).papers
    assert paper.title == "Naïve Λ-shaped Attention at $O(n)$ Cost"
    assert paper.abstract == (
        "We reach 98.3% accuracy – a new record, e.g. on small devices with $\\epsilon < 10^{-3}$ error."
    )
