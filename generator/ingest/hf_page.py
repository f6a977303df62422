"""Parser for text dumps of the Hugging Face Daily Papers page.

A dump is the page's visible text: some header lines (`new`, `Subscribe`,
`Daily Papers`, ...), an optional page date (`Mar 11`), then records of a
title line followed by an abstract line. Some dumps separate every line with
a blank line, others with nothing, and in some the header's `Subscribe` is
glued to the first title. Input: text; output: `Paper` records and problems.
"""

from __future__ import annotations

import datetime as dt
import re

from ..errors import Problem
from ..model.records import Paper, Source, clean_text
from .base import ParseOptions, ParseResult, links_from_text
from .tex import detex

NAME = "hf-page"
DESCRIPTION = "Hugging Face Daily Papers page dump (text)"

_HEADER_LINES = {
    "new",
    "subscribe",
    "daily papers",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "byak and the research community",
}
_MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
_DATE_LINE = re.compile(r"(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? +(\d{1,2})(?:, *(\d{4}))?")
_GLUED_SUBSCRIBE = re.compile(r"Subscribe(?=[A-Z0-9\"'(\[$])")


def detect(text: str) -> bool:
    """True when the text opens like a Daily Papers page dump: its header, or a title then an abstract."""
    head = [clean_text(line) for line in text.splitlines()[:40] if line.strip()][:8]
    if any(line.lower() in _HEADER_LINES or line.startswith("Subscribe") for line in head):
        return True
    return (
        len(head) >= 2
        and not head[0].startswith(("<", "{", "[", "@"))
        and not _looks_like_abstract(head[0])
        and _looks_like_abstract(head[1])
    )


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    """Parse a page dump into papers, one per title + abstract pair."""
    lines = [(n, clean_text(raw)) for n, raw in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line]
    result = ParseResult()
    page_date = options.date or options.today
    page_dated = False  # until a date line, whose year is written, given by --year, or guessed
    rank = 0  # the page's order is its ranking: the place of the last paper since the date line
    i = 0
    in_header = True
    while i < len(lines):
        n, line = lines[i]
        date = _parse_date_line(line, options)
        if date is not None:
            page_date = date
            page_dated = options.year is not None or re.search(r"\d{4}", line) is not None
            rank = 0
            i += 1
            continue
        if in_header:
            if line.lower() in _HEADER_LINES:
                i += 1
                continue
            in_header = False
            glued = _GLUED_SUBSCRIBE.match(line)
            if glued:
                line = line[glued.end() :]
        if i + 1 >= len(lines):
            result.problems.append(
                Problem(name, "title with no abstract at the end of the file; skipped", line=n, source_line=line)
            )
            break
        n2, abstract = lines[i + 1]
        if _looks_like_abstract(line):
            result.problems.append(Problem(name, "abstract with no title before it; skipped", line=n, source_line=line))
            i += 1
            continue
        if not _looks_like_abstract(abstract) and (
            _parse_date_line(abstract, options) is not None
            or (i + 2 < len(lines) and _looks_like_abstract(lines[i + 2][1]))
        ):
            result.problems.append(Problem(name, "title with no abstract; skipped", line=n, source_line=line))
            i += 1
            continue
        rank += 1
        result.papers.append(
            Paper(
                title=detex(line),
                abstract=detex(abstract),
                date=page_date,
                sources=(Source(name=options.source_name or name, seen=page_date),),
                links=links_from_text(abstract),
                line=n,
                dated=page_dated,
                rank=rank,
            )
        )
        i += 2
    return result


def _looks_like_abstract(line: str) -> bool:
    # Titles in the dumps are at most ~170 characters and never end a sentence.
    if len(line) >= 250:
        return True
    return line.endswith((".", "!", "?")) and len(line.split()) >= 12


def _parse_date_line(line: str, options: ParseOptions) -> dt.date | None:
    if len(line) > 20:
        return None
    match = _DATE_LINE.fullmatch(line)
    if not match:
        return None
    month = _MONTHS[match.group(1).lower()]
    day = int(match.group(2))
    if match.group(3):
        years = [int(match.group(3))]
    elif options.year:
        years = [options.year]
    else:
        # The most recent such date that is not in the future.
        years = list(range(options.today.year, options.today.year - 8, -1))
    for year in years:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if options.year or match.group(3) or date <= options.today:
            return date
    return None
