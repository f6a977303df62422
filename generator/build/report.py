"""What a build did, for the command line's summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem


@dataclass
class BuildReport:
    """What a build did, for the command line's summary."""

    papers: int = 0
    pages: int = 0
    feeds: int = 0
    tags: int = 0
    files: int = 0
    seconds: float = 0.0
    search_seconds: float = 0.0
    up_to_date: bool = False
    patched: int | None = None  # files rewritten when only a few entries were edited (see patch.py)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
