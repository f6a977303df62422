"""The preview server: serves the site under its base path, 404s the rest, never leaves the folder."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest

from generator.server import make_server


@pytest.fixture
def served(tmp_path):
    site = tmp_path / "site"
    (site / "papers/a").mkdir(parents=True)
    (site / "index.html").write_text("home")
    (site / "papers/a/index.html").write_text("paper a")
    (site / "404.html").write_text("custom 404")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "link").symlink_to(tmp_path / "secret.txt")
    server = make_server(site, "/group/", bind="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_pages_are_served_under_the_base_path(served):
    assert get(served + "/group/") == (200, "home")
    assert get(served + "/group/papers/a/") == (200, "paper a")


def test_unknown_and_escaping_paths_get_the_site_404(served):
    for path in ("/group/nope/", "/", "/secret.txt", "/group/../secret.txt", "/group/%2e%2e/secret.txt", "/group/link"):
        assert get(served + path) == (404, "custom 404"), path


def test_malformed_request_paths_get_404_not_a_crash(served):
    for path in ("//[x/", "/group/%ff%fe", "/group/\\..\\secret.txt", "/group/%00", "/group/papers/a%00/"):
        assert get(served + path)[0] == 404, path
