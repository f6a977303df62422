"""Rendering: the one Jinja environment, its filters, and model -> text functions.

Templates get a small context: `site` (a `SiteInfo`) and `page` (a `Page`).
Undefined variables fail the build with the template name and line.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache, wraps
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2
import jinja2.compiler
from markupsafe import Markup
from markupsafe import escape as escape_html

from ..errors import BuildError
from ..model.site import Page, PaperView, Site, SiteInfo
from .texmath import text_to_html

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date(value: dt.date, fmt: str = "long") -> str:
    if fmt == "iso":
        return value.isoformat()
    if fmt == "short":
        return f"{MONTH_ABBR[value.month - 1]} {value.day}"
    if "%" in fmt:  # a strftime pattern: a filter call costs less than a method call from a template
        return value.strftime(fmt)
    return f"{MONTH_ABBR[value.month - 1]} {value.day}, {value.year}"


@lru_cache(maxsize=1 << 16)
def _tex(text: str) -> Markup:
    # A title or excerpt shows on many pages (listings, tags, neighbours): convert it once.
    return Markup(text_to_html(text))


def _jsonld(paper: PaperView, info: SiteInfo) -> Markup:
    """A schema.org ScholarlyArticle for a paper page, safe inside <script>.

    The JSON that `json.dumps(..., ensure_ascii=False)` writes for the same data, written piece by piece:
    there is one per paper page, and this takes a fifth of the time."""
    q = _json_string
    title, url = q(paper.title), q(paper.abs_url)
    parts = [
        '{"@context": "https://schema.org", "@type": "ScholarlyArticle", "headline": ',
        title,
        ', "name": ',
        title,
        ', "url": ',
        url,
        ', "mainEntityOfPage": ',
        url,
        ', "datePublished": ',
        q((paper.published or paper.date).isoformat()),
        ', "abstract": ',
        q(paper.abstract),
        ', "isAccessibleForFree": true, "publisher": {"@type": "Organization", "name": ',
        q(info.title),
        ', "url": ',
        q(info.base_url),
        "}",
    ]
    if paper.authors:
        parts += [
            ', "author": [',
            ", ".join('{"@type": "Person", "name": %s}' % q(name) for name in paper.authors),
            "]",
        ]
    if paper.tags:
        parts += [', "keywords": ', q(", ".join(tag.name for tag in paper.tags))]
    identifiers = []
    if paper.arxiv:
        identifiers.append('{"@type": "PropertyValue", "propertyID": "arXiv", "value": %s}' % q(paper.arxiv))
        parts += [', "sameAs": ', q(f"https://arxiv.org/abs/{paper.arxiv}")]
    if paper.doi:
        identifiers.append('{"@type": "PropertyValue", "propertyID": "DOI", "value": %s}' % q(paper.doi))
    if identifiers:
        parts += [', "identifier": [', ", ".join(identifiers), "]"]
    parts.append("}")
    # What jinja2's htmlsafe_json_dumps does to the text: no <, >, & or ' that HTML could read.
    text = "".join(parts)
    for char, code in _SCRIPT_SAFE:
        if char in text:
            text = text.replace(char, code)
    return Markup(text)


_json_string = json.encoder.encode_basestring  # what json.dumps writes for a str with ensure_ascii=False
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))


FILTERS = {"date": _date, "tex": _tex, "jsonld": _jsonld}


try:  # markupsafe's C escaper for plain strings; its public escape() wraps each result in a Markup
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - pure-Python markupsafe

    def _escape_inner(text: str) -> str:
        return str(escape_html(text))


def _escape_output(value: object) -> str:
    """What `{{ value }}` writes under autoescape: markupsafe's escape, minus a Markup object per
    call (output pieces are only ever joined). Same bytes, a third of the time on a paper page."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is Markup:
        return value
    return escape_html(value)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    def _output_child_pre(self, node, frame, finalize) -> None:  # noqa: ANN001 - Jinja's internal hook
        if not frame.eval_ctx.autoescape or frame.eval_ctx.volatile:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


class Environment(jinja2.Environment):
    """Jinja's environment with a faster write of escaped output."""

    code_generator_class = _CodeGenerator
    escape_output = staticmethod(_escape_output)


# Reads of a paper's fields are recorded per output, so that an edit re-renders only the outputs
# that show what changed (see patch.py). "*" stands for every field.
ALL_FIELDS = "*"
_PLAIN = frozenset({str, Markup, int, float, bool, type(None), dt.date, dt.datetime})
# Filters that pass papers along or count them without looking inside.
_STRUCTURAL_FILTERS = frozenset(
    {"length", "count", "first", "last", "reverse", "list", "batch", "slice", "default", "d", "random"}
)


def reads_text(reads: dict[str, set[str]]) -> str:
    """Reads as the cache keeps them: a line per paper, its slug, a tab, the field names."""
    return "".join(f"{slug}\t{' '.join(sorted(names))}\n" for slug, names in sorted(reads.items()))


def parse_reads(text: str) -> dict[str, set[str]]:
    """The reads that `reads_text` wrote."""
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        slug, _, names = line.partition("\t")
        out[slug] = set(names.split())
    return out


class TrackingEnvironment(Environment):
    """A Jinja environment that records which fields of which papers a template reads.

    Set `reads` to a dict before rendering; it maps each paper's slug to the
    names read: by attribute or item access, or all of them ("*") when a
    paper reaches a filter, test, function or output unopened.
    """

    reads: dict[str, set[str]] | None = None

    def getattr(self, obj, attribute):  # type: ignore[override]
        if self.reads is not None and type(obj) is PaperView:
            self.reads.setdefault(obj.slug, set()).add(attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):  # type: ignore[override]
        if self.reads is not None and type(obj) is PaperView:
            self.reads.setdefault(obj.slug, set()).add(argument if isinstance(argument, str) else ALL_FIELDS)
        return super().getitem(obj, argument)

    def note_opaque(self, value: object, depth: int = 0) -> None:
        """Record that `value` reached code that may read anything in it."""
        if self.reads is None or type(value) in _PLAIN:
            return
        if type(value) is PaperView:
            self.reads.setdefault(value.slug, set()).add(ALL_FIELDS)
        elif isinstance(value, (tuple, list, set, frozenset)) and depth < 3:
            for item in value:
                self.note_opaque(item, depth + 1)
        elif isinstance(value, dict) and depth < 3:
            for item in value.values():
                self.note_opaque(item, depth + 1)
        elif not isinstance(value, (jinja2.runtime.Context, jinja2.Environment, jinja2.runtime.LoopContext)):
            self.reads.setdefault(ALL_FIELDS, set()).add(ALL_FIELDS)  # anything else may hold any paper


def _tracked(env: TrackingEnvironment, func):
    @wraps(func)
    def call(*args, **kwargs):
        if env.reads is not None:
            for value in (*args, *kwargs.values()):
                env.note_opaque(value)
        return func(*args, **kwargs)

    return call


def make_environment(theme_dir: Path, bytecode_dir: Path | None = None, *, track: bool = False) -> jinja2.Environment:
    """The Jinja environment for a theme folder (templates in `templates/`).

    Templates are read once: an environment lives for one build, so it never
    needs to check whether a template file changed. With `bytecode_dir`,
    compiled templates are kept there (keyed by their source) for the next build.
    With `track`, a `TrackingEnvironment`, which costs a little on every page.
    """

    def finalize(value):
        if type(value) not in _PLAIN:
            env.note_opaque(value)
        return value

    env = (TrackingEnvironment if track else Environment)(
        auto_reload=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir else None,
        loader=jinja2.FileSystemLoader(theme_dir / "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize if track else None,
    )
    env.filters.update(FILTERS)
    if not track:
        return env
    for table, safe in ((env.filters, _STRUCTURAL_FILTERS), (env.tests, frozenset()), (env.globals, frozenset())):
        for name, func in list(table.items()):
            if callable(func) and name not in safe:
                table[name] = _tracked(env, func)
    return env


def render_page(env: jinja2.Environment, page: Page, info: SiteInfo) -> str:
    """One page's HTML. Template errors become a `BuildError` naming the template, line and page."""
    try:
        return env.get_template(page.template).render(site=info, page=page)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"theme has no template {exc.name!r} (needed for {page.url})") from exc
    except jinja2.UndefinedError as exc:
        raise BuildError(f"{_template_line(exc, page.template)}: {exc.message} (while rendering {page.url})") from exc


def _template_line(exc: BaseException, template: str) -> str:
    tb = exc.__traceback__
    where = f"templates/{template}"
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".html") or name.endswith(".xml"):
            where = f"{name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def render_sitemap(site: Site) -> str:
    """sitemap.xml: every page but 404, with the paper's date as lastmod."""
    origin = site.info.origin
    rows = []
    for page in sorted((p for p in site.pages if p.in_sitemap), key=lambda p: p.url):
        lastmod = f"<lastmod>{page.lastmod.isoformat()}</lastmod>" if page.lastmod else ""
        rows.append(f"  <url><loc>{escape(origin + page.url)}</loc>{lastmod}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n"
    )


def render_robots(info: SiteInfo) -> str:
    """robots.txt allowing everything and naming the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {info.base_url}sitemap.xml\n"
