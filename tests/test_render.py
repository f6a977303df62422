"""Filters the templates use, against their definitions."""

from __future__ import annotations

import datetime as dt
import json
import types

from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.utils import htmlsafe_json_dumps

from generator.model.site import PaperView, TagRef
from generator.render.environment import _jsonld


def jsonld_by_json_dumps(paper, info):
    """The definition of the JSON-LD: the data, as json.dumps writes it and jinja2 makes it safe."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "url": paper.abs_url,
        "mainEntityOfPage": paper.abs_url,
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
    return htmlsafe_json_dumps(data, dumps=lambda obj, **kw: json.dumps(obj, ensure_ascii=False, sort_keys=False))


hostile = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    title=hostile,
    abstract=hostile,
    authors=st.lists(hostile, max_size=3),
    tags=st.lists(hostile, max_size=3),
    arxiv=hostile,
    doi=hostile,
    site_title=hostile,
    published=st.none() | st.dates(),
)
def test_jsonld_is_what_json_dumps_writes_made_safe(title, abstract, authors, tags, arxiv, doi, site_title, published):
    paper = PaperView(
        slug="s",
        title=title,
        date=dt.date(2024, 5, 6),
        url="/papers/s/",
        abs_url="https://example.org/papers/s/",
        guid="g",
        tags=tuple(TagRef(f"t{i}", name, f"/tags/t{i}/") for i, name in enumerate(tags)),
        links=(),
        authors=tuple(authors),
        sources=(),
        summary="",
        html="",
        extra={},
        abstract=abstract,
        arxiv=arxiv,
        doi=doi,
        published=published,
    )
    info = types.SimpleNamespace(title=site_title, base_url="https://example.org/")
    made = _jsonld(paper, info)
    assert made == jsonld_by_json_dumps(paper, info)
    assert "<" not in made and "&" not in made and json.loads(made)["abstract"] == abstract


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_feed_guids_are_uuid5_of_the_slug(slug):
    import uuid

    from generator.model.site import GUID_NAMESPACE, paper_guid

    assert paper_guid(slug) == f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, slug)}"
