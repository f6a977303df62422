"""Math for readers without MathML: TeX as readable text, and MathML whose text reads as math.

Feeds reach readers that render MathML and readers that strip every tag
(newsboat, mail digests, the text view of most web readers); stripped
MathML loses its layout, so `$\\epsilon < 10^{-3}$` reads `ϵ<10−3`, "ten
minus three". Input: text with `$...$` spans (feed titles and summaries, tab titles), and
the MathML `texmath` makes for bodies. Output:

- `plain_math`: text with every span as Unicode (`ϵ < 10⁻³`, `PixArt-α`,
  `𝒪(n log n)`, `(a+b)/2`), for fields that hold plain text only.
- `readable_mathml`: the same MathML with hidden marks added, so that its
  text, tags stripped, reads `ϵ < 10^−3`. A mark is a `<semantics>` whose
  first child is an empty `<mrow>` and whose `<annotation>` holds the text:
  MathML renders only the first child of `<semantics>`, and an empty row is
  "space-like", which operator spacing ignores, so the rendering is the same
  pixel for pixel (checked in Chromium).

Both come from one walk over the MathML that latex2mathml makes, so the TeX
is parsed in one place (`texmath.tex_to_mathml`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from .texmath import ANY_MATH_RE, tex_to_mathml

_MATH = re.compile(ANY_MATH_RE)
_MATH_ELEMENT = re.compile(r"<math\b[^>]*>.*?</math>", re.DOTALL)

_TOKENS = {"mi", "mn", "mo", "mtext", "ms"}
_ROWS = {"math", "mrow", "mstyle", "msqrt", "mtd", "mpadded", "menclose", "merror", "mphantom"}
_RELATIONS = set("=<>≤≥≠≈∼≃≅≡≪≫∝∈∉∋⊂⊆⊃⊇⊊→←↔⇒⇐⇔↦⟶⟹≔≲≳") | {":=", "<=", ">="}
_PRIMES = set("′″‴'")
_DECORATIONS = {"⏟", "⏞", "︸", "︷", "_", "‾"}  # under- and overbraces and lines: no mark, they show
_ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0304", "―": "\u0305",
            "˙": "\u0307", "¨": "\u0308", "→": "\u20d7", "⃗": "\u20d7"}  # fmt: skip
# Unicode's super- and subscript characters, less those few fonts draw (superscript c, f, z, most capitals).
_SUPERSCRIPTS = dict(zip("0123456789+-−=()abdeghijklmnoprstuvwxyT⊤", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᵈᵉᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᵀᵀ"))
_SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SCRIPTED = {"msup", "msub", "msubsup", "munder", "mover", "munderover"}
# A script that reads unambiguously without parentheses: one character, or a signed number or word.
_SIMPLE = re.compile(r".|[−+-]?[^\W_]+")


def plain_math(text: str) -> str:
    """`text` with every `$...$` and `$$...$$` span as readable Unicode; a span TeX cannot parse
    stays as written."""
    if "$" not in text:
        return text
    return _MATH.sub(lambda m: _plain_span(m.group(1) or m.group(2)) or m.group(0), text)


def readable_mathml(html: str) -> str:
    """`html` with hidden marks in each MathML element, so that its text reads as linear math."""
    if "<math" not in html:
        return html
    return _MATH_ELEMENT.sub(lambda m: _marked(m.group(0)), html)


@lru_cache(maxsize=16384)
def _plain_span(tex: str) -> str:
    mathml = tex_to_mathml(tex)
    if mathml is None:
        return ""
    tree = _walk(ET.fromstring(mathml), plain=True, script=False)
    return " ".join("".join(tree.itertext()).split())


@lru_cache(maxsize=16384)
def _marked(mathml: str) -> str:
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError:
        return mathml  # texmath writes well-formed XML; anything else is passed on as it came
    return ET.tostring(_walk(root, plain=False, script=False), encoding="unicode", short_empty_elements=False)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element(tag: str, children: list[ET.Element], attrib: dict[str, str] | None = None) -> ET.Element:
    out = ET.Element(tag, attrib or {})
    out.extend(children)
    return out


def _mark(text: str) -> ET.Element:
    """Text that readers stripping tags see and MathML renderers do not, between two elements."""
    return _element("semantics", [ET.Element("mrow"), _note(text)])


def _note(text: str) -> ET.Element:
    note = ET.Element("annotation", {"encoding": "text/plain"})
    note.text = text
    return note


def _text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def _walk(element: ET.Element, *, plain: bool, script: bool) -> ET.Element:
    """A copy of `element` with marks that make its text read as math (see the module docstring).

    `plain` makes text for plain fields: scripts in Unicode where it has them, accents combined.
    `script` is set inside sub- and superscripts, which read best unspaced (`x_(i=1)`).
    """
    tag = _local(element.tag)
    attrib = {k: v for k, v in element.attrib.items() if not k.startswith("{")}
    if tag == "math":
        attrib = {"xmlns": element.get("xmlns", "http://www.w3.org/1998/Math/MathML"), **attrib}
    if tag in _TOKENS or tag == "annotation":
        out = ET.Element(tag, attrib)
        out.text = element.text
        return out
    if tag == "mphantom" and plain:
        return ET.Element("mrow")  # `\phantom{x}` takes room and shows nothing
    kids = [_walk(child, plain=plain, script=script or tag not in _ROWS | {"mtable", "mtr", "mfrac"})
            for child in element]  # fmt: skip
    if tag in _ROWS:
        return _element(tag, _row(tag, [_local(child.tag) for child in element], kids, script=script), attrib)
    if tag == "mtable":
        return _element(tag, _table(kids), attrib)
    if tag == "mfrac" and len(kids) == 2:
        op = " choose " if attrib.get("linethickness") in ("0", "0pt", "0px") else "/"  # \binom{n}{k}
        return _element(tag, _linear(kids, [op], [_needs_parens(kid) for kid in kids]), attrib)
    if tag == "mroot" and len(kids) == 2:  # (x)^(1/3)
        base, index = _linear(kids, ["^(1/"], [True, False])
        return _element(tag, [base, _after(index, ")")], attrib)
    scripts = {"msup": "^", "msub": "_", "msubsup": "_^", "munder": "_", "mover": "^", "munderover": "_^"}
    if tag in scripts and len(kids) == len(scripts[tag]) + 1:
        return _scripted(tag, kids, scripts[tag], attrib, plain=plain)
    return _element(tag, kids, attrib)


def _row(tag: str, kinds: list[str], kids: list[ET.Element], *, script: bool) -> list[ET.Element]:
    """A row's children (`kinds`: their tags before the walk) with spaces around relations, after
    commas and scripted terms (`x_i y`), and around names (`n log n`)."""
    if tag == "msqrt":
        simple = len(kids) == 1 and _SIMPLE.fullmatch(_text(kids[0])) is not None
        return [_mark("√" if simple else "√("), *kids, *([] if simple else [_mark(")")])]
    out: list[ET.Element] = []
    for i, kid in enumerate(kids):
        kind, text = kinds[i], _text(kid)
        operand_before = i > 0 and kinds[i - 1] not in ("mo", "mspace")
        operand_after = i < len(kids) - 1 and kinds[i + 1] not in ("mo", "mspace")
        relation = kind == "mo" and text in _RELATIONS and not script
        name = kind in ("mi", "mo") and len(text) > 1 and text.isalpha()
        if (relation and i > 0) or (name and operand_before):
            _space(out)
        out.append(kid)
        comma = kind == "mo" and text == "," and not script
        term = (name or kind in _SCRIPTED) and operand_after
        if i < len(kids) - 1 and (relation or comma or kind == "mspace" or term):
            _space(out)
    return out


def _space(out: list[ET.Element]) -> None:
    """A space mark after `out`, unless it ends in one."""
    if not out or _local(out[-1].tag) != "semantics" or _text(out[-1]) != "":
        out.append(_mark(" "))


def _table(rows: list[ET.Element]) -> list[ET.Element]:
    """Rows of a matrix read as `a, b; c, d`."""
    for r, row in enumerate(rows):
        cells = list(row)
        for c, cell in enumerate(cells):
            if c < len(cells) - 1:
                cell.append(_mark(", "))
            elif r < len(rows) - 1:
                cell.append(_mark("; "))
    return rows


def _needs_parens(element: ET.Element) -> bool:
    """Whether `element` reads ambiguously in linear text without parentheses (`x^n+1`)."""
    return _SIMPLE.fullmatch(_text(element)) is None


def _linear(parts: list[ET.Element], ops: list[str], parens: list[bool]) -> list[ET.Element]:
    """`parts` marked to read `part op part op part`, each part in parentheses where `parens` says.

    Marks go after a part (or first into a row), never around a lone operator: `<mrow><mo>`
    lays out unlike `<mo>`.
    """
    out = [_before(parts[0], "(") if parens[0] else parts[0], *parts[1:]]
    for i in range(1, len(out)):
        text = (")" if parens[i - 1] else "") + ops[i - 1] + ("(" if parens[i] else "")
        if text:
            out[i - 1] = _after(out[i - 1], text)
    if parens[-1]:
        out[-1] = _after(out[-1], ")")
    return out


def _after(element: ET.Element, text: str) -> ET.Element:
    """`element` with a mark after it: the last child of a row, or an annotation of anything else."""
    if _local(element.tag) in _ROWS:
        element.append(_mark(text))
        return element
    return _element("semantics", [element, _note(text)])


def _before(element: ET.Element, text: str) -> ET.Element:
    """`element` with a mark before it: the first child of a row, or in a row after the mark."""
    if _local(element.tag) in _ROWS:
        element.insert(0, _mark(text))
        return element
    return _element("mrow", [_mark(text), element])


def _scripted(tag: str, kids: list[ET.Element], ops: str, attrib: dict[str, str], *, plain: bool) -> ET.Element:
    """Sub- and superscripts (and under- and overscripts) read as `x_i^2`, or `xᵢ²` in plain text."""
    base, scripts = kids[0], kids[1:]
    decoration = _text(scripts[0])
    if tag in ("mover", "munder") and (
        "true" in (attrib.get("accent"), attrib.get("accentunder")) or decoration in _ACCENTS.keys() | _DECORATIONS
    ):
        accent = _ACCENTS.get(decoration) if tag == "mover" else None
        base_text = _text(base)
        if plain and accent and len(base_text) == 1:
            return _token(base_text + accent)
        return _element(tag, kids, attrib)  # x̂ reads `x^` as text: close enough, and no mark could do better
    if plain:
        converted = [_unicode(_text(s), op) for s, op in zip(scripts, ops)]
        if all(c is not None for c in converted):
            return _element("mrow", [base, _token("".join(c or "" for c in converted))])
    primes = [_PRIMES.issuperset(_text(s)) for s in scripts]  # f′ needs no caret
    marks = ["" if prime else op for prime, op in zip(primes, ops)]
    parens = [False, *(not prime and _needs_parens(s) for s, prime in zip(scripts, primes))]
    return _element(tag, _linear(kids, marks, parens), attrib)


def _unicode(text: str, op: str) -> str | None:
    """A script in Unicode super- or subscript characters, or None when some character has none."""
    if op == "^" and _PRIMES.issuperset(text):
        return text
    table = _SUPERSCRIPTS if op == "^" else _SUBSCRIPTS
    if not text or any(ch not in table for ch in text):
        return None
    return "".join(table[ch] for ch in text)


def _token(text: str) -> ET.Element:
    out = ET.Element("mtext")
    out.text = text
    return out
