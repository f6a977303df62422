"""What every ingest parser shares: its options, its result, and link finding."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import Problem
from ..records import Paper


@dataclass(frozen=True)
class ParseOptions:
    """How to date and name what a parser reads.

    `date` dates records that carry no date of their own (default `today`);
    `year` is the year of page dates written without one (default: the
    most recent such date that is not after `today`).
    """

    today: dt.date
    date: dt.date | None = None
    year: int | None = None
    source_name: str = ""


@dataclass
class ParseResult:
    """The papers a parser found, and the records it had to skip, with reasons."""

    papers: list[Paper] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_URL = re.compile(r"https?://[^\s<>{}\[\]\"'`|\\^]+", re.IGNORECASE)
_CODE_HOSTS = {"github.com", "www.github.com", "gitlab.com", "www.gitlab.com", "codeberg.org"}


def find_urls(text: str) -> list[str]:
    """URLs in running text, without the sentence's trailing punctuation."""
    urls = []
    for match in _URL.finditer(text):
        url = match.group(0)
        while url and url[-1] in ".,;:!?*_~":
            url = url[:-1]
        # A closing parenthesis belongs to the URL only when it opens one too.
        while url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        parts = urlsplit(url)
        if parts.netloc and "." in parts.netloc and url not in urls:
            urls.append(url)
    return urls


def links_from_text(text: str) -> dict[str, str]:
    """The first code-host URL as `code`, the first other URL as `project`."""
    links: dict[str, str] = {}
    for url in find_urls(text):
        host = urlsplit(url).netloc.lower()
        kind = "code" if host in _CODE_HOSTS else "project"
        links.setdefault(kind, url)
    return links
