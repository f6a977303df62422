"""Publication dates: read at the precision a source gives, kept through the entry file, cited at it.

Issue 17: a 1998 paper from a bibliography said `citation_publication_date` 2026/11/30 and
`year = {2026}` in its Cite block, the day of the ingest. A paper's publication date now comes
from any source that knows it, as a year, a month or a day, and only that is cited.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from conftest import write_files

from generator.cli import main
from generator.content.entry import Entry, format_entry, parse_entry, read_entry
from generator.errors import SourceError
from generator.ingest.dates import from_arxiv_id, from_parts, month_number, parse_published
from generator.ingest.registry import ParseOptions, parse_source
from generator.model.records import Paper, Published, published_text
from generator.model.records import parse_published as parse_entry_published
from generator.model.site import PaperView

TODAY = dt.date(2026, 11, 30)


def day(year: int, month: int = 1, date: int = 1, precision: str = "day") -> Published:
    return Published(dt.date(year, month, date), precision)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1998", day(1998, precision="year")),
        ("1998-05", day(1998, 5, precision="month")),
        ("1998-05-04", day(1998, 5, 4)),
        ("2025-06-18 17:59:59", day(2025, 6, 18)),  # JSON Lines `created`
        ("2024-05-28T17:47:19.000Z", day(2024, 5, 28)),  # Hugging Face `publishedAt`
        ("2012-09-12T20:30:00-05:00", day(2012, 9, 12)),  # a feed's dc:date, in its own time zone
        ("Wed, 13 Mar 2024 00:00:00 -0400", day(2024, 3, 13)),  # RSS 2.0 pubDate
        ("1984/1986", day(1984, precision="year")),  # a biblatex range: its start
        ("2004-10-27/2004-10-29", day(2004, 10, 27)),
        ("1998?", day(1998, precision="year")),  # EDTF: uncertain
        ("{2021}", day(2021, precision="year")),
        ("May 1998", day(1998, 5, precision="month")),
        ("4 May 1998", day(1998, 5, 4)),
        ("May 4, 1998", day(1998, 5, 4)),
        ("Sept. 2001", day(2001, 9, precision="month")),
        ("2024/03/11", day(2024, 3, 11)),
        ("in press", None),
        ("Spring 2020", None),
        ("1998-13", None),
        ("0", None),
        ("/1998", None),  # a range with an open start has no start
        ("", None),
    ],
)
def test_source_dates_are_read_at_their_precision(text, expected):
    assert parse_published(text) == expected


def test_bibtex_year_and_month_fields():
    assert from_parts("2021", "jun") == day(2021, 6, precision="month")
    assert from_parts("2021", "{June}") == day(2021, 6, precision="month")
    assert from_parts("2021", "6") == from_parts("2021", "06") == day(2021, 6, precision="month")
    assert from_parts("2021") == day(2021, precision="year")
    assert from_parts("2021", "13") is None and from_parts("in press") is None and from_parts("21") is None
    assert [month_number(m) for m in ("jan", "February", "Sept.", "12", "0", "spring")] == [1, 2, 9, 12, None, None]


def test_an_arxiv_id_says_the_month_it_was_given_in():
    assert from_arxiv_id("1209.2411") == day(2012, 9, precision="month")
    assert from_arxiv_id("2506.15684") == day(2025, 6, precision="month")
    assert from_arxiv_id("hep-th/9603067") == day(1996, 3, precision="month")
    assert from_arxiv_id("math/0307200") == day(2003, 7, precision="month")
    assert from_arxiv_id("") is None


def test_entry_text_of_a_publication_date_round_trips():
    for text in ("1998", "1998-05", "1998-05-04"):
        published = parse_entry_published(text)
        assert published is not None and published_text(published.date, published.precision) == text
    assert parse_entry_published("1998-5") is None and parse_entry_published("May 1998") is None


def test_a_date_without_a_precision_is_a_day_and_no_date_has_none():
    assert Paper(title="t", abstract="", date=TODAY, published=dt.date(1998, 5, 4)).published_precision == "day"
    assert Paper(title="t", abstract="", date=TODAY, published_precision="year").published_precision == ""


# -- the entry file ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "published, precision, line",
    [
        (dt.date(1998, 1, 1), "year", "published: 1998\n"),
        (dt.date(1998, 5, 1), "month", "published: 1998-05\n"),
        (dt.date(1998, 5, 4), "day", "published: 1998-05-04\n"),
    ],
)
def test_an_entry_writes_its_publication_date_at_its_precision_and_reads_it_back(published, precision, line):
    entry = Entry(slug="p", title="P", date=TODAY, published=published, published_precision=precision)
    text = format_entry(entry)
    assert line in text
    assert parse_entry(text, "p", "p.md") == entry


def test_a_hand_written_publication_date_reads_at_its_precision():
    entry = parse_entry("---\ntitle: P\ndate: 2026-11-30\npublished: 1998\n---\n", "p", "p.md")
    assert (entry.published, entry.published_precision) == (dt.date(1998, 1, 1), "year")
    entry = parse_entry("---\ntitle: P\ndate: 2026-11-30\npublished: '1998-05'\n---\n", "p", "p.md")
    assert (entry.published, entry.published_precision) == (dt.date(1998, 5, 1), "month")
    with pytest.raises(SourceError) as err:
        parse_entry("---\ntitle: P\ndate: 2026-11-30\npublished: soon\n---\n", "p", "p.md")
    assert str(err.value) == "p.md:4: `published` must be a date like 2024-03-11, 2024-03 or 2024, not 'soon'"


# -- citations ---------------------------------------------------------------------------------------


def view(**fields) -> PaperView:
    url = "/papers/a-paper/"
    base = {"slug": "a-paper", "title": "A Paper", "date": TODAY, "url": url, "abs_url": "https://example.org" + url}
    base |= {"guid": "g", "tags": (), "links": (), "authors": ("Adrian Del Maestro",), "sources": ()}
    return PaperView(**{**base, "summary": "", "html": "", "extra": {}, **fields})


@pytest.mark.parametrize(
    "published, precision, meta, year, month",
    [
        (dt.date(1998, 1, 1), "year", "1998", "1998", None),
        (dt.date(1998, 5, 1), "month", "1998/05", "1998", "may"),
        (dt.date(1998, 5, 4), "day", "1998/05/04", "1998", "may"),
    ],
)
def test_citations_use_the_publication_date_at_its_precision(published, precision, meta, year, month):
    paper = view(published=published, published_precision=precision, surnames=("Del Maestro",))
    assert paper.citation_date == meta
    bib = paper.bibtex
    assert f"year   = {{{year}}}" in bib
    assert (f"month  = {month}," in bib) if month else not re.search(r"^\s+month ", bib, re.M)
    assert "author = {Del Maestro, Adrian}" in bib and bib.startswith(f"@misc{{delmaestro{year}paper,")


def test_without_a_publication_date_the_feed_date_a_source_gave_is_cited_but_never_the_ingest_day():
    announced = view(date=dt.date(2024, 3, 13))
    assert announced.citation_date == "2024/03/13" and "year   = {2024}" in announced.bibtex
    ingested = view(dated=False)
    assert ingested.citation_date == "" and ingested.cited is None
    assert not re.search(r"^\s+(year|month) ", ingested.bibtex, re.M) and ingested.bibtex.startswith(
        "@misc{maestropaper,"
    )


def test_a_1998_paper_from_a_bibliography_is_cited_as_1998_on_its_page(project):
    write_files(
        project,
        {
            "refs.bib": """
                @article{sigfridsson,
                  author  = {Sigfridsson, Emma and Ryde, Ulf},
                  title   = {Comparison of methods for deriving atomic charges},
                  journal = {Journal of Computational Chemistry},
                  date    = 1998,
                }
            """,
            "front.jsonl": '{"created": "2025-06-18 17:59:59", "title": "A Front Page Paper", "abstract": "Text."}\n'
            '{"title": "A Paper Nobody Dated", "abstract": "Text."}\n',
        },
    )
    sources = [str(project / "refs.bib"), str(project / "front.jsonl")]
    assert main(["-C", str(project), "-q", "ingest", "--date", "2026-11-30", *sources]) == 0
    entry = read_entry(project / "content/papers/comparison-of-methods-for-deriving-atomic-charges.md", project)
    assert (entry.published, entry.published_precision) == (dt.date(1998, 1, 1), "year")
    assert "\npublished: 1998\n" in (project / "content/papers" / f"{entry.slug}.md").read_text()
    assert main(["-C", str(project), "-q", "build", "--no-search"]) == 0

    def page(slug: str) -> tuple[str, str]:
        text = (project / f"site/papers/{slug}/index.html").read_text()
        meta = re.findall(r'<meta name="citation_publication_date" content="([^"]*)">', text)
        cite = html.unescape(re.search(r'<code id="bibtex">(.*?)</code>', text, re.S).group(1))
        return ",".join(meta), cite

    meta, cite = page("comparison-of-methods-for-deriving-atomic-charges")
    assert meta == "1998" and "year    = {1998}" in cite and "month" not in cite and "2026" not in cite
    assert "@article{sigfridsson1998comparison," in cite and "journal = {Journal of Computational Chemistry}" in cite
    meta, cite = page("a-front-page-paper")
    assert meta == "2025/06/18" and "month = jun" in cite
    meta, cite = page("a-paper-nobody-dated")
    assert meta == "" and "year" not in cite  # the day of the ingest is no publication date


def test_a_date_that_is_not_one_never_costs_the_record():
    result = parse_source(
        'title,abstract,published,year\n"Kept","Text.",soon,2020\n"Kept Too","Text.",,in press\n',
        "papers.csv",
        ParseOptions(today=TODAY),
    )
    assert [p.title for p in result.papers] == ["Kept", "Kept Too"] and result.problems == []
    assert [str(n) for n in result.notes] == [
        "papers.csv:2: record 'Kept': published 'soon' is not a date; kept without it",
        "papers.csv:3: record 'Kept Too': year 'in press' is not a date; kept without it",
    ]
    assert [(p.published, p.published_precision) for p in result.papers] == [(dt.date(2020, 1, 1), "year"), (None, "")]


ATOM_LORA = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?id_list=2106.09685" rel="self" type="application/atom+xml"/>
  <entry>
    <id>http://arxiv.org/abs/2106.09685v2</id>
    <published>2021-06-17T17:37:18Z</published>
    <title>LoRA: Low-Rank Adaptation of Large Language Models</title>
    <summary>An important paradigm of natural language processing.</summary>
    <author><name>Edward J. Hu</name></author>
  </entry>
</feed>
"""


@pytest.mark.parametrize(
    ("bib_date", "published"),
    [
        ("year = {2021}", "published: 2021-06-17\n"),  # the year agrees: the day is sharper
        ("year = {2021}, month = jun", "published: 2021-06-17\n"),
        ("year = {2022}", "published: 2022\n"),  # a conference year that disagrees: the first stays
        ("year = {2021}, month = jul", "published: 2021-07\n"),
    ],
)
@pytest.mark.parametrize("together", [True, False])
def test_a_sharper_publication_date_that_agrees_wins(tmp_path, bib_date, published, together):
    (tmp_path / "site.yaml").write_text("base_url: https://example.org/\n")
    (tmp_path / "lora.bib").write_text(
        "@article{hu2021lora, title = {LoRA: Low-Rank Adaptation of Large Language Models},\n"
        f"  author = {{Hu, Edward J.}}, eprint = {{2106.09685}}, archivePrefix = {{arXiv}}, {bib_date}}}\n"
    )
    (tmp_path / "lora.xml").write_text(ATOM_LORA)
    runs = [["lora.bib", "lora.xml"]] if together else [["lora.bib"], ["lora.xml"]]
    for files in runs:
        assert main(["-C", str(tmp_path), "-q", "ingest", *(str(tmp_path / f) for f in files)]) == 0
    (entry,) = (tmp_path / "content/papers").glob("*.md")
    assert published in entry.read_text()
