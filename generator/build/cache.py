"""The build cache: parsed entries and their rendered abstracts, kept between builds.

One SQLite file in `.paperfeed-cache/` beside site.yaml. An entry's row is
reused when the file's size and mtime are unchanged, or when its bytes hash
to the same digest; anything else is parsed again. The cache also remembers
the fingerprint of the inputs of the last finished build, so a build with
nothing changed can stop at once. Losing or deleting the cache only costs
time: a build without it gives the same bytes.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import __version__
from ..content.entry import (
    ENTRY_SUFFIX,
    Entry,
    entry_files,
    parse_entry_bytes,
    read_entry_bytes,
)
from ..errors import Problem, SourceError
from .parallel import map_chunks

if TYPE_CHECKING:
    from ..model.related import Terms

CACHE_DIR = ".paperfeed-cache"
# Bump when what is cached (Entry fields, Markdown or MathML output) changes shape.
FORMAT = f"{__version__}/13"
# A file changed this recently may change again within the same mtime tick (coarse
# file-system clocks), so its size and mtime alone are not trusted (as git does).
RACY_NS = 2_000_000_000


def is_racy(mtime_ns: int) -> bool:
    return time.time_ns() - mtime_ns < RACY_NS


@dataclass(frozen=True)
class Cached:
    """A cache row: the entry as parsed (pickled) and its rendered body."""

    digest: str
    entry: bytes
    html: str


class BuildCache:
    """Read and write the cache of one project. Use as a context manager."""

    def __init__(self, root: Path):
        folder = root / CACHE_DIR
        folder.mkdir(exist_ok=True)
        self.db = sqlite3.connect(folder / "cache.sqlite", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        if self.get_meta("format") != FORMAT:
            # Another paperfeed version wrote this cache: start afresh, tables included.
            for table in ("entries", "entry_blobs", "outputs", "output_models", "results", "papers", "paper_blobs"):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            self.db.execute("DELETE FROM meta")
            shutil.rmtree(folder / "templates", ignore_errors=True)  # compiled by another code generator
            self.set_meta("format", FORMAT)
        # Small columns and large blobs live in separate tables, so that scanning the small ones
        # (every build's stat check, a patch's lookups) never reads the blobs.
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, digest TEXT)"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS entry_blobs (path TEXT PRIMARY KEY, entry BLOB, html TEXT)")
        # An output's model is its page or feed as pickled by `model_key`, papers by slug (`refs`,
        # one per line with a newline on both ends, so a paper's pages are found with instr());
        # `reads`: what rendering it read of which papers (see render.reads_text).
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, key TEXT, digest TEXT, refs TEXT, reads TEXT)"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS output_models (path TEXT PRIMARY KEY, model BLOB)")
        self.db.execute("CREATE TABLE IF NOT EXISTS papers (slug TEXT PRIMARY KEY, digest BLOB)")
        self.db.execute("CREATE TABLE IF NOT EXISTS paper_blobs (slug TEXT PRIMARY KEY, paper BLOB)")
        self.db.execute("CREATE TABLE IF NOT EXISTS results (name TEXT PRIMARY KEY, key TEXT, value BLOB)")

    def __enter__(self) -> BuildCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def checkpoint(self) -> None:
        """Move the write-ahead log into the database file now (SQLite would, at some later write)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def rows(self) -> dict[str, tuple[int, int, str, bytes, str]]:
        """path -> (mtime_ns, size, digest, pickled entry, html) for every cached entry."""
        return {
            r[0]: r[1:]
            for r in self.db.execute(
                "SELECT path, mtime_ns, size, digest, entry, html FROM entries JOIN entry_blobs USING (path)"
            )
        }

    def result(self, name: str, key: str) -> object | None:
        """A stored result of a whole-site computation, if it was computed from inputs with this key."""
        row = self.db.execute("SELECT key, value FROM results WHERE name = ?", (name,)).fetchone()
        return unpack(row[1]) if row and row[0] == key else None

    def result_key(self, name: str) -> str | None:
        """The key of the stored result of a whole-site computation, if there is one."""
        row = self.db.execute("SELECT key FROM results WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def store_result(self, name: str, key: str, value: object) -> None:
        self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (name, key, pack(value)))

    def outputs(self) -> dict[str, tuple[str, str]]:
        """Output path -> (key of what it was rendered from, digest of its bytes), as of the last build."""
        return {path: (key, d) for path, key, d in self.db.execute("SELECT path, key, digest FROM outputs")}

    def store_outputs(self, outputs: dict[str, tuple[str, str]], rendered: Mapping[str, Rendered]) -> None:
        """Record every output's key and digest, and the model and reads of those `rendered`.

        An output that was not rendered kept its key, so its model and reads are still right.
        """
        with self.db:
            self.db.execute("BEGIN")
            known = {path: (key, d) for path, key, d in self.db.execute("SELECT path, key, digest FROM outputs")}
            for table in ("outputs", "output_models"):
                self.db.executemany(f"DELETE FROM {table} WHERE path = ?", ((p,) for p in known if p not in outputs))
            fresh = [p for p, kd in outputs.items() if p in rendered or known.get(p) != kd]
            self.db.executemany(
                "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        p,
                        *outputs[p],
                        *((_refs_text(rendered[p].model.refs), rendered[p].reads) if p in rendered else (None, None)),
                    )
                    for p in fresh
                ),
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO output_models VALUES (?, ?)",
                ((p, rendered[p].model.blob if p in rendered else None) for p in fresh),
            )

    def update_outputs(self, rows: Iterable[tuple[str, str, str, Rendered]]) -> None:
        """New (key, digest, model and reads) of some outputs."""
        rows = list(rows)
        self.db.executemany(
            "UPDATE outputs SET key = ?, digest = ?, refs = ?, reads = ? WHERE path = ?",
            ((k, d, _refs_text(r.model.refs), r.reads, p) for p, k, d, r in rows),
        )
        self.db.executemany(
            "UPDATE output_models SET model = ? WHERE path = ?", ((r.model.blob, p) for p, _, _, r in rows)
        )

    def outputs_showing(self, slugs: Iterable[str]) -> dict[str, tuple[str, str, tuple[str, ...], str]]:
        """path -> (key, digest, refs, reads) of every output whose model holds one of these papers."""
        found = {}
        for slug in slugs:
            for path, key, d, refs, reads in self.db.execute(
                "SELECT path, key, digest, refs, reads FROM outputs WHERE instr(refs, ?) > 0", (_refs_text([slug]),)
            ):
                if reads is None:
                    raise LookupError(path)  # an output stored without its model: cannot be patched
                found[path] = (key, d, tuple(refs.strip("\n").split("\n")) if refs.strip() else (), reads)
        return found

    def output_model(self, path: str) -> bytes | None:
        row = self.db.execute("SELECT model FROM output_models WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def paper_digests(self, slugs: Iterable[str]) -> dict[str, bytes]:
        """slug -> digest of these papers as the last build stored them (see `store_papers`)."""
        return self._by_slug("papers", "digest", slugs)

    def papers(self, slugs: Iterable[str]) -> dict[str, bytes]:
        """slug -> the stored (pickled) paper, for these slugs."""
        return self._by_slug("paper_blobs", "paper", slugs)

    def _by_slug(self, table: str, column: str, slugs: Iterable[str]) -> dict[str, bytes]:
        wanted = set(slugs)
        if len(wanted) > 500:  # one scan beats many lookups
            return {s: v for s, v in self.db.execute(f"SELECT slug, {column} FROM {table}") if s in wanted}
        return {s: v for s in wanted for (v,) in self.db.execute(f"SELECT {column} FROM {table} WHERE slug = ?", (s,))}

    def store_papers(self, pickles: Mapping[str, bytes], digests: Mapping[str, bytes], *, replace: bool) -> None:
        """Save pickled papers whose digest changed; with `replace`, forget every other paper."""
        with self.db:
            self.db.execute("BEGIN")
            old = dict(self.db.execute("SELECT slug, digest FROM papers"))
            fresh = [s for s in pickles if old.get(s) != digests[s]]
            self.db.executemany("INSERT OR REPLACE INTO papers VALUES (?, ?)", ((s, digests[s]) for s in fresh))
            self.db.executemany("INSERT OR REPLACE INTO paper_blobs VALUES (?, ?)", ((s, pickles[s]) for s in fresh))
            if replace:
                for table in ("papers", "paper_blobs"):
                    self.db.executemany(f"DELETE FROM {table} WHERE slug = ?", ((s,) for s in old if s not in pickles))

    def entry_stats(self) -> dict[str, tuple[int, int, str]]:
        """path -> (mtime_ns, size, digest) of every cached entry."""
        return {r[0]: r[1:] for r in self.db.execute("SELECT path, mtime_ns, size, digest FROM entries")}

    def entry_row(self, path: str) -> tuple[bytes, str] | None:
        """(pickled (entry, terms, plain text), html) of one cached entry."""
        return self.db.execute("SELECT entry, html FROM entry_blobs WHERE path = ?", (path,)).fetchone()

    def touch_entries(self, rows: Iterable[tuple[str, int, int]]) -> None:
        """New (mtime_ns, size) of entries whose bytes are unchanged."""
        self.db.executemany("UPDATE entries SET mtime_ns = ?, size = ? WHERE path = ?", ((m, z, p) for p, m, z in rows))

    def store(self, rows: Iterable[tuple[str, int, int, str, bytes, str]], keep: set[str]) -> None:
        """Save new rows and forget entries whose files are gone, in one transaction."""
        rows = list(rows)
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", (r[:4] for r in rows))
            self.db.executemany("INSERT OR REPLACE INTO entry_blobs VALUES (?, ?, ?)", ((r[0], *r[4:]) for r in rows))
            gone = [(p,) for (p,) in self.db.execute("SELECT path FROM entries") if p not in keep]
            self.db.executemany("DELETE FROM entries WHERE path = ?", gone)
            self.db.executemany("DELETE FROM entry_blobs WHERE path = ?", gone)


class Rendered(NamedTuple):
    """What the cache keeps of an output that was rendered: its model, and what it read (see render.reads_text)."""

    model: Model
    reads: str


class Model(NamedTuple):
    """A piece of the site model (a page, a feed), pickled with its papers by slug; see `model_key`."""

    key: str
    blob: bytes
    refs: tuple[str, ...]


_PAPERS: Mapping[str, object] = {}


def _paper(slug: str) -> object:
    """What a paper stands for in a model pickle: the paper of that slug, while `load_model` runs."""
    return _PAPERS[slug]


def _refs_text(refs: Iterable[str]) -> str:
    return "\n" + "".join(f"{slug}\n" for slug in refs)


def model_key(obj: object, salt: bytes, digests: Mapping[str, bytes], shared: type | None = None) -> Model:
    """A piece of the site model (a page, a feed) with a digest of everything it holds.

    Objects of the `shared` type (papers, which many pages hold; they have a
    `slug`) are pickled as references by slug, and the key covers their
    `digests`. Equal keys under equal `salt` (theme, generator version, site
    info) mean equal rendered bytes, and `load_model` gives the piece back
    from the pickle and the papers. An unstable pickle (a set in an entry's
    extra keys) can only make keys differ, which costs a render, never a
    stale page.
    """
    refs: list[str] = []

    def reduce(part: Any) -> tuple:
        refs.append(part.slug)
        return _paper, (part.slug,)

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # The dispatch table is consulted in C, so only the shared parts cost a Python call.
    pickler.dispatch_table = {**copyreg.dispatch_table, **({shared: reduce} if shared else {})}
    pickler.dump(obj)
    blob = buffer.getvalue()
    h = hashlib.blake2b(salt, digest_size=16)
    h.update(blob)
    for slug in refs:
        h.update(digests[slug])
    return Model(h.hexdigest(), blob, tuple(refs))


def load_model(blob: bytes, papers: Mapping[str, object]) -> Any:
    """The piece of the site model `model_key` pickled, its papers taken from `papers` by slug."""
    global _PAPERS
    _PAPERS = papers
    try:
        return pickle.loads(blob)
    finally:
        _PAPERS = {}


def paper_pickles(papers: Iterable[Any]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """slug -> pickle, and slug -> digest of that pickle, of every paper."""
    pickles = {paper.slug: pickle.dumps(paper, pickle.HIGHEST_PROTOCOL) for paper in papers}
    return pickles, {slug: hashlib.blake2b(data, digest_size=16).digest() for slug, data in pickles.items()}


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def pack(entry: object) -> bytes:
    return pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> object:
    return pickle.loads(data)


def tree_stamp(folders: Iterable[Path], *, racy: bool = False, stats: dict[str, tuple[int, int]] | None = None) -> str:
    """A fingerprint of the names, sizes and mtimes of every file under `folders` (no reads).

    '' when a file changed too recently for its mtime to be trusted, unless
    `racy` (a watcher compares stamps a moment apart, not across builds).
    `stats`, when given, receives each file seen as path -> (mtime_ns, size), so later steps need not stat it again.
    """
    rows = []
    pending = []
    for folder in folders:
        if folder.is_file():
            st = folder.stat()
            rows.append(f"{folder}\0{st.st_size}\0{st.st_mtime_ns}")
        else:
            pending.append(str(folder))
    while pending:
        try:
            scan = os.scandir(pending.pop())
        except OSError:
            continue
        with scan:
            for item in scan:
                if item.is_dir(follow_symlinks=False):
                    pending.append(item.path)
                    continue
                try:
                    st = item.stat()
                except OSError:
                    continue
                if not racy and is_racy(st.st_mtime_ns):
                    return ""
                rows.append(f"{item.path}\0{st.st_size}\0{st.st_mtime_ns}")
                if stats is not None:
                    stats[item.path] = (st.st_mtime_ns, st.st_size)
    rows.sort()
    return hashlib.blake2b("\n".join(rows).encode(), digest_size=16).hexdigest()


def folder_stamp(folder: Path) -> str:
    """Identity of an output folder: replaced (new inode) or emptied, it no longer matches."""
    try:
        st = os.stat(folder)
    except OSError:
        return ""
    return f"{st.st_ino}:{st.st_mtime_ns}"


def load_cached_entries(
    directory: Path,
    root: Path,
    cache: BuildCache | None,
    jobs: int,
    *,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[list[Entry], list[str], list[Terms], list[str], list[Problem]]:
    """Every entry under `directory` with its rendered body, its terms (for related papers) and
    its body as plain text, and the problems of broken ones. The entries come without their
    Markdown body (`body` is empty): what the site needs of it is in the other three.

    Files unchanged since the cached build are not parsed or rendered again;
    the others are, over `jobs` processes, while this one calls `meanwhile()`
    (only when it has processes to wait for).
    """
    rows = cache.rows() if cache else {}
    files = entry_files(directory, root)
    paths = [path for path, _ in files]
    found: list[tuple[tuple[Entry, Terms, str], str] | None] = [None] * len(paths)
    todo: list[tuple[int, str, Path, bytes | None]] = []  # bytes already read, or None: the worker reads
    fresh: list[tuple[str, int, int, str, bytes, str]] = []
    for i, (path, shown) in enumerate(files):
        row = rows.get(shown)
        if row is None:
            todo.append((i, shown, path, None))
            continue
        try:
            st = path.stat()
            if row[0] == st.st_mtime_ns and row[1] == st.st_size:
                found[i] = (unpack(row[3]), row[4])
                continue
            data = path.read_bytes()
        except OSError:
            todo.append((i, shown, path, None))
            continue
        d = digest(data)
        if row[2] == d:
            found[i] = (unpack(row[3]), row[4])
            fresh.append((shown, -1 if is_racy(st.st_mtime_ns) else st.st_mtime_ns, st.st_size, d, row[3], row[4]))
            continue
        todo.append((i, shown, path, data))
    jobs = jobs if len(todo) > 200 else 1
    if jobs > 1:
        _load_renderers()  # once, before the reading workers fork, rather than in each of them
    results = [r for part in map_chunks(_parse_and_render, todo, len(todo), jobs, meanwhile=meanwhile) for r in part]
    problems: list[Problem] = []
    for (i, shown, path, _), (record, html, errors, d) in zip(todo, results):
        if errors:
            problems.extend(errors)
            continue
        found[i] = (record, html)
        if not cache:
            continue
        try:
            st = path.stat()
        except OSError:
            continue  # gone since it was read: the next build sees that
        mtime = -1 if is_racy(st.st_mtime_ns) else st.st_mtime_ns
        fresh.append((shown, mtime, st.st_size, d, pack(record), html))
    if cache:
        cache.store(fresh, {shown for _, shown in files})
    pairs = [pair for pair in found if pair is not None]
    return (
        [r[0] for r, _ in pairs],
        [h for _, h in pairs],
        [r[1] for r, _ in pairs],
        [r[2] for r, _ in pairs],
        problems,
    )


_MARKUP = None


def _load_renderers() -> None:
    """Load what `_parse_and_render` needs (numpy, Markdown, the TeX converter) in this process."""
    from ..model.related import load_numpy
    from ..render.markup import Markup

    global _MARKUP
    load_numpy()
    _MARKUP = _MARKUP or Markup()
    _MARKUP.prepare()


def _parse_and_render(
    todo: list[tuple[int, str, Path, bytes | None]],
    chunk: Sequence[int],
) -> list[tuple[tuple[Entry, Terms, str] | None, str, list[Problem], str]]:
    """(entry, terms, plain text), rendered body, problems and the file's digest, per task."""
    from ..model.related import terms_of_many
    from ..model.text import (
        plain_text,  # only builds that have entries to render pay for Markdown
    )
    from ..render.markup import Markup

    global _MARKUP
    _MARKUP = _MARKUP or Markup()
    out: list = []
    parsed: list[tuple[int, Entry, str]] = []
    for k in chunk:
        _, shown, path, data = todo[k]
        slug = Path(shown).name[: -len(ENTRY_SUFFIX)]
        try:
            if data is None:
                data = read_entry_bytes(path, shown)
            entry = parse_entry_bytes(data, slug, shown)
        except SourceError as exc:
            out.append((None, "", exc.problems, ""))
            continue
        parsed.append((len(out), entry, digest(data)))
        out.append(None)
    terms = terms_of_many([(entry.title, entry.body) for _, entry, _ in parsed])  # counted for all at once
    for (i, entry, d), t in zip(parsed, terms):
        out[i] = ((replace(entry, body=""), t, plain_text(entry.body)), _MARKUP.render(entry.body), [], d)
    return out
