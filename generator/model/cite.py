"""Citations: a paper as BibTeX and as the Highwire Press / JSON-LD metadata readers' tools look for.

Pure functions of an entry's fields; the site model stores their results.

BibTeX out is written for BibTeX and biblatex alike: TeX's special characters
escaped outside math, capitals that must stay capitals in braces (`{CacheGen}`,
`{LLMs}`), each author as `Last, First` (the family name the source gave when it
gave one, else the last word after any `von` part), `year` and `month` only as
far as the publication date is known, the arXiv fields (`eprint`,
`archivePrefix`, `primaryClass`), `doi`, and the venue as `journal` or
`booktitle`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from anyascii import anyascii

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Math as written: BibTeX passes it to TeX untouched.
_MATH = re.compile(r"((?<!\\)\$[^$]*\$)")
_SPECIAL = re.compile(r"[\\&%#_$~^{}]")
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "{": r"\{",
    "}": r"\}",
}
# A word whose capitals a style must not lower has a capital after its first character (CacheGen, LLMs, GPT-4).
_CAPITAL = re.compile("[A-Z]")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# Venues that are proceedings rather than journals.
_PROCEEDINGS = re.compile(r"\b(?:proceedings|proc\.|conference|workshop|symposium|meeting|congress)\b", re.IGNORECASE)


# A word with a capital after its first character, then the punctuation that ends it (as `_protect` cuts it).
_CAPITALISED = re.compile(r"(?<!\S)(\S\S*?[A-Z]\S*?)([:;,.!?]*)(?!\S)")


def escape(text: str, *, capitals: bool = False) -> str:
    """Text as BibTeX field content: special characters escaped outside `$...$` math (kept as
    written). With `capitals`, each word with a capital after its first letter, or with math,
    is braced (`{CacheGen}:`, `{PixArt-$\\alpha$}:`) so that styles that lower-case titles keep it."""
    if not capitals:
        return _escape(text)
    if "$" not in text:
        # Text without math, most titles, in two passes instead of Python code per word: escaping adds
        # no capital, space or end punctuation, so the words to brace are found after it. Every paper
        # page shows its BibTeX: 8 µs a title instead of 38 (10,000 real-shaped titles), 0.3 s of CPU
        # of a full build's 20. Equivalence with the word-by-word `_protect`: tests/test_cite.py.
        return _CAPITALISED.sub(r"{\1}\2", _escape(text))
    return "".join(_protect(token) for token in re.split(r"(\s+)", text))


def _escape(text: str) -> str:
    parts = _MATH.split(text)
    return "".join(part if i % 2 else _SPECIAL.sub(_escaped, part) for i, part in enumerate(parts))


def _escaped(match: re.Match[str]) -> str:
    return _ESCAPES[match.group(0)]


def _protect(token: str) -> str:
    core = token.rstrip(":;,.!?")
    if not core or not (_CAPITAL.search("".join(_MATH.split(core)[::2]), 1) or _MATH.search(core)):
        return _escape(token)
    return "{" + _escape(core) + "}" + _escape(token[len(core) :])


def split_name(name: str, surnames: Sequence[str] = ()) -> tuple[str, str, str]:
    """(family, given, suffix) of an author: by a family name from `surnames` that ends the name,
    else the last word with any lower-case `von` words before it (`Jean de la Fontaine`)."""
    for family in surnames:
        if name == family:
            return family, "", ""
        if name.endswith(" " + family):
            return family, name[: -len(family) - 1].strip(), ""
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix = words.pop()
    if len(words) < 2:
        return " ".join(words), "", suffix
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start]), suffix


def bibtex_name(name: str, surnames: Sequence[str] = ()) -> str:
    """An author as BibTeX reads names best: `Last, First`, `Last, Jr., First`, or `{Organisation Name}`."""
    family, given, suffix = split_name(name, surnames)
    if not given:
        return "{" + escape(family) + "}" if " " in family else escape(family)
    return ", ".join(escape(part) for part in (family, suffix, given) if part)


def cite_key(slug: str, authors: Sequence[str], year: int | None, surnames: Sequence[str] = ()) -> str:
    """`lastname2024firstword`, ASCII only; the slug's first words when there are no authors, and no year
    when the publication year is not known."""
    shown = str(year) if year else ""
    words = [w for w in slug.split("-") if w not in {"a", "an", "the", "on", "of", "for", "and", "to", "in"}]
    if not authors:
        return "_".join(words[:3] or [slug]) + shown
    family = split_name(authors[0], surnames)[0]
    last = re.sub(r"[^a-z]", "", anyascii(family).lower()) or "anon"
    return f"{last}{shown}{words[0] if words else ''}"


def format_bibtex(
    *,
    slug: str,
    title: str,
    authors: Sequence[str],
    date: dt.date | None,
    url: str,
    precision: str = "day",
    surnames: Sequence[str] = (),
    arxiv: str = "",
    doi: str = "",
    journal_ref: str = "",
    categories: Sequence[str] = (),
) -> str:
    """A BibTeX entry. `@misc` with eprint fields for arXiv papers (a venue as `note`), `@article`
    or `@inproceedings` for a paper with a venue, else `@misc`. `date` is the publication date at
    `precision` (`year`, `month`, `day`): `month` is written for a month or a day, and neither
    `year` nor `month` when `date` is None."""
    kind = "misc"
    if journal_ref and not arxiv:
        kind = "inproceedings" if _PROCEEDINGS.search(journal_ref) else "article"
    fields: list[tuple[str, str]] = [("title", "{" + escape(title, capitals=True) + "}")]
    if authors:
        fields.append(("author", "{" + " and ".join(bibtex_name(a, surnames) for a in authors) + "}"))
    if journal_ref:
        venue = {"misc": "note", "article": "journal", "inproceedings": "booktitle"}[kind]
        fields.append((venue, "{" + escape(journal_ref, capitals=True) + "}"))
    if date is not None:
        fields.append(("year", "{" + str(date.year) + "}"))
        if precision in ("month", "day"):
            fields.append(("month", MONTH_MACROS[date.month - 1]))  # a macro, written without braces
    if arxiv:
        fields += [("eprint", "{" + escape(arxiv) + "}"), ("archivePrefix", "{arXiv}")]
        if categories:
            fields.append(("primaryClass", "{" + escape(categories[0]) + "}"))
    if doi:
        fields.append(("doi", "{" + _verbatim(doi) + "}"))
    fields.append(("url", "{" + _verbatim(url) + "}"))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name:<{width}} = {value}" for name, value in fields)
    key = cite_key(slug, authors, date.year if date else None, surnames)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def _verbatim(text: str) -> str:
    # Styles read `url` and `doi` verbatim (\url, \doi): escaping would change them; only braces and
    # backslashes, which would end or break the field, are percent-encoded.
    return text.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
