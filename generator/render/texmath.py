"""Inline TeX -> MathML at build time, so math shows in every browser without JavaScript.

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
_MATH = re.compile(MATH_RE)

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


@lru_cache(maxsize=65536)
def tex_to_mathml(tex: str) -> str | None:
    """Inline MathML for a TeX expression (without its `$`), or None when it cannot be converted."""
    convert = lazy.latex2mathml_convert()  # only pages that show math need it
    try:
        raw = convert(tex)
        root = ET.fromstring(_BARE_AMP.sub("&amp;", raw))
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds of error on bad TeX
        return None
    cleaned = _clean(root)
    if cleaned is None:
        return None
    cleaned.set("alttext", tex)
    return ET.tostring(cleaned, encoding="unicode", short_empty_elements=False)


def math_html(tex_with_dollars: str) -> str:
    """HTML for one `$...$` span: MathML, or the escaped source when it does not convert."""
    mathml = tex_to_mathml(tex_with_dollars[1:-1])
    if mathml is None:
        return f'<span class="math tex-source">{escape(tex_with_dollars, quote=False)}</span>'
    return mathml


def text_to_html(text: str) -> str:
    """Escaped plain text with every `$...$` span rendered as MathML (titles, excerpts)."""
    parts = []
    last = 0
    for match in _MATH.finditer(text):
        parts.append(escape(text[last : match.start()], quote=False))
        parts.append(math_html(match.group(0)))
        last = match.end()
    parts.append(escape(text[last:], quote=False))
    return "".join(parts)
