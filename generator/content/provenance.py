"""What ingest last wrote into an entry, so that what a person changed stays theirs.

An entry written by ingest keeps, under `ingested:`, a short digest of the
value ingest gave each field. A field whose value still has that digest is
ingest's to update (a later source may add authors, links or tags to it);
a field a person changed (removed an author, a tag, a link, the body, a
source line, or edited any of them) no longer matches, and ingest leaves it
as it is, whichever source offers the old value again and whatever that
source's file is called. `--refresh` still lets a source's values win.
Entries written before this record existed have none: the first ingest
that changes one records it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .entry import Entry

# The fields ingest writes.
MANAGED = (
    "title",
    "date",
    "authors",
    "tags",
    "links",
    "sources",
    "body",
    "arxiv",
    "doi",
    "published",
    "upvotes",
    "categories",
    "keywords",
    "comment",
    "journal_ref",
)


def digest(value: Any) -> str | None:
    """A short digest of a field's value; None for an empty one (nothing to remember)."""
    if value is None or value == "" or (isinstance(value, (tuple, list, dict, Mapping)) and not value):
        return None
    text = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def untouched(entry: Entry, name: str) -> bool:
    """Whether field `name` still holds what ingest last wrote into it (always so for an entry with no record)."""
    if entry.ingested is None:
        return True
    return entry.ingested.get(name) == digest(getattr(entry, name))


def remember(before: Entry | None, after: Entry) -> Entry:
    """`after` with its record: a field ingest may manage (untouched in `before`, or every field of a new
    entry) gets the digest of its value now; a field a person changed keeps its old digest, so it stays theirs."""
    record: dict[str, str] = {}
    for name in MANAGED:
        if before is None or untouched(before, name):
            mark = digest(getattr(after, name))
        else:
            mark = (before.ingested or {}).get(name)
        if mark is not None:
            record[name] = mark
    return replace(after, ingested=record)
