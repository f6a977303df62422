"""Related papers: TF-IDF cosine similarity of title and abstract, with shared tags as tie-break.

Sparse throughout, so it stays cheap at 100,000 papers: each paper keeps
its strongest terms, each term its strongest papers, and a sparse product
(numpy arrays, blocks of docs) scores the candidates; the work per paper is
bounded by TOP_TERMS x POSTINGS and no all-pairs matrix is ever formed.
Deterministic: ties fall to shared tags, then to slug order.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

from .. import lazy

if TYPE_CHECKING:
    import numpy as np


def load_numpy() -> ModuleType:
    """numpy, loaded now rather than on first use (see `generator.lazy`): patching an edit reads
    terms and frequencies without it (70 ms saved), and a build loads it before forking workers."""
    return lazy.numpy()


# A word is a run of ASCII letters and digits, lowercased, of two characters or more and not all digits.
_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]+[a-z][a-z0-9]*")  # the definition; `_words` is the fast way to it
_SPACE_OUT = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))
STOP_WORDS = frozenset(
    """
    a about above across after again against all also although among an and any are as at be because
    been before being between both but by can could did do does doing done due each either et etc few
    for from further had has have having here how however i if in into is it its itself just may more
    most much must new no nor not novel of off on once only or other our out over own paper per propose
    proposed provides same several should show shows significant significantly so some such than
    that the their them then there these they this those through thus to too under until up upon us use
    used uses using very via was we well were what when where whether which while who whom why will with
    within without would yet approach method methods results result based existing work works model
    models approaches achieve achieves
    """.split()
)
TITLE_WEIGHT = 2
TOP_TERMS = 16
POSTINGS = 100
MAX_DF_SHARE = 0.2


class Terms(NamedTuple):
    """A paper's term counts as two parallel arrays: 64-bit term hashes (ascending) and float32 counts.

    Arrays, not a dict of words, because they cross process boundaries and
    the build cache cheaply, and because every paper's are concatenated into
    one sparse matrix. Arrays of the `array` module, so reading them back needs no numpy.
    Distinct words hash alike with a chance of about 1e-9 in a 200,000-word vocabulary, and then
    they merely count as one word.
    """

    hashes: array  # typecode "Q"
    counts: array  # typecode "f"


@dataclass(frozen=True)
class Doc:
    """What similarity looks at: a paper's id, its terms (see `terms_of`) and tags."""

    key: str
    terms: Terms
    tags: frozenset[str]


_STOP_BYTES = frozenset(word.encode() for word in STOP_WORDS)


class _HashCache(dict[bytes, int]):
    """Word -> its 64-bit hash, or 0 for a word that is no term (a stop word, one character, all
    digits). Papers share most of their words: each is hashed once per process (bounded memory)."""

    def __missing__(self, word: bytes) -> int:
        if len(self) > 1_000_000:
            self.clear()
        found = self[word] = (
            0
            if word in _STOP_BYTES or len(word) < 2 or word.isdigit()
            else int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "little") or 1
        )
        return found


_HASHES = _HashCache()


def _words(text: str) -> list[bytes]:
    """Every word of `text` (see `_WORD`), in order, as ASCII bytes; runs of two or more digits too,
    which the caller drops. A tenth of the regex's time: non-ASCII characters become `?` and then,
    like every other byte that is neither a letter nor a digit, a space."""
    return text.lower().encode("ascii", "replace").translate(_SPACE_OUT).split()


def _hashes(words: Iterable[bytes]) -> list[int]:
    """Each word's 64-bit hash, or 0 for a word that is no term (see `_HashCache`)."""
    return list(map(_HASHES.__getitem__, words))


def terms_of(title: str, text: str) -> Terms:
    """Term counts of a paper: title words count TITLE_WEIGHT times, stop words not at all."""
    counts = Counter(_words(text))  # counted in C
    for word in _words(title):
        counts[word] += TITLE_WEIGHT
    pairs = sorted(zip(_hashes(counts), counts.values()))
    pairs = pairs[bisect_right(pairs, (0, float("inf"))) :]  # no terms
    return Terms(array("Q", [h for h, _ in pairs]), array("f", [c for _, c in pairs]))


def terms_of_many(papers: Sequence[tuple[str, str]]) -> list[Terms]:
    """`terms_of(title, text)` for each (title, text): the same terms, counted by numpy in a
    third of the time (a build reads thousands of papers per process)."""
    np = lazy.numpy()
    words: list[bytes] = []
    lengths: list[int] = []
    for title, text in papers:
        body, head = _words(text), _words(title)
        words += body
        words += head
        lengths += (len(body), len(head))
    n = len(papers)
    spans = np.array(lengths, dtype=np.int64).reshape(n, 2)
    hashes = np.frombuffer(array("Q", _hashes(words)), dtype=np.uint64)
    docs = np.repeat(np.arange(n), spans.sum(axis=1))
    weights = np.repeat(np.tile(np.array([1, TITLE_WEIGHT], dtype=np.float32), n), spans.ravel())
    keep = hashes != 0
    hashes, docs, weights = hashes[keep], docs[keep], weights[keep]
    order = np.lexsort((hashes, docs))  # by doc, then hash
    hashes, docs, weights = hashes[order], docs[order], weights[order]
    first = np.ones(len(hashes), dtype=bool)  # the first of each run of one word in one doc
    np.not_equal(hashes[1:], hashes[:-1], out=first[1:])
    first[1:] |= docs[1:] != docs[:-1]
    starts = np.flatnonzero(first)
    counts = np.add.reduceat(weights, starts) if len(starts) else weights
    hashes, docs = hashes[starts], docs[starts]
    bounds = np.searchsorted(docs, np.arange(n + 1)).tolist()
    hashed, counted = hashes.tobytes(), counts.astype(np.float32).tobytes()
    return [
        Terms(array("Q", hashed[8 * a : 8 * b]), array("f", counted[4 * a : 4 * b])) for a, b in zip(bounds, bounds[1:])
    ]


def _max_df(n: int) -> int:
    return max(50, int(n * MAX_DF_SHARE))  # very common terms say little, but small corpora keep all


# A term's weight (idf) counts its papers to DF_BITS significant bits: exact below 2**DF_BITS papers,
# then in steps of 1/16 to 1/8. An edit that adds a paper to a term's papers then changes the weight of
# that term in every paper that holds it (and so those papers' related papers) only when the count crosses
# a step: about one edit in 10 to 16 that adds or drops the term, where an exact count changed it on every
# edit. This keeps `reindex` local; the weight moves by at most 1/8 of a paper count, under 0.12 of an idf
# of 1 to 10.
DF_BITS = 4


def rounded_df(df: int) -> int:
    """A document frequency to DF_BITS significant bits, rounded down (see `DF_BITS`)."""
    shift = max(0, df.bit_length() - DF_BITS)
    return df >> shift << shift


def _rounded_dfs(df: np.ndarray) -> np.ndarray:
    """`rounded_df` of each of an integer array's values."""
    np = lazy.numpy()
    df = df.astype(np.int64)
    shift = np.maximum(np.frexp(df.astype(np.float64))[1] - DF_BITS, 0)  # frexp's exponent is the bit length
    return (df >> shift) << shift


def _idf(df: np.ndarray, n: int) -> np.ndarray:
    """Inverse document frequency of terms held by `df` of `n` docs (smoothed; see `DF_BITS`)."""
    np = lazy.numpy()
    return np.log((1 + n) / (1 + _rounded_dfs(df))) + 1.0


def _weighed(df: np.ndarray, n: int) -> np.ndarray:
    """Which terms weigh in similarity, by how many docs hold them: not unique, not too common."""
    return (df > 1) & (df <= _max_df(n))


def _weighs(df: int, n: int) -> bool:
    return 1 < df <= _max_df(n)  # `_weighed` for one term


class Frequencies(NamedTuple):
    """How many of `n` docs hold each term: `vocabulary` (term hashes, ascending; array "Q") and `df` (array "q")."""

    vocabulary: array
    df: array
    n: int

    def of(self, term: int) -> int:
        """The document frequency of a term hash (0 for a term no doc holds)."""
        i = bisect_left(self.vocabulary, term)
        return self.df[i] if i < len(self.vocabulary) and self.vocabulary[i] == term else 0

    def edited(self, changes: Sequence[tuple[Terms, Terms]]) -> Frequencies | None:
        """The frequencies once some docs' terms change (old, new), when that leaves every doc's
        vector (see `_vectors`) as it was; None when it may not.

        Vectors stay when no term whose frequency changes changes weight (see
        `reweighs`: a word used in one paper only, say, or a common word whose
        rounded count stays), and each changed doc keeps its weighing terms with their counts.
        """
        delta: Counter[int] = Counter()
        for old, new in changes:
            before, after = set(old.hashes), set(new.hashes)
            delta.update(after - before)
            delta.subtract(before - after)
        moved = sorted(h for h, d in delta.items() if d)
        if any(reweighs(self.of(h), self.of(h) + delta[h], self.n) for h in moved):
            return None
        if not all(_same_weighing(self, old, new) for old, new in changes):
            return None
        if not moved:
            return self
        vocabulary, df = array("Q", self.vocabulary), array("q", self.df)
        for h in moved:
            i = bisect_left(vocabulary, h)
            if i < len(vocabulary) and vocabulary[i] == h:
                df[i] += delta[h]
                if df[i] <= 0:
                    del vocabulary[i], df[i]
            elif delta[h] > 0:
                vocabulary.insert(i, h)
                df.insert(i, delta[h])
        return Frequencies(vocabulary, df, self.n)


def reweighs(before: int, after: int, n: int) -> bool:
    """Whether a term held by `before` docs, then `after`, changes weight in the docs that hold it."""
    weighs = _weighs(before, n)
    return weighs != _weighs(after, n) or (weighs and rounded_df(before) != rounded_df(after))


def _same_weighing(freq: Frequencies, old: Terms, new: Terms) -> bool:
    """Whether a doc keeps its weighing terms and their counts. Terms whose frequency moved weigh
    in both or neither (checked before), so the old frequencies tell what weighs in both."""

    def weighing(terms: Terms) -> list[tuple[int, float]]:
        return [(h, c) for h, c in zip(terms.hashes, terms.counts) if _weighs(freq.of(h), freq.n)]

    return weighing(old) == weighing(new)


def frequencies(docs: Sequence[Doc]) -> tuple[Frequencies, np.ndarray, np.ndarray]:
    """The document frequencies of `docs`, each of their terms' index in the vocabulary (in order),
    and the frequencies as one numpy array."""
    np = lazy.numpy()
    # Joined as bytes: a numpy view of each doc's small array would cost more than the copy.
    hashes = np.frombuffer(b"".join([doc.terms.hashes for doc in docs]), dtype=np.uint64)
    # np.unique, done by hand: each doc's hashes are a sorted run, which a stable sort (timsort)
    # merges in a third of the time of np.unique's quicksort.
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    del hashes
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    vocabulary = ordered[first]
    del ordered
    term_ids = np.empty(len(order), dtype=np.int32)  # 10 million terms at 100,000 papers: half the memory
    term_ids[order] = np.cumsum(first) - 1
    del order, first
    df = np.bincount(term_ids, minlength=len(vocabulary))
    found = Frequencies(
        array("Q", vocabulary.astype(np.uint64).tobytes()), array("q", df.astype(np.int64).tobytes()), len(docs)
    )
    return found, term_ids, df


def _vectors(docs: Sequence[Doc], df: np.ndarray, term_ids: np.ndarray):
    """L2-normalised TF-IDF weights cut to each document's TOP_TERMS strongest terms, as
    parallel arrays (document index, term id, weight), and the number of term ids.

    Term ids follow hash order: the same words give the same ids whatever order the docs came in.
    """
    np = lazy.numpy()
    n = len(docs)
    rows = np.repeat(np.arange(n, dtype=np.int32), [len(doc.terms.hashes) for doc in docs])
    counts = np.frombuffer(b"".join([doc.terms.counts for doc in docs]), dtype=np.float32)
    rows, term_ids, weights = top_terms(rows, term_ids, counts, df[term_ids], n)
    # Columns numbered by the kept terms in id order: equal vectors give equal arrays.
    kept = np.unique(term_ids)
    return rows, np.searchsorted(kept, term_ids), weights, len(kept), term_ids


def top_terms(rows: np.ndarray, terms: np.ndarray, counts: np.ndarray, df: np.ndarray, n: int):
    """Each doc's TF-IDF vector (see `_vectors`) from its terms' occurrences: the doc number of each
    (ascending, a doc's terms in term order), the term (an id or hash: ties go to the lower), its count,
    and how many of the corpus's `n` docs hold it. As parallel arrays (doc, term, weight): by doc,
    then strongest first, then term. Docs are numbered from 0 and may be any of the corpus's."""
    np = lazy.numpy()
    keep = _weighed(df, n)
    rows, terms, counts, df = rows[keep], terms[keep], counts[keep], df[keep]
    del keep
    weights = (1 + np.log(counts, dtype=np.float64)) * _idf(df, n)
    size = int(rows[-1]) + 1 if len(rows) else 0
    norms = np.sqrt(np.bincount(rows, weights * weights, minlength=size))
    norms[norms == 0] = 1.0
    # Strongest first; equal weights fall to the lower term.
    order = np.lexsort((terms, -weights, rows))
    rows, terms, weights = rows[order], terms[order], weights[order]
    top = rank_in_groups(rows) < TOP_TERMS
    rows, terms = rows[top], terms[top]
    return rows, terms, weights[top] / norms[rows]


def rank_in_groups(keys: np.ndarray) -> np.ndarray:
    """For a sorted array, each element's position among the elements equal to it (0, 1, 2, ...)."""
    np = lazy.numpy()
    return np.arange(len(keys)) - np.searchsorted(keys, keys, side="left")


@dataclass(frozen=True)
class Vectors:
    """The sorted docs and their TF-IDF vectors (see `_vectors`): `arrays` is (doc, column, weight,
    number of columns) and `terms` the term hash of each; `key` is a digest of docs and vectors."""

    docs: tuple[Doc, ...]
    arrays: tuple
    terms: np.ndarray | None
    key: str
    frequencies: Frequencies


def vectorize(docs: Sequence[Doc]) -> Vectors:
    """The vectors `related` compares. Edits that leave them equal (a new word used once, say)
    give an equal key, so a cached result stays valid."""
    docs = tuple(sorted(docs, key=lambda d: d.key))
    freq, term_ids, df = frequencies(docs)
    arrays: tuple = ()
    terms = None
    if len(docs) > 1:
        *found, term_ids = _vectors(docs, df, term_ids)
        arrays = tuple(found)
        terms = lazy.numpy().frombuffer(freq.vocabulary, dtype="uint64")[term_ids]
    h = hashlib.blake2b(digest_size=16)
    for doc in docs:
        h.update(f"{doc.key}\0{sorted(doc.tags)}\n".encode())
    for part in arrays[:3]:
        h.update(part.tobytes())
    return Vectors(docs, arrays, terms, h.hexdigest(), freq)


def related(docs: Sequence[Doc] | Vectors, k: int = 5) -> dict[str, tuple[str, ...]]:
    """key -> the keys of up to `k` most similar other docs, best first."""
    prepared = docs if isinstance(docs, Vectors) else vectorize(docs)
    docs = prepared.docs
    if len(docs) < 2 or k < 1:
        return {doc.key: () for doc in docs}
    return ranked(prepared.arrays, [doc.key for doc in docs], tag_masks([doc.tags for doc in docs]), k)


def ranked(
    arrays: tuple, keys: Sequence[str], masks: np.ndarray, k: int, which: np.ndarray | None = None
) -> dict[str, tuple[str, ...]]:
    """For the docs numbered `which` (ascending; default all), key -> the keys of up to `k` most similar
    other docs, best first, from every doc's vector (`arrays`, see `Vectors`) and tags (`tag_masks`).
    A doc's answer depends on its own vector and the postings alone, so any subset gets the answers
    the whole corpus gets."""
    return ranked_with_floors(arrays, keys, masks, k, which)[0]


def ranked_with_floors(
    arrays: tuple, keys: Sequence[str], masks: np.ndarray, k: int, which: np.ndarray | None = None
) -> tuple[dict[str, tuple[str, ...]], np.ndarray]:
    """`ranked`, and each of those docs' floor (in `which` order): the score of its k-th related doc,
    which another doc must reach to join them, or 0 when it has fewer than k (any score joins)."""
    np = lazy.numpy()
    n = len(keys)
    ids = np.arange(n) if which is None else which.astype(np.int64)
    m = len(ids)
    if not m:
        return {}, np.zeros(0)
    found = []
    for scored in _block_scores(arrays, n, ids):
        mine, others, scores = _best(scored, k)
        found.append(_ranked((ids[mine], others, scores), masks, k))
    mine = np.concatenate([part[0] for part in found])
    scores = np.concatenate([part[2] for part in found])
    others = np.concatenate([part[1] for part in found]).tolist()
    bounds = np.searchsorted(mine, ids)
    ends = np.append(bounds[1:], len(mine))
    floors = np.zeros(m)
    full = np.flatnonzero(ends - bounds == k)
    floors[full] = scores[ends[full] - 1]
    edges = bounds.tolist() + [len(mine)]
    pick = keys.__getitem__
    similar = {keys[i]: tuple(map(pick, others[lo:hi])) for i, lo, hi in zip(ids.tolist(), edges, edges[1:])}
    return similar, floors


def best_scores(arrays: tuple, n: int, which: np.ndarray, among: np.ndarray) -> np.ndarray:
    """For the docs numbered `which` (ascending), the best score each makes with any of the docs
    `among` (0 for none): the very sums `ranked` ranks those pairs by, computed for those pairs alone.
    A doc whose best is below its floor (`ranked_with_floors`) keeps its related docs, as far as
    these pairs go.

    The pairs come from the postings entries of the docs `among` alone, so the cost follows how
    many those are, not the corpus: at 10,000 papers, 60 docs `among` and 9,000 `which` take about
    10 ms, where scoring those docs against every doc (`_block_scores`) takes 0.2 s. Each pair's
    products are added as `_scores` adds them, in term order from 0, so the sums are the same bit
    for bit (tests/test_related_index.py checks them against `_block_scores`).
    """
    np = lazy.numpy()
    rows, cols, data, _ = arrays
    rows = rows.astype(np.int64)
    # The entries of the terms those docs hold, and only those: the docs asked about are paired through them.
    held = np.isin(cols, np.unique(cols[np.isin(rows, among)]))
    rows, cols, data = rows[held], cols[held], data[held]
    keep = strongest(rows, cols, data)
    keep = keep[np.isin(rows[keep], among)]
    keep = keep[np.argsort(cols[keep], kind="stable")]
    post_terms, post_docs, post_weights = cols[keep], rows[keep], data[keep]
    asked = np.flatnonzero(np.isin(rows, which))
    firsts = np.searchsorted(post_terms, cols[asked], side="left")
    sizes = np.searchsorted(post_terms, cols[asked], side="right") - firsts
    ends = np.concatenate(([0], np.cumsum(sizes)))
    where = np.arange(ends[-1]) + np.repeat(firsts - ends[:-1], sizes)
    entry = np.repeat(asked, sizes)
    docs, others = rows[entry], post_docs[where]
    products = data[entry] * post_weights[where]
    apart = docs != others  # a doc's pair with itself scores 0
    pairs, terms, products = docs[apart] * n + others[apart], cols[entry][apart], products[apart]
    order = np.lexsort((terms, pairs))
    pairs, products = pairs[order], products[order]
    place = rank_in_groups(pairs)  # each product's place among its pair's
    heads = np.flatnonzero(place == 0)
    group = np.cumsum(place == 0) - 1
    sums = np.zeros(len(heads))
    for j in range(int(place.max()) + 1 if len(place) else 0):
        at = place == j
        sums[group[at]] = sums[group[at]] + products[at]
    best = np.zeros(len(which))
    np.maximum.at(best, np.searchsorted(which, pairs[heads] // n), np.rint(sums * 1e9))
    return best


def _block_scores(arrays: tuple, n: int, ids: np.ndarray) -> Iterator[_Scored]:
    """The scores of the docs numbered `ids` (ascending) against every doc, a block of docs at a time
    (see `_Scored`)."""
    np = lazy.numpy()
    rows, cols, data, width = arrays
    rows = rows.astype(np.int64)  # doc numbers go into pair numbers and sort keys
    everyone = len(ids) == n
    asked = None if everyone else np.isin(rows, ids)
    postings = _postings(rows, cols, data, width, None if asked is None else np.unique(cols[asked]))
    if asked is not None:  # the docs asked about, numbered 0, 1, ... in `ids` order
        rows, cols, data = np.searchsorted(ids, rows[asked]), cols[asked], data[asked]
    m = len(ids)
    block = max(1, min(m, BLOCK, SCRATCH // n))
    queue = _queue(rows, cols, data, block, m)
    scratch = np.zeros((block, n))
    for start in range(0, m, block):
        yield _scores(queue, postings, scratch, start, ids)


# Measured on the 10,000-paper benchmark corpus (CPython 3.11.7, 2 cores, 2026-12-02): related papers
# take 1.0-1.1 s of CPU (0.3 s vectors, the rest `related`) in a background process of a full build
# that takes 20 s of CPU in all. This numpy version replaced one scipy sparse product: the same sums
# bit for bit, the same related papers (and the plain ranking's where more than k + 16 papers tie,
# which the old cut dropped by position); `related` itself 5-25% slower (45% at 100,000 papers: 13 s
# against 9 s), the step 15-20% faster, as it no longer imports scipy.sparse (0.3 s), which was half
# the installed size. tests/test_related_equivalence.py checks it against the plain version.

BLOCK = 128  # docs scored together: fewer numpy calls per doc, and their running sums stay in the cache
# The running sums, one per pair (doc of the block, any doc): 32 MB at most, so blocks get smaller
# past 32,768 docs.
SCRATCH = 1 << 22
_SCALE = 1 << 30  # above every score in billionths (a score is a cosine, at most 1)
_BITS_SET = bytes(bin(byte).count("1") for byte in range(256))  # in each byte value


class _Postings(NamedTuple):
    """For each term t, the docs where it weighs most (`docs[ptr[t]:ptr[t + 1]]`, in doc order)
    and their weights in it."""

    ptr: np.ndarray
    docs: np.ndarray
    weights: np.ndarray


class _Queue(NamedTuple):
    """Every doc's terms (doc, term, weight): by block of docs, then by the term's rank among its
    doc's terms in term order, then by doc. Block b's terms of rank r start at `ptr[b * TOP_TERMS + r]`."""

    ptr: np.ndarray
    docs: np.ndarray
    terms: np.ndarray
    weights: np.ndarray


class _Scored(NamedTuple):
    """The pairs of a doc of the block of `size` docs from `start` and any of the `n` docs, those that
    share a term, in order, each as the number `(doc - start) * n + other`; and their scores in
    billionths, where a doc's pair with itself scores 0."""

    pairs: np.ndarray
    scores: np.ndarray
    start: int
    size: int
    n: int


def _postings(rows: np.ndarray, cols: np.ndarray, data: np.ndarray, width: int, terms: np.ndarray | None) -> _Postings:
    """The postings of every term (see `_Postings`), or of the columns `terms` alone (the others empty)."""
    np = lazy.numpy()
    keep = strongest(rows, cols, data, of=terms)
    keep = keep[np.lexsort((rows[keep], cols[keep]))]  # by doc within a term
    return _Postings(np.searchsorted(cols[keep], np.arange(width + 1)), rows[keep], data[keep])


def strongest(rows: np.ndarray, terms: np.ndarray, weights: np.ndarray, of: np.ndarray | None = None) -> np.ndarray:
    """Which entries (doc, term, weight) the postings keep: for each term only the POSTINGS docs where it
    weighs most (ties to the lower doc), so a paper meets at most TOP_TERMS * POSTINGS others, whatever
    the corpus size. Their indices, by term, strongest first; with `of`, of those terms' entries alone."""
    np = lazy.numpy()
    if of is not None:
        held = np.flatnonzero(np.isin(terms, of))
        return held[strongest(rows[held], terms[held], weights[held])]
    order = np.lexsort((rows, -weights, terms))
    return order[rank_in_groups(terms[order]) < POSTINGS]


def _queue(rows: np.ndarray, cols: np.ndarray, data: np.ndarray, block: int, n: int) -> _Queue:
    """The terms of `n` docs (parallel arrays, see `_vectors`) as a `_Queue` for blocks of `block` docs."""
    np = lazy.numpy()
    order = np.lexsort((cols, rows))
    rows, cols, data = rows[order], cols[order], data[order]
    slots = rows // block * TOP_TERMS + rank_in_groups(rows)
    order = np.argsort(slots, kind="stable")
    count = -(-n // block) * TOP_TERMS
    return _Queue(np.searchsorted(slots[order], np.arange(count + 1)), rows[order], cols[order], data[order])


def _scores(queue: _Queue, postings: _Postings, scratch: np.ndarray, start: int, ids: np.ndarray) -> _Scored:
    """The scores of the block of docs from `start` (of those the queue holds, which are the docs
    `ids` number) against every doc. `scratch` (a row per doc of a block, a column per doc) holds the
    running sums: all 0 before and after.

    A score adds up, in term order, the products of a doc's weight in a term with each weight in
    that term's postings: bit for bit the sums of a sparse matrix product (scipy's, which this
    replaces). It is rounded to 9 decimals, so that float noise makes no order, the way np.round
    does it (rint(x * 1e9), as its documentation says), and kept as that integer.
    """
    np = lazy.numpy()
    block, n = scratch.shape
    sums = scratch.ravel()
    # Every product the block's docs make: those of their terms of rank 0 first, then rank 1, ...
    first = start // block * TOP_TERMS
    edges = queue.ptr[first : first + TOP_TERMS + 1]
    a, z = int(edges[0]), int(edges[-1])
    terms = queue.terms[a:z]
    firsts = postings.ptr[terms]
    sizes = postings.ptr[terms + 1] - firsts
    ends = np.concatenate(([0], np.cumsum(sizes)))
    where = np.arange(ends[-1]) + np.repeat(firsts - ends[:-1], sizes)
    pairs = np.repeat((queue.docs[a:z] - start) * n, sizes) + postings.docs[where]
    products = np.repeat(queue.weights[a:z], sizes) * postings.weights[where]
    # One rank at a time, in which no pair comes twice: each pair's products are added in term order.
    fresh = np.empty(len(pairs), dtype=bool)
    for lo, hi in itertools.pairwise(ends[edges - a].tolist()):
        at = pairs[lo:hi]
        before = sums[at]
        np.equal(before, 0, out=fresh[lo:hi])  # products are positive: a sum of 0 is a pair not seen yet
        sums[at] = before + products[lo:hi]
    pairs = pairs[fresh]
    pairs.sort(kind="stable")  # each rank's pairs are in order already: a merge
    scores = np.rint(sums[pairs] * 1e9)
    sums[pairs] = 0
    size = min(block, len(ids) - start)
    if len(pairs):
        itself = np.arange(size) * n + ids[start : start + size]
        at = np.minimum(np.searchsorted(pairs, itself), len(pairs) - 1)
        scores[at[pairs[at] == itself]] = 0
    return _Scored(pairs, scores, start, size, n)


def _best(scored: _Scored, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each doc's best other docs, its k best and any that score as well as its k-th, as parallel
    arrays (doc, other doc, score) by doc, then best score first, then other doc. A score of 0 is none."""
    np = lazy.numpy()
    pairs, scores, start, size, n = scored
    # Only the pairs that may rank: those no lower than a lower bound of the doc's k-th best score,
    # the least of the best scores of k parts of its candidates.
    bounds = np.searchsorted(pairs, np.arange(size + 1) * n)
    counts = np.diff(bounds)
    filled = np.flatnonzero(counts)
    floor = np.zeros(size)
    if len(filled):
        cuts = (bounds[filled, None] + counts[filled, None] * np.arange(k) // k).ravel()
        least = np.maximum.reduceat(scores, cuts).reshape(-1, k).min(axis=1)
        floor[filled] = np.where(counts[filled] >= k, least, 0)
    keep = np.flatnonzero((scores >= np.repeat(floor, counts)) & (scores > 0))
    mine, others = np.divmod(pairs[keep], n)
    # By doc, then best score, then other doc: one sort of integers that pack the three (below
    # 2**30 * block * n, which is at most 2**52 with SCRATCH as it is, up to 2**22 docs).
    packed = (mine * _SCALE + (_SCALE - 1 - scores[keep].astype(np.int64))) * n + others
    packed.sort()
    rest, others = np.divmod(packed, n)
    mine, scores = np.divmod(rest, _SCALE)
    scores = _SCALE - 1 - scores
    heads = np.flatnonzero(np.diff(mine, prepend=-1))
    counts = np.diff(heads, append=len(mine))
    keep = scores >= np.repeat(scores[heads + np.minimum(counts, k) - 1], counts)
    return mine[keep] + start, others[keep], scores[keep]


def tag_masks(tags: Sequence[frozenset[str]]) -> np.ndarray:
    """Each doc's tags as bits, 64 tags to a word: a row of words per doc."""
    np = lazy.numpy()
    index = {tag: i for i, tag in enumerate(sorted({tag for held in tags for tag in held}))}
    masks = np.zeros((len(tags), max(1, -(-len(index) // 64))), dtype=np.uint64)
    holders = np.repeat(np.arange(len(tags)), [len(held) for held in tags])
    numbers = np.array([index[tag] for held in tags for tag in held], dtype=np.int64)
    np.bitwise_or.at(masks, (holders, numbers // 64), np.left_shift(np.uint64(1), (numbers % 64).astype(np.uint64)))
    return masks


def _ranked(
    best: tuple[np.ndarray, np.ndarray, np.ndarray], masks: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k best of each doc (parallel arrays doc, other doc, score) from `_best`'s: among equal
    scores, the most shared tags first, then slug order."""
    np = lazy.numpy()
    mine, others, scores = best
    heads = np.ones(len(mine), dtype=bool)  # the first of each run of one doc's equal scores
    heads[1:] = (mine[1:] != mine[:-1]) | (scores[1:] != scores[:-1])
    runs = np.cumsum(heads) - 1
    tied = np.flatnonzero(np.bincount(runs)[runs] > 1)
    if len(tied):
        both = (masks[mine[tied]] & masks[others[tied]]).view(np.uint8)
        shared = np.frombuffer(_BITS_SET, dtype=np.uint8)[both].reshape(len(tied), -1).sum(axis=1, dtype=np.int64)
        most = int(shared.max()) + 1
        # Stable: equal shared tags keep slug order.
        others[tied] = others[tied[np.argsort(runs[tied] * most + (most - 1 - shared), kind="stable")]]
    top = rank_in_groups(mine) < k
    return mine[top], others[top], scores[top]
