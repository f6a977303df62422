"""Rendering: the one Jinja environment, its filters, and model -> text functions.

Templates get a small context: `site` (a `SiteInfo`) and `page` (a `Page`).
Undefined variables fail the build with the template name and line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import jinja2
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from ..errors import BuildError
from ..model.site import Page, PaperView, Site, SiteInfo
from .mathtext import plain_math
from .texmath import ANY_MATH_RE, text_to_html
from .theme import Theme

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


def _textex(text: str) -> str:
    """Text with its TeX as readable Unicode (`Enhancing $T_{\\mathrm{c}}$` -> `Enhancing T_c`), for
    places that hold plain text only: the tab title, meta descriptions, search queries."""
    return plain_math(text)


HF_DAILY_PAPERS = "Hugging Face Daily Papers"
# Hosts a source URL may name, as readers know them; any other host is shown as it is.
SOURCE_HOSTS = {
    "huggingface.co": "Hugging Face",
    "arxiv.org": "arXiv",
    "export.arxiv.org": "arXiv API",
    "rss.arxiv.org": "arXiv announcements",
}


def _source_label(name: str) -> str:
    """A source's name as a reader understands it. Sources are stored as ingest saw them: a file
    name, a URL or `stdin`. A `.txt` file is a Daily Papers page dump (the one plain-text format)
    and `daily_papers*.json` the Daily Papers API's answer: both read "Hugging Face Daily Papers";
    a URL reads as its site (`huggingface.co/api/daily_papers` as Daily Papers too); any other
    file keeps its name, which its owner chose."""
    lowered = name.lower()
    if lowered.startswith(("http://", "https://")):
        parts = urlsplit(name)
        host = (parts.hostname or "").removeprefix("www.")
        if host == "huggingface.co" and ("daily_papers" in parts.path or parts.path.startswith("/papers")):
            return HF_DAILY_PAPERS
        return SOURCE_HOSTS.get(host, host or name)
    if name == "stdin":
        return "standard input"
    if lowered.endswith(".txt") or lowered.startswith("daily_papers") and lowered.endswith(".json"):
        return HF_DAILY_PAPERS
    return name


# Where to look for a paper known only by its title: each site's search by title.
TITLE_SEARCHES = (
    ("Search arXiv", "https://arxiv.org/search/?query={}&searchtype=title"),
    ("Search Hugging Face", "https://huggingface.co/papers?q={}"),
)


_MATH = re.compile(ANY_MATH_RE)


def _title_searches(title: str) -> tuple[tuple[str, str], ...]:
    """(label, URL) of a search by this title on arXiv and on Hugging Face. The title's math is
    left out: arXiv finds only titles holding every word, and indexes TeX as it was written."""
    query = quote_plus(" ".join(_MATH.sub(" ", title).split()))
    return tuple((label, url.format(query)) for label, url in TITLE_SEARCHES)


def _jsonld(paper: PaperView, info: SiteInfo) -> Markup:
    """A schema.org ScholarlyArticle for a paper page, as JSON safe inside <script>: what Jinja's
    `tojson` writes, with keys in order and text as it is (its default escapes every non-ASCII character)."""
    url = paper.abs_url
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": (paper.published or paper.date).isoformat(),
        "abstract": paper.abstract,
        "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": info.title, "url": info.base_url},
    }
    if paper.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in paper.authors]
    if paper.tags:
        data["keywords"] = ", ".join(tag.name for tag in paper.tags)
    identifiers = []
    if paper.arxiv:
        identifiers.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": paper.arxiv})
        data["sameAs"] = f"https://arxiv.org/abs/{paper.arxiv}"
    if paper.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi})
    if identifiers:
        data["identifier"] = identifiers
    return htmlsafe_json_dumps(data, ensure_ascii=False)


FILTERS = {
    "date": _date,
    "tex": _tex,
    "textex": _textex,
    "source_label": _source_label,
    "title_searches": _title_searches,
    "jsonld": _jsonld,
}


class Fragments:
    """`{% call fragment(name, *key) %}...{% endcall %}`: the block rendered once per key in this
    process, then reused. The key must hold everything the block's output depends on (the
    default theme keys a listing's paper card by the paper's slug and whether it shows a date).

    A paper's card shows on its home listing and on each of its tags' pages: rendering it once
    per process instead of on every page takes a fifth off the render time of a build's
    listings and tag pages (10,000 papers: 0.3 s of CPU in about 9 s). Equivalence: a theme
    without the call block gives the same bytes (tests/test_render.py).
    """

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], Markup] = {}

    def __call__(self, *key: object, caller: Callable[[], str]) -> Markup:
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = Markup(caller())
        return made


def make_environment(
    theme: Theme, bytecode_dir: Path | None = None, *, environment: type[jinja2.Environment] = jinja2.Environment
) -> jinja2.Environment:
    """The Jinja environment for a theme: its template folders in order, and the built-in default's
    templates as `default/<name>` (see `render.theme`).

    Templates are read once: an environment lives for one build, so it never
    needs to check whether a template file changed. With `bytecode_dir`,
    compiled templates are kept there (keyed by their source) for the next
    build. `environment` may be a subclass (the build's tracking one).
    """
    env = environment(
        auto_reload=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir else None,
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(theme.templates),
                jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(theme.base_templates)}),
            ]
        ),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals["fragment"] = Fragments()
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
    except BuildError:
        raise
    except Exception as exc:  # a theme is code: any error it raises is the theme's, told on one line
        message = " ".join(str(exc).split()) or "no message"
        raise BuildError(
            f"{_template_line(exc, page.template)}: {type(exc).__name__}: {message} (while rendering {page.url})"
        ) from exc


def _template_line(exc: BaseException, template: str) -> str:
    tb = exc.__traceback__
    where = f"templates/{template}"
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml")):
            where = f"{name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def render_sitemap(site: Site) -> str:
    """sitemap.xml: every page but 404, with the paper's date as lastmod."""
    origin = site.info.origin
    rows = []
    for page in sorted((p for p in site.pages if p.in_sitemap), key=lambda p: p.url):
        lastmod = f"<lastmod>{page.lastmod.isoformat()}</lastmod>" if page.lastmod else ""
        rows.append(f"  <url><loc>{escape(origin + page.url, quote=False)}</loc>{lastmod}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n"
    )


def render_robots(info: SiteInfo) -> str:
    """robots.txt allowing everything and naming the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {info.base_url}sitemap.xml\n"
