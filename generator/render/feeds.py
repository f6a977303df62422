"""Feeds: feed specs -> RSS 2.0, Atom 1.0 (feedgen) and JSON Feed 1.1 bytes, and the OPML list of feeds.

Every time comes from the model (`FeedSpec.published`), never the clock, and
entries are appended in the spec's order, so the same content always gives the
same bytes. The three formats carry the same items: the title as plain text
(TeX as Unicode, see `mathtext`), the authors (RSS as `dc:creator`), the tags,
the links to arXiv, PDF, code and project page (in the HTML, and in Atom also as
`rel="related"` links), and the body as HTML whose MathML reads as math when a
reader strips its tags.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from html import escape
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from ..model.site import FeedSpec, Link, PaperView, SiteInfo, feed_links
from .markup import xml_safe
from .mathtext import plain_math, readable_mathml

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


class RelatedLinks(BaseEntryExtension):
    """An Atom entry's `<link rel="related">` elements, written here because feedgen 1.0 drops the
    `rel` and `title` of every entry link (lkiesow/python-feedgen#135): readers would take the last
    link, the code repository, for the paper's page."""

    def __init__(self) -> None:
        self.links: tuple[Link, ...] = ()

    def extend_atom(self, entry: Any) -> Any:
        for link in self.links:
            xml_elem("link", entry, href=link.url, rel="related", title=link.label)
        return entry


def render_feed(spec: FeedSpec, info: SiteInfo) -> bytes:
    """One feed as bytes: RSS 2.0, Atom 1.0 or JSON Feed 1.1 according to `spec.kind`."""
    if spec.kind == "json":
        return render_json_feed(spec, info)
    fg = FeedGenerator()
    if spec.kind == "rss":
        fg.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS's <author> must be an e-mail address
    else:
        fg.register_extension("related", BaseExtension, RelatedLinks, atom=True, rss=False)
    fg.id(spec.id)
    fg.title(xml_safe(spec.title))
    fg.subtitle(xml_safe(spec.subtitle) or xml_safe(spec.title))
    # feedgen's RSS <link> is the last link given, so the page link goes last.
    fg.link(href=spec.url, rel="self")
    fg.link(href=spec.link, rel="alternate")
    fg.language(info.language)
    fg.generator(info.generator)
    # Atom needs an author for the feed when entries may have none.
    fg.author(name=xml_safe(info.author or info.title))
    fg.updated(spec.updated)
    fg.lastBuildDate(spec.updated)
    for paper, stamp in zip(spec.items, spec.published):
        links = feed_links(paper)
        fe = fg.add_entry(order="append")
        fe.id(paper.guid)
        fe.guid(paper.guid, permalink=False)
        fe.title(item_title(paper))
        fe.link(href=paper.abs_url)
        fe.published(stamp)
        fe.updated(stamp)
        # As one list each: feedgen rebuilds its RSS copy of all authors (categories) on every call.
        names = [xml_safe(name) for name in paper.authors]
        if names and spec.kind == "rss":
            fe.dc.dc_creator(", ".join(names))  # one element, as arXiv writes it: readers show one
        elif names:
            fe.author([{"name": name} for name in names])
        if paper.tags:
            fe.category([{"term": tag.slug, "label": xml_safe(tag.name)} for tag in paper.tags])
        html = item_html(paper, links)
        if spec.kind == "atom":
            fe.related.links = links
            fe.summary(item_summary(paper))
            fe.content(html, type="html")
        else:
            fe.description(html)
    if spec.kind == "atom":
        return fg.atom_str(pretty=True)
    return fg.rss_str(pretty=True)


def render_json_feed(spec: FeedSpec, info: SiteInfo) -> bytes:
    """One feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1), with the items of the RSS and Atom feeds."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": xml_safe(spec.title),
        "home_page_url": spec.link,
        "feed_url": spec.url,
        "description": xml_safe(spec.subtitle) or xml_safe(spec.title),
        "language": info.language,
        "authors": [{"name": xml_safe(info.author or info.title)}],
        "items": [_json_item(paper, stamp) for paper, stamp in zip(spec.items, spec.published)],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(paper: PaperView, stamp: dt.datetime) -> dict[str, Any]:
    links = feed_links(paper)
    item: dict[str, Any] = {"id": paper.guid, "url": paper.abs_url}
    arxiv = next((link.url for link in links if link.kind == "arxiv"), None)
    if arxiv:
        item["external_url"] = arxiv
    item.update(
        title=item_title(paper),
        content_html=item_html(paper, links),
        summary=item_summary(paper),
        date_published=stamp.isoformat(),
    )
    if paper.authors:
        item["authors"] = [{"name": xml_safe(name)} for name in paper.authors]
    if paper.tags:
        item["tags"] = [xml_safe(tag.name) for tag in paper.tags]
    return item


def item_title(paper: PaperView) -> str:
    """A feed item's title: plain text, TeX as Unicode (`PixArt-$\\alpha$` -> `PixArt-α`)."""
    return xml_safe(plain_math(paper.title))


def item_summary(paper: PaperView) -> str:
    """A feed item's summary: the listing excerpt, plain text, TeX as Unicode."""
    return xml_safe(plain_math(paper.summary))


def item_html(paper: PaperView, links: Iterable[Link]) -> str:
    """A feed item's HTML: the body (its MathML marked to read as text too), then its links."""
    html = readable_mathml(xml_safe(paper.html)) or f"<p>{escape(item_summary(paper), quote=False)}</p>"
    anchors = [f'<a href="{escape(link.url)}">{escape(link.label, quote=False)}</a>' for link in links]
    if anchors:
        html += "\n<p>" + " · ".join(anchors) + "</p>"
    return html


def _attr(value: str) -> str:
    """A quoted XML attribute value (xml.sax.saxutils would pull in urllib and ssl: 10 ms of every build)."""
    return '"' + escape(value) + '"'


def render_opml(feeds: Iterable[FeedSpec], info: SiteInfo) -> str:
    """An OPML 2.0 subscription list of every RSS feed (the site's, then each tag's)."""
    outlines = [
        f'    <outline type="rss" text={_attr(xml_safe(f.title))} title={_attr(xml_safe(f.title))} '
        f"xmlUrl={_attr(f.url)} htmlUrl={_attr(f.link)}/>"
        for f in feeds
        if f.kind == "rss"
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<opml version="2.0">\n'
        f"  <head>\n    <title>{escape(xml_safe(info.title), quote=False)} feeds</title>\n  </head>\n"
        "  <body>\n" + "\n".join(outlines) + "\n  </body>\n</opml>\n"
    )
