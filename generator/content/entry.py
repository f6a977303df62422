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
from ..model.records import Scholarly, Source
from . import frontmatter

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

KNOWN_KEYS = (
    "title",
    "date",
    "tags",
    "authors",
    "arxiv",
    "doi",
    "published",
    "upvotes",
    "categories",
    "comment",
    "journal_ref",
    "links",
    "sources",
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
    extra: Mapping[str, Any] = field(default_factory=dict)

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


def _dump(key: str, value: Any, flow: bool | None) -> str:
    if flow:
        inline = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, default_flow_style=True, width=1_000_000)
        return f"{key}: {inline.strip()}\n"
    return yaml.dump(
        {key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=flow, width=1_000_000
    )


def _flow_style(value: Any) -> bool | None:
    # Scalars as `key: value`; flat lists and maps inline; nested data in block style.
    if isinstance(value, (list, dict)) and value:
        items = value.values() if isinstance(value, dict) else value
        return True if all(not isinstance(v, (list, dict)) for v in items) else None
    return False


def format_entry(entry: Entry) -> str:
    """The file text of an entry: front matter, then the body."""
    parts = ["---\n", _dump("title", entry.title, False), _dump("date", entry.date, False)]
    if entry.tags:
        parts.append(_dump("tags", list(entry.tags), True))
    if entry.authors:
        parts.append(_dump("authors", list(entry.authors), True))
    for key in ("arxiv", "doi", "published", "upvotes"):
        value = getattr(entry, key)
        if value is not None and value != "":
            parts.append(_dump(key, value, False))
    if entry.categories:
        parts.append(_dump("categories", list(entry.categories), True))
    for key in ("comment", "journal_ref"):
        if getattr(entry, key):
            parts.append(_dump(key, getattr(entry, key), False))
    if entry.links:
        parts.append(_dump("links", dict(entry.links), False))
    if entry.sources:
        sources = [{"name": s.name, "seen": s.seen} if s.seen else {"name": s.name} for s in entry.sources]
        parts.append(_dump("sources", sources, None))
    for key, value in entry.extra.items():
        parts.append(_dump(key, value, _flow_style(value)))
    parts.append("---\n")
    body = entry.body.strip("\n")
    if body:
        parts.append(body + "\n")
    return "".join(parts)


def write_entry(directory: Path, entry: Entry) -> bool:
    """Write an entry atomically; False (and no write) when the file already holds these bytes."""
    return _write_changed(directory / f"{entry.slug}{ENTRY_SUFFIX}", entry_bytes(entry))


def write_entries(directory: Path, entries: list[Entry]) -> int:
    """Write entries atomically, every one encoded before the first is written: an entry that cannot
    be written (a `SourceError` naming it) leaves all files as they were. Returns how many changed."""
    files = [(directory / f"{entry.slug}{ENTRY_SUFFIX}", entry_bytes(entry)) for entry in entries]
    return sum(_write_changed(path, data) for path, data in files)


def entry_bytes(entry: Entry) -> bytes:
    """An entry's file as UTF-8; a `SourceError` naming the entry when its text cannot be encoded."""
    try:
        return format_entry(entry).encode("utf-8")
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
    text_fields = {key: _read_text(meta.get(key), key, bad) for key in ("arxiv", "doi", "comment", "journal_ref")}
    published = _read_published(meta.get("published"), bad)
    upvotes = _read_upvotes(meta.get("upvotes"), bad)

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
        published=published,
        upvotes=upvotes,
        extra=extra,
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


def _read_published(value: Any, bad: _Complaints) -> dt.date | None:
    if value is None:
        return None
    published = _as_date(value)
    if published is None:
        bad("published", f"`published` must be a date like 2024-03-11, not {value!r}")
    return published


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
