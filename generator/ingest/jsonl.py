"""Parser for JSON Lines: one object per line with `title`, `abstract` and optional
`date`, `authors`, `tags`, `url`, `arxiv`. A JSON array of such objects reads too.

A broken line is reported with its line and column; the other lines still go in.
"""

from __future__ import annotations

import json

from ..errors import Problem
from .base import ParseOptions, ParseResult, paper_from_record
from .jsontext import iter_array, json_error

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
            record = json.loads(line)
        except json.JSONDecodeError:
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
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                result.problems.append(json_error(name, exc, line_offset=number - 1))
    for number, record in records:
        if not isinstance(record, dict):
            result.problems.append(Problem(name, "line is not a JSON object; skipped", line=number))
            continue
        result.add(*paper_from_record(record, name, number, options))
    return result
