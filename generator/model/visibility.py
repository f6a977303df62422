"""Which entries a build shows: `Visibility` leaves out drafts and entries dated after the build's
day, as Hugo does, unless asked for.

A module of its own, apart from `days.py`, because every build decides with
it whether it is up to date, and that answer must not wait for the calendar
and the rest of the model to load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..content.entry import Entry


@dataclass(frozen=True, slots=True)
class Visibility:
    """Which entries a build shows: `draft: true` only with `drafts`, an entry dated after `today`
    (the build's day) only with `future`."""

    today: dt.date
    drafts: bool = False
    future: bool = False

    def shows(self, entry: Entry) -> bool:
        return (self.drafts or not entry.draft) and (self.future or entry.date <= self.today)

    @property
    def key(self) -> str:
        """What a build's output depends on of these settings, as text for the incremental plan: the
        day matters only when future entries are left out, so that one appears on its day."""
        return f"drafts={self.drafts} future={self.future} until={'' if self.future else self.today.isoformat()}"
