"""What paperfeed loads on first use rather than at start-up, and why: the one list of them.

Imports belong at the top of their module; these are the exceptions, because
a command should load only what it runs. `paperfeed build` on a site that is
up to date answers from the build cache, and a patch rebuild (a few entries
edited) re-renders a handful of pages: neither needs numpy, Markdown,
latex2mathml or feedgen, and loading them would be most of their time
(numpy about 0.1 s, latex2mathml 60 ms, feedgen 30 ms, Markdown 15 ms, as
`python -X importtime` measures them).

- numpy (`model/related.py`): only to count terms and to find related papers.
- Pagefind's finder (`build/search.py`, with multiprocessing): only when a
  build with search has work to do.
- PyYAML (`config.py`): only when site.yaml changed since the build cache
  kept its data (`config.remembered_yaml`); 20 ms, most of it compiling one
  regular expression. Entry front matter has its own reader.
- Markdown (`render/markup.py`): only for bodies that are not plain
  paragraphs, which most abstracts are.
- latex2mathml (`render/texmath.py`): only for text that has `$...$` math.
- anyascii (`ids.py`): only to transliterate non-ASCII titles and tag names
  into slugs. `config.py` imports `ids` for `tag_slug`, so at the top of
  `ids.py` it would cost every command about 7 ms (most of it
  importlib.resources, which anyascii loads to read its tables), and text
  that is ASCII already, such as most taxonomy tags, never needs it.
- feedgen (with lxml): `render/feeds.py` imports it at the top, and the build
  reaches that module through `feeds()` where it renders a feed, so a patch
  that touches no feed never loads it (`build/full.py` imports it outright).
- `build/pipeline.py`: the steps of a build that has work to do (`build/full.py`,
  `build/patch.py`: the site model, Jinja and the rest), once the plan says
  the site is not up to date, which it answers with the cache alone.
- `cli.py`: each command's handler imports the pipeline it runs (`_build`
  imports `build.pipeline`, `_ingest` the ingest parsers, `_serve` the
  server, ...), so that `paperfeed check` never loads the parsers, nor
  `paperfeed ingest` the renderer.

The functions below are how `model/related.py`, `render/markup.py`,
`render/texmath.py`, `ids.py` and `build/pipeline.py` reach them. Each
imports on its first call and is cheap afterwards (a look-up in
`sys.modules`). A full build calls them early (`related.load_numpy`,
`markup.Markup.prepare`) before it forks its worker processes, so that the
workers share one copy instead of each loading its own. For annotations,
modules import the library under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType


def numpy() -> ModuleType:
    """numpy, for term counts and related papers."""
    # Nothing here uses BLAS; its idle threads would only compete with the build's processes.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import numpy as np

    return np


def yaml() -> ModuleType:
    """PyYAML, to parse site.yaml when its parsed data is not in the build cache."""
    import yaml

    return yaml


def markdown() -> ModuleType:
    """Markdown, with the submodules whose classes `render.markup` extends."""
    import markdown.inlinepatterns
    import markdown.treeprocessors

    return markdown


def latex2mathml_convert() -> Callable[..., str]:
    """latex2mathml's TeX -> MathML converter."""
    from latex2mathml.converter import convert

    return convert


def anyascii_convert() -> Callable[[str], str]:
    """anyascii's Unicode -> ASCII transliteration, for slugs."""
    from anyascii import anyascii

    return anyascii


def build_full() -> ModuleType:
    """The full build's steps (`build/full.py`): the model, Jinja, feedgen, related papers."""
    from .build import full

    return full


def build_patch() -> ModuleType:
    """The patch step (`build/patch.py`): the model's papers and Jinja, without numpy."""
    from .build import patch

    return patch


def build_search() -> ModuleType:
    """The search step (`build/search.py`): Pagefind, found and run."""
    from .build import search

    return search


def feeds() -> ModuleType:
    """Feed rendering (`render/feeds.py`, feedgen and lxml): a patch that touches no feed never loads it."""
    from .render import feeds as feed_rendering

    return feed_rendering
