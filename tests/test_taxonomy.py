"""Auto-tagging with the shipped taxonomy, and tag slugs."""

from __future__ import annotations

from collections import Counter

from conftest import REPO, SEEDS, TODAY

from generator.config import TagSpec, load_config
from generator.content.taxonomy import Tagger
from generator.ids import tag_slug
from generator.ingest.merge import combine
from generator.ingest.registry import ParseOptions, read_source


def test_default_taxonomy_covers_the_seeds():
    config = load_config(REPO)
    tagger = Tagger.from_taxonomy(config.taxonomy, config.max_tags)
    papers = combine(p for path in SEEDS for p in read_source(path, path.name, ParseOptions(today=TODAY)).papers)
    assert len(papers) == 680
    tagged = [tagger.tags_for(p.title, p.abstract) for p in papers]
    in_range = sum(1 <= len(tags) <= 5 for tags in tagged)
    assert in_range / len(papers) >= 0.97
    counts = Counter(tag for tags in tagged for tag in tags)
    assert max(counts.values()) / len(papers) <= 0.40
    for expected in ("llm", "speech", "quantization", "kv-cache", "diffusion"):
        assert counts[expected] >= 10, expected


def test_default_taxonomy_tags_are_topics_not_stop_words():
    config = load_config(REPO)
    stop = {"the", "a", "of", "and", "model", "models", "efficient", "learning", "new", "paper", "method"}
    for slug, spec in config.taxonomy.items():
        assert slug not in stop and spec.description, slug
        assert not {k.lower() for k in spec.keywords} & stop, slug


def make(keywords: dict[str, list[str]], max_tags: int = 5) -> Tagger:
    return Tagger.from_taxonomy({k: TagSpec(k, k, "", tuple(v)) for k, v in keywords.items()}, max_tags)


def test_keywords_match_words_across_hyphens_plurals_and_case():
    tagger = make({"kv-cache": ["KV cache"], "llm": ["large language model"], "tts": ["TTS"]})
    assert tagger.tags_for("Compressing the KV-Cache of Large Language Models", "") == ("kv-cache", "llm")
    # Capitalised phrases are acronyms and match case-sensitively.
    assert tagger.tags_for("Attempts at tts", "") == ()
    assert tagger.tags_for("Fast TTS", "") == ("tts",)


def test_one_abstract_mention_is_not_enough_but_a_title_mention_is():
    tagger = make({"speech": ["speech"]})
    assert tagger.tags_for("A paper", "about speech once") == ()
    assert tagger.tags_for("A paper", "speech and more speech") == ("speech",)
    assert tagger.tags_for("Speech", "") == ("speech",)


def test_at_most_max_tags_strongest_first():
    tagger = make({t: [t] for t in "abcdefg"}, max_tags=3)
    assert tagger.tags_for("g f f e e e", "a a b b c c d d") == ("e", "f", "g")


def test_tag_slugs():
    assert tag_slug("KV Cache") == "kv-cache"
    assert tag_slug("C++") == "cpp"
    assert tag_slug("Über-Tag") == "uber-tag"
    assert tag_slug("!!!") == ""
