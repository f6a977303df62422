"""Feeds: feed specs -> RSS 2.0 and Atom 1.0 bytes (feedgen), and the OPML list of feeds.

Every date comes from the entries, never the clock, and entries are appended
in the spec's order, so the same content always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape

from feedgen.feed import FeedGenerator

from ..model.site import FeedSpec, SiteInfo
from .markup import xml_safe


def _timestamp(date: dt.date) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)


def render_feed(spec: FeedSpec, info: SiteInfo) -> bytes:
    """One feed as XML bytes, RSS 2.0 or Atom 1.0 according to `spec.kind`."""
    fg = FeedGenerator()
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
    updated = _timestamp(spec.updated)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for paper in spec.items:
        fe = fg.add_entry(order="append")
        fe.id(paper.guid)
        fe.guid(paper.guid, permalink=False)
        fe.title(xml_safe(paper.title))
        fe.link(href=paper.abs_url)
        stamp = _timestamp(paper.date)
        fe.published(stamp)
        fe.updated(stamp)
        # As one list each: feedgen rebuilds its RSS copy of all authors (categories) on every call.
        if paper.authors:
            fe.author([{"name": xml_safe(name)} for name in paper.authors])
        if paper.tags:
            fe.category([{"term": tag.slug, "label": xml_safe(tag.name)} for tag in paper.tags])
        html = xml_safe(paper.html) or f"<p>{escape(xml_safe(paper.summary), quote=False)}</p>"
        if spec.kind == "atom":
            fe.summary(xml_safe(paper.summary))
            fe.content(html, type="html")
        else:
            fe.description(html)
    if spec.kind == "atom":
        return fg.atom_str(pretty=True)
    return fg.rss_str(pretty=True)


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
