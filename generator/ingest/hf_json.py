"""Parser for the Hugging Face `api/daily_papers` JSON: an array of daily items, each with a `paper`.

Keeps authors, upvotes, code and project links and the arXiv id; `ai_keywords`
reach tags through the taxonomy (they are a model's reading of the abstract, not a
tagging); withdrawn papers are skipped with a notice. The paper's `publishedAt` is
its publication date (arXiv's first version, to the day); the day it was on Daily
Papers (`submittedOnDailyAt`, else the item's `publishedAt`) is its feed date.
The array's order is the page's ranking: each paper's `rank` is its place among
the day's papers in it. Text goes through `tex.detex`. Input: text; output:
`Paper` records and problems.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from ..errors import Problem
from ..ids import is_http_url
from ..model.records import Paper, Source, arxiv_id, arxiv_links
from .base import ParseOptions, ParseResult, Record, links_from_text, parse_date, publication, quoted
from .dates import from_arxiv_id, parse_published
from .jsontext import iter_array
from .record import Fields, RecordError
from .tex import detex

NAME = "hf-json"
DESCRIPTION = "Hugging Face api/daily_papers JSON"


def detect(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    return head.startswith("[") and re.search(r'"paper"\s*:\s*\{', head) is not None


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    result = ParseResult()
    items = list(iter_array(text, name))  # a syntax error rejects the file before anything goes in
    ranks: dict[dt.date, int] = {}  # papers so far of each day, in the array's order
    for line, item in items:
        if isinstance(item, Problem):  # nested too deeply to read
            result.problems.append(item)
            continue
        if not isinstance(item, dict):
            result.problems.append(Problem(name, "item is not an object; skipped", line=line))
            continue
        try:
            record = _paper(Fields(item), name, line, options)
        except RecordError as exc:
            result.problems.append(Problem(name, f"{exc}; skipped", line=line))
            continue
        if record.paper is not None:
            day = record.paper.date
            ranks[day] = ranks.get(day, 0) + 1
            record = replace(record, paper=replace(record.paper, rank=ranks[day]))
        result.add_record(record)
    return result


def _paper(item: Fields, name: str, line: int, options: ParseOptions) -> Record:
    paper = item.object("paper")
    title = detex(paper.text("title") or item.text("title"))
    if not title:
        return Record(None, Problem(name, "item has no title; skipped", line=line))
    if paper.has("withdrawnAt"):
        withdrawn = paper.text("withdrawnAt")[:10]
        return Record(None, Problem(name, f"{quoted(title)} was withdrawn on {withdrawn}; skipped", line=line))
    abstract = detex(paper.text("summary") or item.text("summary"))
    raw = paper.text("publishedAt")
    published = parse_published(raw) if raw.strip() else None
    notes: tuple[Problem, ...] = ()
    if raw.strip() and published is None:
        message = f"{quoted(title)}: publishedAt {quoted(raw)} is not a date; kept without it"
        notes = (Problem(name, message, line=line),)
    given = parse_date(paper.text("submittedOnDailyAt")) or parse_date(item.text("publishedAt"))
    date = given or options.date or options.today
    identifier = arxiv_id(paper.text("id"))
    links = links_from_text(abstract)
    for kind, key in (("code", "githubRepo"), ("project", "projectPage")):
        url = paper.text(key)
        if is_http_url(url):
            links[kind] = url
    if identifier:
        links = {**arxiv_links(identifier), **links}
    paper_record = Paper(
        title=title,
        abstract=abstract,
        date=date,
        line=line,
        sources=(Source(options.source_name or name, date),),
        links=links,
        authors=tuple(detex(n) for n in paper.names("authors")),
        arxiv=identifier,
        upvotes=paper.count("upvotes"),
        keywords=paper.words("ai_keywords"),
        dated=given is not None,
        **publication(published or from_arxiv_id(identifier)),
    )
    return Record(paper_record, notes=notes)
