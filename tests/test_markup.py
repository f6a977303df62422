"""The plain-paragraph fast path gives exactly what Markdown gives, whenever it answers."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.entry import entry_paths, read_entry
from generator.model.text import plain_text
from generator.render.markup import Markup, _markdown, plain_paragraphs

ROOT = Path(__file__).resolve().parent.parent


def markdown_itself(text: str) -> str:
    return _markdown().convert(text)


# Everything that is syntax somewhere, and the characters around it.
PIECES = st.sampled_from(
    [
        "a",
        "b",
        "word",
        "Word",
        "1",
        "2.",
        "3)",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "\n\n\n",
        " \n",
        ".",
        ",",
        "-",
        "--",
        "#",
        ">",
        "+",
        "=",
        "*",
        "_",
        "`",
        "[",
        "]",
        "(",
        ")",
        "!",
        "<",
        "&",
        "&amp;",
        ";",
        "\\",
        "$",
        "$x$",
        "$\\alpha$",
        "$a_1^2$",
        "$5",
        "$ x$",
        "$$",
        "{",
        "}",
        "^",
        "'",
        '"',
        ":",
        "|",
        "~",
        "\u00a0",
        "é",
        "α",
        "\r",
        "\x02",
        "\x03",
        "\u2028",
        "http://x.org",
        "<http://x.org>",
        "a@b.org",
        "&#123;",
        "&#x1F;",
        "&#X1f;",
        "&x;",
        "&;",
        "&&",
        "&lt;",
        "<b>",
        "</i>",
        "<a@b.org>",
        "<mailto:a@b.org>",
        "<x",
        "x>",
        "< ",
        " > ",
        "<<",
        ">>",
        # Backslash escapes: of characters Markdown escapes, of others, and of line ends.
        "\\\\",
        "\\*",
        "\\_",
        "\\[",
        "\\]",
        "\\.",
        "\\>",
        "\\<",
        "\\&",
        "\\#",
        "\\\n",
        "\\$",
        "\\a",
        "\\`",
        "\\(",
        "\\!",
        "\\-",
        "\\{",
        "&\\#38;",
        "\\mathbb{R}",
        # Underscores inside words, and next to them.
        "k_1",
        "a_b_c",
        "x__y",
        "_a",
        "a_",
        "é_α",
        "1_2",
        # Backtick runs (a lone one is text), brackets that are and are not links or reference definitions.
        "``",
        "```",
        "''",
        "``a''",
        "`a`",
        "[1]",
        "[OSDI'18]",
        "[a]: http://x.org",
        "\n[a]:",
        "](",
        "][",
        "] [",
        "[a][b]",
        "[a][]",
        "[x](http://x.org)",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(parts=st.lists(PIECES, max_size=24))
def test_fast_path_agrees_with_markdown(parts):
    text = "".join(parts)
    fast = plain_paragraphs(text)
    if fast is not None:
        assert fast == markdown_itself(text)


def test_fast_path_answers_for_plain_abstracts_and_agrees_on_every_shipped_entry():
    paths = [
        *entry_paths(ROOT / "content" / "papers"),
        *entry_paths(ROOT / "tests" / "fixtures" / "sample_site" / "content" / "papers"),
    ]
    answered = 0
    for path in paths:
        body = read_entry(path, ROOT).body
        fast = plain_paragraphs(body)
        if fast is not None:
            answered += 1
            assert fast == markdown_itself(body), path.name
    assert answered > len(paths) * 0.8


def test_render_uses_markdown_when_syntax_is_present():
    markup = Markup()
    assert markup.render("Plain text with $x^2$ math.\n\nSecond paragraph.").startswith("<p>Plain text with <math")
    assert markup.render("A *bold* claim") == "<p>A <em>bold</em> claim</p>"
    assert markup.render("- one\n- two") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    assert markup.render("$x$") == markdown_itself("$x$")
    for text in ("Escapes \\*a\\* and \\mathbb{R} and &\\#38;", "Math $\\\na$ across a line"):
        assert plain_paragraphs(text) is not None
        assert markup.render(text) == markdown_itself(text)


@settings(max_examples=1000, deadline=None)
@given(parts=st.lists(PIECES | st.sampled_from(["[a](http://x.org)", "![i](x.png)", "- ", "> ", "+"]), max_size=24))
def test_plain_text_strips_links_and_line_marks(parts):
    import re

    text = "".join(parts)
    slow = re.sub(r"^[#>*\-+ ]+", "", re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text), flags=re.MULTILINE)
    assert plain_text(text) == " ".join(slow.split())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\x08\t\n\x0b\x0c\r\x1f\x7f\ufffe\uffff a")))
def test_xml_safe_removes_exactly_what_xml_forbids(text):
    import re

    from generator.render.markup import xml_safe

    assert xml_safe(text) == re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", "", text)
