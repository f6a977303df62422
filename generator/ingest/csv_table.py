"""Parser for CSV (comma, semicolon or tab separated) with a header row naming at least
`title` and `abstract`; optional `date`, `authors`, `tags`, `url`, `arxiv` and the other
fields and aliases of `base.paper_from_record` (`Author`, `Abstract Note`, `Publication Year`).

Zotero's CSV export is read by its column names: `Author` as `Last, First; Last, First`,
`Date` (`2025`, `2025-08`, `2025-08-14`) and `Publication Year` as the publication date
(never the day the paper entered the feed), `Publication Title` as the venue, `Manual Tags`
and `Automatic Tags` as keywords (a Zotero library's tags serve its owner's reading, not
this site: they reach tags through the taxonomy), an arXiv id in `Extra`, `Number` or `Url`.
"""

from __future__ import annotations

import csv
import io

from ..errors import Problem, SourceError
from .base import ParseOptions, ParseResult, paper_from_record
from .record import name_part

NAME = "csv"
DESCRIPTION = "CSV with a header row: title, abstract, date, authors, tags, url, arxiv (or a Zotero export)"
# Columns only Zotero's export has: its `Date` is a publication date.
_ZOTERO = {"item type", "publication year", "abstract note"}


def _header(text: str) -> list[str]:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return [cell.strip().strip('"').lower() for cell in first.split(delimiter)]


def detect(text: str) -> bool:
    header = _header(text)
    return "title" in header and ("abstract" in header or "summary" in header or "abstract note" in header)


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
    zotero = {f.strip().lower() for f in header if f} >= _ZOTERO
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
            if zotero:
                result.add_record(paper_from_record(_from_zotero(record), name, line, options, feed_dates=False))
            else:
                result.add_record(paper_from_record(record, name, line, options))
    except csv.Error as exc:
        # Rows before the broken one are kept; the rest of the file cannot be trusted.
        hint = "is a quote left open?" if "end of data" in str(exc) else ""
        result.problems.append(
            Problem(name, f"invalid CSV: {exc}; the rest of the file is skipped", line=end + 1, hint=hint)
        )
    return result


def _from_zotero(row: dict[str, str]) -> dict[str, object]:
    """A Zotero row as `paper_from_record` reads it: `Author` is always `Last, First; Last, First`
    (one author is still `Last, First`, not two names), and a name without a comma is one Zotero
    keeps in a single field, an organisation's: all of it is the family name."""
    record: dict[str, object] = {key.strip().lower(): value for key, value in row.items() if key}
    names = [name for name in map(name_part, str(record.pop("author", "")).split(";")) if name]
    record["authors"] = names
    record["surnames"] = [name for name in names if "," not in name and " " in name]
    return record
