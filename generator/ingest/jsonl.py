"""Parser for JSON Lines: one object per line with `title`, `abstract` and optional
`date`, `authors`, `tags`, `url`, `arxiv`, and the other fields and aliases of
`base.paper_from_record` (`created`, `published`, `year`, `Author`, `Abstract Note`,
`keywords`, `doi`, ...). A JSON array of such objects reads too. `tags` are the
file's own tagging of the paper and stay tags; `keywords` reach tags through the taxonomy.

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
            result.add_record(paper_from_record(record, name, number, options))
    return result
