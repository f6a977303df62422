"""Publication dates as sources write them, read at the precision they give.

Input: the text of a date field. ISO dates and timestamps (`1998`, `1998-05`,
`2025-06-18 17:59:59`, `2024-05-28T17:47:19.000Z`); biblatex dates, whose
ranges count from their start (`1984/1986`, `2004-10-27/2004-10-29`) and
whose EDTF marks of doubt are dropped (`1998?`, `1998~`); RFC 822 feed dates
(`Wed, 12 Sep 2012 20:30:00 -0500`); written-out dates (`May 1998`,
`4 May 1998`, `May 4, 1998`); BibTeX's separate `year` and `month` (`jun`,
`June`, `6`); and the month an arXiv id was submitted in (`1209.2411`).
Output: a `Published` (a date and `year`, `month` or `day`), or None for
text that is not a date, which a parser then reports and drops.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from ..model.records import Published

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# 1998, 1998-05, 1998-05-04, and a time after the day (`T17:47:19.000Z`, ` 17:59:59`, `T20:30:00-05:00`).
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-][\d:]{4,5})?)?"
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?" + _TIME)
_SLASHED = re.compile(r"(\d{4})/(\d{1,2})(?:/(\d{1,2}))?")  # 2024/03/11, as Highwire and some exports write it
_DAY_FIRST = re.compile(r"(\d{1,2})\.?\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MONTH_FIRST = re.compile(r"([A-Za-z]+)\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})")
_EDTF_MARKS = re.compile(r"[?~%]+$")
# Each pattern, with the groups that hold its year, month and day.
_PATTERNS = ((_ISO, (1, 2, 3)), (_SLASHED, (1, 2, 3)), (_DAY_FIRST, (3, 2, 1)), (_MONTH_FIRST, (3, 1, 2)))


def parse_published(text: str) -> Published | None:
    """The publication date in a date field's text, at the precision it has; None if it is not a date."""
    text = " ".join(text.replace("{", "").replace("}", "").split())
    if not text:
        return None
    if "/" in text and not _SLASHED.fullmatch(text):
        text = text.split("/", 1)[0].strip()  # a biblatex range: its start (an open start has none)
        if text in ("", ".."):
            return None
    text = _EDTF_MARKS.sub("", text)
    for pattern, order in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (match.group(i) for i in order)
            return from_parts(year, month or "", day or "")
    try:
        return Published(email.utils.parsedate_to_datetime(text).date())
    except (TypeError, ValueError, IndexError):
        return None


def from_parts(year: str, month: str = "", day: str = "") -> Published | None:
    """A date from its parts as a source wrote them: a year, and a month (`6`, `06`, `jun`, `June`)
    and day if known; None when the year is not a year or a given month or day does not exist."""
    year = year.strip().strip("{}").strip()
    if not re.fullmatch(r"\d{4}", year) or int(year) < 1000:
        return None
    number = month_number(month) if month.strip() else 0
    if number is None:
        return None
    if not number:
        return Published(dt.date(int(year), 1, 1), "year")
    try:
        if day.strip():
            return Published(dt.date(int(year), number, int(day)), "day")
        return Published(dt.date(int(year), number, 1), "month")
    except ValueError:
        return None


def month_number(text: str) -> int | None:
    """1-12 for a month as sources write it (`6`, `06`, `jun`, `June`, `Sept.`); None otherwise."""
    text = text.strip().strip("{}").strip().rstrip(".").lower()
    if text.isdecimal():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.get(text)


def from_arxiv_id(identifier: str) -> Published | None:
    """The month an arXiv id was given in: `1209.2411` and `math/0307200` say September 2012 and July 2003."""
    match = re.fullmatch(r"(?:[a-z-]+/)?(\d{2})(\d{2})[.\d]+", identifier)
    if match is None:
        return None
    year = int(match.group(1))
    year += 1900 if year >= 91 else 2000  # arXiv started in August 1991
    month = int(match.group(2))
    return Published(dt.date(year, month, 1), "month") if 1 <= month <= 12 else None
