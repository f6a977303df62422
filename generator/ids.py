"""Identities from untrusted text, shared by every stage: slugs, tag slugs, paper keys, URL checks.

Each function is pure and never raises on any input: entry file names,
URLs and feed GUIDs derive from what these return, so they must be stable.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Container
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from . import lazy


def split_url(url: str) -> SplitResult | None:
    """`urlsplit`, or None for text it rejects (such as an unclosed IPv6 bracket)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    parts = split_url(url)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)


SAFE_SCHEMES = {"http", "https", "mailto", ""}


def squeeze_url(url: str) -> str:
    """`url` without any control, format or whitespace character (Unicode's C and Z categories, and
    whitespace): browsers skip some of them inside a scheme (`java\\tscript:`), so removing them all
    can reveal a scheme, never hide one."""
    if url.isascii() and url.isprintable() and " " not in url:  # most URLs: nothing to remove
        return url
    return "".join(c for c in url if c.isprintable() and not c.isspace())


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs (`path`, `/path`, `#frag`, `?q`); false for
    javascript:, data:, vbscript:, file: and every other scheme, however it is spelt.

    `url` is what a browser's URL parser gets: for an HTML attribute, its value with the character
    references decoded (`&#106;avascript:` is `javascript:`), as `html.parser` gives it. The scheme
    is read from `squeeze_url(url)` and compared case-insensitively; text `urlsplit` rejects is
    unsafe. A protocol-relative `//host/path` is kept: it takes the scheme of the page or feed it
    is read from, http(s), so it can load a page but never run script.
    """
    parts = split_url(squeeze_url(url))
    return parts is not None and parts.scheme in SAFE_SCHEMES  # urlsplit lowercases the scheme


SLUG_MAX = 80


# Names that are special to some file system or shell; a slug never equals one.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    "page",
    "index",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def paper_key(title: str) -> str:
    """The identity of a title: case, punctuation and whitespace do not matter.

    Titles made only of punctuation or symbols keep them, so two different
    symbol-only titles never become the same paper.
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    words = re.findall(r"\w+", folded)
    return " ".join(words) if words else " ".join(folded.split())


def _ascii(text: str) -> str:
    """anyascii's transliteration; ASCII text is its own, without loading anyascii (see `generator.lazy`)."""
    return text if text.isascii() else lazy.anyascii_convert()(text)


def slugify(title: str) -> str:
    """A lowercase ASCII, hyphenated file name of at most SLUG_MAX characters.

    Never empty, never a path, never a reserved name: a title with no
    letters or digits gets `paper-` plus a hash of the title, so the result
    is stable across runs.
    """
    ascii_title = _ascii(unicodedata.normalize("NFKC", title)).lower()
    words = re.findall(r"[a-z0-9]+", ascii_title)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:SLUG_MAX]
    if not slug:
        digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:10]
        return f"paper-{digest}"
    if slug in _RESERVED:
        slug = f"{slug}-paper"
    return slug


def unique_slug(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is free, within SLUG_MAX."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


# Names the site's URL scheme gives to pages under tags/ (the index sorted by count, pagination).
_TAG_RESERVED = {"by-count", "page", "index"}


@lru_cache(maxsize=1 << 14)
def tag_slug(name: str) -> str:
    """Lowercase ASCII words joined by hyphens; '' when the name has no letters or digits.

    Never one of the tag index's own page names (those get `-tag`), and never
    longer than SLUG_MAX: a longer one keeps its leading words and gains a hash
    of the whole name, so two long tags that start alike stay two tags.
    """
    words = re.findall(r"[a-z0-9+#]+", _ascii(name).lower())
    slug = "-".join(words).replace("+", "p").replace("#", "sharp")
    if len(slug) > SLUG_MAX:
        digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8]
        slug = slug[: SLUG_MAX - len(digest) - 1].rstrip("-") + "-" + digest
    if slug in _TAG_RESERVED:
        slug += "-tag"
    return slug
