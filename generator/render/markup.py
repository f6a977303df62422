"""Entry bodies: Markdown -> safe HTML, and plain-text excerpts.

Bodies come from strangers' abstracts, so raw HTML in them is shown as
text, never passed through, and links keep only safe schemes. Inline TeX
(`$...$`) becomes MathML (see `texmath`), untouched by Markdown's emphasis rules.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING, Any

from .. import lazy
from ..ids import is_safe_url
from .texmath import MATH_RE, math_html

if TYPE_CHECKING:
    import markdown

_MATH = re.compile(MATH_RE, re.DOTALL)  # as Markdown compiles inline patterns


def _markdown() -> markdown.Markdown:
    """A Markdown converter that shows raw HTML as text, keeps TeX whole and drops unsafe links.

    Built on first use: most bodies take the plain-paragraph path and never need Markdown.
    """
    md_lib: Any = lazy.markdown()  # the classes below extend its classes, known once it is loaded

    class MathPattern(md_lib.inlinepatterns.InlineProcessor):
        def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 - Markdown's API
            # Stashed HTML is put back after Markdown is done, so emphasis never fires inside math.
            return self.md.htmlStash.store(math_html(m.group(0))), m.start(0), m.end(0)

    class SafeLinks(md_lib.treeprocessors.Treeprocessor):
        def run(self, root: etree.Element) -> None:
            for el in root.iter():
                for attr in ("href", "src"):
                    value = el.get(attr)
                    if value is not None and not is_safe_url(value):
                        del el.attrib[attr]
                if el.tag == "a" and el.get("href", "").startswith(("http://", "https://")):
                    el.set("rel", "nofollow noopener")

    class SafeMarkdown(md_lib.Extension):
        def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            for name in ("image_link", "image_reference", "short_image_ref"):
                if name in md.inlinePatterns:
                    md.inlinePatterns.deregister(name)
            md.inlinePatterns.register(MathPattern(MATH_RE, md), "math", 186)
            md.treeprocessors.register(SafeLinks(md), "safe_links", 0)

    return md_lib.Markdown(extensions=[SafeMarkdown(), "sane_lists"], output_format="html")


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
        fast = plain_paragraphs(text)
        if fast is not None:
            return fast
        md = self._md
        if md is None:
            md = self._md = _markdown()
        md.reset()
        return md.convert(text)


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
    out = []
    text = text.strip("\n")
    for block in _BLANK_LINES.split(text) if "\n\n" in text else [text]:  # most are one paragraph
        if not block:
            continue
        spans: list[str] = []
        if "$" in block:
            # Markdown scans again after each match, seeing a placeholder where the math was.
            pos = 0
            while (m := _MATH.search(block, pos)) is not None:
                mark = f"\x02{len(spans)}\x03"
                spans.append(math_html(m.group(0)))
                block = block[: m.start()] + mark + block[m.end() :]
                pos = m.start() + len(mark)
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
