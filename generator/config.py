"""Site configuration: `site.yaml`, declared once here with a default and a description per key.

`load_config` reads and validates the file, gathering every problem before
raising `ConfigError`; the result is frozen and passed explicitly to every
stage. Command-line flags override file values through `with_overrides`.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import pickle
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from . import __version__, lazy
from .build.cache import CACHE_DIR
from .content import arxiv_categories
from .errors import ConfigError, Problem
from .ids import split_url, tag_slug
from .ingest.sources import SourceSpec, parse_sources

CONFIG_NAME = "site.yaml"
# Where site.yaml's parsed data is kept (`remembered_yaml`), in the build cache's folder.
YAML_STORE = Path(CACHE_DIR) / "site-yaml.pickle"
SORTS = ("rank", "date", "title")  # the values of `sort`


@dataclass(frozen=True)
class TagSpec:
    """One taxonomy tag: how it is shown, and which phrases and arXiv categories assign it."""

    slug: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # arXiv categories (cs.CL) or whole archives (math)


def _doc(default: Any, text: str) -> Any:
    if isinstance(default, Mapping) or default is None:
        return field(default_factory=lambda: MappingProxyType({}), metadata={"doc": text})
    return field(default=default, metadata={"doc": text})


@dataclass(frozen=True)
class Config:
    """Every `site.yaml` key. The `doc` of each field is its documentation."""

    title: str = _doc("paperfeed", "Site title, shown in every page header and as the feeds' title.")
    description: str = _doc(
        "New papers, with tags and feeds.", "One line about the site, for the home page, feeds and search engines."
    )
    base_url: str = _doc(
        "http://127.0.0.1:8000/", "Absolute URL the site is served from; may end in a sub-path such as /reading-group/."
    )
    language: str = _doc("en", "Language code of the site, for `<html lang>` and the feeds.")
    author: str = _doc("", "Who runs the site: the feeds' author (the site title when empty).")
    per_page: int = _doc(25, "Papers per listing page (home, day and tag pages).")
    sort: str = _doc(
        "rank",
        "Order of the papers of one day in every listing and feed (days always go newest first): rank (the rank "
        "the source gave, then upvotes), date (publication date, newest first) or title.",
    )
    top_papers: int = _doc(5, "Top papers shown under each day on week and month pages; the day's page has them all.")
    feed_days: int = _doc(
        3, "Days in each feed (RSS, Atom, JSON Feed): its newest days with papers, every paper of each day."
    )
    feed_items: int = _doc(
        1000,
        "Most papers in each feed: an older day joins only while the count stays within it. The newest day "
        "is carried whole even when it alone has more, since a day cut short would lose papers for good.",
    )
    summary_chars: int = _doc(
        300, "Length the listing excerpt of an abstract aims for, in characters, cut at a sentence end."
    )
    max_tags: int = _doc(5, "Most tags auto-tagging gives one paper.")
    bib_files: bool = _doc(
        False,
        "Also write each paper's BibTeX to papers/<slug>/<slug>.bib, so Download .bib works without JavaScript. "
        "Off, the browser makes the file from the page: half as many files to upload.",
    )
    author_pages: bool = _doc(
        True, "A page and feeds for each author with at least author_min_papers papers, listed at /authors/."
    )
    author_min_papers: int = _doc(
        5,
        "Papers an author needs for a page and feeds of their own (names link to it). Lower it on a small "
        "site; 1 gives every author a page: twice as many author pages as papers on an arXiv-like site.",
    )
    category_pages: bool = _doc(
        True, "A page and feeds for each arXiv category that papers list, listed at /categories/."
    )
    venue_pages: bool = _doc(
        True,
        "A page and feeds for each venue (the journal or conference journal_ref names, without year, volume "
        "or pages: ICLR 2023 is ICLR) with at least venue_min_papers papers, listed at /venues/.",
    )
    venue_min_papers: int = _doc(2, "Papers a venue needs for a page and feeds of its own (journal_ref links to it).")
    term_feeds: bool = _doc(True, "RSS, Atom and JSON feeds for each author, category and venue page, as each tag has.")
    terms_per_page: int = _doc(500, "Names per page of the author, category and venue indexes.")
    theme: str = _doc("default", "Theme folder under themes/.")
    content_dir: str = _doc("content", "Folder of entries (papers in content/papers/).")
    output_dir: str = _doc("site", "Folder the built site is written to.")
    taxonomy: Mapping[str, TagSpec] = _doc(
        None,
        "Tags: slug -> {name, description, keywords, categories}. Keyword phrases found in a title or abstract "
        "assign the tag, and so does any of its arXiv categories (cs.CL, or a whole archive such as math).",
    )

    extra: Mapping[str, Any] = _doc(
        None,
        "Settings for the theme, any YAML: templates read them as site.extra (site.extra.logo, say). "
        "paperfeed itself reads none of them.",
    )
    sources: tuple[SourceSpec, ...] = field(
        default=(),
        metadata={
            "doc": "What `paperfeed update` fetches: source name -> {kind: value, options}. Kinds: arxiv (an API "
            "query), arxiv_feed, hf_daily, url, path; options: format, cross_lists, replacements, filter, "
            "required, max_results, endpoint (see Sources in the README)."
        },
    )

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, always starting and ending with `/`."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        """Scheme and host of `base_url`, with no path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


_SCALARS = {f.name: f for f in fields(Config) if f.name not in ("taxonomy", "sources", "extra")}
_TAG_KEYS = ("name", "description", "keywords", "categories")


def parse_config(text: str, path: str = CONFIG_NAME, store: Path | None = None) -> Config:
    """Validate `site.yaml` text; raise `ConfigError` listing every problem. With `store`, its
    parsed data may come from there (`remembered_yaml`)."""
    data = read_yaml(text, path) if store is None else remembered_yaml(text, path, store)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(Problem(path, "site.yaml must be a mapping of keys to values", line=1))
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = _key_line(text, str(key))
        if key == "taxonomy":
            values["taxonomy"] = _parse_taxonomy(value, text, path, problems)
            continue
        if key == "extra":
            if isinstance(value, dict):
                values["extra"] = MappingProxyType({str(k): v for k, v in value.items()})
            elif value is not None:
                problems.append(Problem(path, f"`extra` must map names to values, not {value!r}", line=line))
            continue
        if key == "sources":
            values["sources"], found = parse_sources(value, path, line, lambda name: _key_line(text, name, indent=True))
            problems.extend(found)
            continue
        spec = _SCALARS.get(key)
        if spec is None:
            close = difflib.get_close_matches(str(key), [*_SCALARS, "taxonomy", "sources", "extra"], n=1)
            problems.append(
                Problem(
                    path,
                    f"unknown key {key!r}",
                    line=line,
                    hint=f"did you mean {close[0]!r}?"
                    if close
                    else "see README for the keys; a theme's own settings go under extra:",
                )
            )
            continue
        expected = type(spec.default)
        if expected is bool and not isinstance(value, bool):
            problems.append(Problem(path, f"`{key}` must be true or false, not {value!r}", line=line))
        elif expected is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            problems.append(Problem(path, f"`{key}` must be a whole number of at least 1, not {value!r}", line=line))
        elif expected is str and not isinstance(value, str):
            problems.append(Problem(path, f"`{key}` must be text, not {value!r}", line=line))
        else:
            values[key] = value
    base_url = values.get("base_url")
    if base_url is not None:
        parts = split_url(base_url)
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            problems.append(
                Problem(
                    path,
                    f"`base_url` must be an absolute http(s) URL, not {base_url!r}",
                    line=_key_line(text, "base_url"),
                    hint="base_url: https://example.org/reading-group/",
                )
            )
    for key in ("theme", "content_dir"):
        value = values.get(key)
        if isinstance(value, str) and (
            not value.strip() or ".." in Path(value).parts or Path(value).is_absolute() and key == "theme"
        ):
            problems.append(
                Problem(
                    path, f"`{key}` must be a folder name inside the project, not {value!r}", line=_key_line(text, key)
                )
            )
    sort = values.get("sort")
    if sort is not None and sort not in SORTS:
        close = difflib.get_close_matches(sort, SORTS, n=1)
        problems.append(
            Problem(
                path,
                f"`sort` must be one of {', '.join(SORTS)}, not {sort!r}",
                line=_key_line(text, "sort"),
                hint=f"did you mean {close[0]!r}?" if close else "rank orders a day's papers as their source did",
            )
        )
        del values["sort"]
    output_dir = values.get("output_dir")
    if isinstance(output_dir, str):
        reason = _output_dir_problem(output_dir, values.get("content_dir", Config.content_dir))
        if reason:
            problems.append(Problem(path, reason, line=_key_line(text, "output_dir")))
    if problems:
        raise ConfigError(problems)
    return Config(**values)


def read_yaml(text: str, path: str = CONFIG_NAME) -> Any:
    """The data of YAML `text` (None for an empty file); `ConfigError` where it is not YAML."""
    yaml = lazy.yaml()
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if text.strip() else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ConfigError(
            Problem(
                path,
                f"invalid YAML: {exc.problem}",
                line=mark.line + 1 if mark else 0,
                col=mark.column + 1 if mark else 0,
            )
        ) from None


def remembered_yaml(text: str, path: str, store: Path) -> Any:
    """`read_yaml(text, path)`, kept in the file `store` (when its folder exists) and read back from
    there while the text is the same, so that an unchanged site.yaml never loads PyYAML.

    Importing PyYAML and parsing the demo's taxonomy cost about 25 ms of every command, an eighth of
    an up-to-date build of 10,000 papers (0.18 s; 2026-12-03, CPython 3.11.7). tests/test_config.py
    checks that both ways give the same data, and that a changed or damaged store is not trusted.
    """
    key = hashlib.blake2b(f"{__version__}\0{text}".encode(), digest_size=16).digest()
    try:
        with open(store, "rb") as file:
            kept, data = pickle.load(file)
        if kept == key:
            return data
    except Exception:  # missing, damaged or foreign (unpickling raises many kinds): parse instead
        pass
    data = read_yaml(text, path)
    if store.parent.is_dir():
        staged = store.with_name(f"{store.name}.{os.getpid()}")
        try:
            with open(staged, "wb") as file:
                pickle.dump((key, data), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(staged, store)
        except Exception:  # a read-only project, data nested too deep to pickle: parsed again next time
            try:
                staged.unlink(missing_ok=True)
            except OSError:
                pass
    return data


def load_config(root: Path, path: Path | None = None) -> Config:
    """Read `site.yaml` in `root`, or the config file `path`; the defaults when `root` has none."""
    name = str(path) if path else CONFIG_NAME
    try:
        text = (path or root / CONFIG_NAME).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        if path:
            raise ConfigError(Problem(name, "no such config file")) from None
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(Problem(name, f"cannot read: {exc}")) from None
    config = parse_config(text, name, root / YAML_STORE)
    line = _key_line(text, "output_dir")  # the default is checked by the build, which writes it
    output = root / config.output_dir
    if line and os.path.lexists(output) and not output.is_dir():
        message = f"`output_dir` must be a folder, not the file {config.output_dir!r}"
        raise ConfigError(Problem(name, message, line=line))
    return config


def is_loopback(url: str) -> bool:
    """Whether `url` points at this machine (127.0.0.1, localhost, ::1): no one else can follow it."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.") or host.endswith(".localhost")


def with_overrides(config: Config, **overrides: Any) -> Config:
    """The config with command-line values (those not None) in place of file values."""
    changes = {k: v for k, v in overrides.items() if v is not None}
    if "base_url" in changes:
        parse_config(f"base_url: {changes['base_url']!r}", "--base-url")
    return replace(config, **changes)


def _parse_taxonomy(value: Any, text: str, path: str, problems: list[Problem]) -> Mapping[str, TagSpec]:
    line = _key_line(text, "taxonomy")
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict):
        problems.append(Problem(path, f"`taxonomy` must map tag names to {{{', '.join(_TAG_KEYS)}}}", line=line))
        return MappingProxyType({})
    specs: dict[str, TagSpec] = {}
    for tag, spec in value.items():
        tag_line = _key_line(text, str(tag), indent=True)
        slug = tag_slug(str(tag))
        if not slug:
            problems.append(Problem(path, f"tag {tag!r} has no letters or digits", line=tag_line))
            continue
        if slug in specs:
            problems.append(Problem(path, f"tag {tag!r} is listed twice (as {slug!r})", line=tag_line))
            continue
        spec = spec or {}
        if not isinstance(spec, dict):
            problems.append(Problem(path, f"tag {tag!r} must map to {{{', '.join(_TAG_KEYS)}}}", line=tag_line))
            continue
        for key in spec:
            if key not in _TAG_KEYS:
                close = difflib.get_close_matches(str(key), _TAG_KEYS, n=1)
                problems.append(
                    Problem(
                        path,
                        f"unknown key {key!r} in tag {tag!r}",
                        line=tag_line,
                        hint=f"did you mean {close[0]!r}?" if close else f"a tag has {', '.join(_TAG_KEYS)}",
                    )
                )
        keywords = spec.get("keywords") or []
        if isinstance(keywords, str):
            keywords = [keywords]
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
            problems.append(Problem(path, f"`keywords` of tag {tag!r} must be a list of phrases", line=tag_line))
            keywords = []
        name = spec.get("name", str(tag))
        description = spec.get("description", "")
        if not isinstance(name, str) or not isinstance(description, str):
            problems.append(Problem(path, f"`name` and `description` of tag {tag!r} must be text", line=tag_line))
            continue
        specs[slug] = TagSpec(
            slug=slug,
            name=name,
            description=description,
            keywords=tuple(k.strip() for k in keywords),
            categories=_parse_categories(spec.get("categories"), str(tag), path, tag_line, problems),
        )
    return MappingProxyType(specs)


def _parse_categories(value: Any, tag: str, path: str, line: int, problems: list[Problem]) -> tuple[str, ...]:
    """A tag's arXiv categories, as arXiv spells them; each unknown one is a problem with a hint."""
    values = [value] if isinstance(value, str) else value or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.append(Problem(path, f"`categories` of tag {tag!r} must be a list of arXiv categories", line=line))
        return ()
    codes = []
    for code in values:
        known = arxiv_categories.canonical(code)
        if known:
            codes.append(known)
            continue
        hint = arxiv_categories.unknown_hint(code)
        problems.append(Problem(path, f"unknown arXiv category {code!r} in tag {tag!r}", line=line, hint=hint))
    return tuple(dict.fromkeys(codes))


def _output_dir_problem(value: str, content_dir: str) -> str:
    """Why `value` cannot be `output_dir` ('' when it can): a build replaces that folder whole."""
    parts = PurePosixPath(value).parts
    if not value.strip() or not parts or ".." in parts or Path(value).is_absolute():
        return f"`output_dir` must be a folder name inside the project, not {value!r}"
    if any(part.startswith(".") for part in parts):
        return f"`output_dir` must not be a hidden folder (a name starting with a dot), not {value!r}"
    if parts == (CONFIG_NAME,):
        return f"`output_dir` must be a folder, not the file {value!r}"
    for name, folder in (("content", content_dir), ("themes", "themes")):
        other = PurePosixPath(folder).parts
        if other and (parts[: len(other)] == other or other[: len(parts)] == parts):
            return f"`output_dir` must not overlap the {name} folder {folder!r}, not {value!r}"
    return ""


def _key_line(text: str, key: str, *, indent: bool = False) -> int:
    """The first line of `text` where `key` is a mapping key (indented, with `indent`), 0 if none."""
    return _key_lines(text)[indent].get(key, 0)


# A key at the start of a line, maybe quoted: (indent, key).
_KEY = re.compile(r"""([ \t]*)(['"]?)(.+?)\2[ \t]*:""")


@functools.lru_cache(maxsize=4)
def _key_lines(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """Each key's first line, at the top level and indented: one pass, where a search per key took
    a tenth of an up-to-date build (a compiled pattern per key of site.yaml)."""
    top: dict[str, int] = {}
    nested: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        match = _KEY.match(line)
        if match:
            (nested if match[1] else top).setdefault(match[3], number)
    return top, nested
