"""Entry bodies: Markdown -> safe HTML, and plain-text excerpts.

Bodies come from strangers' abstracts, so raw HTML in them is shown as
text, never passed through, and no link in them can run script: the
finished HTML of every body goes through `drop_unsafe_links`, which reads
each href and src as a browser does (character references decoded) and
removes those `ids.is_safe_url` refuses. Pages and feeds carry that same
HTML. Markdown never sees a body that would make it recurse too deep or
scan for too long (`markdown_hazard`); such a body, or one Markdown fails
on, is shown as escaped text, and the reason is kept for `paperfeed check`.
Inline TeX (`$...$`) becomes MathML (see `texmath`), untouched by
Markdown's emphasis rules, and display TeX (`$$...$$`) block MathML. Bare
http(s) URLs in the text become links (`link_bare_urls`), and a number
followed by `times`, where a page dump lost the backslash of `\\times`,
reads `×` (`model.text.mend_lost_tex`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, replace
from html import escape, unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from .. import lazy
from ..ids import is_safe_url
from ..model.text import mend_lost_tex
from .texmath import DISPLAY_MATH_RE, MATH_RE, MATH_SPAN_RE, math_html

if TYPE_CHECKING:
    import markdown

_MATH = re.compile(MATH_RE, re.DOTALL)  # as Markdown compiles inline patterns


def _markdown() -> markdown.Markdown:
    """A Markdown converter that shows raw HTML as text, keeps TeX whole and marks outbound links.

    Built on first use: most bodies take the plain-paragraph path and never need Markdown.
    """
    md_lib: Any = lazy.markdown()  # the classes below extend its classes, known once it is loaded

    class MathPattern(md_lib.inlinepatterns.InlineProcessor):
        def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 - Markdown's API
            # Stashed HTML is put back after Markdown is done, so emphasis never fires inside math.
            return self.md.htmlStash.store(math_html(m.group(0))), m.start(0), m.end(0)

    class DisplayMathPattern(md_lib.inlinepatterns.InlineProcessor):
        def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 - Markdown's API
            return self.md.htmlStash.store(math_html(m.group(0), display=True)), m.start(0), m.end(0)

    class OutboundLinks(md_lib.treeprocessors.Treeprocessor):
        # Whether a link is safe is decided on the finished HTML (`drop_unsafe_links`), where
        # character references in it are decoded as a browser decodes them.
        def run(self, root: etree.Element) -> None:
            for el in root.iter("a"):
                if el.get("href", "").startswith(("http://", "https://")):
                    el.set("rel", "nofollow noopener")

    class SafeMarkdown(md_lib.Extension):
        def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            for name in ("image_link", "image_reference", "short_image_ref"):
                if name in md.inlinePatterns:
                    md.inlinePatterns.deregister(name)
            md.inlinePatterns.register(DisplayMathPattern(DISPLAY_MATH_RE, md), "display_math", 187)
            md.inlinePatterns.register(MathPattern(MATH_RE, md), "math", 186)
            md.treeprocessors.register(OutboundLinks(md), "outbound_links", 0)

    return md_lib.Markdown(extensions=[SafeMarkdown(), "sane_lists"], output_format="html")


@dataclass(frozen=True)
class SafeHTML:
    """A body's HTML, and what was taken out of it on the way."""

    html: str
    dropped: tuple[str, ...] = ()  # the unsafe URLs removed from href and src, decoded, in document order
    failure: str = ""  # why the body is shown as escaped text rather than as Markdown; "" when it is not


class Markup:
    """A reusable Markdown converter; not thread-safe, so one per process."""

    def __init__(self) -> None:
        self._md: markdown.Markdown | None = None

    def prepare(self) -> None:
        """Load Markdown and the TeX converter now rather than on first need (processes forked
        afterwards share them instead of each loading its own)."""
        if self._md is None:
            self._md = _markdown()
        lazy.latex2mathml_convert()

    def render(self, text: str) -> str:
        """A body's HTML: `render_body(text).html`."""
        return self.render_body(text).html

    def render_body(self, text: str) -> SafeHTML:
        """A body's HTML with every unsafe link dropped, and what was dropped.

        The HTML is the plain-paragraph shortcut's or Markdown's; or the body as escaped text
        paragraphs when `markdown_hazard` keeps it from Markdown or Markdown raises on it (then
        `failure` says why); bare URLs in it linked. A body never makes this raise.
        """
        text = mend_lost_tex(text)
        html = plain_paragraphs(text)
        failure = ""
        if html is None:
            failure = markdown_hazard(text)
            if not failure:
                html, failure = self._convert(text)
            if html is None:
                html = text_paragraphs(text)
        safe = drop_unsafe_links(link_bare_urls(html))
        return replace(safe, failure=failure) if failure else safe

    def _convert(self, text: str) -> tuple[str | None, str]:
        """Markdown's HTML for `text` and "", or None and why Markdown failed."""
        if self._md is None:
            self._md = _markdown()
        md = self._md
        md.reset()
        try:
            return md.convert(text), ""
        except Exception as exc:  # recorded in the result: a stranger's body must never stop a build
            self._md = None  # a converter an exception went through is not trusted again
            return None, f"Markdown failed on it ({type(exc).__name__})"


# Bare URLs. Abstracts name their code and project pages as plain text ("Code is at
# https://github.com/x/y."). After the HTML of a body is made, each http(s) URL in its text, outside
# links, code and math, becomes a link; the sentence's punctuation, and a closing bracket the URL
# did not open, stay outside it. The URL is taken from the escaped text as it stands (an `&` in it
# is `&amp;` already, which is also how an attribute holds one), so it can hold no quote or `<`.
_BARE_URL = re.compile(r"https?://(?:[^\s<>\"'&]|&amp;)+")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_NOT_LINKED = frozenset({"a", "code", "pre", "math"})  # and the TeX source of math that did not convert
_URL_END = ".,;:!?(["


def link_bare_urls(html: str) -> str:
    """`html` with each bare http(s) URL in its text made a link (`rel="nofollow noopener"`)."""
    if "://" not in html:
        return html
    pieces: list[str] = []
    skipping = ""  # the element whose text is left alone, while inside it
    depth = 0
    last = 0
    for tag in _TAG.finditer(html):
        if not skipping:
            pieces.append(_link_text(html[last : tag.start()]))
        else:
            pieces.append(html[last : tag.start()])
        pieces.append(tag.group(0))
        last = tag.end()
        closing, name = tag.group(1), tag.group(2).lower()
        if skipping:
            if name == skipping:
                depth += -1 if closing else 1
                if depth == 0:
                    skipping = ""
        elif not closing and (name in _NOT_LINKED or name == "span" and "tex-source" in tag.group(3)):
            skipping, depth = name, 1
    pieces.append(html[last:] if skipping else _link_text(html[last:]))
    return "".join(pieces)


def _link_text(text: str) -> str:
    if "://" not in text:
        return text
    return _BARE_URL.sub(_url_link, text)


def _url_link(m: re.Match[str]) -> str:
    url = _trim_url(m.group(0))
    if url.endswith("://") or not is_safe_url(unescape(url)):
        return m.group(0)  # not a URL a browser could follow (`https://`, `https://x.org[`): text it stays
    return f'<a href="{url}" rel="nofollow noopener">{url}</a>{m.group(0)[len(url) :]}'


def _trim_url(url: str) -> str:
    """`url` without the punctuation that ends its sentence (an `&` included, never half of its
    `&amp;`), and without closing brackets it did not open."""
    opened = {")": url.count("("), "]": url.count("[")}
    closed = {")": url.count(")"), "]": url.count("]")}
    end = len(url)
    while end:
        c = url[end - 1]
        if url.endswith("&amp;", 0, end):
            end -= len("&amp;")
        elif c in _URL_END:
            end -= 1
        elif c in closed and closed[c] > opened[c]:
            closed[c] -= 1
            end -= 1
        else:
            break
    return url[:end]


# Safe links. After the HTML of a body is made, each start tag's href and src is read as a
# browser reads it (html.parser decodes character references in attribute values), and the
# attributes `is_safe_url` refuses are removed: only those tags are rebuilt, every other byte
# stays as it was.
_URL_ATTRIBUTES = frozenset({"href", "src"})


def drop_unsafe_links(html: str) -> SafeHTML:
    """`html` without the href and src attributes that `is_safe_url` refuses, read after decoding
    as a browser reads them, and the URLs removed; the rest of `html` is left byte for byte."""
    # Most bodies hold no link (14 of the 10,000 in the benchmark corpus do), so their HTML need
    # not be parsed: html.parser names attributes in lower case, so without "href" and "src" in
    # the lowered HTML it finds nothing. Measured on that corpus: parsing every body's HTML takes
    # 0.13-0.17 s of CPU, about 1.5% of a cold full build (9.5 s user); this test takes 0.03 s.
    lowered = html.lower()
    if "href" not in lowered and "src" not in lowered:
        return SafeHTML(html)
    return _drop_unsafe_links_parsed(html)


def _drop_unsafe_links_parsed(html: str) -> SafeHTML:
    """`drop_unsafe_links`, always parsing."""
    audit = _LinkAudit()
    audit.feed(html)
    audit.close()
    if not audit.unsafe:
        return SafeHTML(html)
    line_starts = [0, *(m.end() for m in re.finditer("\n", html))]
    pieces: list[str] = []
    dropped: list[str] = []
    last = 0
    for tag in audit.unsafe:
        start = line_starts[tag.line - 1] + tag.column
        pieces += [html[last:start], tag.rebuilt]
        last = start + len(tag.source)
        dropped += tag.urls
    pieces.append(html[last:])
    return SafeHTML("".join(pieces), tuple(dropped))


@dataclass(frozen=True)
class _UnsafeTag:
    line: int  # where the tag starts, as html.parser counts: line from 1, column from 0
    column: int
    source: str  # the tag as written
    rebuilt: str  # the tag without its unsafe attributes
    urls: tuple[str, ...]  # their values, decoded


class _LinkAudit(HTMLParser):
    """Collects the start tags holding an href or src that `is_safe_url` refuses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe: list[_UnsafeTag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._audit(tag, attrs, ">")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._audit(tag, attrs, " />")

    def _audit(self, tag: str, attrs: list[tuple[str, str | None]], end: str) -> None:
        kept = []
        urls = []
        for name, value in attrs:
            if value is not None and name in _URL_ATTRIBUTES and not is_safe_url(value):
                urls.append(value)
            else:
                kept.append(f" {name}" if value is None else f' {name}="{_attribute_value(value)}"')
        if urls:
            line, column = self.getpos()
            source = self.get_starttag_text() or ""
            self.unsafe.append(_UnsafeTag(line, column, source, f"<{tag}{''.join(kept)}{end}", tuple(urls)))


def _attribute_value(value: str) -> str:
    """A decoded attribute value, escaped again as Markdown's serializer escapes one."""
    return escape(value, quote=False).replace('"', "&quot;")


# Markdown's costs, bounded before it runs. Python-Markdown recurses once per level of list or
# blockquote nesting (300 levels overflow the stack; 3,000 took one body 120 s and 1.3 GB). Its link
# patterns read from each `[` to the `]` that closes it and on through a `(...)` right after, or to
# the end of the paragraph when either is missing (`[` x 20,000, `x`, `]` x 20,000 took 77 s;
# `[a](` x 8,000 took 18 s). Each inline match copies its paragraph, and each heading, rule or
# link definition that splits a paragraph has the rest of it searched again (100 KB of `a`, `=`
# lines took 31 s). A body past these bounds is shown as text; abstracts come nowhere near them:
# the shipped entries and the 10,000-paper benchmark corpus use at most 1/16 of the link budget
# and 1/60 of the copy budget, and none nests a list or splits a paragraph. Within them, the worst
# bodies found take 0.5-1 s per 100 KB, Markdown's own cost per element.
MAX_NESTING = 16  # list and blockquote levels on one line
_SCANS_PER_CHAR = 16  # characters the link patterns may read, per character of the body
_COPIES_PER_CHAR = 1000  # characters inline matches may copy, per character of the body
_SEARCHES_PER_CHAR = 32  # characters searched again after block splits, per character of the body


def markdown_hazard(text: str) -> str:
    """Why Markdown must not see `text`: "" for every body except those made to be costly.

    Each bound is an upper bound on what Markdown would do, computed in time linear in the text,
    so that a body within them renders in time linear in its size.
    """
    if _deepest_nesting(text) > MAX_NESTING:
        return f"lists or quotes nested deeper than {MAX_NESTING} levels"
    # Each `[` reads at most the whole body, and each inline match copies at most the whole body.
    if text.count("[") > _SCANS_PER_CHAR and _link_scan_cost(text) > _SCANS_PER_CHAR * len(text):
        return "too many unclosed or nested brackets"
    if _inline_marks(text) > _COPIES_PER_CHAR and _inline_copy_cost(text) > _COPIES_PER_CHAR * len(text):
        return "too much inline markup in one paragraph"
    if text.count("\n") >= _SEARCHES_PER_CHAR and _block_split_cost(text) > _SEARCHES_PER_CHAR * len(text):
        return "too many headings, rules or link definitions without blank lines between them"
    return ""


# At least MAX_NESTING + 1 characters of indentation and markers: a line that may nest too deep.
_MAYBE_DEEP = re.compile(rf"^[ \t>*+\-\d.)]{{{MAX_NESTING + 1}}}", re.MULTILINE)
# A line's blockquote and list markers, with the indentation before each.
_CONTAINERS = re.compile(r"^(?:[ \t]*(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)))+", re.MULTILINE)
_CONTAINER = re.compile(r"( *)(>|[*+-]|\d{1,9}[.)])")  # one of them, tabs expanded
# A thematic break (`- - -`, `***`) as Markdown reads one: it nests nothing, however long.
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?: {0,2}\1){2,} *")


def _deepest_nesting(text: str) -> int:
    """The most list and blockquote levels any line of `text` opens: one per marker, and one per
    four columns of indentation before a marker (how lists nest), the space that separates a
    marker from the next not counted."""
    if _MAYBE_DEEP.search(text) is None:
        return 0
    deepest = 0
    for m in _CONTAINERS.finditer(text):
        tokens = _CONTAINER.findall(m.group().expandtabs(4))
        indent = sum(len(spaces) for spaces, _ in tokens) - sum(1 for spaces, _ in tokens[1:] if spaces)
        levels = len(tokens) + indent // 4
        if levels > deepest:
            end = text.find("\n", m.start())
            if not _THEMATIC_BREAK.fullmatch(text, m.start(), len(text) if end < 0 else end):
                deepest = levels
    return deepest


def _link_scan_cost(text: str) -> int:
    """At most how many characters each of Markdown's three link patterns reads in `text`.

    A `[` costs the distance to its `]` when plain text on one line lies between them (no code,
    math, escape or line break that could change how Markdown pairs them), plus, when `(` follows,
    the distance to its `)` likewise; otherwise the rest of its paragraph, which is as far as
    Markdown reads (its paragraphs never cross a blank line).
    """
    return sum(_chunk_link_scan_cost(chunk) for chunk in text.split("\n\n"))


_LINK_SYNTAX = re.compile(r"""[\[\]()`$\\\n\r'"<]""")


def _chunk_link_scan_cost(chunk: str) -> int:
    end = len(chunk)
    opens: list[int] = []  # every `[` Markdown may read as one
    brackets: list[int] = []  # `[` still open in the current stretch of plain text
    parens: list[int] = []  # `(` likewise, for a link's target, where quotes and `<` count too
    bracket_close: dict[int, int] = {}
    paren_close: dict[int, int] = {}
    for m in _LINK_SYNTAX.finditer(chunk):
        i = m.start()
        c = chunk[i]
        if c == "[":
            if not _escaped(chunk, i):
                opens.append(i)
                brackets.append(i)
        elif c == "]":
            if brackets:
                bracket_close[brackets.pop()] = i
        elif c == "(":
            parens.append(i)
        elif c == ")":
            if parens:
                paren_close[parens.pop()] = i
        else:
            parens.clear()
            if c not in "'\"<":
                brackets.clear()
    cost = 0
    for i in opens:
        close = bracket_close.get(i)
        if close is None:
            cost += end - i
            continue
        cost += close - i
        if chunk.startswith("(", close + 1):
            target_close = paren_close.get(close + 1)
            cost += end - close if target_close is None else target_close - close
    return cost


def _escaped(text: str, i: int) -> bool:
    """Whether the character at `i` follows an odd number of backslashes (Markdown's escape)."""
    n = 0
    while i > n and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


_INLINE_OPENERS = "`$\\[<&*_"  # where each of Markdown's inline patterns (and ours, math) starts


def _inline_marks(text: str) -> int:
    """At most how many inline matches Markdown makes in `text`: each starts at one of the openers,
    or is a hard line break."""
    return sum(text.count(c) for c in _INLINE_OPENERS) + text.count("  \n")


def _inline_copy_cost(text: str) -> int:
    """At most how many characters Markdown's inline matches copy in `text`: each match copies its
    paragraph once."""
    return sum(_inline_marks(chunk) * len(chunk) for chunk in text.split("\n\n"))


# A line where Markdown may split a block (a heading, a setext underline or thematic break, a link
# definition), in whatever quote or indentation.
_BLOCK_SPLIT = re.compile(r"^[ \t>]*(?:#|\[[^\[\]\n]*\]:|=+[ \t]*$|[-*_][-*_ \t]*$)", re.MULTILINE)


def _block_split_cost(text: str) -> int:
    """At most how many characters Markdown searches again after splitting blocks in `text`: the
    rest of the paragraph after each line where it may split one."""
    cost = 0
    for chunk in text.split("\n\n"):
        cost += sum(len(chunk) - m.start() for m in _BLOCK_SPLIT.finditer(chunk))
    return cost


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n")


def text_paragraphs(text: str) -> str:
    """`text` as paragraphs of escaped text, split at blank lines: how a body is shown that Markdown
    must not or cannot take."""
    paragraphs = (part.strip() for part in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n")))
    return "\n".join(f"<p>{escape(part, quote=False)}</p>" for part in paragraphs if part)


# Most abstracts are plain paragraphs with some inline TeX. For those, Markdown's output is
# known without running its ~15 regex passes: these are what can make it differ.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]")
_LINE_OPENERS = frozenset("#>+=*_-")
_NUMBERED = re.compile(r"\d+[.)]")
_BLANK_LINES = re.compile(r"\n{2,}")
_BACKTICKS = re.compile("`+")
# An underscore between two word characters (`k_1`) starts and ends no emphasis in Markdown's
# rules: each of its underscore patterns needs `__`, or `_` with no word character before or after.
_EMPHASIS_UNDERSCORE = re.compile(r"__|(?<!\w)_|_(?!\w)")
# Markdown's backslash escapes (its ESCAPE_RE and ESCAPED_CHARS): the character is a placeholder
# while inline patterns run (an escaped `>` closes no autolink), then text that the serializer escapes.
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!")
_ESCAPED = re.compile("\x04(\\d+)\x05")
# `<...>` may be an autolink; other `<`, `>` and `&` are text that Markdown's serializer escapes,
# an `&` that starts an entity (`&amp;`, `&#38;`) excepted, as its RE_AMP does.
_ANGLED = re.compile(r"<[^<>]*>")
_BARE_AMP = re.compile(r"&(?!(?:\#[0-9]+|\#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)
_SENTINEL = re.compile("\x02(\\d+)\x03")


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
_LINES_ASCII = _PRINTABLE_ASCII + b"\n"  # what bodies may hold without Markdown seeing a control character
_XML_ASCII = _PRINTABLE_ASCII + b"\t\n\r"  # what XML 1.0 allows of ASCII


def _ascii_within(text: str, allowed: bytes) -> bool:
    """Whether `text` is ASCII made of `allowed` bytes only: deleting them leaves nothing. For most
    text, a tenth of the time of a regex search for what is not allowed."""
    return text.isascii() and not text.encode("ascii").translate(None, allowed)


def _has_control(text: str) -> bool:
    return not _ascii_within(text, _LINES_ASCII) and _CONTROL.search(text) is not None


def _block_syntax(text: str) -> bool:
    if _has_control(text):
        return True
    for line in text.split("\n"):
        if line and (
            line[0] in _LINE_OPENERS
            or line[0].isspace()
            or line[-1].isspace()
            or line[0].isdigit()
            and _NUMBERED.match(line)
        ):
            return True
    return False


def plain_paragraphs(text: str) -> str | None:
    """What Markdown (with the extensions above) makes of `text`, when it is paragraphs of plain
    text and `$...$` math; None when any Markdown syntax might be at work."""
    if "`" in text and ("\\" in text or len(_BACKTICKS.findall(text)) > 1):
        return None  # a code span may form (they are found before math); one run of backticks is text
    if ("[" in text or "]" in text) and ("](" in text or text.startswith("[") or "\n[" in text):
        return None  # a link, or a reference definition; without either, brackets are text
    if _block_syntax(text):
        return None
    if "$$" in text:
        return None  # display math: Markdown's own pass makes it a block (the fast path is for the rest)
    out = []
    text = text.strip("\n")
    for block in _BLANK_LINES.split(text) if "\n\n" in text else [text]:  # most are one paragraph
        if not block:
            continue
        spans: list[str] = []
        if "$" in block:
            block = _mark_math(block, spans)
            if spans and _SENTINEL.fullmatch(block):
                return None  # a lone block-level <math> would not be wrapped in <p>
        escaped = "\\" in block
        if escaped:
            block = _ESCAPE.sub(_escape_placeholder, block)
        if "*" in block or "_" in block and _EMPHASIS_UNDERSCORE.search(block):
            return None
        if "<" in block and _ANGLED.search(block):
            return None
        if escaped:
            block = _ESCAPED.sub(lambda m: chr(int(m.group(1))), block)
        if "<" in block or ">" in block or "&" in block:
            block = _BARE_AMP.sub("&amp;", block).replace("<", "&lt;").replace(">", "&gt;")
        if spans:
            block = _put_back(block, spans)
        out.append(f"<p>{block}</p>")
    return "\n".join(out)


# Markdown scans again after each match, seeing a placeholder where the math was: so a span may
# open right where one closed, even after the `$` that closes it.
_MATH_SPAN = re.compile(MATH_SPAN_RE, re.DOTALL)


def _mark_math(block: str, spans: list[str]) -> str:
    """`block` with each `$...$` span replaced by a placeholder, its HTML appended to `spans`."""
    pieces = []
    last = 0
    m = _MATH.search(block)
    while m is not None:
        pieces += [block[last : m.start()], f"\x02{len(spans)}\x03"]
        spans.append(math_html(m.group(0)))
        last = m.end()
        m = _MATH_SPAN.match(block, last) or _MATH.search(block, last)
    if not pieces:
        return block
    pieces.append(block[last:])
    return "".join(pieces)


def _put_back(block: str, spans: list[str]) -> str:
    """`block` with each math placeholder replaced by its span's HTML."""
    return _SENTINEL.sub(lambda m: spans[int(m.group(1))], block)


def _escape_placeholder(m: re.Match[str]) -> str:
    char = m.group(1)
    return f"\x04{ord(char)}\x05" if char in _ESCAPABLE else m.group(0)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text with the characters XML 1.0 forbids removed."""
    if _ascii_within(text, _XML_ASCII):
        return text
    return _XML_INVALID.sub("", text)
