"""Related papers followed across edits (`reindex`) against found from scratch (`build_index`):
the same vectors, frequencies and related papers, for edits that change words, add and drop
terms, and move terms across the steps of their weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.entry import load_entries
from generator.model import related, related_index
from generator.model.related import DF_BITS, Doc, rounded_df, terms_of
from generator.model.related_index import RelatedIndex, build_index, follow, reindex

REPO = Path(__file__).resolve().parents[1]


def assert_same_index(found: RelatedIndex, expected: RelatedIndex) -> None:
    assert found.keys == expected.keys and found.tags == expected.tags and found.k == expected.k
    for name in ("rows", "terms", "weights", "floors"):
        assert np.array_equal(getattr(found, name), getattr(expected, name)), name
        assert getattr(found, name).dtype == getattr(expected, name).dtype, name
    assert found.docs() == expected.docs()
    assert found.frequencies == expected.frequencies
    assert dict(found.similar) == dict(expected.similar)


def edited(docs: list[Doc], edits: dict[str, tuple[str, str]]) -> list[Doc]:
    return [Doc(d.key, terms_of(*edits[d.key]), d.tags) if d.key in edits else d for d in docs]


def check(
    docs: list[Doc], edits: dict[str, tuple[str, str]], k: int = 5, earlier: dict[str, tuple[str, str]] | None = None
) -> frozenset[str]:
    """`reindex` after `edits` (and, before them, `earlier` edits) against `build_index` of the edited docs."""
    before = build_index(docs, k)
    if earlier:
        docs = edited(docs, earlier)
        followed = reindex(before, {key: terms_of(*text) for key, text in earlier.items()})
        assert followed is not None
        before = followed[0]
    after = edited(docs, edits)
    found = reindex(before, {key: terms_of(*text) for key, text in edits.items()})
    assert found is not None
    index, differ = found
    expected = build_index(after, k)
    assert_same_index(index, expected)
    assert differ == {key for key in expected.keys if before.similar[key] != expected.similar[key]}
    return differ


def test_rounded_frequencies_keep_four_significant_bits():
    assert [rounded_df(df) for df in (0, 1, 15, 16, 17, 31, 32, 33, 34, 35, 36, 1000)] == [
        0, 1, 15, 16, 16, 30, 32, 32, 32, 32, 36, 960,
    ]  # fmt: skip
    assert all(rounded_df(df) <= df < rounded_df(df) * (1 + 2 ** (1 - DF_BITS)) for df in range(1, 5000))


WORDS = ["kv", "cache", "speech", "codec", "graph", "token", "audio", "serving", "retrieval", "vision"]
TEXTS = st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join)


CORPORA = {
    "texts": st.lists(TEXTS, min_size=2, max_size=40),
    "tags": st.lists(st.frozensets(st.sampled_from(["a", "b", "c"])), min_size=40, max_size=40),
    "edits": st.lists(st.dictionaries(st.integers(0, 39), st.tuples(TEXTS, TEXTS), max_size=4), min_size=1, max_size=2),
    "k": st.integers(1, 6),
}


def check_rounds(texts, tags, edits, k):
    # One round of edits, or two: the second follows an index that holds the first aside.
    docs = [Doc(f"d{i:02d}", terms_of("", text), tags[i]) for i, text in enumerate(texts)]
    rounds = [{f"d{i:02d}": text for i, text in part.items() if i < len(docs)} for part in edits]
    check(docs, rounds[-1], k, earlier=rounds[0] if len(rounds) > 1 else None)


@settings(max_examples=60, deadline=None)
@given(**CORPORA)
def test_reindex_is_build_index_after_the_edits(texts, tags, edits, k):
    check_rounds(texts, tags, edits, k)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(**CORPORA)
def test_reindex_is_build_index_after_the_edits_at_length(texts, tags, edits, k):
    check_rounds(texts, tags, edits, k)


@settings(max_examples=60, deadline=None)
@given(**CORPORA)
def test_reindex_is_build_index_where_postings_keep_few_docs(texts, tags, edits, k):
    check_rounds_with_few_postings(texts, tags, edits, k)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(**CORPORA)
def test_reindex_is_build_index_where_postings_keep_few_docs_at_length(texts, tags, edits, k):
    check_rounds_with_few_postings(texts, tags, edits, k)


def check_rounds_with_few_postings(texts, tags, edits, k):
    # With two docs a posting and three terms a doc, an edit pushes docs in and out of postings, so
    # that papers whose vectors did not change rank others differently (or provably do not).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(related, "POSTINGS", 2)
        patch.setattr(related, "TOP_TERMS", 3)
        check_rounds(texts, tags, edits, k)


def plain_best_scores(arrays, n, which, among):
    """Each doc's best score with any doc of `among`, from its scores against every doc."""
    best = np.zeros(len(which))
    for pairs, scores, start, _, _ in related._block_scores(arrays, n, which):
        mine, others = np.divmod(pairs, n)
        held = np.isin(others, among)
        np.maximum.at(best, mine[held] + start, scores[held])
    return best


def arrays_of(docs):
    vectors = related.vectorize(docs)
    return vectors.arrays, len(vectors.docs)


@settings(max_examples=60, deadline=None)
@given(texts=CORPORA["texts"], picks=st.lists(st.integers(0, 39), max_size=8), asked=st.lists(st.integers(0, 39)))
def test_best_scores_are_the_scores_of_a_plain_ranking(texts, picks, asked):
    docs = [Doc(f"d{i:02d}", terms_of("", text), frozenset()) for i, text in enumerate(texts)]
    arrays, n = arrays_of(docs)
    if not arrays:
        return
    which = np.unique(np.array([i for i in asked if i < n], dtype=np.int64))
    among = np.unique(np.array([i for i in picks if i < n], dtype=np.int64))
    assert np.array_equal(related.best_scores(arrays, n, which, among), plain_best_scores(arrays, n, which, among))


def test_best_scores_are_the_scores_of_a_plain_ranking_on_the_demo_papers(demo_docs):
    arrays, n = arrays_of(demo_docs)
    which = np.arange(0, n, 3)
    among = np.arange(5, n, 41)
    found = related.best_scores(arrays, n, which, among)
    assert np.array_equal(found, plain_best_scores(arrays, n, which, among))
    assert (found > 0).sum() > len(which) // 2  # most pairs were there to score


def test_a_paper_whose_pairs_with_moved_papers_stay_below_its_floor_is_not_ranked_again(demo_docs, monkeypatch):
    # As the benchmark edits: a sentence of words other papers hold, appended to one abstract.
    ranked_again = []
    original = related_index.ranked_with_floors

    def counting(arrays, keys, masks, k, which=None):
        if which is not None:  # reindex's; build_index ranks every doc
            ranked_again.append(len(which))
        return original(arrays, keys, masks, k, which)

    monkeypatch.setattr(related_index, "ranked_with_floors", counting)
    entries, _ = load_entries(REPO / "content" / "papers", REPO)
    entry = entries[200]
    edits = {f"{entry.slug}-0": (entry.title, entry.body + " Streaming speech codecs compress audio tokens.")}
    differ = check(demo_docs, edits)
    assert len(ranked_again) == 1 and ranked_again[0] < len(demo_docs) // 10, ranked_again
    assert differ  # the edit did change some papers' related papers


@pytest.mark.parametrize(
    "sentence",
    [
        "We study speech codecs for streaming retrieval.",  # common words, held by many papers
        "A wholly unseen zyzzyva quixotry.",  # words no other paper holds
        "",  # nothing added: the edit below drops words only
    ],
)
def test_reindex_follows_word_edits_on_the_demo_papers(demo_docs, sentence):
    edits = {}
    for doc in demo_docs[100:103]:
        entry_title, words = doc.key, " ".join(["tokens", "audio", "language", "model"] * 3)
        edits[doc.key] = (entry_title, f"{words} {sentence}")
    differ = check(demo_docs, edits)
    assert len(differ) < len(demo_docs) // 4  # followed locally


def test_an_edit_that_moves_a_term_across_a_weight_step_is_followed(demo_docs):
    # A term held by 2**DF_BITS + 2 papers: dropping it from one moves it down a step.
    index = build_index(demo_docs)
    df = np.frombuffer(index.frequencies.df, dtype=np.int64)
    vocabulary = np.frombuffer(index.frequencies.vocabulary, dtype=np.uint64)
    step = 2**DF_BITS + 2
    candidates = set(vocabulary[df == step].tolist())
    doc = next(d for d in demo_docs if candidates & set(d.terms.hashes))
    term = sorted(candidates & set(doc.terms.hashes))[0]
    assert rounded_df(step - 1) != rounded_df(step)
    keep = [i for i, h in enumerate(doc.terms.hashes) if h != term]
    from array import array

    from generator.model.related import Terms

    terms = Terms(array("Q", [doc.terms.hashes[i] for i in keep]), array("f", [doc.terms.counts[i] for i in keep]))
    found = reindex(index, {doc.key: terms})
    assert found is not None
    expected = build_index([Doc(d.key, terms, d.tags) if d.key == doc.key else d for d in demo_docs])
    assert_same_index(found[0], expected)


def test_reindex_refuses_an_unknown_key(demo_docs):
    assert reindex(build_index(demo_docs[:50]), {"no-such-paper": terms_of("", "kv cache")}) is None


def test_follow_reuses_an_index_and_follows_a_few_changed_papers(demo_docs):
    index = build_index(demo_docs)
    same, fresh = follow(demo_docs, index)
    assert same is index and not fresh  # nothing changed: the same index
    changed = [
        Doc(d.key, terms_of("speech codec tokens", "Audio language models. Zyzzyva."), d.tags) if i in (5, 900) else d
        for i, d in enumerate(demo_docs)
    ]
    followed, fresh = follow(changed, index)
    assert fresh
    assert followed.corpus.changed == {}  # stored whole again
    assert_same_index(followed, build_index(changed))
    retagged = [Doc(d.key, d.terms, d.tags | {"new"}) if i == 0 else d for i, d in enumerate(demo_docs)]
    assert_same_index(follow(retagged, index)[0], build_index(retagged))  # other tags: found again
