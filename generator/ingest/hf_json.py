"""Parser for the Hugging Face `api/daily_papers` JSON: an array of daily items, each with a `paper`.

Keeps authors, upvotes, code and project links and the arXiv id; `ai_keywords`
reach tags through the taxonomy; withdrawn papers are skipped with a notice.
Input: text; output: `Paper` records and problems.
"""

from __future__ import annotations

import re

from ..errors import Problem
from ..ids import is_http_url
from ..model.records import Paper, Source, arxiv_id, arxiv_links, clean_text
from .base import ParseOptions, ParseResult, links_from_text, parse_date, quoted
from .jsontext import iter_array
from .record import Fields, RecordError

NAME = "hf-json"
DESCRIPTION = "Hugging Face api/daily_papers JSON"


def detect(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    return head.startswith("[") and re.search(r'"paper"\s*:\s*\{', head) is not None


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    result = ParseResult()
    items = list(iter_array(text, name))  # a syntax error rejects the file before anything goes in
    for line, item in items:
        if isinstance(item, Problem):  # nested too deeply to read
            result.problems.append(item)
            continue
        if not isinstance(item, dict):
            result.problems.append(Problem(name, "item is not an object; skipped", line=line))
            continue
        try:
            result.add(*_paper(Fields(item), name, line, options))
        except RecordError as exc:
            result.problems.append(Problem(name, f"{exc}; skipped", line=line))
    return result


def _paper(item: Fields, name: str, line: int, options: ParseOptions) -> tuple[Paper | None, Problem | None]:
    paper = item.object("paper")
    title = clean_text(paper.text("title") or item.text("title"))
    if not title:
        return None, Problem(name, "item has no title; skipped", line=line)
    if paper.has("withdrawnAt"):
        withdrawn = paper.text("withdrawnAt")[:10]
        return None, Problem(name, f"{quoted(title)} was withdrawn on {withdrawn}; skipped", line=line)
    abstract = " ".join((paper.text("summary") or item.text("summary")).split())
    date = (
        parse_date(paper.text("submittedOnDailyAt"))
        or parse_date(item.text("publishedAt"))
        or options.date
        or options.today
    )
    identifier = arxiv_id(paper.text("id"))
    links = links_from_text(abstract)
    for kind, key in (("code", "githubRepo"), ("project", "projectPage")):
        url = paper.text(key)
        if is_http_url(url):
            links[kind] = url
    if identifier:
        links = {**arxiv_links(identifier), **links}
    return Paper(
        title=title,
        abstract=abstract,
        date=date,
        line=line,
        sources=(Source(options.source_name or name, date),),
        links=links,
        authors=paper.names("authors"),
        arxiv=identifier,
        published=parse_date(paper.text("publishedAt")),
        upvotes=paper.count("upvotes"),
        keywords=paper.words("ai_keywords"),
    ), None
