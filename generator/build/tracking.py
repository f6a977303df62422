"""Which fields of which papers each output reads, recorded while it renders (for patching).

A build that keeps a cache renders with `TrackingEnvironment`; each
output's reads are stored beside it, so that after an edit `patch.py`
re-renders only the outputs that show a field that changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
from markupsafe import Markup

from ..model.site import PaperView, SiteInfo
from ..render.environment import make_environment
from ..render.theme import Theme

# Reads of a paper's fields are recorded per output, so that an edit re-renders only the outputs
# that show what changed (see `patch.py`). "*" stands for every field.
ALL_FIELDS = "*"
# Reads of the site info's fields are recorded as those of a paper with this slug (a slug is a file's
# name: it never holds `/`), so that a model key covers the fields that change as papers come and go
# only where they are shown (see `renderer.SiteValues`). A template that reads `site` other than
# through its attributes, items, filters or output (`'x' ~ site`, `'{0.paper_count}'.format(site)`)
# is not seen doing so.
SITE = "/site"
_PLAIN = frozenset({str, Markup, int, float, bool, type(None), dt.date, dt.datetime})
_TRACKED = frozenset({PaperView, SiteInfo})
# Filters that pass papers along or count them without looking inside.
_STRUCTURAL_FILTERS = frozenset(
    {"length", "count", "first", "last", "reverse", "list", "batch", "slice", "default", "d", "random"}
)


def reads_text(reads: dict[str, set[str]]) -> str:
    """Reads as the cache keeps them: a line per paper, its slug, a tab, the field names."""
    return "".join(f"{slug}\t{' '.join(sorted(names))}\n" for slug, names in sorted(reads.items()))


def site_fields(text: str) -> set[str]:
    """The fields of the site info that reads (`reads_text`) say were read. Found without parsing the
    other lines: no slug or field name holds `/`, so only the site's line starts with SITE."""
    at = text.find(f"{SITE}\t")
    if at < 0:
        return set()
    return set(text[at + len(SITE) + 1 : text.index("\n", at)].split())


def parse_reads(text: str) -> dict[str, set[str]]:
    """The reads that `reads_text` wrote."""
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        slug, _, names = line.partition("\t")
        out[slug] = set(names.split())
    return out


class TrackingEnvironment(jinja2.Environment):
    """A Jinja environment that records which fields of which papers a template reads.

    Set `reads` to a dict before rendering; it maps each paper's slug to the
    names read: by attribute or item access, or all of them ("*") when a
    paper reaches a filter, test, function or output unopened.
    """

    reads: dict[str, set[str]] | None = None

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=self._finalize, **options)

    def _finalize(self, value: Any) -> Any:
        if type(value) not in _PLAIN:
            self.note_opaque(value)
        return value

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self.reads is not None and type(obj) in _TRACKED:
            self.reads.setdefault(SITE if type(obj) is SiteInfo else obj.slug, set()).add(attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.reads is not None and type(obj) in _TRACKED:
            name = argument if isinstance(argument, str) else ALL_FIELDS
            self.reads.setdefault(SITE if type(obj) is SiteInfo else obj.slug, set()).add(name)
        return super().getitem(obj, argument)

    def note_opaque(self, value: object, depth: int = 0) -> None:
        """Record that `value` reached code that may read anything in it."""
        if self.reads is None or type(value) in _PLAIN:
            return
        if type(value) is PaperView:
            self.reads.setdefault(value.slug, set()).add(ALL_FIELDS)
        elif type(value) is SiteInfo:
            self.reads.setdefault(SITE, set()).add(ALL_FIELDS)
        elif isinstance(value, (tuple, list, set, frozenset)) and depth < 3:
            for item in value:
                self.note_opaque(item, depth + 1)
        elif isinstance(value, dict) and depth < 3:
            for item in value.values():
                self.note_opaque(item, depth + 1)
        elif not isinstance(value, (jinja2.runtime.Context, jinja2.Environment, jinja2.runtime.LoopContext)):
            self.reads.setdefault(ALL_FIELDS, set()).add(ALL_FIELDS)  # anything else may hold any paper


# The built-in filters given the site info that read none of the fields that change as papers come
# and go (see `renderer.VOLATILE`; tests/test_incremental.py checks them): the info they get is not
# counted as read whole, so that every paper page is not rendered again when a paper is added.
STABLE_SITE_FILTERS = frozenset({"jsonld"})


def _tracked(env: TrackingEnvironment, func: Callable[..., Any], *, site: bool = True) -> Callable[..., Any]:
    @wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        if env.reads is not None:
            for value in (*args, *kwargs.values()):
                if site or type(value) is not SiteInfo:
                    env.note_opaque(value)
        return func(*args, **kwargs)

    return call


def make_tracking_environment(theme: Theme, bytecode_dir: Path | None = None) -> TrackingEnvironment:
    """The build's environment (see `render.environment.make_environment`), recording reads."""
    env = make_environment(theme, bytecode_dir, environment=TrackingEnvironment)
    assert isinstance(env, TrackingEnvironment)
    for table, safe in ((env.filters, _STRUCTURAL_FILTERS), (env.tests, frozenset()), (env.globals, frozenset())):
        for name, func in list(table.items()):
            if callable(func) and name not in safe:
                table[name] = _tracked(env, func, site=table is not env.filters or name not in STABLE_SITE_FILTERS)
    env.globals["fragment"] = TrackedFragments(env)
    return env


class TrackedFragments:
    """`render.environment.Fragments` for a tracking environment: a block reused from an earlier
    page counts, on this page too, as reading what it read when it was rendered."""

    def __init__(self, env: TrackingEnvironment) -> None:
        self._env = env
        self._made: dict[tuple[object, ...], tuple[Markup, dict[str, set[str]]]] = {}

    def __call__(self, *key: object, caller: Callable[[], str]) -> Markup:
        env = self._env
        made = self._made.get(key)
        if made is None:
            outer, env.reads = env.reads, {}
            try:
                made = self._made[key] = (Markup(caller()), env.reads)
            finally:
                env.reads = outer
        html, reads = made
        if env.reads is not None:
            for slug, names in reads.items():
                env.reads.setdefault(slug, set()).update(names)
        return html
