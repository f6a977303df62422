"""Parser for JSON Lines: one object per line with `title`, `abstract` and optional
`date`, `authors`, `tags`, `url`, `arxiv`. A JSON array of such objects reads too.

A broken line is reported with its line and column; the other lines still go in.
"""

from __future__ import annotations

from ..errors import Problem, SourceError
from .base import ParseOptions, ParseResult, paper_from_record
from .jsontext import iter_array, parse_json

NAME = "jsonl"
DESCRIPTION = "JSON Lines (or a JSON array) of {title, abstract, ...} records"


def detect(text: str) -> bool:
    for line in text.lstrip("\ufeff").splitlines()[:5]:
        line = line.strip()
        if not line:
            continue
        if line.startswith("[") and '"title"' in text[:4000]:
            return True
        if not line.startswith("{"):
            return False
        try:
            record = parse_json(line, "")
        except SourceError:
            return '"title"' in line
        return isinstance(record, dict) and "title" in {str(k).lower() for k in record}
    return False


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    result = ParseResult()
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("["):
        records = list(iter_array(text, name))
    else:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, parse_json(line, name, number)))
            except SourceError as exc:
                result.problems.extend(exc.problems)
    for number, record in records:
        if isinstance(record, Problem):  # nested too deeply to read
            result.problems.append(record)
        elif not isinstance(record, dict):
            result.problems.append(Problem(name, "line is not a JSON object; skipped", line=number))
        else:
            result.add(*paper_from_record(record, name, number, options))
    return result
