"""Slugs and identity of papers."""

from __future__ import annotations

import re

import pytest

from generator.ids import SLUG_MAX, slugify, unique_slug

SAFE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@pytest.mark.parametrize(
    "title, slug",
    [
        (
            "CacheGen: Fast Context Loading for Language Model Applications",
            "cachegen-fast-context-loading-for-language-model-applications",
        ),
        ("PixArt-$α$: Fast Training", "pixart-a-fast-training"),
        ("../../x", "x"),
        ("Über Straße", "uber-strasse"),
        ("CON", "con-paper"),
        ("  Leading - dash  ", "leading-dash"),
    ],
)
def test_slugify_examples(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize(
    "title",
    [
        "../../x",
        "∑∏∫",
        "...",
        "/",
        "",
        ".",
        "..",
        "CON",
        "nul",
        "a/b\\c",
        "💥🔥",
        "x" * 500,
        "word " * 100,
        "\x00\x01",
        "-" * 90,
    ],
)
def test_slugs_are_safe_file_names(title):
    slug = slugify(title)
    assert SAFE.fullmatch(slug), slug
    assert len(slug) <= SLUG_MAX
    assert slug not in {".", "..", "con", "nul"}


def test_symbol_only_titles_get_distinct_hashed_slugs():
    # Pinned: an entry's file name, URL and feed GUID come from its slug, so it must be the same in every
    # process, run and release (SHA-256 of the title, never Python's per-process `hash`).
    assert slugify("...") == "paper-ab5df625bc"
    assert slugify("!!!") == "paper-e84c538e7f"
    assert slugify("") == "paper-e3b0c44298"


def test_long_titles_cut_at_a_word():
    slug = slugify("Efficient " * 30)
    assert len(slug) <= SLUG_MAX and not slug.endswith("-")
    assert set(slug.split("-")) == {"efficient"}


def test_unique_slug_appends_a_number_within_the_limit():
    assert unique_slug("a", set()) == "a"
    assert unique_slug("a", {"a", "a-2"}) == "a-3"
    long = "x" * SLUG_MAX
    assert len(unique_slug(long, {long})) == SLUG_MAX
