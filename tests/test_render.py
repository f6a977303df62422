"""Filters the templates use, through the filter table the environment installs."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import types
from pathlib import Path

from conftest import FIXTURES, REPO
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from generator.build.tracking import make_tracking_environment
from generator.cli import main
from generator.model.site import PaperView, TagRef
from generator.render.environment import FILTERS
from generator.render.theme import find_theme

# What must never appear raw in JSON inside <script>: Jinja writes each as a \u escape.
UNSAFE_IN_SCRIPT = "<>&'"


def json_escapes(text: str) -> list[str]:
    """The characters JSON text writes as `\\uXXXX` escapes (every backslash starts an escape: `\\\\` is one)."""
    escaped = []
    i = 0
    while (i := text.find("\\", i)) != -1:
        if text[i + 1] == "u":
            escaped.append(chr(int(text[i + 2 : i + 6], 16)))
            i += 6
        else:
            i += 2  # \\, \", \n and the other two-character escapes
    return escaped


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
@example(
    title="</script><script>alert('x')</script> & <!-- Müller's “Ångström” 数学 \u2028",
    abstract="a\\u003c b\\ \"quoted\" \n\t\x00 ünïcödé 🙂 '&<>'",
    authors=["Jörg Müller", "O'Brien <ob@example.org>", "李雷"],
    tags=["R&D", "<b>", "Café"],
    arxiv="2401.00001",
    doi="10.1000/x<y>&'z",
    site_title="Tom & Jerry's <papers>",
    published=dt.date(2023, 12, 31),
).via("the characters that matter inside <script>, with non-ASCII text")
@example(title="t", abstract="", authors=[], tags=[], arxiv="", doi="", site_title="", published=None).via(
    "no optional fields"
)
def test_jsonld_is_the_papers_schema_org_data_safe_inside_script(
    title, abstract, authors, tags, arxiv, doi, site_title, published
):
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
    made = FILTERS["jsonld"](paper, info)

    # Safe inside <script>: none of these characters raw, and Markup so that Jinja does not escape it again.
    assert isinstance(made, Markup)
    assert not any(c in made for c in UNSAFE_IN_SCRIPT)

    # Text as it is: only the four characters above and control characters (which JSON must escape) are \u escapes;
    # every other character of the paper is written raw, non-ASCII included.
    assert all(c in UNSAFE_IN_SCRIPT or c < " " for c in json_escapes(made))
    texts = [title, abstract, *authors, *tags, arxiv, doi, site_title]
    assert {c for text in texts for c in text if c > "\x7f"} <= set(made)

    data = json.loads(made)
    keys = ["@context", "@type", "headline", "name", "url", "mainEntityOfPage", "datePublished", "abstract"]
    keys += ["isAccessibleForFree", "publisher"]
    keys += ["author"] * bool(authors) + ["keywords"] * bool(tags) + ["sameAs"] * bool(arxiv)
    keys += ["identifier"] * bool(arxiv or doi)
    assert list(data) == keys
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == data["name"] == title
    assert data["url"] == data["mainEntityOfPage"] == "https://example.org/papers/s/"
    assert data["datePublished"] == (published or dt.date(2024, 5, 6)).isoformat()
    assert data["abstract"] == abstract
    assert data["isAccessibleForFree"] is True
    assert data["publisher"] == {"@type": "Organization", "name": site_title, "url": "https://example.org/"}
    if authors:
        assert data["author"] == [{"@type": "Person", "name": name} for name in authors]
    if tags:
        assert data["keywords"] == ", ".join(tags)
    identifiers = [("arXiv", arxiv)] * bool(arxiv) + [("DOI", doi)] * bool(doi)
    if identifiers:
        assert data["identifier"] == [{"@type": "PropertyValue", "propertyID": p, "value": v} for p, v in identifiers]
    if arxiv:
        assert data["sameAs"] == f"https://arxiv.org/abs/{arxiv}"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_feed_guids_are_uuid5_of_the_site_address_and_the_slug(slug):
    import uuid

    from generator.model.site import GUID_NAMESPACE, paper_guid

    expected = uuid.uuid5(GUID_NAMESPACE, f"example.org/sub/papers/{slug}")
    assert paper_guid(slug, "https://example.org/sub/") == f"urn:uuid:{expected}"


def _site_with_theme(tmp_path: Path, name: str, *, fragments: bool) -> dict[str, bytes]:
    root = tmp_path / name
    shutil.copytree(FIXTURES / "sample_site", root)
    shutil.copytree(REPO / "themes", root / "themes")
    if not fragments:  # the plain version: every card rendered where it shows
        for template in ("list.html", "tag.html"):
            path = root / "themes/default/templates" / template
            text = path.read_text()
            call = '{% call fragment("item", paper.slug, show_date) %}{{ item(paper, show_date) }}{% endcall -%}'
            assert call in text
            path.write_text(text.replace(call, "{{ item(paper, show_date) -}}"))
    assert main(["-C", str(root), "-q", "build", "--no-search", "--jobs", "1"]) == 0
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_fragments_give_the_bytes_of_rendering_every_card_in_place(tmp_path):
    assert _site_with_theme(tmp_path, "cached", fragments=True) == _site_with_theme(tmp_path, "plain", fragments=False)


def test_a_reused_fragment_counts_as_reading_what_it_read(tmp_path):
    env = make_tracking_environment(find_theme(REPO, "default"))
    template = env.from_string('{% call fragment("k", p.slug) %}{{ p.title }}{% endcall %}|{{ p.slug }}')
    paper = PaperView(slug="s", title="T", date=dt.date(2024, 5, 6), url="/papers/s/",
                      abs_url="https://example.org/papers/s/", guid="g", tags=(), links=(), authors=(), sources=(),
                      summary="", html="", extra={})  # fmt: skip
    reads = []
    for _ in range(2):
        env.reads = {}
        assert template.render(p=paper) == "T|s"
        reads.append(env.reads)
    env.reads = None
    assert reads[0] == reads[1] == {"s": {"slug", "title"}}
