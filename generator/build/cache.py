"""The build cache: one SQLite file in `.paperfeed-cache/` beside site.yaml.

It keeps, between builds: each entry as parsed with its rendered body
(`EntryRow`, reused while the file's stat or its bytes are unchanged); each
output's key, digest, model and reads (`OutputRow`, for patching and for
leaving unchanged files alone); every paper as templates saw it; whole-site
results (related papers, the patch state); and one state record saying
whether all of it describes the site folder (`SiteState`).

Losing or deleting the cache only costs time: a build without it gives the
same bytes. Its format is derived from the package version and the source
of every record it stores (their fields) and of the code that fills them,
so a changed record or parser invalidates old caches by itself. A damaged
or foreign cache raises `CacheError`; the build discards it and starts afresh.
"""

from __future__ import annotations

import copyreg
import enum
import hashlib
import io
import os
import pickle
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import __version__
from ..errors import BuildError, PaperfeedError

if TYPE_CHECKING:
    from ..content.entry import Entry
    from ..model.related import Terms

CACHE_DIR = ".paperfeed-cache"
_FILE = "cache.sqlite"


class CacheError(PaperfeedError):
    """The build cache cannot be read (damaged, truncated, or written by something else).
    Raised by `BuildCache`; the build discards the cache and builds afresh."""


class SiteState(enum.Enum):
    """What the cache knows of the site folder: written only together with what it describes."""

    UNKNOWN = ""  # no finished build recorded: nothing in the cache describes the site
    BUILDING = "building"  # a build began changing the site or the cache and has not finished
    COMPLETE = "complete"  # the site is exactly what the cache's outputs describe
    COMPLETE_SEARCH = "complete+search"  # the same, and the site holds a search index

    @property
    def complete(self) -> bool:
        return self in (SiteState.COMPLETE, SiteState.COMPLETE_SEARCH)


class EntryRow(NamedTuple):
    """An entry file as last read: its stat and digest; with `record` (pickled (entry, terms, plain
    text)) and `html` (its rendered body) when read from or written to the cache whole."""

    path: str
    mtime_ns: int  # -1 when the file was too recent to trust its stat (see incremental.is_racy)
    ctime_ns: int
    size: int
    digest: str
    record: bytes = b""
    html: str = ""


class OutputRow(NamedTuple):
    """A file of the site as the last build left it."""

    path: str
    key: str  # of the model it was rendered from ('' when not tracked)
    digest: str  # of its bytes
    refs: tuple[str, ...] = ()  # the papers its model holds, by slug
    reads: str = ""  # what rendering it read of which papers (see tracking.reads_text)
    model: bytes = b""  # its model, pickled with papers by slug (see `model_key`)


class Model(NamedTuple):
    """A piece of the site model (a page, a feed), pickled with its papers by slug; see `model_key`."""

    key: str
    blob: bytes
    refs: tuple[str, ...]


class Rendered(NamedTuple):
    """What the cache keeps of an output that was rendered: its model, and what it read."""

    model: Model
    reads: str


# The code that defines every record the cache stores (rows, entries, terms, the model's pages and
# papers, the patch state) and that fills them or renders what it describes (parsing, Markdown, TeX,
# templates' filters, feeds): a change to any of it, a field of a record above all, changes the
# format. Read as source, so that opening the cache loads none of it. Upgrading a library that
# shapes the output (Markdown, Jinja) is not seen: build with --clean after one.
_SOURCES = ("build", "content", "model", "render", "ids.py")


def cache_format() -> str:
    """The cache's format: the version, and the source of every record it stores and of what fills them."""
    h = hashlib.blake2b(__version__.encode(), digest_size=8)
    package = Path(__file__).resolve().parent.parent
    for name in _SOURCES:
        path = package / name
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(f"\0{source.relative_to(package).as_posix()}\0".encode())
            h.update(source.read_bytes())
    return f"{__version__}/{h.hexdigest()}"


_SCHEMA = {
    "meta": "key TEXT PRIMARY KEY, value TEXT",
    # Small columns and large blobs live in separate tables, so that scanning the small ones
    # (every build's stat check, a patch's lookups) never reads the blobs.
    "entries": "path TEXT PRIMARY KEY, mtime_ns INTEGER, ctime_ns INTEGER, size INTEGER, digest TEXT",
    "entry_blobs": "path TEXT PRIMARY KEY, record BLOB, html TEXT",
    # refs: one slug per line with a newline on both ends, so a paper's outputs are found with instr().
    "outputs": "path TEXT PRIMARY KEY, key TEXT, digest TEXT, refs TEXT, reads TEXT",
    "output_models": "path TEXT PRIMARY KEY, model BLOB",
    "papers": "slug TEXT PRIMARY KEY, digest BLOB",
    "paper_blobs": "slug TEXT PRIMARY KEY, paper BLOB",
    "results": "name TEXT PRIMARY KEY, key TEXT, value BLOB",
}


def _refs_text(refs: Iterable[str]) -> str:
    return "\n" + "".join(f"{slug}\n" for slug in refs)


def _refs(text: str | None) -> tuple[str, ...]:
    return tuple(text.strip("\n").split("\n")) if text and text.strip() else ()


class BuildCache:
    """Read and write the cache of one project. Use as a context manager.

    Writes that describe the site happen in `transaction()`, which also sets
    the state: a build that dies inside it leaves the previous state.
    """

    def __init__(self, root: Path, *, fresh: bool = False) -> None:
        folder = root / CACHE_DIR
        folder.mkdir(exist_ok=True)
        self.folder = folder
        self.notes: list[str] = []
        if fresh:
            self.discard(folder)
        try:
            self._open(folder)
        except sqlite3.OperationalError as exc:  # a full disk, an I/O error: not the cache's fault
            raise BuildError(f"cannot use the build cache in {folder}: {exc}") from exc
        except (sqlite3.DatabaseError, CacheError) as exc:
            if fresh:
                raise CacheError(f"cannot make a build cache in {folder}: {exc}") from None
            self.notes.append(f"note: discarded a damaged build cache ({exc}); it is made again")
            self.discard(folder)
            self._open(folder)

    def _open(self, folder: Path) -> None:
        self.db = sqlite3.connect(folder / _FILE, isolation_level=None)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(f"CREATE TABLE IF NOT EXISTS meta ({_SCHEMA['meta']})")
            wanted = cache_format()
            if self.get_meta("format") != wanted:
                # Another paperfeed version (or none) wrote this cache: start afresh, tables included.
                with self._transaction():
                    for table in _SCHEMA:
                        if table != "meta":
                            self.db.execute(f"DROP TABLE IF EXISTS {table}")
                    self.db.execute("DELETE FROM meta")
                    self.db.execute("INSERT INTO meta VALUES ('format', ?)", (wanted,))
                    for table, columns in _SCHEMA.items():
                        self.db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
                _remove_tree(folder / "templates")  # compiled by another code generator
        except BaseException:
            self.db.close()
            raise

    @staticmethod
    def discard(folder: Path) -> None:
        """Delete the cache's files (the lock file stays: it may be held)."""
        for name in (_FILE, f"{_FILE}-wal", f"{_FILE}-shm"):
            try:
                os.unlink(folder / name)
            except FileNotFoundError:
                pass
        _remove_tree(folder / "templates")

    def __enter__(self) -> BuildCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def transaction(self, state: SiteState) -> Iterator[None]:
        """Writes that take effect together, with the state set to `state`, or not at all."""
        with self._reading(), self._transaction():
            yield
            self.set_meta("state", state.value)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:  # a full disk, an I/O error: the cache itself may be fine
            raise BuildError(f"cannot use the build cache in {self.folder}: {exc}") from exc
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError) as exc:
            raise CacheError(f"the build cache is damaged: {exc}") from exc

    def checkpoint(self) -> None:
        """Move the write-ahead log into the database file now (SQLite would, at some later write)."""
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            pass  # the log stays valid and is moved at a later write

    # -- meta and state ----------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._reading():
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._reading():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def state(self) -> SiteState:
        try:
            return SiteState(self.get_meta("state") or "")
        except ValueError:
            return SiteState.UNKNOWN

    def mark_building(self) -> None:
        """Say, before the site or the cache changes, that nothing recorded may be trusted until the build ends."""
        self.set_meta("state", SiteState.BUILDING.value)

    # -- entries -------------------------------------------------------------

    def entry_stats(self) -> dict[str, EntryRow]:
        """Every cached entry's row, without its record and html."""
        with self._reading():
            return {r[0]: EntryRow(*r) for r in self.db.execute(f"SELECT {_ROW} FROM entries")}

    def entries(self) -> dict[str, EntryRow]:
        """Every cached entry's row, whole."""
        with self._reading():
            return {
                r[0]: EntryRow(*r)
                for r in self.db.execute(f"SELECT {_ROW}, record, html FROM entries JOIN entry_blobs USING (path)")
            }

    def entry(self, path: str) -> EntryRow | None:
        with self._reading():
            row = self.db.execute(
                f"SELECT {_ROW}, record, html FROM entries JOIN entry_blobs USING (path) WHERE path = ?", (path,)
            ).fetchone()
        return EntryRow(*row) if row else None

    def store_entries(self, rows: Iterable[EntryRow], keep: set[str] | None) -> None:
        """Save rows (whole ones with their blobs, others only their stat); with `keep`, forget entries not in it."""
        rows = list(rows)
        self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", (r[:5] for r in rows))
        self.db.executemany(
            "INSERT OR REPLACE INTO entry_blobs VALUES (?, ?, ?)",
            ((r.path, r.record, r.html) for r in rows if r.record),
        )
        if keep is not None:
            gone = [(p,) for (p,) in self.db.execute("SELECT path FROM entries") if p not in keep]
            self.db.executemany("DELETE FROM entries WHERE path = ?", gone)
            self.db.executemany("DELETE FROM entry_blobs WHERE path = ?", gone)

    # -- outputs ---------------------------------------------------------------

    def outputs(self) -> dict[str, OutputRow]:
        """Every output's path, key and digest, as of the last build."""
        with self._reading():
            return {r[0]: OutputRow(*r) for r in self.db.execute("SELECT path, key, digest FROM outputs")}

    def store_outputs(self, outputs: Mapping[str, tuple[str, str]], rendered: Mapping[str, Rendered]) -> None:
        """Record every output's (key, digest), and the model and reads of those `rendered`.

        An output that was not rendered kept its key, so its model and reads are still right.
        """
        known = {path: (key, d) for path, key, d in self.db.execute("SELECT path, key, digest FROM outputs")}
        for table in ("outputs", "output_models"):
            self.db.executemany(f"DELETE FROM {table} WHERE path = ?", ((p,) for p in known if p not in outputs))
        fresh = [p for p, kd in outputs.items() if p in rendered or known.get(p) != kd]
        self.db.executemany(
            "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)",
            (
                (p, *outputs[p], _refs_text(rendered[p].model.refs), rendered[p].reads)
                if p in rendered
                else (p, *outputs[p], None, None)
                for p in fresh
            ),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO output_models VALUES (?, ?)",
            ((p, rendered[p].model.blob if p in rendered else None) for p in fresh),
        )

    def update_outputs(self, rows: Iterable[OutputRow]) -> None:
        """New key, digest, refs, reads and model of some outputs."""
        rows = list(rows)
        self.db.executemany(
            "UPDATE outputs SET key = ?, digest = ?, refs = ?, reads = ? WHERE path = ?",
            ((r.key, r.digest, _refs_text(r.refs), r.reads, r.path) for r in rows),
        )
        self.db.executemany("UPDATE output_models SET model = ? WHERE path = ?", ((r.model, r.path) for r in rows))

    def outputs_showing(self, slugs: Iterable[str]) -> dict[str, OutputRow]:
        """Every output whose model holds one of these papers (without the model itself).

        A `LookupError` when one of them was stored without its model (it cannot be patched).
        """
        wanted = [_refs_text([slug]) for slug in slugs]
        if not wanted:
            return {}
        # One pass over the table for all of them: each pass reads every row's refs (50 ms at 10,000 papers).
        where = " OR ".join(["instr(refs, ?) > 0"] * len(wanted))
        return self._output_rows(f"SELECT path, key, digest, refs, reads FROM outputs WHERE {where}", wanted)

    def outputs_in(self, folders: Iterable[str]) -> dict[str, OutputRow]:
        """The outputs in these folders of the site (without their models); a `LookupError` as `outputs_showing`."""
        found = {}
        for folder in folders:  # a range of the primary key each: `folder/` up to `folder0`, the next character
            query = "SELECT path, key, digest, refs, reads FROM outputs WHERE path >= ? AND path < ?"
            found.update(self._output_rows(query, [f"{folder}/", f"{folder}0"]))
        return found

    def _output_rows(self, query: str, args: list[str]) -> dict[str, OutputRow]:
        found = {}
        with self._reading():
            for path, key, d, refs, reads in self.db.execute(query, args):
                if reads is None:
                    raise LookupError(path)
                found[path] = OutputRow(path, key, d, _refs(refs), reads)
        return found

    def output_model(self, path: str) -> bytes | None:
        with self._reading():
            row = self.db.execute("SELECT model FROM output_models WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    # -- papers as templates saw them ---------------------------------------------

    def paper_digests(self, slugs: Iterable[str]) -> dict[str, bytes]:
        """slug -> digest of these papers as the last build stored them (see `store_papers`)."""
        return self._by_slug("papers", "digest", slugs)

    def papers(self, slugs: Iterable[str]) -> dict[str, bytes]:
        """slug -> the stored (pickled) paper, for these slugs."""
        return self._by_slug("paper_blobs", "paper", slugs)

    def _by_slug(self, table: str, column: str, slugs: Iterable[str]) -> dict[str, bytes]:
        wanted = set(slugs)
        with self._reading():
            if len(wanted) > 500:  # one scan beats many lookups
                return {s: v for s, v in self.db.execute(f"SELECT slug, {column} FROM {table}") if s in wanted}
            return {
                s: v for s in wanted for (v,) in self.db.execute(f"SELECT {column} FROM {table} WHERE slug = ?", (s,))
            }

    def store_papers(self, pickles: Mapping[str, bytes], digests: Mapping[str, bytes], *, replace: bool) -> None:
        """Save pickled papers whose digest changed; with `replace`, forget every other paper."""
        old = dict(self.db.execute("SELECT slug, digest FROM papers"))
        fresh = [s for s in pickles if old.get(s) != digests[s]]
        self.db.executemany("INSERT OR REPLACE INTO papers VALUES (?, ?)", ((s, digests[s]) for s in fresh))
        self.db.executemany("INSERT OR REPLACE INTO paper_blobs VALUES (?, ?)", ((s, pickles[s]) for s in fresh))
        if replace:
            for table in ("papers", "paper_blobs"):
                self.db.executemany(f"DELETE FROM {table} WHERE slug = ?", ((s,) for s in old if s not in pickles))

    # -- whole-site results ---------------------------------------------------------

    def result(self, name: str, key: str) -> object | None:
        """A stored result of a whole-site computation, if it was computed from inputs with this key."""
        with self._reading():
            row = self.db.execute("SELECT key, value FROM results WHERE name = ?", (name,)).fetchone()
        return unpickle(row[1]) if row and row[0] == key else None

    def result_key(self, name: str) -> str | None:
        """The key of the stored result of a whole-site computation, if there is one."""
        with self._reading():
            row = self.db.execute("SELECT key FROM results WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def store_result(self, name: str, key: str, value: object) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
            (name, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)),
        )


_ROW = ", ".join(EntryRow._fields[:5])


def _remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


# -- models: pieces of the site pickled with their papers by slug ---------------------------


def _paper(slug: str) -> object:
    """What a paper stands for in a model pickle; `load_model` swaps in the paper of that slug."""
    raise LookupError(slug)


class _ModelUnpickler(pickle.Unpickler):
    def __init__(self, blob: bytes, papers: Mapping[str, object]) -> None:
        super().__init__(io.BytesIO(blob))
        self._papers = papers

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_paper":
            return self._papers.__getitem__
        return super().find_class(module, name)


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
    try:
        return _ModelUnpickler(blob, papers).load()
    except Exception as exc:
        raise CacheError(f"the build cache is damaged: {type(exc).__name__}: {exc}") from exc


def paper_pickles(papers: Iterable[Any]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """slug -> pickle, and slug -> digest of that pickle, of every paper."""
    pickles = {paper.slug: pickle.dumps(paper, pickle.HIGHEST_PROTOCOL) for paper in papers}
    return pickles, {slug: hashlib.blake2b(data, digest_size=16).digest() for slug, data in pickles.items()}


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def unpack_record(row: EntryRow) -> tuple[Entry, Terms, str]:
    """The (entry, terms, plain text) a whole row holds."""
    return unpickle(row.record)


def unpickle(data: bytes) -> Any:
    """Something the cache stored pickled; a `CacheError` when the bytes are damaged
    (SQLite keeps no checksums: a flipped bit fails in any of pickle's ways)."""
    try:
        return pickle.loads(data)
    except Exception as exc:
        raise CacheError(f"the build cache is damaged: {type(exc).__name__}: {exc}") from exc


def pack_record(record: tuple[Entry, Terms, str]) -> bytes:
    return pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


def last_site_record(root: Path) -> dict[str, str]:
    """The cache's record of the site it last built ("folder", "paths", "files"), read without opening
    the cache: opening it discards a cache written by another paperfeed version, and so the record
    of a site built before that version wrote a marker. {} when there is none."""
    path = root / CACHE_DIR / _FILE
    if not path.is_file():
        return {}
    try:
        with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute("SELECT key, value FROM meta WHERE key IN ('folder', 'paths', 'files')").fetchall()
    except sqlite3.Error:  # damaged, locked or of another shape: nothing is known, so nothing is replaced
        return {}
    return {key: value for key, value in rows if isinstance(value, str)}
