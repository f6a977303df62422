"""The sources a site follows, as `site.yaml` declares them under `sources:`, and what to fetch for each.

    sources:
      arxiv cs.LG:                      # the name `paperfeed update` reports it by
        arxiv: {categories: [cs.LG], keywords: [diffusion]}
        max_results: 200
      new in cs.CL:
        arxiv_feed: [cs.CL]
        cross_lists: false
      hf:
        hf_daily: latest
      picks:
        url: https://example.org/picks.bib
        required: false

Each source has exactly one of the kinds in `KINDS`; the other keys are
options. This module only declares and validates: `update.py` fetches.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..content import arxiv_categories
from ..errors import Problem
from ..ids import is_http_url
from .formats import FORMAT_NAMES

ARXIV_API = "https://export.arxiv.org/api/query"
ARXIV_FEEDS = "https://rss.arxiv.org/rss/"
HF_DAILY = "https://huggingface.co/api/daily_papers"

# What each kind's value is, for the error that names a wrong one.
KINDS = {
    "arxiv": "an arXiv API query: text such as 'cat:cs.LG AND abs:diffusion', or {categories, keywords, authors}",
    "arxiv_feed": "the arXiv categories of an announcement feed, such as cs.LG or [cs.LG, cs.CL]",
    "hf_daily": "a day of Hugging Face Daily Papers: latest, today, yesterday or a date such as 2026-12-01",
    "url": "an http(s) URL",
    "path": "a file, folder or glob in the project, or a list of them",
}
OPTIONS = {
    "format": "read every answer as this format instead of detecting it",
    "cross_lists": "arXiv: take papers cross-listed from other categories (default true)",
    "replacements": "arXiv: take new versions of older papers (default true)",
    "filter": "keep only papers whose title or abstract has one of these phrases",
    "required": "whether a failure of this source fails `paperfeed update` (default true)",
    "max_results": "arXiv API: results over all pages (default 200)",
    "endpoint": "another address for the arXiv API, arXiv feeds or the Hugging Face API",
}
_QUERY_KEYS = ("categories", "keywords", "authors", "query")
# arXiv asks for slices of at most a few thousand results; 100 a request keeps each answer small.
PAGE_SIZE = 100


@dataclass(frozen=True)
class SourceSpec:
    """One configured source: its name and kind, what it asks for, and how its records are taken."""

    name: str
    kind: str
    value: str | tuple[str, ...]  # the query, categories, day, URL or paths, as the kind reads it
    format: str | None = None
    cross_lists: bool = True
    replacements: bool = True
    filter: tuple[str, ...] = ()  # keep only papers whose title or abstract has one of these phrases
    required: bool = True
    max_results: int = 200  # arXiv API only: results over all pages
    endpoint: str = ""  # another address for the arXiv API, arXiv feeds or the HF API (a mirror, a test server)

    def urls(self, today: dt.date) -> list[str]:
        """What to fetch for a feed, HF day or URL source (the arXiv API is fetched page by page: `arxiv_page`)."""
        if self.kind == "arxiv_feed":
            return [(self.endpoint or ARXIV_FEEDS).rstrip("/") + "/" + "+".join(self.value)]
        if self.kind == "hf_daily":
            day = {"today": today, "yesterday": today - dt.timedelta(days=1)}.get(str(self.value))
            base = self.endpoint or HF_DAILY
            if self.value == "latest":
                return [base]
            return [f"{base}?{urlencode({'date': (day or dt.date.fromisoformat(str(self.value))).isoformat()})}"]
        if self.kind == "url":
            return [str(self.value)]
        return []

    def arxiv_query_url(self) -> str:
        """The arXiv API request for the query, without paging: how its papers name their source."""
        return f"{self.endpoint or ARXIV_API}?{urlencode({'search_query': str(self.value)})}"

    def arxiv_page(self, start: int) -> str:
        """The arXiv API request for results `start` onwards, newest submissions first."""
        size = min(PAGE_SIZE, self.max_results - start)
        query = {
            "search_query": str(self.value),
            "start": start,
            "max_results": size,
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        return f"{self.endpoint or ARXIV_API}?{urlencode(query)}"


def parse_sources(
    value: Any, path: str, line: int, line_of: Callable[[str], int]
) -> tuple[tuple[SourceSpec, ...], list[Problem]]:
    """`sources:` of site.yaml (at `line`) as specs, and every problem found; `line_of(name)` finds a source's line."""
    if value is None:
        return (), []
    if not isinstance(value, dict):
        return (), [Problem(path, "`sources` must map source names to {kind: value, options}", line=line)]
    specs: list[SourceSpec] = []
    problems: list[Problem] = []
    for name, spec in value.items():
        found = _parse_one(str(name), spec, path, line_of(str(name)))
        if isinstance(found, SourceSpec):
            specs.append(found)
        else:
            problems.extend(found)
    return tuple(specs), problems


def _parse_one(name: str, spec: Any, path: str, line: int) -> SourceSpec | list[Problem]:
    def problem(message: str, hint: str = "") -> list[Problem]:
        return [Problem(path, f"source {name!r}: {message}", line=line, hint=hint)]

    if not name.strip():
        return [Problem(path, "a source needs a name", line=line)]
    if not isinstance(spec, dict):
        return problem("must map a kind to its value", f"kinds: {', '.join(KINDS)}")
    kinds = [key for key in spec if key in KINDS]
    for key in spec:
        if key not in KINDS and key not in OPTIONS:
            close = difflib.get_close_matches(str(key), [*KINDS, *OPTIONS], n=1)
            return problem(
                f"unknown key {key!r}", f"did you mean {close[0]!r}?" if close else f"kinds: {', '.join(KINDS)}"
            )
    if len(kinds) != 1:
        return problem(
            "needs exactly one kind" + (f", not {' and '.join(kinds)}" if kinds else ""), f"kinds: {', '.join(KINDS)}"
        )
    kind = kinds[0]
    value = _kind_value(kind, spec[kind])
    if isinstance(value, Problem):
        return problem(value.message, value.hint)
    options: dict[str, Any] = {}
    for key in ("cross_lists", "replacements", "required"):
        if key in spec:
            if not isinstance(spec[key], bool):
                return problem(f"`{key}` must be true or false, not {spec[key]!r}")
            options[key] = spec[key]
    if "format" in spec:
        if spec["format"] not in FORMAT_NAMES:
            return problem(f"unknown format {spec['format']!r}", f"formats: {', '.join(FORMAT_NAMES)}")
        options["format"] = spec["format"]
    if "filter" in spec:
        phrases = _strings(spec["filter"])
        if phrases is None:
            return problem("`filter` must be a phrase or a list of phrases")
        options["filter"] = phrases
    if "max_results" in spec:
        count = spec["max_results"]
        if kind != "arxiv":
            return problem("`max_results` is for arXiv API sources")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 30000:
            return problem(f"`max_results` must be a whole number from 1 to 30000, not {count!r}")
        options["max_results"] = count
    if "endpoint" in spec:
        if kind not in ("arxiv", "arxiv_feed", "hf_daily"):
            return problem("`endpoint` is for arxiv, arxiv_feed and hf_daily sources; a url source is its own")
        if not isinstance(spec["endpoint"], str) or not is_http_url(spec["endpoint"]):
            return problem(f"`endpoint` must be an http(s) URL, not {spec['endpoint']!r}")
        options["endpoint"] = spec["endpoint"]
    return SourceSpec(name=name, kind=kind, value=value, **options)


def _kind_value(kind: str, value: Any) -> str | tuple[str, ...] | Problem:
    """The kind's value as the spec keeps it, or the problem with it."""
    wrong = Problem("", f"`{kind}` must be {KINDS[kind]}, not {value!r}")
    if kind == "arxiv":
        unknown = [key for key in value if key not in _QUERY_KEYS] if isinstance(value, dict) else []
        if unknown:
            near = difflib.get_close_matches(str(unknown[0]), _QUERY_KEYS, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"an arxiv query has {', '.join(_QUERY_KEYS)}"
            return Problem("", f"unknown key {unknown[0]!r} in `arxiv`", hint=hint)
        return _arxiv_query(value) or wrong
    if kind == "arxiv_feed":
        codes = _strings(value)
        if not codes:
            return wrong
        unknown = [code for code in codes if not arxiv_categories.canonical(code)]
        if unknown:
            return Problem("", f"unknown arXiv category {unknown[0]!r}", hint=arxiv_categories.unknown_hint(unknown[0]))
        return tuple(arxiv_categories.canonical(code) for code in codes)
    if kind == "hf_daily":
        text = value.isoformat() if isinstance(value, dt.date) else value
        if text in ("latest", "today", "yesterday"):
            return str(text)
        try:
            return dt.date.fromisoformat(str(text)).isoformat()
        except ValueError:
            return wrong
    if kind == "url":
        return value if isinstance(value, str) and is_http_url(value) else wrong
    paths = _strings(value)
    return paths or wrong


def _strings(value: Any) -> tuple[str, ...] | None:
    """A string or a list of non-empty strings, as a tuple; None for anything else."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        return None
    return tuple(v.strip() for v in values)


def _arxiv_query(value: Any) -> str:
    """The arXiv `search_query` a source asks for ('' when the value is not one)."""
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, dict) or not value or any(key not in _QUERY_KEYS for key in value):
        return ""
    groups = []
    for key, field in (("categories", "cat"), ("keywords", "all"), ("authors", "au")):
        if key in value:
            terms = _strings(value[key])
            if terms is None:
                return ""
            if key == "categories" and not all(arxiv_categories.canonical(t) or "*" in t for t in terms):
                return ""
            quoted = [f'{field}:"{t}"' if re.search(r"\s", t) else f"{field}:{t}" for t in terms]
            groups.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    if "query" in value:
        if not isinstance(value["query"], str) or not value["query"].strip():
            return ""
        groups.append(f"({value['query'].strip()})")
    return " AND ".join(groups)
