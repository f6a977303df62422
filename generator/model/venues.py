"""Venues from journal references: a paper's `journal_ref` → the name of the journal or conference.

Pure text, no I/O. `parse_venue` reads the free text that arXiv's journal_ref
and BibTeX's journal, journaltitle or booktitle hold (`Phys. Rev. D 98,
123456 (2018)`, `Accepted at ICLR 2023`, `Advances in Neural Information
Processing Systems 35 (NeurIPS 2022)`) and names the venue so that papers of
one venue group together, whatever year, volume or spelling they cite:

1. Nothing yet published names no venue: `Submitted to ...`, `Under review`,
   `arXiv preprint arXiv:...`, `CoRR`, a year or a page count alone.
2. A well-known conference or journal of computer science (`KNOWN`) is found
   anywhere in the text by its acronym or its long name, and named by its
   acronym (conferences: `NeurIPS`, `ICLR`) or its full title (journals:
   `Journal of Machine Learning Research`). A workshop (`Workshop on ...`,
   `NUT@EMNLP`) is not its host conference and goes on to the next rule.
3. Otherwise the name is what the text starts with, after a lead-in
   (`Accepted at`, `To appear in`, `In:`, `Proceedings of the 3rd`) and before
   the first volume, issue, page or year (`Phys. Rev. D 98, 123456 (2018)`:
   `Phys. Rev. D`); `JOURNALS` gives some journals one spelling (`Physical
   Review B` is `Phys. Rev. B`).

What the rules cannot know stays as written: an institution or a blog in a
BibTeX journal field is a venue of that name. Two names are one venue when
their slugs are (`venue_slug`: case, accents, punctuation and a leading `The`
do not count).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..ids import tag_slug


@dataclass(frozen=True, slots=True)
class Venue:
    """A venue as one journal reference names it: `text[start:end]` is the part that names it."""

    name: str  # `NeurIPS`, `Phys. Rev. D`, `Journal of Machine Learning Research`
    start: int
    end: int


# Conferences by acronym, journals by full title: (name, acronyms as written, long names in any case).
KNOWN: tuple[tuple[str, str, str], ...] = (
    ("NeurIPS", r"NeurIPS|NIPS|Neurips|NEURIPS", r"(?:Advances in )?Neural Information Processing Systems"),
    ("ICML", r"ICML", r"International Conference on Machine Learning(?!\s*(?:and|&)\s)"),
    ("ICLR", r"ICLR", r"International Conference on Learning Representations"),
    ("CVPR", r"CVPR", r"Computer Vision and Pattern Recognition"),
    ("ICCV", r"ICCV", r"International Conference on Computer Vision"),
    ("ECCV", r"ECCV", r"European Conference on Computer Vision"),
    ("WACV", r"WACV", r"Winter Conference on Applications of Computer Vision"),
    ("ACL", r"ACL", r"Annual Meeting of the Association for Computational Linguistics"),
    ("NAACL", r"NAACL", r"North American Chapter of the Association for Computational Linguistics"),
    ("EACL", r"EACL", r"European Chapter of the Association for Computational Linguistics"),
    ("AACL", r"AACL", r"Asia-Pacific Chapter of the Association for Computational Linguistics"),
    ("EMNLP", r"EMNLP", r"Empirical Methods in Natural Language Processing"),
    ("COLING", r"COLING", r"International Conference on Computational Linguistics"),
    ("CoNLL", r"CoNLL|CONLL", r"Conference on Computational Natural Language Learning"),
    ("LREC", r"LREC", r"Conference on Language Resources and Evaluation|Language Resources and Evaluation Conference"),
    ("AAAI", r"AAAI", r"AAAI Conference on Artificial Intelligence|National Conference on Artificial Intelligence"),
    ("IJCAI", r"IJCAI", r"International Joint Conference on Artificial Intelligence"),
    ("UAI", r"UAI", r"Conference on Uncertainty in Artificial Intelligence"),
    ("AISTATS", r"AISTATS", r"Conference on Artificial Intelligence and Statistics"),
    ("COLT", r"COLT", r"Conference on Learning Theory"),
    ("KDD", r"KDD|SIGKDD", r"(?<!Pacific-Asia )Conference on Knowledge Discovery (?:and|&) Data Mining"),
    ("SIGIR", r"SIGIR", r"Conference on Research and Development in Information Retrieval"),
    ("WWW", r"WWW", r"The Web Conference|World Wide Web Conference"),
    ("CHI", r"CHI", r"Conference on Human Factors in Computing Systems"),
    ("ICRA", r"ICRA", r"International Conference on Robotics and Automation"),
    ("IROS", r"IROS", r"Conference on Intelligent Robots and Systems"),
    ("CoRL", r"CoRL", r"Conference on Robot Learning"),
    ("Interspeech", r"Interspeech|INTERSPEECH", ""),
    ("ICASSP", r"ICASSP", r"Conference on Acoustics,? Speech,? and Signal Processing"),
    ("MICCAI", r"MICCAI", r"Medical Image Computing and Computer[- ]Assisted Intervention"),
    ("MLSys", r"MLSys", r"Conference on Machine Learning and Systems"),
    ("SIGGRAPH Asia", r"SIGGRAPH Asia", ""),
    ("SIGGRAPH", r"SIGGRAPH", ""),
    ("SIGCOMM", r"SIGCOMM(?! Computer Communication Review)", ""),
    ("OSDI", r"OSDI", r"Symposium on Operating Systems Design and Implementation"),
    ("SOSP", r"SOSP", r"Symposium on Operating Systems Principles"),
    ("NSDI", r"NSDI", r"Symposium on Networked Systems Design and Implementation"),
    ("EuroSys", r"EuroSys|EUROSYS", r"European Conference on Computer Systems"),
    ("ASPLOS", r"ASPLOS", r"Architectural Support for Programming Languages and Operating Systems"),
    ("PLDI", r"PLDI", r"Conference on Programming Language Design and Implementation"),
    ("SIGMOD", r"SIGMOD(?! Record)", r"International Conference on Management of Data"),
    ("VLDB", r"P?VLDB(?! Journal)", r"VLDB Endowment|Conference on Very Large Data Bases"),
    ("ICDE", r"ICDE", r"International Conference on Data Engineering"),
    (
        "Transactions of the Association for Computational Linguistics",
        r"TACL",
        r"Transactions of the Association for Computational Linguistics",
    ),
    (
        "Journal of Machine Learning Research",
        r"JMLR",
        r"Journal of Machine Learning Research|J\. ?Mach\. ?Learn\. ?Res\.",
    ),
    ("Transactions on Machine Learning Research", r"TMLR", r"Transactions on Machine Learning Research"),
    (
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        r"T-?PAMI",
        r"Transactions on Pattern Analysis and Machine Intelligence|Trans\. ?Pattern Anal\. ?Mach\. ?Intell\.",
    ),
    ("International Journal of Computer Vision", r"IJCV", r"International Journal of Computer Vision"),
    ("ACM Transactions on Graphics", r"TOG", r"ACM Transactions on Graphics|ACM Trans\. ?Graph\."),
)

# Journals known by several spellings, each spelling by its `_key`: spellings -> the name used.
_PHYS_REV = {
    "lett": "Lett.",
    "letters": "Lett.",
    "x": "X",
    "research": "Research",
    "applied": "Applied",
    "materials": "Materials",
    "fluids": "Fluids",
    **{c: c.upper() for c in "abcde"},
}
JOURNALS: dict[str, str] = {
    "nature": "Nature",
    "science": "Science",
    **dict.fromkeys(
        (
            "pnas",
            "proc natl acad sci",
            "proc natl acad sci usa",
            "proceedings of the national academy of sciences",
            "proceedings of the national academy of sciences of the united states of america",
        ),
        "PNAS",
    ),
    **dict.fromkeys(("nature communications", "nat commun", "nature commun"), "Nature Communications"),
    **dict.fromkeys(("scientific reports", "sci rep"), "Scientific Reports"),
    **{
        f"{prefix} {spelling}": f"Phys. Rev. {name}"
        for prefix in ("phys rev", "physical review", "physrev")
        for spelling, name in _PHYS_REV.items()
    },
    **{f"physrev{c}": f"Phys. Rev. {c.upper()}" for c in "abcdex"},
    **{f"pr{c}": f"Phys. Rev. {c.upper()}" for c in "abcdex"},
    "prl": "Phys. Rev. Lett.",
    **dict.fromkeys(("rev mod phys", "reviews of modern physics"), "Rev. Mod. Phys."),
    **{f"{prefix} {c}": f"Phys. Lett. {c.upper()}" for prefix in ("phys lett", "physics letters") for c in "ab"},
    **{f"{prefix} {c}": f"Nucl. Phys. {c.upper()}" for prefix in ("nucl phys", "nuclear physics") for c in "ab"},
    **{
        f"{prefix} {c}": f"Eur. Phys. J. {c.upper()}"
        for prefix in ("eur phys j", "european physical journal", "epj")
        for c in "abcde"
    },
    **dict.fromkeys(("jhep", "journal of high energy physics", "j high energy phys"), "JHEP"),
    **dict.fromkeys(("jcap", "journal of cosmology and astroparticle physics", "j cosmol astropart phys"), "JCAP"),
    **dict.fromkeys(("astrophys j", "astrophysical journal", "apj"), "Astrophys. J."),
    **dict.fromkeys(("astrophys j lett", "astrophysical journal letters", "apjl"), "Astrophys. J. Lett."),
    **dict.fromkeys(
        (
            "mnras",
            "mon not r astron soc",
            "mon not roy astron soc",
            "monthly notices of the royal astronomical society",
        ),
        "Mon. Not. R. Astron. Soc.",
    ),
    **dict.fromkeys(("astron astrophys", "astronomy and astrophysics", "a and a"), "Astron. Astrophys."),
}

_ORDINAL = (
    r"(?:\d+(?:st|nd|rd|th)|(?:(?:twenty|thirty|forty|fifty)[- ]?)?(?:first|second|third|fourth|fifth|sixth"
    r"|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth"
    r"|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth))"
)
# Not published (yet): no venue, whatever follows.
_UNPUBLISHED = re.compile(r"\s*(?:submitted|under (?:review|submission)|in (?:review|preparation))\b", re.I)
# A workshop is not the conference it is held at.
_WORKSHOP = re.compile(r"\bworkshops?\b|\w@\s*\w", re.I)
# `Findings of the Association for Computational Linguistics: EMNLP 2021`, `EMNLP 2023 Findings`.
_FINDINGS = re.compile(
    r"\bFindings\s+of\s+(?:the\s+)?(?:(?:ACL|Association\s+for\s+Computational\s+Linguistics)\s*:?\s*)?"
    r"(EMNLP|NAACL|EACL|AACL|ACL)(?![A-Za-z])"
    r"|(?<![A-Za-z])(EMNLP|NAACL|EACL|AACL|ACL)\s*(?:\d{4}\s*)?(?:\(Findings\)|Findings\b)",
    re.I,
)
# Each well-known venue by its acronym (case as written) and by its long name (any case), apart: one
# pattern of both took four times as long.
_ACRONYMS = re.compile(
    r"\b(?=[A-Z])(?:" + "|".join(rf"(?P<v{i}>{short})" for i, (_, short, _) in enumerate(KNOWN)) + r")(?![A-Za-z])"
)
_LONG_NAMES = re.compile(
    r"\b(?:" + "|".join(rf"(?P<v{i}>{long})" for i, (_, _, long) in enumerate(KNOWN) if long) + r")(?![A-Za-z])", re.I
)
# What comes before a venue's name: `Accepted at`, `To appear in`, `Published as a conference paper at`, `In:`.
_LEAD_IN = re.compile(
    r"\s*(?:(?:to\s+|will\s+)?(?:appear(?:s|ed|ing)?|accepted|published|presented|forthcoming|oral|spotlight|poster)"
    r"(?:\s+[\w-]+){0,5}?\s*(?:\b(?:at|in|to|by|on)\b\s*:?|:)\s*(?:the\s+)?|in\s*:\s*"
    r"|in\s+(?=proc|advances\b|the\b|international\b|annual\b|\d))",
    re.I,
)
_PROCEEDINGS = re.compile(
    rf"\s*(?:proceedings|proc\.?)\s+(?:of\s+)?(?:the\s+)?(?=\d|{_ORDINAL}\b|[^,;()]*"
    r"\b(?:conference|workshop|symposium|meeting|congress|colloquium|summit)\b)",
    re.I,
)
_EDITION = re.compile(rf"\s*(?:the\s+)?(?:\d{{4}}|{_ORDINAL})\b\s*(?:annual\s+)?", re.I)
# Where a name ends: a volume, issue, page or year.
_CUT = re.compile(
    r"\b(?i:vol(?:ume)?|no|nr|num(?:ber)?|issue|pp|pages?|art(?:icle)?(?:\s*no)?|ch(?:apter)?|suppl)\b\.?\s*\d"
    r"|(?<![A-Za-z\d])(?<![A-Za-z]-)(?!(?:19|20)\d\d\s+[A-Z])\d+(?![A-Za-z\d])"  # 98, (2018); not ICML 2023 Workshop
    r"|(?<=\b[A-Z])\d+(?![A-Za-z\d])"  # D98, C31: a journal's section and its volume
    r"|(?<=[A-Z]{2})\d\d(?:\d\d)?(?![A-Za-z\d])"  # JHEP05, ICASSP2020
)
_SEPARATORS = " \t\n,;:([{/'’–—-"
# A month or a state of publication at the end of a name (searched in its last characters only).
_TRAILING = re.compile(
    r"(?:(?<![A-Za-z])(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?|,\s*(?:in press|accepted|to appear"
    r"|forthcoming|online first)\.?)\Z",
    re.I,
)
_PAREN_END = re.compile(r"\s*\([^()]*\)\Z")
_YEAR = re.compile(r" (?:19|20)\d\d(?= )")
# A journal reference is read up to here: no venue's name is longer, and the time the rules take stays
# small whatever the text (a name of nested brackets and lead-ins is read in a few steps, not one a character).
_LONGEST = 300
_NOT_A_VENUE = re.compile(
    r"(?:(?:arxiv|corr)\b.*|preprints?|e ?prints?|tech(?:nical)? rep(?:ort)?|in press|accepted"
    r"|published|to appear|forthcoming|conference|journal|proceedings|workshop|poster|oral|spotlight|\W*)"
)


# About 50 µs a reference (2,143 distinct arXiv-style ones: 0.11 s, against 8.7 s for a clean build of
# 10,000 papers); a build reads each twice (`collect_terms`, then `paper_view`): the second is free.
@functools.lru_cache(maxsize=1 << 15)
def parse_venue(text: str) -> Venue | None:
    """The venue a journal reference names; None when it names none (see the module's rules)."""
    text = text[:_LONGEST]
    if not text or _UNPUBLISHED.match(text):
        return None
    if not _WORKSHOP.search(text):
        findings = _FINDINGS.search(text)
        if findings:
            conference = (findings.group(1) or findings.group(2)).upper()
            return Venue(f"Findings of {conference}", findings.start(), findings.end())
        found = [(m.start(), m.end(), m.lastgroup) for m in (_ACRONYMS.search(text), _LONG_NAMES.search(text)) if m]
        if found:
            start, end, group = min(found)  # the first named: `ACL and IJCNLP` is ACL
            return Venue(KNOWN[int(str(group)[1:])][0], start, end)
    return _named(text)


def _named(text: str) -> Venue | None:
    """The venue the text starts with, before its volume, issue, pages or year."""
    start = 0
    for _ in range(4):  # `In: Proceedings of the 33rd Annual ...`
        lead = _LEAD_IN.match(text, start) or _PROCEEDINGS.match(text, start) or _EDITION.match(text, start)
        if not lead or lead.end() == start:
            break
        start = lead.end()
    cut = _CUT.search(text, start)
    end = cut.start() if cut else len(text)
    opened = [i for i, c in enumerate(text[start:end], start) if c == "("]
    if text.count(")", start, end) < len(opened):
        end = opened[text.count(")", start, end)]  # the first bracket left open: `... (*SEM 2019)`
    span = _trim(text[start:end])
    if not span:
        return None
    start += text[start:end].index(span)
    name = _canonical(span)
    if not name:
        return None
    return Venue(name, start, start + len(span))


def _trim(name: str) -> str:
    """A name without what may follow it: separators, a month, `in press`."""
    while True:
        name = name.strip().rstrip(_SEPARATORS)
        tail = _TRAILING.search(name, max(0, len(name) - 24))
        if not tail:
            return name
        name = name[: tail.start()]


def _canonical(span: str) -> str:
    """One spelling of a venue's name: spaces tidied, a trailing `(TOIS)` or `(accepted)` and a final
    full stop dropped (kept after abbreviations: `Phys. Rev. Lett.`), and `JOURNALS`' spelling."""
    name = " ".join(span.split())
    if "@" in name:
        name = re.sub(r"\s*@\s*", "@", name)
    if "." in name:
        name = re.sub(r"(?<=[A-Za-z]{2})\.(?=[A-Z])", ". ", name)  # Phys.Rev.Lett. as Phys. Rev. Lett.
    name = _YEAR.sub("", name)  # ICML 2023 Workshop on ... as ICML Workshop on ...
    for _ in range(3):  # `... (TOIS) (accepted)`
        shorter = _trim(_PAREN_END.sub("", name)) if name.endswith(")") else name
        if not shorter or shorter == name:
            break
        name = shorter
    if name.endswith(".") and "." not in name[:-1]:
        name = name[:-1]
    key = _key(name)
    if _NOT_A_VENUE.fullmatch(key) or not any(c.isalpha() for c in name):
        return ""
    return JOURNALS.get(key, name)


def _key(name: str) -> str:
    """A name as `JOURNALS` knows it: lowercase words, `&` as `and`, no punctuation, no leading `the`."""
    words = re.sub(r"[\W_]+", " ", name.casefold().replace("&", " and ")).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def venue_slug(name: str) -> str:
    """The identity of a venue: its name as a tag slug, without a leading `The`."""
    return tag_slug(re.sub(r"^\s*the\s+", "", name, flags=re.I))
