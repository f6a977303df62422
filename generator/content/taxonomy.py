"""Tags: their slugs, auto-tagging from a taxonomy, and the tag index.

A tag's identity is its slug (`tag_slug`); its display name comes from the
taxonomy, or from the first spelling seen in an entry. A taxonomy tag is
given by its keyword phrases (found in a title, abstract or source keyword)
and by its arXiv categories (a paper in cs.CL, or in any math category).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..config import TagSpec
from ..ids import tag_slug
from .arxiv_categories import archive_of

TITLE_WEIGHT = 3
MIN_SCORE = 2
_TOKEN = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class _Phrase:
    tag: str
    words: tuple[str, ...]


def _word_matches(word: str, token: str, lower: str, last: bool) -> bool:
    # Words with capitals (acronyms, names) match case-sensitively; lowercase words match any case.
    candidate = lower if word.islower() or not word.isalpha() and word == word.lower() else token
    if candidate == word:
        return True
    # A final word may take a plural ending, so "transformer" finds "transformers".
    return last and word[-1:].isalpha() and candidate in (word + "s", word + "es")


@dataclass(frozen=True)
class Tagger:
    """Assigns taxonomy tags to a title and abstract by keyword phrases.

    Text and phrases are compared as sequences of words (letters and digits),
    so hyphens, spaces and punctuation between words do not matter.
    """

    index: dict[str, tuple[_Phrase, ...]]
    max_tags: int
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lower-case code -> tags
    known: Mapping[str, str] = field(default_factory=dict)  # the slug of a tag's slug or name -> the tag

    @classmethod
    def from_taxonomy(cls, taxonomy: Mapping[str, TagSpec], max_tags: int) -> Tagger:
        index: dict[str, list[_Phrase]] = {}
        categories: dict[str, list[str]] = {}
        for slug, spec in sorted(taxonomy.items()):
            for keyword in spec.keywords:
                words = tuple(_TOKEN.findall(keyword))
                if not words:
                    continue
                phrase = _Phrase(slug, words)
                index.setdefault(words[0].lower(), []).append(phrase)
            for code in spec.categories:
                categories.setdefault(code.lower(), []).append(slug)
        return cls(
            index={k: tuple(v) for k, v in index.items()},
            max_tags=max_tags,
            categories={k: tuple(v) for k, v in categories.items()},
            known={
                **{tag_slug(spec.name): slug for slug, spec in taxonomy.items()},
                **{slug: slug for slug in taxonomy},
            },
        )

    def _hits(self, text: str) -> dict[str, int]:
        tokens = _TOKEN.findall(text)
        lowers = [t.lower() for t in tokens]
        hits: dict[str, int] = {}
        for i, lower in enumerate(lowers):
            key = lower
            candidates = self.index.get(key)
            if candidates is None and lower.endswith("s"):
                candidates = self.index.get(lower[:-1]) or self.index.get(lower[:-2])
            if not candidates:
                continue
            matched: set[str] = set()
            for phrase in candidates:
                n = len(phrase.words)
                if phrase.tag in matched or i + n > len(tokens):
                    continue
                if all(_word_matches(phrase.words[j], tokens[i + j], lowers[i + j], j == n - 1) for j in range(n)):
                    matched.add(phrase.tag)
            for tag in matched:
                hits[tag] = hits.get(tag, 0) + 1
        return hits

    def scores(self, title: str, abstract: str, keywords: Iterable[str] = ()) -> dict[str, int]:
        """Tag -> score: TITLE_WEIGHT per phrase hit in the title or a keyword, 1 per hit in the abstract."""
        out = {tag: TITLE_WEIGHT * n for tag, n in self._hits(title).items()}
        for keyword in keywords:
            for tag in self._hits(keyword):
                out[tag] = out.get(tag, 0) + TITLE_WEIGHT
        for tag, n in self._hits(abstract).items():
            out[tag] = out.get(tag, 0) + n
        return out

    def tags_for(self, title: str, abstract: str, keywords: Iterable[str] = ()) -> tuple[str, ...]:
        """The best-scoring tags (at most `max_tags`), strongest first; ties by name."""
        scored = [(s, t) for t, s in self.scores(title, abstract, keywords).items() if s >= MIN_SCORE]
        scored.sort(key=lambda st: (-st[0], st[1]))
        return tuple(tag for _, tag in scored[: self.max_tags])

    def keyword_tags(self, keywords: Iterable[str]) -> tuple[str, ...]:
        """The taxonomy tags that a source's keywords (such as ai_keywords) name."""
        return self.tags_for("", "", keywords)

    def category_tags(self, categories: Iterable[str]) -> tuple[str, ...]:
        """The taxonomy tags that a paper's arXiv categories give, in the order of its categories
        (the primary one first); a tag may name a category (cs.CL) or its whole archive (cs)."""
        tags: dict[str, None] = {}
        for code in categories:
            for key in (code.lower(), archive_of(code.lower())):
                tags.update(dict.fromkeys(self.categories.get(key, ())))
        return tuple(tags)

    def sort_tags(self, tags: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A source's tags split into those the taxonomy has (as its slugs) and the rest, which
        are only keywords; with no taxonomy, every tag is kept."""
        if not self.known:
            return tuple(tags), ()
        ours: list[str] = []
        others: list[str] = []
        for tag in tags:
            slug = self.known.get(tag_slug(tag))
            if slug:
                ours.append(slug)
            else:
                others.append(tag)
        return unique_tags(ours), tuple(others)

    def named_tags(self, keywords: Iterable[str]) -> tuple[str, ...]:
        """The taxonomy tags that a source's keywords name outright, by slug or name (`kv-cache`, `KV cache`)."""
        return unique_tags(slug for slug in (self.known.get(tag_slug(word)) for word in keywords) if slug)


def unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags in order with duplicates (same slug) and slug-less names removed."""
    seen: set[str] = set()
    out = []
    for tag in tags:
        slug = tag_slug(tag)
        if slug and slug not in seen:
            seen.add(slug)
            out.append(tag)
    return tuple(out)


def uncovered_terms(
    titles: Iterable[str], taxonomy: Mapping[str, TagSpec], *, limit: int = 20, stop_words: frozenset[str] = frozenset()
) -> list[tuple[str, int]]:
    """The most frequent title words that no taxonomy phrase or tag contains: candidates for new tags."""
    covered = set()
    for slug, spec in taxonomy.items():
        covered.update(slug.split("-"))
        for keyword in spec.keywords:
            covered.update(w.lower() for w in _TOKEN.findall(keyword))
    counts: dict[str, int] = {}
    for title in titles:
        for word in {w.lower() for w in _TOKEN.findall(title)}:
            if len(word) > 2 and not word.isdigit() and word not in covered and word not in stop_words:
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:limit]
