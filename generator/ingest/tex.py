"""TeX in metadata: the one conversion of every text field of every source to plain text.

Input: a title, abstract, author name, venue or comment as a source wrote it,
often with TeX in it (`M{\\"u}ller`, `10\\%`, `{\\em persistent homology}`,
`3--5 days`). Output: the text a reader should see (`Müller`, `10%`,
`persistent homology`, `3–5 days`), on one line. Kept as written, because
the site renders or shows them as they are:

- math: `$...$` and `$$...$$`;
- sub- and superscripts outside math (`1^{+1.39}_{-0.59}`);
- URLs (a `~` in a URL is a path, not a space) and the URL of `\\url{...}`;
- macros TeX does not define, such as a paper's own `\\mymethodname` (dropping
  them would leave a hole in the sentence); a group after one is kept as text.

Metadata is not a TeX document, so two characters keep their plain meaning:
`%` is a per cent sign, never a comment, and a `~` after a space (`~10x`)
means "about"; only a `~` between two words is TeX's unbreakable space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
from pylatexenc.latex2text import get_default_latex_context_db as text_context
from pylatexenc.latexwalker import LatexWalker
from pylatexenc.latexwalker import get_default_latex_context_db as walker_context
from pylatexenc.macrospec import LatexContextDb, MacroSpec

from ..model.records import clean_text

# Kept as written: math, URLs, and sub/superscript groups outside math. Each alternative stops at
# the next `$`, brace or space, so splitting is linear in the text.
_KEPT = re.compile(
    r"((?<!\\)\$\$[^$]*\$\$"
    r"|(?<!\\)\$(?:[^$\\]|\\.)*\$"
    r"|\\url\{[^{}]*\}"
    r"|https?://[^\s{}<>\"\\]+"
    r"|(?<!\\)[\^_]\{[^{}$]*\})",
    re.DOTALL,
)
# Text with none of these is already plain.
_TEX = re.compile(r"[\\{}~]|--|``|''")
_PERCENT = re.compile(r"(?<!\\)%")
# Macros that join words, and so take the spaces after them (`methodology\\hyphen independent`, a line
# break in a .bib file); any other macro keeps them (`\\Delta and`: metadata is not TeX).
_JOINERS = re.compile(r"\\(hyphen|slash|nobreakdash)\s+")
_HREF = re.compile(r"\\href\{[^{}]*\}\{([^{}]*)\}")

# Macros that metadata uses and pylatexenc does not know, or would drop (`\texttt`), by the
# argument spec the walker needs and the text they give.
_MACROS = (
    ("texttt", "{", "%(1)s"),
    ("textsc", "{", "%(1)s"),
    ("textsf", "{", "%(1)s"),
    ("textrm", "{", "%(1)s"),
    ("textup", "{", "%(1)s"),
    ("textmd", "{", "%(1)s"),
    ("textnormal", "{", "%(1)s"),
    ("mkbibquote", "{", "“%(1)s”"),
    ("enquote", "*{", "“%(2)s”"),
    ("mkbibemph", "{", "%(1)s"),
    ("hyphen", "", "-"),
    ("slash", "", "/"),
    ("textasciitilde", "", "~"),
    ("nobreakdash", "", ""),
    ("ie", "", "i.e."),
    ("eg", "", "e.g."),
    ("etal", "", "et al."),
    # A citation keeps its key, where pylatexenc would write `<cit.>`.
    *((name, "*[[{", "[%(4)s]") for name in ("cite", "citep", "citet", "citealp", "citeauthor", "citeyear")),
    *((name, "*[[{", "[%(4)s]") for name in ("parencite", "textcite", "autocite", "footcite")),
    # Font switches (`{\\it word}`, `{\\sc Name}`) change no text.
    *((name, "", "") for name in ("it", "bf", "em", "sc", "rm", "sl", "sf", "tt", "normalfont", "upshape")),
    *((name, "", "") for name in ("itshape", "bfseries", "scshape", "slshape", "mdseries", "sffamily", "ttfamily")),
)


def _unknown_macro(node: object) -> str:
    # A macro TeX does not define: kept as written, unless a group follows (`\foo{bar}`), whose text stays.
    state = node.parsing_state  # type: ignore[attr-defined]
    end = node.pos + node.len  # type: ignore[attr-defined]
    if state.s[end : end + 1] == "{":
        return ""
    return "\\" + node.macroname + node.macro_post_space  # type: ignore[attr-defined]


def _contexts() -> tuple[LatexContextDb, LatexContextDb]:
    walker = walker_context()
    walker.add_context_category("paperfeed", prepend=True, macros=[MacroSpec(name, args) for name, args, _ in _MACROS])
    text = text_context()
    text.add_context_category(
        "paperfeed", prepend=True, macros=[MacroTextSpec(name, simplify_repl=repl) for name, _, repl in _MACROS]
    )
    text.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))
    return walker, text


_WALKER_CONTEXT, _TEXT_CONTEXT = _contexts()
# Spaces as the source has them: a space after a macro (`\\Delta and`) is the writer's.
_TO_TEXT = LatexNodes2Text(latex_context=_TEXT_CONTEXT, math_mode="verbatim", strict_latex_spaces="based-on-source")


def detex(text: str) -> str:
    """`{PixArt}-$\\alpha$ by M{\\"u}ller, 10\\% in 3--5 days` -> `PixArt-$\\alpha$ by Müller, 10% in 3–5 days`.

    Whitespace, line breaks included, becomes single spaces. Each run of text between spaces
    (outside braces) converts on its own, so that most text never reaches the TeX parser.
    """
    if not _TEX.search(text):
        return clean_text(text)
    out = []
    for i, part in enumerate(_KEPT.split(_JOINERS.sub(r"\\\1{}", _HREF.sub(r"\1", text)))):
        if i % 2:
            out.append(part[5:-1] if part.startswith("\\url{") else part)
            continue
        for j, chunk in enumerate(_chunks(part)):
            # A `~` after a space (or opening the text) means "about"; any other is an unbreakable space.
            loose = j > 0 or i == 0
            out.append(_plain(chunk, loose) if _TEX.search(chunk) else chunk)
    return clean_text("".join(out))


# Before a run of spaces; `\\ ` is a control space, not a cut.
_CUT = re.compile(r"(?=\s)(?<![\s\\])")


def _chunks(part: str) -> list[str]:
    """`part` cut before each run of spaces that is outside braces and brackets (`\\citep[see][p. 3]{key}`):
    each chunk starts with its spaces."""
    tokens = _CUT.split(part)
    if "{" not in part and "[" not in part:
        return tokens
    chunks: list[list[str]] = []
    depth = 0
    for token in tokens:
        if depth > 0:
            chunks[-1].append(token)
        else:
            chunks.append([token])
        depth = max(0, depth + token.count("{") + token.count("[") - token.count("}") - token.count("]"))
    return ["".join(tokens) for tokens in chunks]


# Without a backslash, TeX's only marks are these (what pylatexenc makes of them).
_MARKS = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "~": " ", "{": "", "}": ""}
_MARK = re.compile("---|--|``|''|[~{}]")


def _plain(chunk: str, loose: bool) -> str:
    """One chunk of text as plain text; `loose`: a `~` opening it means "about"."""
    if loose and chunk.lstrip().startswith("~"):
        at = len(chunk) - len(chunk.lstrip())
        return chunk[: at + 1] + _plain(chunk[at + 1 :], False)
    quick = without_parser(chunk)
    return quick if quick is not None else with_parser(chunk)


# Control symbols that need no parser, and what they become. An unmatched math delimiter stays as written.
_SYMBOLS = {"%": "%", "&": "&", "_": "_", "#": "#", "$": "$", ",": " ", " ": " ", "\\": " ", "@": "", "/": "", "-": ""}
_SYMBOLS.update({"(": "\\(", ")": "\\)", "[": "\\[", "]": "\\]"})
# Each accent command and its combining mark: \" diaeresis, \' acute, ... \c cedilla, \d dot below.
_ACCENTS = dict(
    zip("\"'`^~=.uvHckrd", "\u0308\u0301\u0300\u0302\u0303\u0304\u0307\u0306\u030c\u030b\u0327\u0328\u030a\u0323")
)
# A control word's name is letters, as pylatexenc reads it (any letter: `\\alphaé` is one name).
_CONTROL = re.compile(r"(\\(?:[^\W\d_]+|.))", re.DOTALL)
_UNKNOWN = _TEXT_CONTEXT.unknown_macro_spec


@lru_cache(maxsize=4096)
def _argless(name: str) -> str | None:
    """What a macro that takes no arguments becomes: its text (`\\alpha`: α, `\\ss`: ß), itself when
    TeX does not define it (`\\mymethodname`); None for a macro the parser must read (one with arguments)."""
    if not name.isascii() or _WALKER_CONTEXT.get_macro_spec(name) is not None:
        return None
    spec = _TEXT_CONTEXT.get_macro_spec(name)
    if spec is _UNKNOWN:
        return "\\" + name
    repl = getattr(spec, "simplify_repl", None)
    return repl if isinstance(repl, str) and "%" not in repl else None


def _accented(mark: str, parts: list[str], i: int) -> str | None:
    """The letter that the accent `parts[i]` puts `mark` on (`\\"u`, `\\"{u}`, `\\c{c}`, `\\"\\i`, `\\"{\\i}`),
    taken out of the parts after it; None for any other form."""
    after = parts[i + 1]
    dotless = parts[i + 2 : i + 3] in (["\\i"], ["\\j"])  # an accent on a dotless i is on an i
    letter = ""
    if after[:1].isascii() and after[:1].isalpha() and not parts[i][1].isalpha():
        letter, parts[i + 1] = after[0], after[1:]
    elif len(after) >= 3 and after[0] == "{" and after[2] == "}" and after[1].isascii() and after[1].isalpha():
        letter, parts[i + 1] = after[1], after[3:]
    elif after == "" and dotless and not parts[i][1].isalpha():
        letter, parts[i + 2] = parts[i + 2][1], ""
    elif after == "{" and dotless and parts[i + 3][:1] == "}":
        letter, parts[i + 1], parts[i + 2], parts[i + 3] = parts[i + 2][1], "", "", parts[i + 3][1:]
    if not letter:
        return None
    return unicodedata.normalize("NFC", letter + mark)


def without_parser(chunk: str) -> str | None:
    """The text of a chunk whose TeX is only escapes, accents, argument-less macros, braces and
    marks (`--`, `~`, quotes); None when it has more, for `with_parser`. Dense TeX runs at about
    100 KB/s through pylatexenc, and a bibliography is full of accents (`M{\\"u}ller`): this keeps
    the parser to the chunks that need it. Equivalent to `with_parser` on what it takes
    (tests/test_real_sources.py checks it on random text)."""
    parts = _CONTROL.split(chunk)
    for i in range(1, len(parts), 2):
        if not parts[i]:
            continue  # an `\\i` an accent took
        name = parts[i][1:]
        if name in _ACCENTS:
            text = _accented(_ACCENTS[name], parts, i)
        elif len(name) == 1 and not name.isalpha():
            text = _SYMBOLS.get(name)
        else:
            text = _argless(name)
            if text == parts[i] and parts[i + 1][:1] in ("{", "["):
                return None  # a macro TeX does not define, with a group after it
        if text is None:
            return None  # a macro the parser must read
        parts[i] = text
    for i in range(0, len(parts), 2):
        if "\\" in parts[i]:
            return None  # a backslash that ends the text
        parts[i] = _MARK.sub(lambda m: _MARKS[m.group(0)], parts[i])
    return "".join(parts)


# pylatexenc takes about 0.1 ms per group or macro: a chunk with more is not parsed (fuzzed
# inputs with 20,000 nested braces took 2.5 s for 82 KB; real chunks have a handful).
_PARSER_GROUPS = 500


def with_parser(chunk: str) -> str:
    """A chunk of text with TeX through pylatexenc; its braces dropped if pylatexenc fails on it."""
    body = chunk.lstrip()
    space = chunk[: len(chunk) - len(body)]
    if body.count("{") + body.count("\\") > _PARSER_GROUPS:
        return space + body.replace("{", "").replace("}", "")  # no title or name has that many: hostile
    prepared = _PERCENT.sub(r"\\%", body)
    try:
        nodes = LatexWalker(prepared, latex_context=_WALKER_CONTEXT, tolerant_parsing=True).get_latex_nodes()[0]
        return space + str(_TO_TEXT.nodelist_to_text(nodes))
    except Exception:  # noqa: BLE001 - pylatexenc raises assorted errors on odd input (and RecursionError)
        return space + body.replace("{", "").replace("}", "")
