"""Days: the order of a day's papers, the days, ISO weeks and months that have papers, and which
entries a build shows.

Pure data, like the rest of the model. `listing_key` orders papers newest
day first and, within a day, by the site's `sort`; `build_calendar` takes
papers in that order and gives every day, week and month that has papers as
a `Period` (its URL, label and count), the calendar grid of each month, and
each day's papers. Which entries a build shows at all is `visibility.py`'s.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # site.py imports this module; papers are only passed through here
    from ..content.entry import Entry
    from .site import PaperView

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The paper fields each order of a day's papers (`sort` in site.yaml) reads besides the date and
# slug: an edit to one of them may move the paper.
ORDER_FIELDS = {"rank": ("rank", "upvotes"), "date": ("published",), "title": ("title",)}
SECTIONS = {"day": "days", "week": "weeks", "month": "months"}


def listing_key(sort: str) -> Callable[[PaperView], tuple]:
    """The sort key of every listing: newest day first; within a day, by `sort`, then by slug.

    `rank`: the rank a source gave (1 first; papers without one after those
    with one), then upvotes (most first; none after any), then slug. `date`:
    the publication date, newest first (the feed date when there is none).
    `title`: title, ignoring case.
    """
    if sort == "title":
        return lambda p: (-p.date.toordinal(), p.title.casefold(), p.slug)
    if sort == "date":
        return lambda p: (-p.date.toordinal(), -(p.published or p.date).toordinal(), p.slug)
    return lambda p: (
        -p.date.toordinal(),
        p.rank is None,
        p.rank or 0,
        p.upvotes is None,
        -(p.upvotes or 0),
        p.slug,
    )  # fmt: skip


def placement(entry: Entry, sort: str) -> tuple[object, ...]:
    """What of an entry decides whether a build shows it, on which listings, and where: a patch of
    the site for an edited entry needs all of it unchanged."""
    return (entry.date, entry.tags, entry.draft, *(getattr(entry, name) for name in ORDER_FIELDS[sort]))


@dataclass(frozen=True, slots=True)
class Period:
    """A day, an ISO week or a month that has papers: its page and how many papers it holds."""

    kind: str  # "day", "week" or "month"
    key: str  # "2024-03-11", "2024-W11" or "2024-03": also a valid HTML <time datetime>
    label: str  # "Monday, March 11, 2024", "Week 11, 2024" or "March 2024"
    url: str
    count: int
    first: dt.date  # its first and last day: the day itself; Monday and Sunday; the 1st and the last
    last: dt.date

    @property
    def section(self) -> str:
        """The site-relative folder of its page: `days/2024-03-11/`."""
        return f"{SECTIONS[self.kind]}/{self.key}/"


@dataclass(frozen=True, slots=True)
class DayPapers:
    """Some papers of one day, in listing order: the part of the day on a listing page, or its top
    papers on a week or month page. `before` and `rest` count the day's papers before and after them
    (elsewhere, or only on the day's page); `older` is the day before it that has papers."""

    day: Period
    papers: tuple[PaperView, ...]
    before: int
    rest: int
    older: Period | None


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """A cell of a month's grid: `date` None outside the month; `day` its page, when it has papers."""

    date: dt.date | None
    day: Period | None


@dataclass(frozen=True, slots=True)
class CalendarWeek:
    """A row of a month's grid, Monday to Sunday; `week` its page, when the week has papers."""

    number: int  # the ISO week number
    week: Period | None
    days: tuple[CalendarDay, ...]


@dataclass(frozen=True, slots=True)
class Month:
    """A month that has papers, as a calendar: its page and its weeks."""

    month: Period
    weeks: tuple[CalendarWeek, ...]


@dataclass(frozen=True, slots=True)
class Calendar:
    """Every day, week and month that has papers, newest first, and each day's papers in listing order."""

    days: tuple[Period, ...]
    weeks: tuple[Period, ...]
    months: tuple[Period, ...]
    papers: dict[str, tuple[PaperView, ...]]  # day key -> its papers
    starts: dict[str, int]  # day key -> where its papers start in the whole listing
    periods: dict[str, Period]  # key -> every day, week and month
    order: dict[str, int]  # day key -> its place in `days`

    def within(self, period: Period) -> tuple[Period, ...]:
        """The days of a week or month that have papers, newest first."""
        return tuple(day for day in self.days if period.first <= day.first <= period.last)

    def grid(self, month: Period) -> Month:
        """A month as rows of weeks, Monday first, each day linked when it has papers."""
        rows = []
        for dates in calendar.Calendar().monthdatescalendar(month.first.year, month.first.month):
            year, number, _ = dates[0].isocalendar()
            cells = tuple(
                CalendarDay(date, self.periods.get(date.isoformat())) if date.month == month.first.month
                else CalendarDay(None, None)
                for date in dates
            )  # fmt: skip
            rows.append(CalendarWeek(number, self.periods.get(week_key(year, number)), cells))
        return Month(month, tuple(rows))

    def sections(self, papers: Sequence[PaperView], offset: int) -> tuple[DayPapers, ...]:
        """`papers`, the slice of the whole listing that starts at `offset`, split by day."""
        out = []
        start = 0
        while start < len(papers):
            date = papers[start].date
            end = start + 1
            while end < len(papers) and papers[end].date == date:
                end += 1
            day = self.periods[date.isoformat()]
            before = offset + start - self.starts[day.key]
            rest = day.count - before - (end - start)
            out.append(DayPapers(day, tuple(papers[start:end]), before, rest, self.older(day)))
            start = end
        return tuple(out)

    def top(self, day: Period, count: int) -> DayPapers:
        """The first `count` papers of a day."""
        papers = self.papers[day.key][:count]
        return DayPapers(day, papers, 0, day.count - len(papers), self.older(day))

    def parents(self, period: Period) -> tuple[Period, ...]:
        """The pages a period belongs to: a day's week and month; the months of a week's days."""
        if period.kind == "day":
            year, week, _ = period.first.isocalendar()
            return (self.periods[week_key(year, week)], self.periods[period.key[:7]])
        if period.kind == "week":
            return tuple(dict.fromkeys(self.periods[day.key[:7]] for day in self.within(period)))
        return ()

    def older(self, day: Period) -> Period | None:
        """The day before `day` that has papers."""
        return neighbours(self.days, self.order[day.key])[1]


def neighbours(periods: Sequence[Period], index: int) -> tuple[Period | None, Period | None]:
    """The newer and the older period beside `periods[index]` (newest first)."""
    newer = periods[index - 1] if index > 0 else None
    older = periods[index + 1] if index + 1 < len(periods) else None
    return newer, older


def day_url(date: dt.date, base_path: str) -> str:
    """The URL of the page of a day: `/days/2024-03-11/`."""
    return f"{base_path}{SECTIONS['day']}/{date.isoformat()}/"


def week_key(year: int, week: int) -> str:
    return f"{year:04d}-W{week:02d}"


def build_calendar(papers: Sequence[PaperView], base_path: str) -> Calendar:
    """The calendar of `papers`, which are in listing order (newest day first)."""
    groups: dict[dt.date, list[PaperView]] = {}
    starts: dict[str, int] = {}
    for i, paper in enumerate(papers):
        if paper.date not in groups:
            groups[paper.date] = []
            starts[paper.date.isoformat()] = i
        groups[paper.date].append(paper)
    weeks: dict[tuple[int, int], int] = {}
    months: dict[tuple[int, int], int] = {}
    for date, items in groups.items():
        year, week, _ = date.isocalendar()
        weeks[year, week] = weeks.get((year, week), 0) + len(items)
        months[date.year, date.month] = months.get((date.year, date.month), 0) + len(items)
    days = tuple(_day(date, len(items), base_path) for date, items in groups.items())
    week_periods = tuple(_week(y, w, count, base_path) for (y, w), count in sorted(weeks.items(), reverse=True))
    month_periods = tuple(_month(y, m, count, base_path) for (y, m), count in sorted(months.items(), reverse=True))
    return Calendar(
        days=days,
        weeks=week_periods,
        months=month_periods,
        papers={date.isoformat(): tuple(items) for date, items in groups.items()},
        starts=starts,
        periods={p.key: p for p in (*days, *week_periods, *month_periods)},
        order={day.key: i for i, day in enumerate(days)},
    )


def _period(kind: str, key: str, label: str, count: int, first: dt.date, last: dt.date, base_path: str) -> Period:
    return Period(kind, key, label, f"{base_path}{SECTIONS[kind]}/{key}/", count, first, last)


def _day(date: dt.date, count: int, base_path: str) -> Period:
    label = f"{WEEKDAY_NAMES[date.weekday()]}, {MONTH_NAMES[date.month - 1]} {date.day}, {date.year}"
    return _period("day", date.isoformat(), label, count, date, date, base_path)


def _week(year: int, week: int, count: int, base_path: str) -> Period:
    monday = dt.date.fromisocalendar(year, week, 1)
    label = f"Week {week}, {year}"
    return _period("week", week_key(year, week), label, count, monday, monday + dt.timedelta(6), base_path)


def _month(year: int, month: int, count: int, base_path: str) -> Period:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    key = f"{year:04d}-{month:02d}"
    return _period("month", key, f"{MONTH_NAMES[month - 1]} {year}", count, dt.date(year, month, 1), last, base_path)
