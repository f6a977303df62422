"""Plain text of entry bodies: one-line abstracts and summaries for listings, feeds and search.

Pure functions of the Markdown text; the site model stores their results.
"""

from __future__ import annotations

import re

_MARKS = frozenset("#>*-+ ")


# Neither part crosses a bracket: each try stops at the next one, so hostile runs (`[a](` x 100,000) stay linear.
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\((?:[^()\[\]\s]|\([^()\[\]\s]*\))*(?:\s[^()\[\]]*)?\)")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[$])")


_LINE_MARKS = re.compile(r"^[#>*\-+ ]+", re.MULTILINE)


# A number followed by `times`: a page dump's `$5\times$` with its backslash and dollars lost.
_LOST_TIMES = re.compile(r"(?<=\d)times\b")


def mend_lost_tex(text: str) -> str:
    """`text` with what page dumps lose of TeX put back for reading: `5times` reads `5×`. The entry
    keeps its text as the source gave it; pages, feeds and excerpts show the mended text."""
    if "times" not in text:
        return text
    return _LOST_TIMES.sub("×", text)


def plain_text(text: str) -> str:
    """A body as one line of plain text: Markdown links become their text; `5times` reads `5×`
    (`mend_lost_tex`)."""
    text = mend_lost_tex(text)
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    if text[:1] in _MARKS or any(line[:1] in _MARKS for line in text.split("\n")):
        text = _LINE_MARKS.sub("", text)
    return " ".join(text.split())


def summarize_plain(plain: str, limit: int) -> str:
    """The first sentences of plain text, stopping once `limit` characters are reached.

    A single sentence longer than the limit is cut at a word and ends in an ellipsis.
    """
    if len(plain) <= limit:
        return plain
    out = ""
    # Only the opening can make the summary: a piece reaching past 1.3 x limit is never kept whole,
    # so splitting more than that (plus one character) would give the same result.
    for sentence in _SENTENCE_END.split(plain[: int(limit * 1.3) + 2]):
        if out and len(out) + 1 + len(sentence) > limit * 1.3:
            break
        out = f"{out} {sentence}" if out else sentence
        if len(out) >= limit:
            break
    if len(out) > limit * 1.3:
        cut = out[:limit].rsplit(" ", 1)[0]
        out = cut.rstrip(",;:") + "…"
    return out
