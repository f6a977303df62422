"""Parser for BibTeX (`@article`, `@inproceedings`, `@misc` with `eprint`, ...), via bibtexparser.

Titles lose their protective braces but keep TeX math; authors become plain
names; `eprint` with `archivePrefix = arXiv` gives the arXiv id; `keywords`
become tags. A broken entry is reported with its line and the others still go in.
"""

from __future__ import annotations

import logging
import re

import bibtexparser

from ..errors import Problem
from ..ids import is_http_url
from ..model.records import Paper, Source, arxiv_from_doi, arxiv_id, arxiv_links
from .base import (
    ParseOptions,
    ParseResult,
    link_kind,
    links_from_text,
    parse_date,
    split_words,
)
from .tex import detex

NAME = "bibtex"
DESCRIPTION = "BibTeX (.bib)"

# Spaces before `@` but not newlines: `^\s*` rescans a run of blank lines from each of its lines (quadratic).
_ENTRY = re.compile(r"^[^\S\n]*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_SKIP_TYPES = {"comment", "preamble", "string"}
# bibtexparser logs every failed block; paperfeed reports them itself, with file and line.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def detect(text: str) -> bool:
    return _ENTRY.search(text[:20000]) is not None


def _authors(value: str) -> tuple[str, ...]:
    names = []
    for raw in re.split(r"\sand\s", value):  # `\s+and` would be quadratic on a long run of spaces
        name = detex(raw)
        if "," in name:  # "Last, First" -> "First Last"
            last, _, first = name.partition(",")
            name = f"{first.strip()} {last.strip()}".strip()
        if name and name.lower() != "others":
            names.append(name)
    return tuple(names)


def _line(start_line: int | None) -> int:
    """A block's 1-based line; 0 (unknown) when bibtexparser gives none."""
    return 0 if start_line is None else start_line + 1


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    library = bibtexparser.parse_string(text)
    result = ParseResult()
    for block in library.failed_blocks:
        error = getattr(block, "error", None)
        reason = " ".join(str(getattr(error, "abort_reason", "") or error or "unparseable entry").split())
        result.problems.append(Problem(name, f"invalid BibTeX entry: {reason}; skipped", line=_line(block.start_line)))
    for entry in library.entries:
        if entry.entry_type.lower() in _SKIP_TYPES:
            continue
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        line = _line(entry.start_line)
        title = detex(fields.get("title", ""))
        if not title:
            result.problems.append(Problem(name, f"entry {entry.key!r} has no title; skipped", line=line))
            continue
        abstract = " ".join(fields.get("abstract", "").split())
        prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
        identifier = arxiv_id(fields.get("eprint", "")) if prefix == "arxiv" or "eprint" in fields else ""
        links = links_from_text(abstract)
        url = fields.get("url", "").strip()
        if is_http_url(url):
            kind = link_kind(url)
            if kind == "arxiv":
                identifier = identifier or arxiv_id(url)
            else:
                links[kind] = url
        doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", fields.get("doi", "").strip())
        if doi:
            links["doi"] = f"https://doi.org/{doi}"
        identifier = identifier or arxiv_from_doi(doi)
        if identifier:
            links = {**arxiv_links(identifier), **links}
        date = options.date or options.today
        result.papers.append(
            Paper(
                title=title,
                abstract=abstract,
                date=date,
                line=line,
                sources=(Source(options.source_name or name, date),),
                links=links,
                authors=_authors(fields.get("author", "")),
                tags=split_words(fields.get("keywords", "")),
                arxiv=identifier,
                doi=doi,
                published=parse_date(fields.get("date")),
                journal_ref=detex(fields.get("journal") or fields.get("booktitle") or ""),
            )
        )
    return result
