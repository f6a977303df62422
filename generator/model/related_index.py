"""Related papers kept up to date across edits: what `related` computes from, and what an edit changes.

An edit changes a paper's terms, and with them how many papers hold a few
terms. Only papers holding a term whose weight changed (see
`related.DF_BITS`) get a new vector, besides the edited one; only the
postings of those papers' strongest terms can change; and only papers with
a changed vector, or with a strongest term whose postings changed, can rank
others differently. `reindex` recomputes those and nothing else, and gives
what `build_index` gives from scratch (tests/test_related_index.py).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import lazy
from .related import (
    POSTINGS,
    Doc,
    Frequencies,
    Terms,
    rank_in_groups,
    ranked,
    reweighs,
    tag_masks,
    top_terms,
    vectorize,
)

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class RelatedIndex:
    """The docs (sorted by key), their terms and vectors, and the related docs found from them."""

    keys: tuple[str, ...]
    tags: tuple[frozenset[str], ...]
    bounds: np.ndarray  # int64: doc i's terms are hashes[bounds[i]:bounds[i + 1]] (and counts)
    hashes: np.ndarray  # uint64
    counts: np.ndarray  # float32
    frequencies: Frequencies
    rows: np.ndarray  # int32: the vectors (see `related.top_terms`): doc, term hash, weight
    terms: np.ndarray  # uint64
    weights: np.ndarray  # float64
    similar: Mapping[str, tuple[str, ...]]
    k: int

    def holds(self, i: int, terms: Terms) -> bool:
        """Whether doc `i`'s terms are `terms`."""
        a, b = int(self.bounds[i]), int(self.bounds[i + 1])
        return (self.hashes[a:b].tobytes(), self.counts[a:b].tobytes()) == (
            terms.hashes.tobytes(),
            terms.counts.tobytes(),
        )

    def docs(self) -> list[Doc]:
        """The docs the index was made from."""
        bounds = self.bounds.tolist()
        return [
            Doc(key, Terms(array("Q", self.hashes[a:b].tobytes()), array("f", self.counts[a:b].tobytes())), tags)
            for key, tags, a, b in zip(self.keys, self.tags, bounds, bounds[1:])
        ]


def build_index(docs: Sequence[Doc], k: int = 5) -> RelatedIndex:
    """Related papers of `docs` (see `related.related`), with what `reindex` needs to follow edits."""
    np = lazy.numpy()
    vectors = vectorize(docs)
    docs = vectors.docs
    keys = [doc.key for doc in docs]
    if vectors.arrays and vectors.terms is not None and k >= 1:
        rows, _, weights, _ = vectors.arrays
        terms = vectors.terms
        similar = ranked(vectors.arrays, keys, tag_masks([doc.tags for doc in docs]), k)
    else:
        rows, terms, weights = np.zeros(0, np.int32), np.zeros(0, np.uint64), np.zeros(0)
        similar = dict.fromkeys(keys, ())
    return RelatedIndex(
        tuple(keys),
        tuple(doc.tags for doc in docs),
        np.cumsum([0] + [len(doc.terms.hashes) for doc in docs], dtype=np.int64),
        np.frombuffer(b"".join([doc.terms.hashes for doc in docs]), dtype=np.uint64),
        np.frombuffer(b"".join([doc.terms.counts for doc in docs]), dtype=np.float32),
        vectors.frequencies,
        rows,
        terms,
        weights,
        similar,
        k,
    )


# Past this share of docs with new terms, finding everything again is no slower.
FOLLOW_SHARE = 0.05


def follow(docs: Sequence[Doc], known: RelatedIndex | None, k: int = 5) -> tuple[RelatedIndex, bool]:
    """`build_index(docs, k)`, by `reindex` from the `known` index when the docs are its docs with new
    terms in a few; and whether it is a new index (False: `known` itself, nothing changed)."""
    docs = sorted(docs, key=lambda d: d.key)
    if (
        known is None
        or known.k != k
        or known.keys != tuple(doc.key for doc in docs)
        or known.tags != tuple(doc.tags for doc in docs)
    ):
        return build_index(docs, k), True
    edits = {doc.key: doc.terms for i, doc in enumerate(docs) if not known.holds(i, doc.terms)}
    if not edits:
        return known, False
    found = reindex(known, edits) if len(edits) <= FOLLOW_SHARE * len(docs) else None
    return (found[0] if found else build_index(docs, k)), True


def reindex(index: RelatedIndex, edits: Mapping[str, Terms]) -> tuple[RelatedIndex, frozenset[str]] | None:
    """The index once the docs `edits` names have those terms (their keys and tags unchanged), and the
    keys whose related docs changed; None when a key is not in the index."""
    np = lazy.numpy()
    n = len(index.keys)
    edited: dict[int, Terms] = {}
    for key, terms in edits.items():
        i = bisect_left(index.keys, key)
        if i == n or index.keys[i] != key:
            return None
        a, b = int(index.bounds[i]), int(index.bounds[i + 1])
        if (index.hashes[a:b].tobytes(), index.counts[a:b].tobytes()) != (
            terms.hashes.tobytes(),
            terms.counts.tobytes(),
        ):
            edited[i] = terms
    if not edited:
        return index, frozenset()
    bounds, hashes, counts, old, new = _with_terms(index, edited)
    vocabulary, df = _frequencies(index.frequencies, old, new)
    frequencies = Frequencies(array("Q", vocabulary.tobytes()), array("q", df.tobytes()), n)
    if n < 2 or index.k < 1:
        unranked = (index.rows, index.terms, index.weights)
        return _replace(index, bounds, hashes, counts, frequencies, *unranked, index.similar), frozenset()
    # Docs with a new vector: the edited ones, and those holding a term whose weight changed.
    reweighed = _reweighed(index.frequencies, frequencies, np.union1d(old, new))
    changed = np.array(sorted(edited), dtype=np.int64)
    if len(reweighed):
        holders = np.searchsorted(bounds, np.flatnonzero(np.isin(hashes, reweighed)), side="right") - 1
        changed = np.union1d(changed, holders)
    rows, terms, weights = _vectors_of(changed, bounds, hashes, counts, vocabulary, df, n)
    dropped = np.isin(index.rows, changed)
    table = (
        np.concatenate([index.rows[~dropped], rows]),
        np.concatenate([index.terms[~dropped], terms]),
        np.concatenate([index.weights[~dropped], weights]),
    )
    order = np.lexsort((table[1], -table[2], table[0]))  # as `top_terms` orders them
    table = (table[0][order], table[1][order], table[2][order])
    # Docs that may rank differently: those with a new vector, and those with a strongest term whose postings changed.
    touched = np.unique(np.concatenate([index.terms[dropped], terms]))
    moved = _changed_postings((index.rows, index.terms, index.weights), table, touched)
    affected = np.union1d(changed, table[0][np.isin(table[1], moved)])
    kept = np.unique(table[1])
    arrays = (table[0], np.searchsorted(kept, table[1]), table[2], len(kept))
    found = ranked(arrays, index.keys, tag_masks(index.tags), index.k, which=affected)
    similar = dict(index.similar)
    differ = frozenset(key for key, others in found.items() if similar.get(key) != others)
    similar.update(found)
    return _replace(index, bounds, hashes, counts, frequencies, *table, similar), differ


def _replace(index: RelatedIndex, bounds, hashes, counts, frequencies, rows, terms, weights, similar) -> RelatedIndex:
    return RelatedIndex(
        index.keys, index.tags, bounds, hashes, counts, frequencies, rows, terms, weights,
        similar, index.k,
    )  # fmt: skip


def _with_terms(index: RelatedIndex, edited: Mapping[int, Terms]):
    """The index's term arrays with the `edited` docs' terms in place: (bounds, hashes, counts), and
    the edited docs' old and new term hashes, each doc's once."""
    np = lazy.numpy()
    lengths = np.diff(index.bounds)
    hashes, counts, old, new = [], [], [], []
    start = 0
    for i in sorted(edited):
        a, b = int(index.bounds[i]), int(index.bounds[i + 1])
        mine = np.frombuffer(edited[i].hashes, dtype=np.uint64)
        hashes += [index.hashes[start:a], mine]
        counts += [index.counts[start:a], np.frombuffer(edited[i].counts, dtype=np.float32)]
        old.append(index.hashes[a:b])
        new.append(mine)
        lengths[i] = len(mine)
        start = b
    hashes.append(index.hashes[start:])
    counts.append(index.counts[start:])
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return bounds, np.concatenate(hashes), np.concatenate(counts), np.concatenate(old), np.concatenate(new)


def _frequencies(before: Frequencies, removed: np.ndarray, added: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary and document frequencies once docs lose the terms `removed` and gain `added`."""
    np = lazy.numpy()
    vocabulary = np.frombuffer(before.vocabulary, dtype=np.uint64)
    df = np.frombuffer(before.df, dtype=np.int64)
    every, where = np.unique(np.concatenate([vocabulary, added, removed]), return_inverse=True)
    change = np.concatenate([df, np.ones(len(added), np.int64), -np.ones(len(removed), np.int64)])
    counted = np.zeros(len(every), dtype=np.int64)
    np.add.at(counted, where, change)
    held = counted > 0
    return every[held], counted[held]


def _reweighed(before: Frequencies, after: Frequencies, candidates: np.ndarray) -> np.ndarray:
    """Those of the term hashes `candidates` whose weight changes (see `related.reweighs`)."""
    np = lazy.numpy()
    return np.array([h for h in candidates.tolist() if reweighs(before.of(h), after.of(h), before.n)], dtype=np.uint64)


def _vectors_of(docs: np.ndarray, bounds, hashes, counts, vocabulary, df, n: int):
    """The vectors of the docs numbered `docs` (ascending), as `top_terms` gives them, numbered as in the corpus."""
    np = lazy.numpy()
    starts = bounds[docs]
    lengths = bounds[docs + 1] - starts
    total = int(lengths.sum())
    where = np.arange(total) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    mine, held = hashes[where], counts[where]
    local = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
    rows, terms, weights = top_terms(local, mine, held, df[np.searchsorted(vocabulary, mine)], n)
    return docs[rows].astype(np.int32), terms, weights


def _changed_postings(before: tuple, after: tuple, terms: np.ndarray) -> np.ndarray:
    """Those of `terms` whose postings (the POSTINGS docs where each weighs most) differ between
    two sets of vectors (doc, term, weight arrays)."""
    np = lazy.numpy()
    parts = []
    for rows, hashes, weights in (before, after):
        picked = np.flatnonzero(np.isin(hashes, terms))
        picked = picked[np.lexsort((rows[picked], -weights[picked], hashes[picked]))]
        picked = picked[rank_in_groups(hashes[picked]) < POSTINGS]
        parts.append((hashes[picked], rows[picked].astype(np.int64), weights[picked]))
    hashes, rows, weights = (np.concatenate([a, b]) for a, b in zip(*parts))
    order = np.lexsort((weights, rows, hashes))
    hashes, rows, weights = hashes[order], rows[order], weights[order]
    twin = (hashes[1:] == hashes[:-1]) & (rows[1:] == rows[:-1]) & (weights[1:] == weights[:-1])
    paired = np.zeros(len(hashes), dtype=bool)
    paired[1:] |= twin
    paired[:-1] |= twin
    return np.unique(hashes[~paired])
