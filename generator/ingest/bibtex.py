"""Parser for BibTeX and biblatex (`@article`, `@inproceedings`, `@online`, ...), via bibtexparser.

Every text field goes through `tex.detex` (braces, accents and escapes resolved,
math kept). Authors are split by BibTeX's own name rules (`Del Maestro, Adrian`,
`Ludwig van Beethoven`, `{World Health Organization}`), shown as `First Last`, and
family names of more than one word are kept in `surnames`. A `subtitle` joins
the title after a colon; a `crossref` parent lends the fields a child lacks.

Identity: the arXiv id comes from `eprint` (with `archivePrefix` or `eprinttype`
arXiv, or none), `arxivid`, an arXiv DOI, `journal = {arXiv preprint
arXiv:...}`, CoRR's `volume = {abs/...}`, an `arXiv:` id in `note`,
`howpublished` or `number`, or an arxiv.org URL in `url`, `pdf` or `file`; the
DOI is kept normalised. The publication date is biblatex `date` (a range's
start) or `year` with `month`, at their precision; else the month of the arXiv
id. A date that is not one is dropped with a note; the entry still goes in.

`keywords` become keywords, not tags: a bibliography's keywords are its author's
or its reference manager's (Zotero writes its automatic tags there), and reach
the site's tags only through the taxonomy. An entry without a title, and a
broken entry, are reported with their line; the others still go in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry

from ..errors import Problem
from ..ids import is_http_url
from ..model.records import (
    Paper,
    Published,
    Source,
    arxiv_from_doi,
    arxiv_id,
    arxiv_links,
    find_arxiv_id,
    normalize_doi,
)
from .base import ParseOptions, ParseResult, Record, add_url, links_from_text, publication, quoted, split_words
from .dates import from_arxiv_id, from_parts, parse_published
from .tex import detex

NAME = "bibtex"
DESCRIPTION = "BibTeX or biblatex (.bib)"

# Spaces before `@` but not newlines: `^\s*` rescans a run of blank lines from each of its lines (quadratic).
_ENTRY = re.compile(r"^[^\S\n]*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
# Blocks that are not papers: BibTeX's commands, biblatex's sets of other entries and data containers.
_SKIP_TYPES = {"comment", "preamble", "string", "set", "xdata"}
_GROUPS = {"set", "xdata"}
# Fields that may name an arXiv id among other text.
_ARXIV_MENTIONS = ("journal", "journaltitle", "note", "howpublished", "number", "url", "pdf", "file", "addendum")
# A venue that only says "a preprint on arXiv" is no venue.
_NOT_A_VENUE = re.compile(r"(?:arxiv(?: preprint| e-prints)?|corr|preprint|e-?print)?[\s.,:]*", re.IGNORECASE)
# What a crossref child never takes from its parent (biblatex's inheritance, simplified).
_NOT_INHERITED = {"title", "subtitle", "shorttitle", "indextitle", "sorttitle", "ids", "crossref", "xref", "entryset"}
# bibtexparser logs every failed block; paperfeed reports them itself, with file and line.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def detect(text: str) -> bool:
    return _ENTRY.search(text[:20000]) is not None


def _line(start_line: int | None) -> int:
    """A block's 1-based line; 0 (unknown) when bibtexparser gives none."""
    return 0 if start_line is None else start_line + 1


def parse(text: str, name: str, options: ParseOptions) -> ParseResult:
    library = bibtexparser.parse_string(text)
    result = ParseResult()
    entries: list[tuple[Entry, bool]] = [(entry, False) for entry in library.entries]
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            entries.append((block.ignore_error_block, True))  # a second entry under a key is still a record
            continue
        error = getattr(block, "error", None)
        reason = " ".join(str(getattr(error, "abort_reason", "") or error or "unparseable entry").split())
        result.problems.append(Problem(name, f"invalid BibTeX entry: {reason}; skipped", line=_line(block.start_line)))
    parents = {entry.key.lower(): _fields(entry, raw=False) for entry, _ in entries}
    entries.sort(key=lambda item: item[0].start_line or 0)
    for entry, duplicate in entries:
        kind = entry.entry_type.lower()
        if kind in _SKIP_TYPES:
            if kind in _GROUPS:  # an entry a reader may count: say why it is no paper
                what = f"@{kind} entry {entry.key!r} groups other entries, which are read one by one"
                result.notes.append(Problem(name, f"{what}; it is not a paper", line=_line(entry.start_line)))
            continue
        fields = _fields(entry, raw=duplicate)
        parent = parents.get((fields.get("crossref") or fields.get("xref") or "").strip().lower())
        if parent:
            fields = _inherit(fields, parent)
        line = _line(entry.start_line)
        if duplicate:
            note = f"entry key {entry.key!r} is used twice; this entry is read as well"
            result.notes.append(Problem(name, note, line=line))
        result.add_record(_paper(entry.key, fields, name, line, options))
    return result


def _fields(entry: Entry, *, raw: bool) -> dict[str, str]:
    """An entry's fields by lower-case name; `raw` (an entry bibtexparser did not finish) loses its outer braces."""
    fields = {f.key.lower(): str(f.value) for f in entry.fields}
    if raw:
        fields = {k: v[1:-1] if v[:1] + v[-1:] in ("{}", '""') else v for k, v in fields.items()}
    return fields


def _inherit(fields: dict[str, str], parent: Mapping[str, str]) -> dict[str, str]:
    """A crossref child's fields with what its parent adds: the parent's title as the `booktitle`."""
    merged = dict(fields)
    for key, value in parent.items():
        if key not in _NOT_INHERITED:
            merged.setdefault(key, value)
    if "title" in parent:
        merged.setdefault("booktitle", parent["title"])
    return merged


def _paper(key: str, fields: Mapping[str, str], name: str, line: int, options: ParseOptions) -> Record:
    title = detex(fields.get("title", ""))
    subtitle = detex(fields.get("subtitle", ""))
    if not title:
        return Record(None, Problem(name, f"entry {key!r} has no title; skipped", line=line))
    if subtitle:
        title = f"{title.rstrip(':')}: {subtitle}"
    abstract = detex(fields.get("abstract", ""))
    doi = normalize_doi(fields.get("doi", ""))
    identifier = _arxiv(fields, doi)
    links = links_from_text(abstract)
    url = fields.get("url", "").strip()
    if is_http_url(url):
        doi = add_url(url, links, doi)
    if doi:
        links["doi"] = f"https://doi.org/{doi}"
    if identifier:
        links = {**arxiv_links(identifier), **links}
    published, notes = _published(fields, title, name, line)
    authors, surnames = _people(fields.get("author", ""))
    primary = fields.get("primaryclass") or fields.get("eprintclass") or ""
    date = options.date or options.today
    paper = Paper(
        title=title,
        abstract=abstract,
        date=date,
        line=line,
        sources=(Source(options.source_name or name, date),),
        links=links,
        authors=authors,
        surnames=surnames,
        keywords=split_words(detex(fields.get("keywords", ""))),
        arxiv=identifier,
        doi=doi,
        categories=(primary.strip(),) if primary.strip() else (),
        dated=False,  # a bibliography says when a paper was published, not when it was seen
        journal_ref=_venue(fields),
        **publication(published or from_arxiv_id(identifier)),
    )
    return Record(paper, notes=notes)


def _arxiv(fields: Mapping[str, str], doi: str) -> str:
    """The arXiv id an entry names, in whichever field it does."""
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").strip().lower()
    for key in ("eprint", "arxivid", "arxiv"):
        if fields.get(key) and (key != "eprint" or prefix == "arxiv"):
            identifier = arxiv_id(fields[key]) or find_arxiv_id(fields[key])
            if identifier:
                return identifier
    identifier = arxiv_from_doi(doi)
    if not identifier and (fields.get("journal") or fields.get("journaltitle", "")).strip().lower() == "corr":
        identifier = arxiv_id(fields.get("volume", "").strip().removeprefix("abs/"))
    return identifier or next(filter(None, (find_arxiv_id(fields.get(key, "")) for key in _ARXIV_MENTIONS)), "")


def _published(
    fields: Mapping[str, str], title: str, name: str, line: int
) -> tuple[Published | None, tuple[Problem, ...]]:
    """The publication date: biblatex `date`, else `year` and `month`; notes on what is not a date."""
    notes: list[Problem] = []
    for key in ("date", "year"):
        raw = fields.get(key, "").strip()
        if not raw:
            continue
        value = parse_published(raw) if key == "date" else from_parts(raw, fields.get("month", ""))
        if key == "year" and value is None and from_parts(raw) is not None:
            value = from_parts(raw)  # a month that is not one costs the month, not the year
            message = f"entry {quoted(title)}: month {quoted(fields.get('month', ''))} is not a month; kept the year"
            notes.append(Problem(name, message, line=line))
        if value is not None:
            return value, tuple(notes)
        message = f"entry {quoted(title)}: {key} {quoted(raw)} is not a date; kept without it"
        notes.append(Problem(name, message, line=line))
    return None, tuple(notes)


def _people(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Author names as shown (`First von Last Jr.`), and the family names of more than one word."""
    names: list[str] = []
    surnames: list[str] = []
    for raw in split_multiple_persons_names(value) if value.strip() else []:
        parts = parse_single_name_into_parts(raw, strict=False)
        family = detex(" ".join(parts.von + parts.last))
        shown = detex(" ".join(parts.first + parts.von + parts.last + parts.jr))
        if not shown or shown.lower() == "others":
            continue
        names.append(shown)
        if " " in family and family not in surnames:
            surnames.append(family)
    return tuple(names), tuple(surnames)


def _venue(fields: Mapping[str, str]) -> str:
    """The journal or proceedings a paper appeared in; '' for `arXiv preprint arXiv:...` and the like."""
    venue = detex(fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or "")
    without_id = re.sub(r"\babs/\S+|arxiv:\s*\S+", "", venue, flags=re.IGNORECASE)
    return "" if _NOT_A_VENUE.fullmatch(without_id) else venue
