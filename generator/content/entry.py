"""Entries: the Markdown files with YAML front matter in `content/papers/`.

The writer (`format_entry`) and the reader (`parse_entry`) sit side by side
so that a round trip is lossless: an `Entry` written and read back is equal.
Known front matter keys are fields; any other key is kept in `extra`, in
order, and written back unchanged.
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, SourceError
from ..model.records import Scholarly, Source, parse_published, published_text
from . import edit, frontmatter

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

KNOWN_KEYS = (
    "title",
    "date",
    "tags",
    "authors",
    "surnames",
    "arxiv",
    "doi",
    "published",
    "upvotes",
    "categories",
    "keywords",
    "comment",
    "journal_ref",
    "links",
    "sources",
    "ingested",
    "date_from",
    "rank",
    "draft",
)
ENTRY_SUFFIX = ".md"


@dataclass(frozen=True, slots=True)
class Entry(Scholarly):
    """One paper as content/ holds it. `slug` is the file name without `.md`."""

    slug: str
    title: str
    date: dt.date
    body: str = ""
    tags: tuple[str, ...] = ()
    links: Mapping[str, str] = field(default_factory=dict)
    authors: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    keywords: tuple[str, ...] = ()  # a source's keywords that are not tags (BibTeX keywords, HF ai_keywords)
    extra: Mapping[str, Any] = field(default_factory=dict)
    # What ingest last wrote into each field, as a digest (see content/provenance.py); None: not known.
    ingested: Mapping[str, str] | None = None
    # "ingest" when no source gave a date and `date` is the day of the ingest (or --date): the first
    # source that gives one replaces it. "": the date came from a source, and never changes.
    date_from: str = ""
    # The paper's place among its day's papers as its source ranked them (1 first); None: not ranked.
    rank: int | None = None
    # Left out of the site unless built with --drafts.
    draft: bool = False

    def __reduce__(self):
        # Builds pass thousands of entries between processes and keep them in the cache. The default
        # for a frozen dataclass with slots sets each field through Python code: three times slower.
        return _restore_entry, (tuple([getattr(self, name) for name in _ENTRY_FIELDS]),)


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
_ENTRY_SLOTS = tuple(inspect.getattr_static(Entry, name).__set__ for name in _ENTRY_FIELDS)


def _restore_entry(values: tuple) -> Entry:
    entry = object.__new__(Entry)
    for put, value in zip(_ENTRY_SLOTS, values):
        put(entry, value)  # the slot's own setter: a frozen dataclass refuses setattr
    return entry


# -- writing ---------------------------------------------------------------


class _EntryDumper(_Dumper):
    """Never anchors and aliases (`&id001`, `*id001`) for values that happen to be shared:
    deleting one line of an entry must not break another."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(key: str, value: Any, flow: bool | None) -> str:
    if flow:
        inline = yaml.dump(value, Dumper=_EntryDumper, allow_unicode=True, default_flow_style=True, width=1_000_000)
        return f"{key}: {inline.strip()}\n"
    return yaml.dump(
        {key: value}, Dumper=_EntryDumper, sort_keys=False, allow_unicode=True, default_flow_style=flow, width=1_000_000
    )


def _flow_style(value: Any) -> bool | None:
    # Scalars as `key: value`; flat lists and maps inline; nested data in block style.
    if isinstance(value, (list, dict)) and value:
        items = value.values() if isinstance(value, dict) else value
        return True if all(not isinstance(v, (list, dict)) for v in items) else None
    return False


def format_entry(entry: Entry) -> str:
    """The file text of an entry: front matter, then the body."""
    parts = ["---\n", *(text for _, text in _key_texts(entry)), "---\n", _body_text(entry)]
    return "".join(parts)


def _body_text(entry: Entry) -> str:
    body = entry.body.strip("\n")
    return body + "\n" if body else ""


def _key_texts(entry: Entry, block_lists: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(key, its front matter lines) for every key the entry has, in the order paperfeed writes them.
    `block_lists` names list keys to write in block style, with the indent of their `- ` lines."""
    block_lists = block_lists or {}

    def listed(key: str, values: list) -> str:
        indent = block_lists.get(key)
        if indent is None:
            return _dump(key, values, True)
        return f"{key}:\n" + "".join(f"{indent}- {_dump('x', v, True)[3:]}" for v in values)

    out = [("title", _dump("title", entry.title, False)), ("date", _dump("date", entry.date, False))]
    if entry.date_from:
        out.append(("date_from", _dump("date_from", entry.date_from, False)))
    if entry.draft:
        out.append(("draft", _dump("draft", True, False)))
    if entry.tags:
        out.append(("tags", listed("tags", list(entry.tags))))
    if entry.authors:
        out.append(("authors", listed("authors", list(entry.authors))))
    if entry.surnames:
        out.append(("surnames", listed("surnames", list(entry.surnames))))
    for key in ("arxiv", "doi", "published", "upvotes", "rank"):
        value = _published_value(entry) if key == "published" else getattr(entry, key)
        if value is not None and value != "":
            out.append((key, _dump(key, value, False)))
    if entry.categories:
        out.append(("categories", listed("categories", list(entry.categories))))
    if entry.keywords:
        out.append(("keywords", listed("keywords", list(entry.keywords))))
    for key in ("comment", "journal_ref"):
        if getattr(entry, key):
            out.append((key, _dump(key, getattr(entry, key), False)))
    if entry.links:
        out.append(("links", _dump("links", dict(entry.links), False)))
    if entry.sources:
        sources = [{"name": s.name, "seen": s.seen} if s.seen else {"name": s.name} for s in entry.sources]
        out.append(("sources", _dump("sources", sources, None)))
    for key, value in entry.extra.items():
        out.append((key, _dump(key, value, _flow_style(value))))
    if entry.ingested is not None:
        out.append(("ingested", _dump("ingested", dict(entry.ingested), True)))
    return out


def update_text(text: str, before: Entry, entry: Entry) -> str:
    """`text`, the file of `before`, turned into the file of `entry` by rewriting only the keys whose
    values differ (see content/edit.py) and the body if it differs: a person's comments, key order,
    quoting, block lists and other keys stay byte for byte."""
    text = text.lstrip("\ufeff")
    first = FENCE.match(text)
    closing = FENCE.search(text, first.end() + 1) if first else None
    if not first or not closing or "\r" in text:
        return format_entry(entry)  # not a file this can edit in place: written whole
    yaml_text = text[first.end() + 1 : closing.start()]
    lines = yaml_text.split("\n")
    blocks = {b.key: b for b in edit.key_blocks(lines)}
    indents = {k: i for k, b in blocks.items() if (i := edit.block_list_indent(lines, b)) is not None}
    new = dict(_key_texts(entry, indents))
    changes: dict[str, str | None] = {}
    for key in (*KNOWN_KEYS, *entry.extra, *before.extra):
        if _value(before, key) != _value(entry, key):
            changes[key] = new.get(key)
    front = text[: first.end() + 1] + edit.edit(yaml_text, changes) if changes else text[: closing.start()]
    rest = text[closing.start() :]
    if before.body != entry.body:
        rest = text[closing.start() : closing.end()] + "\n" + _body_text(entry)
    return front + rest


def _value(entry: Entry, key: str) -> Any:
    if key in KNOWN_KEYS:
        return getattr(entry, key)
    return entry.extra.get(key, _MISSING)


_MISSING = object()


def write_entry(directory: Path, entry: Entry, before: Entry | None = None) -> bool:
    """Write an entry atomically; False (and no write) when the file already holds these bytes.
    With `before` (the entry as its file now reads), only what changed is rewritten (`update_text`)."""
    return write_entries(directory, [entry], {entry.slug: before} if before else None) > 0


def write_entries(directory: Path, entries: list[Entry], before: Mapping[str, Entry] | None = None) -> int:
    """Write entries atomically, every one encoded before the first is written: an entry that cannot
    be written (a `SourceError` naming it) leaves all files as they were. An entry that `before` holds
    (by slug) is updated in place (`update_text`). Returns how many changed."""
    files = []
    for entry in entries:
        path = directory / f"{entry.slug}{ENTRY_SUFFIX}"
        old = (before or {}).get(entry.slug)
        files.append((path, entry_bytes(entry, _current_text(path) if old else None, old)))
    return sum(_write_changed(path, data) for path, data in files)


def _current_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # gone or unreadable since it was read: written whole


def entry_bytes(entry: Entry, text: str | None = None, before: Entry | None = None) -> bytes:
    """An entry's file as UTF-8 (`text`, the file of `before`, updated when given); a `SourceError`
    naming the entry when its text cannot be encoded."""
    try:
        out = update_text(text, before, entry) if text is not None and before is not None else format_entry(entry)
        return out.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end].encode("unicode_escape").decode("ascii")
        raise SourceError(Problem(f"{entry.slug}{ENTRY_SUFFIX}", f"cannot be written as UTF-8: {bad}")) from None


def _write_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, data)
    return True


# `write_atomic`'s temporary files: hidden, so no reader takes one for an entry, and named
# `.<name>.<random>.tmp`, so that `remove_temporary_files` finds those a killed writer left.
_TEMPORARY = re.compile(r"\..+\.md\.[^.]+\.tmp")


def remove_temporary_files(directory: Path) -> int:
    """Delete the temporary entry files a writer killed mid-write left in `directory`; how many.

    Only for a writer that holds the project lock (ingest, retag): another
    writer's file in progress would go too.
    """
    stale = []
    try:
        with os.scandir(directory) as scan:
            for item in scan:
                if _TEMPORARY.fullmatch(item.name) and item.is_file(follow_symlinks=False):
                    stale.append(item.path)
    except OSError:  # missing, or not a folder
        return 0
    removed = 0
    for path in stale:
        try:
            os.unlink(path)
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# -- reading ---------------------------------------------------------------

FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def parse_entry(text: str, slug: str, path: str) -> Entry:
    """Parse an entry's text. Raises `SourceError` naming `path:line` for any problem."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.startswith("---"):
        raise SourceError(
            Problem(path, "no front matter", line=1, hint="an entry starts with a line `---`, then YAML, then `---`")
        )
    first = FENCE.match(text)
    closing = FENCE.search(text, first.end() + 1) if first else None
    if not first or not closing:
        raise SourceError(
            Problem(
                path, "front matter is not closed", line=1, hint="did you forget the `---` line after the front matter?"
            )
        )
    yaml_text = text[first.end() + 1 : closing.start()]
    body = text[closing.end() :].lstrip("\n").rstrip()
    try:
        meta = frontmatter.load(yaml_text) if yaml_text.strip() else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        col = mark.column + 1 if mark else 0
        raise SourceError(
            Problem(
                path,
                f"invalid YAML: {exc.problem or exc.context}",
                line=line,
                col=col,
                source_line=_line_of(text, line),
            )
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError(Problem(path, f"invalid YAML: {exc}", line=1)) from None
    except (ValueError, OverflowError) as exc:  # a value YAML reads but Python refuses: 2024-02-30
        line = _value_line(yaml_text)
        raise SourceError(
            Problem(path, f"invalid value in front matter: {exc}", line=line, source_line=_line_of(text, line))
        ) from None
    if not isinstance(meta, dict):
        raise SourceError(Problem(path, "front matter must be a mapping of keys to values", line=2))
    return _entry_from_meta(meta, body, slug, path, yaml_text)


def read_entry(path: Path, root: Path) -> Entry:
    """Read one entry file; messages name it relative to `root`."""
    shown = relative_name(path, root)
    return parse_entry_bytes(read_entry_bytes(path, shown), path.name[: -len(ENTRY_SUFFIX)], shown)


def read_entry_bytes(path: Path, shown: str) -> bytes:
    """An entry file's bytes; `SourceError` naming `shown` when it cannot be read."""
    try:
        # os.open and os.read: a third of the system calls of Path.read_bytes, for 100,000 files a build.
        # O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise SourceError(Problem(shown, "not a regular file (a FIFO, device or folder)"))
            parts = []
            while part := os.read(fd, 1 << 20):
                parts.append(part)
        finally:
            os.close(fd)
        return b"".join(parts)
    except OSError as exc:
        raise SourceError(Problem(shown, f"cannot read: {exc.strerror or exc}")) from None


def parse_entry_bytes(data: bytes, slug: str, shown: str) -> Entry:
    """Parse an entry file's bytes (UTF-8); `shown` names it in messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(Problem(shown, "not valid UTF-8", line=line, hint="save the entry as UTF-8")) from None
    return parse_entry(text, slug, shown)


def entry_names(directory: Path) -> list[str]:
    """The names of the entry files of a folder, sorted; hidden files (editor and temporary files) are not entries."""
    try:
        names = os.listdir(directory)
    except OSError:  # missing, or not a folder
        return []
    return [name for name in sorted(names) if _is_entry_name(name)]


def entry_paths(directory: Path, root: Path | None = None) -> list[Path]:
    """The entry files of a folder that may be read, sorted (see `entry_files`; `root` defaults to the folder)."""
    return [path for path, _ in entry_files(directory, root or directory)[0]]


def _is_entry_name(name: str) -> bool:
    return name.endswith(ENTRY_SUFFIX) and not name.startswith(".")


def shown_prefix(directory: Path, root: Path) -> str:
    """What goes before an entry's file name in messages (see `relative_name`), slash included."""
    prefix = relative_name(directory, root)
    return "" if prefix == "." else prefix + "/"


def entry_files(directory: Path, root: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """(path, name as messages show it; see `relative_name`) of every entry file of a folder, sorted,
    and a problem for each name that is not one: a FIFO, socket, device or folder, or a symlink
    that leads outside the project (a build never reads what lies outside the project)."""
    prefix = shown_prefix(directory, root)
    files: list[tuple[Path, str]] = []
    skipped: list[Problem] = []
    try:
        with os.scandir(directory) as scan:
            items = sorted((item for item in scan if _is_entry_name(item.name)), key=lambda item: item.name)
    except OSError:  # missing, or not a folder
        return [], []
    inside = None
    for item in items:
        shown = prefix + item.name
        try:
            if item.is_symlink():
                inside = inside or os.path.realpath(root)
                target = os.path.realpath(item.path)
                if os.path.commonpath([inside, target]) != inside:
                    skipped.append(Problem(shown, "a symlink to a file outside the project"))
                    continue
            if not item.is_file():  # the file type comes with the listing: no system call for a plain file
                skipped.append(Problem(shown, "not a regular file (a FIFO, device or folder)"))
                continue
        except OSError as exc:
            skipped.append(Problem(shown, f"cannot read: {exc.strerror or exc}"))
            continue
        files.append((Path(item.path), shown))
    return files, skipped


def load_entries(directory: Path, root: Path) -> tuple[list[Entry], list[Problem]]:
    """Every entry under `directory` (sorted by slug), and a problem for each that could not be read."""
    entries: list[Entry] = []
    files, problems = entry_files(directory, root)
    for path, _ in files:
        try:
            entries.append(read_entry(path, root))
        except SourceError as exc:
            problems.extend(exc.problems)
    return entries, problems


def relative_name(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _line_of(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def key_line(yaml_text: str, key: str, sub: str = "") -> int:
    """The file line of a top-level key in front matter text (which starts on line 2), or of
    `sub`, a key of the block under it, when that key is on a line of its own."""
    match = re.search(rf"^{re.escape(key)}\s*:", yaml_text, re.MULTILINE)
    if not match:
        return 2
    at = match.start()
    if sub:
        # The block under the key ends at the next top-level line.
        end = re.compile(r"^\S", re.MULTILINE).search(yaml_text, match.end())
        inner = re.compile(rf"^[ \t]+{re.escape(sub)}\s*:", re.MULTILINE).search(
            yaml_text, match.end(), end.start() if end else len(yaml_text)
        )
        at = inner.start() if inner else at
    return yaml_text[:at].count("\n") + 2


def _value_line(yaml_text: str) -> int:
    """The file line of the first value YAML reads but Python refuses (2024-02-30), found line by line."""
    for i, line in enumerate(yaml_text.split("\n")):
        _, colon, value = line.partition(":")
        try:
            frontmatter.load(f"x: {value.strip()}" if colon else line)
        except (ValueError, OverflowError):
            return i + 2
        except yaml.YAMLError:
            continue
    return 2


def _entry_from_meta(meta: dict, body: str, slug: str, path: str, yaml_text: str) -> Entry:
    bad = _Complaints(path, yaml_text)
    title = _read_title(meta.get("title"), bad)
    date = _as_date(meta.get("date"))
    if date is None:
        bad("date", f"`date` must be a date like 2024-03-11, not {meta.get('date')!r}")
    tags = _read_strings(meta, "tags", bad, "`tags` must be a list of words", hint="tags: [llm, speech]")
    authors = _read_strings(meta, "authors", bad, "`authors` must be a list of names")
    links = _read_links(meta.get("links"), bad)
    sources = _read_sources(meta.get("sources"), bad)
    categories = _read_strings(meta, "categories", bad, "`categories` must be a list of words")
    keywords = _read_strings(meta, "keywords", bad, "`keywords` must be a list of words or phrases")
    text_fields = {key: _read_text(meta.get(key), key, bad) for key in ("arxiv", "doi", "comment", "journal_ref")}
    published, precision = _read_published(meta.get("published"), bad)
    surnames = _read_strings(meta, "surnames", bad, "`surnames` must be a list of names")
    upvotes = _read_upvotes(meta.get("upvotes"), bad)
    draft = _read_draft(meta.get("draft"), bad)
    rank = _read_rank(meta.get("rank"), bad)
    ingested = _read_ingested(meta.get("ingested"), bad)
    date_from = meta.get("date_from") or ""
    if date_from not in ("", "ingest"):
        bad(
            "date_from", f"`date_from` can only be `ingest`, not {date_from!r}", hint="delete the line to keep the date"
        )
        date_from = ""

    if bad.problems or date is None:  # a missing date is among the problems
        raise SourceError(bad.problems)
    extra = {k: v for k, v in meta.items() if k not in KNOWN_KEYS}
    return Entry(
        slug=slug,
        title=" ".join(title.split()),
        date=date,
        body=body,
        tags=tuple(tags),
        links=dict(links),
        authors=tuple(authors),
        sources=tuple(sources),
        categories=tuple(categories),
        keywords=tuple(keywords),
        published=published,
        published_precision=precision,
        surnames=tuple(surnames),
        upvotes=upvotes,
        extra=extra,
        ingested=ingested,
        date_from=date_from,
        rank=rank,
        draft=draft,
        **text_fields,
    )


class _Complaints:
    """The problems found in one entry's front matter, each on the line of its key, in the order found."""

    __slots__ = ("path", "yaml_text", "problems")

    def __init__(self, path: str, yaml_text: str) -> None:
        self.path = path
        self.yaml_text = yaml_text
        self.problems: list[Problem] = []

    def __call__(self, key: str, message: str, hint: str = "", sub: str = "") -> None:
        line = key_line(self.yaml_text, key, sub)
        self.problems.append(Problem(self.path, message, line=line, hint=hint))


# Each `_read_*` returns a field's value, or, when it is unusable, complains and returns an empty stand-in.


def _read_title(title: Any, bad: _Complaints) -> str:
    if isinstance(title, (int, float)) and not isinstance(title, bool):
        title = str(title)
    if title is None:
        bad("title", "missing `title`", hint="every entry needs `title: ...` in its front matter")
        return ""
    if not isinstance(title, str):
        bad("title", "`title` must be text", hint="put the title in quotes")
        return ""
    if not title.strip():
        bad("title", "`title` is empty")
    return title


def _read_strings(meta: dict, key: str, bad: _Complaints, message: str, hint: str = "") -> list[str]:
    strings = _as_strings(meta.get(key))
    if strings is None:
        bad(key, message, hint=hint)
        return []
    return strings


def _read_links(value: Any, bad: _Complaints) -> dict[str, str]:
    links = value or {}
    wrong = (
        [k for k, v in links.items() if not (isinstance(k, str) and isinstance(v, str))]
        if isinstance(links, dict)
        else []
    )
    if not isinstance(links, dict) or wrong:
        sub = str(wrong[0]) if wrong else ""
        bad("links", "`links` must map names to URLs", hint="links: {code: https://github.com/...}", sub=sub)
        return {}
    return links


def _read_ingested(value: Any, bad: _Complaints) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        bad("ingested", "`ingested` must map field names to digests (paperfeed writes it; delete it to reset)")
        return None
    return value


def _read_sources(value: Any, bad: _Complaints) -> list[Source]:
    sources = _as_sources(value)
    if sources is None:
        bad("sources", "`sources` must be a list of {name, seen}")
        return []
    return sources


def _read_text(value: Any, key: str, bad: _Complaints) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        bad(key, f"`{key}` must be text")
        return ""
    return value


def _published_value(entry: Entry) -> Any:
    """`published` as the entry writes it: a year (1998), a month (1998-05) or a date (1998-05-04)."""
    if entry.published is None or entry.published_precision in ("", "day"):
        return entry.published
    text = published_text(entry.published, entry.published_precision)
    return int(text) if entry.published_precision == "year" else text


def _read_published(value: Any, bad: _Complaints) -> tuple[dt.date | None, str]:
    """A publication date and its precision: `1998`, `1998-05` or a date like `1998-05-04`."""
    if value is None:
        return None, ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    known = parse_published(value) if isinstance(value, str) else None
    if known is not None:
        return known.date, known.precision
    published = _as_date(value)
    if published is None:
        bad("published", f"`published` must be a date like 2024-03-11, 2024-03 or 2024, not {value!r}")
    return published, "day" if published else ""


def _read_rank(value: Any, bad: _Complaints) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return value
    bad("rank", f"`rank` must be a whole number of at least 1 (1 first), not {value!r}")
    return None


def _read_draft(value: Any, bad: _Complaints) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    bad("draft", f"`draft` must be true or false, not {value!r}", hint="draft: true")
    return False


def _read_upvotes(value: Any, bad: _Complaints) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    bad("upvotes", f"`upvotes` must be a whole number, not {value!r}")
    return None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _as_strings(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            return None
        text = " ".join(str(item).split())
        if text:
            out.append(text)
    return out


def _as_sources(value: Any) -> list[Source] | None:
    if value is None:
        return []
    if not isinstance(value, list):
        return None
    sources = []
    for item in value:
        if isinstance(item, str):
            sources.append(Source(name=item, seen=None))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return None
        seen = item.get("seen")
        seen_date = _as_date(seen) if seen is not None else None
        if seen is not None and seen_date is None:
            return None
        sources.append(Source(name=item["name"], seen=seen_date))
    return sources
