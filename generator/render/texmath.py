"""TeX -> MathML at build time, so math shows in every browser without JavaScript.

Inline spans are `$...$`; display spans `$$...$$` become block MathML in
bodies (and inline MathML in titles and excerpts, which are one line).

latex2mathml does the conversion; its output is then parsed and rebuilt
from an allow-list of MathML elements and attributes, so nothing in a
stranger's TeX (`\\href{javascript:...}`, stray `&`) reaches a page. TeX
that cannot be converted stays visible as its source.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from html import escape

from .. import lazy

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# Pandoc's rule: `$` opens when followed by non-space, closes when preceded by
# non-space and not followed by a digit, so "$5 and $10" stays text.
MATH_SPAN_RE = r"\$(?=\S)((?:[^$\\\n]|\\.)+?)(?<=\S)\$(?!\d)"
MATH_RE = r"(?<![\\$])" + MATH_SPAN_RE  # and not right after a `$` or a backslash
# Display math: `$$`, something other than space, up to the next `$$`; it may span lines, and
# holds no lone `$` (a run stops at the first one, so a scan never reads past it).
DISPLAY_MATH_RE = r"(?<![\\$])\$\$(?=\s*[^\s$])((?:[^$\\]|\\.)+?)\$\$"
ANY_MATH_RE = f"{DISPLAY_MATH_RE}|{MATH_RE}"  # group 1 holds display TeX, group 2 inline TeX
_MATH = re.compile(ANY_MATH_RE)

_TAGS = {
    "math",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msub",
    "msup",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "merror",
    "mpadded",
    "mphantom",
    "mfenced",
    "menclose",
    "munder",
    "mover",
    "munderover",
    "mmultiscripts",
    "mprescripts",
    "none",
    "mtable",
    "mtr",
    "mtd",
    "mlabeledtr",
    "semantics",
    "annotation",
}
_ATTRS = {
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "lspace",
    "rspace",
    "accent",
    "accentunder",
    "movablelimits",
    "minsize",
    "maxsize",
    "symmetric",
    "largeop",
    "form",
    "linethickness",
    "columnalign",
    "rowalign",
    "columnspacing",
    "rowspacing",
    "columnlines",
    "rowlines",
    "frame",
    "width",
    "height",
    "depth",
    "notation",
    "scriptlevel",
    "displaystyle",
    "open",
    "close",
    "separators",
    "encoding",
    "voffset",
}
_BARE_AMP = re.compile(r"&(?!#?\w+;)")


def _clean(element: ET.Element) -> ET.Element | None:
    tag = element.tag.split("}", 1)[-1]
    if tag not in _TAGS:
        return None
    attrs = {k: v for k, v in sorted(element.attrib.items()) if k in _ATTRS}
    if tag == "math":
        attrs = {"xmlns": MATHML_NS, **attrs}
    out = ET.Element(tag, attrs)
    out.text = element.text
    for child in element:
        cleaned = _clean(child)
        if cleaned is None:
            return None
        cleaned.tail = child.tail
        out.append(cleaned)
    return out


# latex2mathml takes about 20 µs per character of TeX; real formulas are under 500 characters
# (fuzzed 30 KB spans took 0.9 s).
MAX_TEX = 2_000


@lru_cache(maxsize=65536)
def tex_to_mathml(tex: str, *, display: bool = False) -> str | None:
    """MathML for a TeX expression (without its `$`), inline or, with `display`, a block (limits
    under and over sums); None when it cannot be converted."""
    if len(tex) > MAX_TEX:
        return None  # shown as TeX: no formula in an abstract is that long, and conversion is slow
    convert = lazy.latex2mathml_convert()  # only pages that show math need it
    try:
        raw = convert(tex, display="block" if display else "inline")
        root = ET.fromstring(_BARE_AMP.sub("&amp;", raw))
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds of error on bad TeX
        return None
    cleaned = _clean(root)
    if cleaned is None:
        return None
    cleaned.set("alttext", tex)
    return ET.tostring(cleaned, encoding="unicode", short_empty_elements=False)


def math_html(source: str, *, display: bool = False) -> str:
    """HTML for one `$...$` or `$$...$$` span: MathML (a block with `display`), or the escaped
    source when it does not convert."""
    fence = 2 if source.startswith("$$") else 1
    mathml = tex_to_mathml(source[fence:-fence].strip(), display=display)
    if mathml is None:
        return f'<span class="math tex-source">{escape(source, quote=False)}</span>'
    return mathml


def text_to_html(text: str) -> str:
    """Escaped plain text with every `$...$` and `$$...$$` span rendered as inline MathML (titles,
    excerpts: one line, where a block would break the line)."""
    parts = []
    last = 0
    for match in _MATH.finditer(text):
        parts.append(escape(text[last : match.start()], quote=False))
        parts.append(math_html(match.group(0)))
        last = match.end()
    parts.append(escape(text[last:], quote=False))
    return "".join(parts)
