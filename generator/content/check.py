"""`paperfeed check`: lint content/ and site.yaml without building.

Returns problems as `Problem`s (`path:line: message`); the command line
prints them and exits 1 when there are any.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..config import CONFIG_NAME, Config, load_config
from ..errors import ConfigError, Problem
from ..ids import is_http_url, is_safe_url, paper_key, split_url, tag_slug
from .entry import (
    FENCE,
    KNOWN_KEYS,
    Entry,
    entry_paths,
    key_line,
    load_entries,
    relative_name,
)

# A Markdown link's target, which may hold balanced parentheses.
_MD_LINK = re.compile(r"\[[^\]]*\]\(([^\s()]*(?:\([^\s()]*\)[^\s()]*)*)\)")


def check_site(root: Path) -> list[Problem]:
    """Every problem in site.yaml and the entries, in file order."""
    try:
        config = load_config(root)
    except ConfigError as exc:
        return list(exc.problems)
    papers_dir = root / config.content_dir / "papers"
    entries, problems = load_entries(papers_dir, root)
    texts = {p.name[:-3]: p.read_text(encoding="utf-8", errors="replace") for p in entry_paths(papers_dir)}
    for entry in entries:
        path = relative_name(papers_dir / f"{entry.slug}.md", root)
        problems.extend(_check_entry(entry, path, texts.get(entry.slug, ""), config))
    problems.extend(_duplicates(entries, papers_dir, root))
    return sorted(problems, key=lambda p: (p.path != CONFIG_NAME, p.path, p.line))


def _front_matter(text: str) -> str:
    parts = FENCE.split(text.replace("\r\n", "\n"), maxsplit=2)
    return parts[1].lstrip("\n") if len(parts) == 3 else ""


def _check_entry(entry: Entry, path: str, text: str, config: Config) -> list[Problem]:
    problems = []
    yaml_text = _front_matter(text)
    for key in entry.extra:
        close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.75)
        if close:
            problems.append(
                Problem(
                    path,
                    f"unknown front matter key {key!r}",
                    line=key_line(yaml_text, str(key)),
                    hint=f"did you mean {close[0]!r}?",
                )
            )
    if config.taxonomy:
        known = sorted(config.taxonomy)
        for tag in entry.tags:
            if tag_slug(tag) not in config.taxonomy:
                close = difflib.get_close_matches(tag_slug(tag), known, n=1)
                problems.append(
                    Problem(
                        path,
                        f"tag {tag!r} is not in the taxonomy in site.yaml",
                        line=key_line(yaml_text, "tags"),
                        hint=f"did you mean {close[0]!r}?" if close else "add it to taxonomy: in site.yaml",
                    )
                )
    for kind, url in entry.links.items():
        if not is_http_url(url):
            problems.append(
                Problem(path, f"link {kind!r} is not an http(s) URL: {url!r}", line=key_line(yaml_text, "links"))
            )
    body_start = text.count("\n", 0, text.find(entry.body)) + 1 if entry.body and entry.body in text else 0
    for match in _MD_LINK.finditer(entry.body):
        url = match.group(1)
        parts = split_url(url)
        if not is_safe_url(url) or parts is None or (parts.scheme in ("http", "https") and not parts.netloc):
            line = body_start + entry.body.count("\n", 0, match.start()) if body_start else 0
            problems.append(Problem(path, f"broken link in the abstract: {url!r}", line=line))
    return problems


def _duplicates(entries: list[Entry], papers_dir: Path, root: Path) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for entry in entries:
        keys = [f"title:{paper_key(entry.title)}"] + ([f"arxiv:{entry.arxiv}"] if entry.arxiv else [])
        path = relative_name(papers_dir / f"{entry.slug}.md", root)
        for key in keys:
            if key in seen:
                what = "arXiv id" if key.startswith("arxiv:") else "title"
                problems.append(
                    Problem(
                        path, f"same paper ({what}) as {seen[key]}", line=2, hint="merge the two entries and delete one"
                    )
                )
                break
            seen[key] = path
    return problems
