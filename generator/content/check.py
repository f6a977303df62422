"""`paperfeed check`: lint content/ and site.yaml without building.

Returns problems as `Problem`s (`path:line: message`); the command line
prints them and exits 1 when there are any.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Sequence
from html import unescape
from itertools import accumulate
from pathlib import Path

from ..config import CONFIG_NAME, Config, load_config
from ..errors import BuildError, ConfigError, Problem
from ..ids import is_http_url, is_safe_url, split_url, squeeze_url, tag_slug
from ..model.identity import Identity, PaperIndex, identity
from ..render.markup import Markup
from .entry import (
    FENCE,
    KNOWN_KEYS,
    Entry,
    entry_paths,
    key_line,
    load_entries,
    relative_name,
)

# A Markdown link's target, which may hold balanced parentheses. Its text holds no bracket, so each
# `[` is read only up to the next one (`[` x 100,000 took 6 s when it could hold them).
_MD_LINK = re.compile(r"\[[^\[\]]*\]\(([^\s()]*(?:\([^\s()]*\)[^\s()]*)*)\)")
# A backslash escape, as Markdown reads one (its ESCAPED_CHARS).
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!])")


def check_site(root: Path, config_path: Path | None = None) -> list[Problem]:
    """Every problem in site.yaml (or the config file `config_path`) and the entries, in file order."""
    try:
        config = load_config(root, config_path)
    except ConfigError as exc:
        return list(exc.problems)
    papers_dir = root / config.content_dir / "papers"
    entries, problems = load_entries(papers_dir, root)
    texts = {p.name[:-3]: p.read_text(encoding="utf-8", errors="replace") for p in entry_paths(papers_dir)}
    markup = Markup()  # renders each abstract as the build does, to see what the build takes out
    for entry in entries:
        path = relative_name(papers_dir / f"{entry.slug}.md", root)
        problems.extend(_check_entry(entry, path, texts.get(entry.slug, ""), config, markup))
    problems.extend(_duplicates(entries, papers_dir, root))
    problems.extend(_model_problems(entries, config))
    return sorted(problems, key=lambda p: (p.path != CONFIG_NAME, p.path, p.line))


def _model_problems(entries: list[Entry], config: Config) -> list[Problem]:
    """What the build's own model checks find (two pages for one file, say), without writing anything."""
    from ..model.site import build_site  # the model is big; only check needs it here

    try:
        build_site(entries, config, bodies={}, assets={})
    except BuildError as exc:
        return [Problem(CONFIG_NAME, f"the site cannot be built: {exc}")]
    return []


def _front_matter(text: str) -> str:
    parts = FENCE.split(text.replace("\r\n", "\n"), maxsplit=2)
    return parts[1].lstrip("\n") if len(parts) == 3 else ""


def _check_entry(entry: Entry, path: str, text: str, config: Config, markup: Markup) -> list[Problem]:
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
    problems.extend(_rendering_problems(entry.body, path, body_start, markup))
    for match in _MD_LINK.finditer(entry.body):
        url = match.group(1)
        parts = split_url(url)
        # An unsafe link is reported as dropped, above.
        if is_safe_url(url) and (parts is None or (parts.scheme in ("http", "https") and not parts.netloc)):
            line = body_start + entry.body.count("\n", 0, match.start()) if body_start else 0
            problems.append(Problem(path, f"broken link in the abstract: {url!r}", line=line))
    return problems


def _rendering_problems(body: str, path: str, body_start: int, markup: Markup) -> list[Problem]:
    """What the build takes out of an abstract: each unsafe link, on its line, and its Markdown
    when the abstract is shown as plain text. `body_start` is the abstract's first line (0: unknown)."""
    rendered = markup.render_body(body)
    problems = []
    if rendered.failure:
        problems.append(Problem(path, f"the abstract is shown as plain text: {rendered.failure}", line=body_start))
    for url, line in zip(rendered.dropped, _link_lines(body, rendered.dropped)):
        problems.append(
            Problem(
                path,
                f"unsafe link dropped: {url!r}",
                line=body_start + line if body_start else 0,
                hint="pages and feeds keep only http(s), mailto and relative links",
            )
        )
    return problems


def _link_lines(body: str, urls: Sequence[str]) -> list[int]:
    """The line of `body` (from 0) each of `urls` is written on; `urls` are in the order of the
    HTML, as a browser reads them, so each line is read that way too (Markdown's escapes and
    character references decoded, blanks removed). A URL is looked for after the one before it,
    then anywhere (a reference definition may come after the link that uses it), then by its
    scheme alone; one not found at all is put on line 0."""
    read = [squeeze_url(unescape(_MD_ESCAPE.sub(r"\1", line))) for line in body.split("\n")]
    ends = list(accumulate(len(line) for line in read))
    joined = "".join(read)
    lines = []
    start = 0
    for url in urls:
        target = squeeze_url(url)
        scheme = target[: target.find(":") + 1]
        at = -1
        for looked_for, after in ((target, start), (target, 0), (scheme, start), (scheme, 0)):
            if looked_for and at < 0:
                at = joined.find(looked_for, after)
        if at < 0:
            lines.append(0)
            continue
        lines.append(bisect_right(ends, at))
        start = at + 1
    return lines


def _duplicates(entries: list[Entry], papers_dir: Path, root: Path) -> list[Problem]:
    """Entries that are one paper by the rule ingest merges by (model/identity.py): a shared arXiv
    id or DOI, or a shared title that nothing contradicts (two papers may share a title)."""
    problems = []
    index: PaperIndex[str] = PaperIndex()
    known: dict[str, Identity] = {}
    for entry in entries:
        path = relative_name(papers_dir / f"{entry.slug}.md", root)
        mine = identity(entry)
        same, _ = index.find(mine)
        if same is None:
            index.add(path, mine)
            known[path] = mine
            continue
        other = known[same]
        what = (
            "arXiv id"
            if mine.arxiv and mine.arxiv == other.arxiv
            else "DOI"
            if mine.doi and mine.doi == other.doi
            else "title"
        )
        problems.append(
            Problem(path, f"same paper ({what}) as {same}", line=2, hint="merge the two entries and delete one")
        )
    return problems
