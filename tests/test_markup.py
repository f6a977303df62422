"""The plain-paragraph fast path gives exactly what Markdown gives, whenever it answers."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.entry import entry_paths, read_entry
from generator.model.text import plain_text
from generator.render import markup as markup_module
from generator.render.markup import (
    Markup,
    SafeHTML,
    _drop_unsafe_links_parsed,
    _markdown,
    drop_unsafe_links,
    markdown_hazard,
    plain_paragraphs,
)

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
    link = r"!?\[([^\[\]]*)\]\((?:[^()\[\]\s]|\([^()\[\]\s]*\))*(?:\s[^()\[\]]*)?\)"  # links never cross a bracket
    slow = re.sub(r"^[#>*\-+ ]+", "", re.sub(link, r"\1", text), flags=re.MULTILINE)
    assert plain_text(text) == " ".join(slow.split())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\x08\t\n\x0b\x0c\r\x1f\x7f\ufffe\uffff a")))
def test_xml_safe_removes_exactly_what_xml_forbids(text):
    import re

    from generator.render.markup import xml_safe

    assert xml_safe(text) == re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", "", text)


# Links are made safe on the finished HTML: the shortcut (no "href" or "src" at all) gives what parsing gives.
HTML_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "text",
        " ",
        "\n",
        "href",
        "src",
        "HREF",
        "sRc",
        "=",
        '"',
        "&amp;",
        "&lt;",
        "&#106;",
        "<br>",
        "<br />",
        "</a>",
        "<a>",
        "<a href>",
        '<a href="https://x.org/?a=1&amp;b=2" rel="nofollow noopener">',
        '<a href="javascript:alert(1)">',
        '<a href="&#106;avascript:alert(1)" title="t &amp; &quot;u&quot;">',
        "<a HREF='java&Tab;script:x'>",
        "<A Href=vbscript&colon;x>",
        '<a\nhref="data:text/html,x"\ntitle=t>',
        '<a href="#top">',
        '<a href="mailto:a@b.org">',
        '<a href="//host/x">',
        '<a href="../a b/">',
        '<a data-src="javascript:x">',
        '<img alt="i" src="x.png">',
        "<img src=\"&#x6A;avascript:x\" alt='a'>",
        '<img src="file:///etc/passwd"/>',
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>',
        "src=javascript:x",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(parts=st.lists(HTML_PIECES, max_size=20))
def test_links_are_dropped_alike_with_and_without_the_shortcut(parts):
    html = "".join(parts)
    safe = drop_unsafe_links(html)
    assert safe == _drop_unsafe_links_parsed(html)
    assert _drop_unsafe_links_parsed(safe.html) == SafeHTML(safe.html)  # nothing unsafe is left


def test_only_the_tags_with_an_unsafe_link_are_rebuilt():
    html = (
        '<p>A <a href="&#106;avascript:alert(1)" title="it&#x27;s &amp; more">x</a>,\n'
        '<a href="https://x.org/?a=1&amp;b=2" rel="nofollow noopener">y</a> and <a\nHREF="java&Tab;script:1">z</a>.</p>'
    )
    assert drop_unsafe_links(html) == SafeHTML(
        '<p>A <a title="it\'s &amp; more">x</a>,\n'
        '<a href="https://x.org/?a=1&amp;b=2" rel="nofollow noopener">y</a> and <a>z</a>.</p>',
        ("javascript:alert(1)", "java\tscript:1"),
    )


def test_markdown_links_are_judged_after_decoding():
    markup = Markup()
    assert markup.render_body("[x](&#106;avascript:alert(1)) [y](https://a.org/?q=1&amp;r=2)") == SafeHTML(
        '<p><a>x</a> <a href="https://a.org/?q=1&amp;r=2" rel="nofollow noopener">y</a></p>', ("javascript:alert(1)",)
    )
    # Markdown's own obfuscated mailto stays as it is.
    assert markup.render("<a@b.org>") == markdown_itself("<a@b.org>")


def test_ordinary_bodies_raise_no_markdown_hazard():
    for text in (
        "Plain.",
        "- one\n    - two\n        - three",
        "> quoted\n> > twice",
        "See [1], [2] and [3](https://x.org/) on $[0, 1)$ and $[a, b]$.\n\n[1]: https://x.org/",
        "# Title\n\nText *with* _emphasis_ and `code`.\n\n---\n\nMore.",
        "- - - - - - - - - - - - - - - - - - - -",  # a thematic break, however long
    ):
        assert markdown_hazard(text) == "", text


def test_markdown_that_raises_is_shown_as_text_and_says_why(monkeypatch):
    class Failing:
        def reset(self):
            pass

        def convert(self, text):
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(markup_module, "_markdown", Failing)
    rendered = Markup().render_body("A *b* <c>\n\n[d](javascript:x)")
    assert rendered == SafeHTML(
        "<p>A *b* &lt;c&gt;</p>\n<p>[d](javascript:x)</p>", failure="Markdown failed on it (RecursionError)"
    )


def test_plain_text_is_linear_on_bracket_runs():
    for hostile in ("[a](" * 100_000, "[" * 50_000 + "x" + "]" * 50_000, "[a](b" + "((" * 100_000):
        started = time.perf_counter()
        plain_text(hostile)
        assert time.perf_counter() - started < 1.0


def test_a_formula_too_long_to_be_real_stays_tex_and_fast():
    huge = "$" + "x^{2}+" * 5_000 + "1$"
    started = time.process_time()
    html = Markup().render(huge)
    assert time.process_time() - started < 1.0
    assert "<math" not in html and "x^{2}+x^{2}" in html
