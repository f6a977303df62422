"""Citations: a paper as BibTeX and as the Highwire Press / JSON-LD metadata readers' tools look for.

Pure functions of an entry's fields; the site model stores their results.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from anyascii import anyascii


def _braced(text: str) -> str:
    # BibTeX needs balanced braces; unbalanced ones are dropped rather than break the entry.
    if "{" not in text and "}" not in text:
        return text
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            break
    return text if depth == 0 else text.replace("{", "").replace("}", "")


def cite_key(slug: str, authors: Sequence[str], year: int) -> str:
    """`lastname2024firstword`, ASCII only; the slug when there are no authors."""
    words = [w for w in slug.split("-") if w not in {"a", "an", "the", "on", "of", "for", "and", "to", "in"}]
    if not authors:
        return "_".join(words[:3] or [slug]) + str(year)
    last = re.sub(r"[^a-z]", "", anyascii(authors[0].split()[-1]).lower()) or "anon"
    return f"{last}{year}{words[0] if words else ''}"


def format_bibtex(
    *,
    slug: str,
    title: str,
    authors: Sequence[str],
    date: dt.date,
    url: str,
    arxiv: str = "",
    doi: str = "",
    journal_ref: str = "",
    categories: Sequence[str] = (),
) -> str:
    """A BibTeX entry: `@misc` with eprint fields for arXiv papers, `@article` with a venue, else `@misc`."""
    kind = "article" if journal_ref and not arxiv else "misc"
    fields: list[tuple[str, str]] = [("title", "{" + _braced(title) + "}")]
    if authors:
        fields.append(("author", " and ".join(_braced(a) for a in authors)))
    if journal_ref:
        fields.append(("journal" if kind == "article" else "note", _braced(journal_ref)))
    fields.append(("year", str(date.year)))
    fields.append(("month", "\0" + date.strftime("%b").lower()))  # \0: a macro, written without braces
    if arxiv:
        fields += [("eprint", arxiv), ("archivePrefix", "arXiv")]
        if categories:
            fields.append(("primaryClass", categories[0]))
    if doi:
        fields.append(("doi", _braced(doi)))
    fields.append(("url", url))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(
        f"  {name:<{width}} = {value[1:] if value.startswith(chr(0)) else '{' + value + '}'}" for name, value in fields
    )
    return f"@{kind}{{{cite_key(slug, authors, date.year)},\n{body}\n}}\n"
