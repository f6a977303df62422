"""URLs from untrusted text: parsing that never raises, and the checks every stage shares."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit


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
