"""Reading entries for a build: through the cache, parsed and rendered over worker processes.

An entry file whose stat (or, failing that, whose bytes) matches its cache
row is not parsed again; the others are parsed, their bodies rendered to
HTML and their terms counted (for related papers) in forked workers. The
new rows are handed back, to be stored together with the site they built.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..content.entry import ENTRY_SUFFIX, Entry, entry_files, parse_entry_bytes, read_entry_bytes
from ..errors import Problem, SourceError
from ..model.related import Terms, load_numpy, terms_of, terms_of_many
from ..model.text import plain_text
from ..render.markup import Markup
from .cache import EntryRow, digest, pack_record, unpack_record
from .incremental import entry_row, unchanged
from .parallel import map_chunks

# Fewer entries to parse than this, and forking workers costs more than it saves.
_PARALLEL_FROM = 200


@dataclass(frozen=True)
class Loaded:
    """The entries of a build, without their Markdown (`body` is empty): what the site needs of it
    is in `bodies` (rendered HTML), `abstracts` (plain text) and `terms`, all by slug."""

    entries: list[Entry]
    bodies: dict[str, str]
    abstracts: dict[str, str]
    terms: dict[str, Terms]
    problems: list[Problem]
    rows: list[EntryRow] = field(default_factory=list)  # new and re-stamped cache rows, to store
    names: set[str] = field(default_factory=set)  # every entry file, as cache rows name them


def read_entries(
    directory: Path,
    root: Path,
    cached: dict[str, EntryRow],
    jobs: int,
    *,
    keep: bool = True,
    stats: Mapping[str, os.stat_result] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Loaded:
    """Every entry under `directory`, reusing `cached` rows (path -> whole row) whose file is unchanged.

    The others are parsed and rendered over `jobs` processes, while this one
    calls `meanwhile()` (only when it has processes to wait for). With `keep`,
    the rows of entries read afresh come back for the cache, each with a stat
    taken before its bytes were read (from `stats`, path -> stat, when given),
    so that a row never pairs a newer stat with older bytes.
    """
    files, skipped = entry_files(directory, root)
    found: list[tuple[tuple[Entry, Terms, str], str] | None] = [None] * len(files)
    todo: list[tuple[int, str, Path, bytes | None]] = []  # bytes already read, or None: the worker reads
    rows: list[EntryRow] = []
    before: dict[int, os.stat_result] = {}
    for i, (path, shown) in enumerate(files):
        row = cached.get(shown)
        if row is None:
            todo.append((i, shown, path, None))
            if keep:
                _stat_before(before, i, path, stats)
            continue
        try:
            st = path.stat()
            if unchanged(row, st):
                found[i] = (unpack_record(row), row.html)
                continue
            data = read_entry_bytes(path, shown)
        except (OSError, SourceError):
            todo.append((i, shown, path, None))
            if keep:
                _stat_before(before, i, path, stats)
            continue
        d = digest(data)
        if row.digest == d:  # touched, not changed
            found[i] = (unpack_record(row), row.html)
            rows.append(entry_row(shown, st, d, row.record, row.html))
            continue
        todo.append((i, shown, path, data))
        before[i] = st
    jobs = jobs if len(todo) > _PARALLEL_FROM else 1
    if jobs > 1:
        _MARKUP.prepare()  # once, before the reading workers fork, rather than in each of them
        load_numpy()
    results = [r for part in map_chunks(_parse_and_render, todo, len(todo), jobs, meanwhile=meanwhile) for r in part]
    problems = skipped
    for (i, shown, _, _), (record, html, errors, d) in zip(todo, results):
        if record is None:
            problems.extend(errors)
            continue
        found[i] = (record, html)
        if keep and i in before:
            rows.append(entry_row(shown, before[i], d, pack_record(record), html))
    pairs = [pair for pair in found if pair is not None]
    return Loaded(
        entries=[record[0] for record, _ in pairs],
        bodies={record[0].slug: html for record, html in pairs},
        abstracts={record[0].slug: record[2] for record, _ in pairs},
        terms={record[0].slug: record[1] for record, _ in pairs},
        problems=problems,
        rows=rows,
        names={shown for _, shown in files},
    )


def _stat_before(before: dict[int, os.stat_result], i: int, path: Path,
                 stats: Mapping[str, os.stat_result] | None) -> None:  # fmt: skip
    try:
        before[i] = (stats or {}).get(str(path)) or path.stat()
    except OSError:
        pass  # gone: no row; the next build sees that


def parse_entry_record(data: bytes, shown: str) -> tuple[tuple[Entry, Terms, str], str]:
    """One entry file's bytes as a build reads them: (entry without body, terms, plain text), html.
    A `SourceError` when the entry is broken."""
    entry = parse_entry_bytes(data, _slug(shown), shown)
    # One entry's terms without numpy (a patch never loads it); `terms_of_many` gives the same (tested).
    return _record(entry, terms_of(entry.title, entry.body))


def _slug(shown: str) -> str:
    return Path(shown).name[: -len(ENTRY_SUFFIX)]


def _record(entry: Entry, terms: Terms) -> tuple[tuple[Entry, Terms, str], str]:
    return (replace(entry, body=""), terms, plain_text(entry.body)), _MARKUP.render(entry.body)


# One converter per process, made before the workers fork (Markdown's set-up is costly, and not thread-safe).
_MARKUP = Markup()


def _parse_and_render(
    todo: list[tuple[int, str, Path, bytes | None]], chunk: Sequence[int]
) -> list[tuple[tuple[Entry, Terms, str] | None, str, list[Problem], str]]:
    """(entry, terms, plain text), rendered body, problems and the file's digest, per task."""
    out: list[tuple[tuple[Entry, Terms, str] | None, str, list[Problem], str]] = []
    parsed: list[tuple[int, Entry, str]] = []
    for k in chunk:
        _, shown, path, data = todo[k]
        try:
            if data is None:
                data = read_entry_bytes(path, shown)
            entry = parse_entry_bytes(data, _slug(shown), shown)
        except SourceError as exc:
            out.append((None, "", exc.problems, ""))
            continue
        parsed.append((len(out), entry, digest(data)))
        out.append((None, "", [], ""))
    terms = terms_of_many([(entry.title, entry.body) for _, entry, _ in parsed])  # counted for all at once
    for (i, entry, d), t in zip(parsed, terms):
        out[i] = (*_record(entry, t), [], d)
    return out
