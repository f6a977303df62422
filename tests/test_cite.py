"""BibTeX escaping: the fast path for titles without math against the word-by-word one."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from generator.model.cite import _protect, escape


def word_by_word(text: str) -> str:
    return "".join(_protect(token) for token in re.split(r"(\s+)", text))


# Letters of both cases, TeX's specials, the punctuation that may end a word, and kinds of space.
TEXT = st.text(alphabet="aZbY09\\&%#_~^{}-:;,.!?' \t\n\u00a0\u2003éÉ", max_size=40)


@given(TEXT)
@example("CacheGen: Fast Context Loading for LLMs, GPT-4 and the iPhone!")
@example("aB.c. x_Y. {Braced} \\textit ~Tilde^ #1 50% Q&A")
@example("...  ?! aB!x!. e.g. U.S.")
def test_titles_without_math_are_braced_and_escaped_as_word_by_word(text):
    assert escape(text, capitals=True) == word_by_word(text)


def test_a_title_with_math_keeps_the_math_and_braces_its_word():
    title = "PixArt-$\\alpha$: Fast Training of Diffusion Transformer for 50% of the cost"
    assert escape(title, capitals=True) == word_by_word(title)
    assert escape(title, capitals=True).startswith("{PixArt-$\\alpha$}: Fast Training")
    assert "50\\% of" in escape(title, capitals=True)
