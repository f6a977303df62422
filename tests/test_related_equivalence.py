"""Related papers, the fast way (`related`) against the plain way (`plain_related`), on the demo
papers and on generated corpora: the same papers in the same order, ties included."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import related as related_module
from generator.model.related import POSTINGS, Doc, Vectors, related, terms_of, vectorize

REPO = Path(__file__).resolve().parents[1]


def plain_related(prepared: Vectors, k: int, postings: int = POSTINGS) -> dict[str, tuple[str, ...]]:
    """What `related` finds, the plain way. A paper's score against each paper: the sum, in term
    order, of its weight in each of its terms times the other's weight in that term, counted when
    the other is among the term's `postings` strongest; rounded to 9 decimals. Itself and scores
    of 0 left out; best score first, then most shared tags, then slug order."""
    rows, cols, data, width = prepared.arrays
    docs = prepared.docs
    n = len(docs)
    strongest = np.lexsort((rows, -data, cols))  # by term, strongest first, then doc
    kept = strongest[np.arange(len(strongest)) - np.searchsorted(cols[strongest], cols[strongest]) < postings]
    weights = np.zeros((width, n))
    weights[cols[kept], rows[kept]] = data[kept]
    tags = sorted({tag for doc in docs for tag in doc.tags})
    has = np.array([[tag in doc.tags for tag in tags] for doc in docs], dtype=np.int64).reshape(n, len(tags))
    found = {}
    for i, doc in enumerate(docs):
        scores = np.zeros(n)
        mine = np.flatnonzero(rows == i)
        for e in mine[np.argsort(cols[mine])]:
            scores += data[e] * weights[cols[e]]
        scores = np.round(scores, 9)
        scores[i] = 0
        others = np.flatnonzero(scores > 0)
        order = np.lexsort((others, -(has[others] @ has[i]), -scores[others]))
        found[doc.key] = tuple(docs[j].key for j in others[order][:k])
    return found


@pytest.mark.parametrize(
    "block, scratch", [(related_module.BLOCK, related_module.SCRATCH), (4096, 1 << 23), (7, related_module.SCRATCH)]
)
def test_related_is_the_plain_ranking_on_the_demo_papers(demo_docs, block, scratch):
    # The 2,040 papers scored in blocks of 128, in one block, and in blocks of 7.
    prepared = vectorize(demo_docs)
    _, cols, _, _ = prepared.arrays
    assert np.bincount(cols).max() > POSTINGS  # some terms' postings are cut
    with mock.patch.multiple(related_module, BLOCK=block, SCRATCH=scratch):
        found = related(prepared, k=5)
    assert found == plain_related(prepared, k=5)
    assert sum(len(others) == 5 for others in found.values()) > 2000


CORPORA = {
    "texts": st.lists(
        st.lists(st.sampled_from(["kv", "cache", "speech", "codec", "graph", "token", "audio", "serving"]), max_size=8),
        min_size=2,
        max_size=30,
    ),
    "copies": st.integers(1, 4),
    "tags": st.lists(st.frozensets(st.sampled_from(["a", "b", "c"])), min_size=120, max_size=120),
    "k": st.integers(1, 8),
    "postings": st.sampled_from([2, 5, POSTINGS]),
    "scratch": st.sampled_from([1, 7, 100, related_module.SCRATCH]),
}


def check_plain(texts, copies, tags, k, postings, scratch):
    # Copies make ties, many more than k of them; few postings make terms whose postings are cut.
    docs = [
        Doc(f"d{i:03d}", terms_of("", " ".join(words)), tags[i])
        for i, words in enumerate([words for words in texts for _ in range(copies)])
    ]
    prepared = vectorize(docs)
    with mock.patch.multiple(related_module, SCRATCH=scratch, POSTINGS=postings):
        found = related(prepared, k=k)
    assert found == plain_related(prepared, k, postings)


@settings(max_examples=40, deadline=None)
@given(**CORPORA)
def test_related_is_the_plain_ranking(texts, copies, tags, k, postings, scratch):
    check_plain(texts, copies, tags, k, postings, scratch)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(**CORPORA)
def test_related_is_the_plain_ranking_at_length(texts, copies, tags, k, postings, scratch):
    check_plain(texts, copies, tags, k, postings, scratch)
