"""Pagination: a sorted sequence -> pagers, each with its URL and output path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pager(Generic[T]):
    """One page of a listing. URLs are site paths (with the base path); `path` is the output file."""

    number: int
    count: int
    items: tuple[T, ...]
    url: str
    path: str
    prev_url: str | None
    next_url: str | None
    first_url: str
    last_url: str
    offset: int = 0

    @property
    def is_first(self) -> bool:
        return self.number == 1


def page_dir(section: str, number: int) -> str:
    """The site-relative folder of page `number` of a listing at `section` ('' for the home page)."""
    return section if number == 1 else f"{section}page/{number}/"


def paginate(items: Sequence[T], per_page: int, *, section: str, base_path: str) -> list[Pager[T]]:
    """Split `items` into pagers of `per_page`; an empty listing still gets one (empty) page."""
    count = max(1, -(-len(items) // per_page))

    def url(n: int) -> str:
        return base_path + page_dir(section, n)

    return [
        Pager(
            number=n,
            count=count,
            items=tuple(items[(n - 1) * per_page : n * per_page]),
            url=url(n),
            path=page_dir(section, n) + "index.html",
            prev_url=url(n - 1) if n > 1 else None,
            next_url=url(n + 1) if n < count else None,
            first_url=url(1),
            last_url=url(count),
            offset=(n - 1) * per_page,
        )
        for n in range(1, count + 1)
    ]
