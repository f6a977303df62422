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
from .base import (
    ParseOptions,
    ParseResult,
    links_from_text,
    parse_date,
    split_names,
    split_words,
)
from .jsontext import iter_array

NAME = "hf-json"
DESCRIPTION = "Hugging Face api/daily_papers JSON"


def detect(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    return head.startswith("[") and re.search(r'"paper"\s*:\s*\{', head) is not None


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    result = ParseResult()
    items = list(iter_array(text, name))  # a syntax error rejects the file before anything goes in
    for line, item in items:
        result.add(*_paper(item, name, line, options))
    return result


def _paper(item: object, name: str, line: int, options: ParseOptions) -> tuple[Paper | None, Problem | None]:
    if not isinstance(item, dict):
        return None, Problem(name, "item is not an object; skipped", line=line)
    paper = item.get("paper")
    if not isinstance(paper, dict):
        paper = {}
    title = clean_text(str(paper.get("title") or item.get("title") or ""))
    if not title:
        return None, Problem(name, "item has no title; skipped", line=line)
    if paper.get("withdrawnAt"):
        return None, Problem(name, f"{title!r} was withdrawn on {str(paper['withdrawnAt'])[:10]}; skipped", line=line)
    abstract = " ".join(str(paper.get("summary") or item.get("summary") or "").split())
    date = (
        parse_date(paper.get("submittedOnDailyAt"))
        or parse_date(item.get("publishedAt"))
        or options.date
        or options.today
    )
    identifier = arxiv_id(str(paper.get("id") or ""))
    links = links_from_text(abstract)
    for kind, key in (("code", "githubRepo"), ("project", "projectPage")):
        url = paper.get(key)
        if isinstance(url, str) and is_http_url(url):
            links[kind] = url
    if identifier:
        links = {**arxiv_links(identifier), **links}
    upvotes = paper.get("upvotes")
    return Paper(
        title=title,
        abstract=abstract,
        date=date,
        line=line,
        sources=(Source(options.source_name or name, date),),
        links=links,
        authors=split_names([a for a in paper.get("authors") or [] if isinstance(a, (dict, str))]),
        arxiv=identifier,
        published=parse_date(paper.get("publishedAt")),
        upvotes=upvotes if isinstance(upvotes, int) and not isinstance(upvotes, bool) else None,
        keywords=split_words(paper.get("ai_keywords") or []),
    ), None
