"""The demo site in a real browser: Playwright driving Debian's Chromium.

Navigation, search, math, dark mode, console errors and axe-core on the five
page kinds. Chromium comes from `apt-get install chromium` (.ci/run does it).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from conftest import REPO, copy_project

from generator.cli import main
from generator.server import make_server

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PIXART = "papers/pixart-a-fast-training-of-diffusion-transformer-for-photorealistic-text-to-image/"
CACHEGEN_TITLE = "CacheGen: Fast Context Loading for Language Model Applications"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"browser tests need {CHROMIUM}: apt-get install -y chromium")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    copy_project(REPO, root)
    assert main(["-C", str(root), "-q", "build", "--base-url", "http://127.0.0.1:8000/"]) == 0
    server = make_server(root / "site", "/", bind="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def test_home_to_paper_to_tag_and_back(page, base):
    page.goto(base)
    first = page.locator(".item-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/papers/**")
    assert page.locator("h1").inner_text() == title
    paper_url = page.url
    tag = page.locator(".paper .chip").first
    tag_name = tag.inner_text()
    tag.click()
    page.wait_for_url("**/tags/**")
    assert page.locator("h1").inner_text().startswith(tag_name)
    # The paper is the newest of all, so it heads the first page of each of its tags too.
    assert page.locator(".item-title a").first.inner_text() == title
    page.go_back()
    assert page.url == paper_url
    assert page.errors == []


def test_search_finds_a_seed_paper_by_its_title(page, base):
    page.goto(base + "search/")
    page.fill("#search-input", CACHEGEN_TITLE)
    first = page.locator(".search-result .result-title").first
    first.wait_for(timeout=10_000)
    assert first.inner_text() == CACHEGEN_TITLE
    assert "LLMs" in page.locator(".search-result .result-tags").first.inner_text()
    first.click()
    page.wait_for_url("**/papers/cachegen-**")
    assert page.errors == []


def test_header_search_box_opens_results(page, base):
    page.goto(base + "tags/")
    page.fill("#header-q", "speculative decoding")
    page.press("#header-q", "Enter")
    page.wait_for_url("**/search/?q=speculative+decoding")
    page.locator(".search-result").first.wait_for(timeout=10_000)
    assert page.locator(".search-result").count() >= 3


def test_math_renders_as_mathml(page, base):
    page.goto(base + PIXART)
    math = page.locator("h1 math")
    assert math.count() == 1
    box = math.bounding_box()
    assert box and box["width"] > 3 and box["height"] > 3
    assert page.evaluate("getComputedStyle(document.querySelector('h1 math')).display") != "none"


def test_download_button_saves_the_pages_bibtex(page, base):
    import bibtexparser

    page.goto(base + PIXART)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download .bib").click()
    download = info.value
    assert download.suggested_filename == PIXART.split("/")[1] + ".bib"
    text = Path(download.path()).read_text()
    assert text == page.locator("#bibtex").text_content()
    [entry] = bibtexparser.parse_string(text).entries
    assert "PixArt" in entry.fields_dict["title"].value
    assert not page.errors


def test_dark_mode_follows_the_system_and_the_toggle_remembers(browser, base):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(base)
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark == "rgb(17, 19, 23)"
    page.click("#theme-toggle")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 251, 250)"
    assert page.get_attribute("#theme-toggle", "aria-pressed") == "false"
    page.goto(base + "tags/")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 251, 250)"
    context.close()


def test_pages_read_with_javascript_off(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + PIXART)
    assert "PixArt" in page.locator("h1").inner_text()
    assert page.locator(".abstract p").first.inner_text()
    assert page.locator("#theme-toggle").is_hidden()
    context.close()


@pytest.mark.parametrize("path", ["", PIXART, "tags/kv-cache/", "tags/", "search/?q=kv%20cache"])
def test_axe_finds_no_serious_or_critical_violations(page, base, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(base + path)
    if path.startswith("search"):
        page.locator(".search-result").first.wait_for(timeout=10_000)
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    assert page.errors == []


def test_content_security_policy_allows_only_the_sites_own_scripts(page, base):
    page.goto(base + PIXART)
    policy = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
    # An injected inline script is refused by the policy.
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';
                              document.body.append(s); }""")
    assert page.evaluate("window.pwned") is None


def test_no_console_errors_across_page_kinds(page, base):
    errors = {}
    for path in ("", "page/2/", PIXART, "tags/", "tags/by-count/", "tags/llm/", "archive/", "search/", "nope/"):
        page.errors.clear()
        page.goto(base + path)
        errors[path] = list(page.errors)
    # Only the missing page logs an error: the browser's own note of its 404.
    assert {path: found for path, found in errors.items() if found and path != "nope/"} == {}
    assert errors["nope/"] and all("404" in e for e in errors["nope/"]), errors["nope/"]
