"""Parser for CSV (comma, semicolon or tab separated) with a header row naming at least
`title` and `abstract`; optional `date`, `authors`, `tags`, `url`, `arxiv`.
"""

from __future__ import annotations

import csv
import io

from ..errors import Problem, SourceError
from .base import ParseOptions, ParseResult, paper_from_record

NAME = "csv"
DESCRIPTION = "CSV with a header row: title, abstract, date, authors, tags, url, arxiv"


def _header(text: str) -> list[str]:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return [cell.strip().strip('"').lower() for cell in first.split(delimiter)]


def detect(text: str) -> bool:
    header = _header(text)
    return "title" in header and ("abstract" in header or "summary" in header)


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    result = ParseResult()
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise SourceError(Problem(name, f"invalid CSV header: {exc}", line=1)) from None
    if not header or "title" not in [f.strip().lower() for f in header if f]:
        raise SourceError(Problem(name, "CSV header has no `title` column", line=1))
    end = 1  # the header's last line
    try:
        for record in reader:
            line, end = end + 1, reader.line_num
            if None in record:
                result.problems.append(Problem(name, "row has more cells than the header; skipped", line=line))
                continue
            if None in record.values():
                result.problems.append(Problem(name, "row has fewer cells than the header; skipped", line=line))
                continue
            result.add(*paper_from_record(record, name, line, options))
    except csv.Error as exc:
        # Rows before the broken one are kept; the rest of the file cannot be trusted.
        hint = "is a quote left open?" if "end of data" in str(exc) else ""
        result.problems.append(
            Problem(name, f"invalid CSV: {exc}; the rest of the file is skipped", line=end + 1, hint=hint)
        )
    return result
