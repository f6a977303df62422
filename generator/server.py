"""A local preview server for the built site, on 127.0.0.1 by default, with live reload.

It serves only files inside the output folder, mounts the site under the
base_url's path (so a sub-path site previews as it will be hosted), and
answers unknown paths with the site's own 404 page. In live mode a watcher
rebuilds when the sources change, and a small script, added to HTML
responses by the server (never written to the site), reloads open tabs over
server-sent events. A failed rebuild keeps the last good site served and
shows the error, with file and line, at the bottom of every page. The
server listens before the first build, so that the site can be built with
the address it is reached at (`preview_url`) as its base_url.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import posixpath
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from .ids import split_url
from .watch import Watcher

LIVE_PREFIX = "/__paperfeed/"
LIVE_STYLE = b"""#paperfeed-error { position: fixed; left: 0; right: 0; bottom: 0; z-index: 9999; max-height: 40vh;
  overflow: auto; margin: 0; padding: 1rem; background: #b00020; color: #fff; font: 14px/1.4 monospace;
  white-space: pre-wrap; }
"""
LIVE_SCRIPT = b"""// paperfeed serve: reload this tab when the site is rebuilt.
(function () {
  var source = new EventSource("/__paperfeed/events");
  source.addEventListener("reload", function () { location.reload(); });
})();
"""


class LiveState:
    """What the server tells pages: a build counter to wait on, and the last build error."""

    def __init__(self) -> None:
        self.version = 0
        self.error = ""
        self.changed = threading.Condition()

    def built(self, error: str = "") -> None:
        with self.changed:
            self.version += 1
            self.error = error
            self.changed.notify_all()

    def wait(self, version: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != version, timeout=timeout)
            return self.version


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under `base_path`; anything else gets 404.html."""

    base_path = "/"
    live: LiveState | None = None

    def translate_path(self, path: str) -> str:
        parts = split_url(path)
        if parts is None:
            return ""
        request = unquote(parts.path)
        if "\0" in request:
            return ""  # no file name holds one; os.path would raise
        if not request.startswith(self.base_path):
            if request + "/" == self.base_path:
                return self.directory
            return ""
        inside = posixpath.normpath(request[len(self.base_path) :])
        segments = [p for p in inside.split("/") if p not in ("", ".", "..")]
        full = os.path.realpath(os.path.join(self.directory, *segments))
        root = os.path.realpath(self.directory)
        if full != root and not full.startswith(root + os.sep):
            return ""
        return full

    def do_GET(self) -> None:  # noqa: N802 - http.server's API
        if self.live is not None and self.path.startswith(LIVE_PREFIX):
            self._live_endpoint()
            return
        if self.live is not None:
            body = self._html_body()
            if body is not None:
                self._send(200, body)
                return
        super().do_GET()

    def send_head(self):
        # An empty translated path means "outside the site": answer 404, never touch the disk.
        if not self.translate_path(self.path):
            self.send_error(404)
            return None
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            self._send(404, self._inject(page.read_bytes()))
            return
        if code == 404 and self.live is not None and self.live.error:
            # No site yet (the first build failed): a page that shows why.
            self._send(404, self._inject(b"<!doctype html><html lang=en><title>paperfeed: no site yet</title></html>"))
            return
        super().send_error(code, message, explain)

    def _html_body(self) -> bytes | None:
        """The bytes of an HTML page with the live-reload script added, or None for anything else."""
        path = self.translate_path(self.path)
        parts = split_url(self.path)
        if not path or parts is None:
            return None
        if os.path.isdir(path):
            if not parts.path.endswith("/"):
                return None  # let the base class redirect to the slash URL
            path = os.path.join(path, "index.html")
        if not path.endswith(".html") or not os.path.isfile(path):
            return None
        with open(path, "rb") as handle:
            return self._inject(handle.read())

    def _inject(self, page: bytes) -> bytes:
        if self.live is None:
            return page
        extra = f'<script src="{LIVE_PREFIX}live.js"></script>'
        if self.live.error:
            # A stylesheet, not a style attribute: the site's Content-Security-Policy allows only its own files.
            extra += (
                f'<link rel="stylesheet" href="{LIVE_PREFIX}live.css"><div id="paperfeed-error" role="alert">'
                "paperfeed: the last rebuild failed; showing the last good site.\n"
                f"{html.escape(self.live.error)}</div>"
            )
        marker = page.rfind(b"</body>")
        if marker < 0:
            return page + extra.encode()
        return page[:marker] + extra.encode() + page[marker:]

    def _send(self, code: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _live_endpoint(self) -> None:
        assert self.live is not None
        parts = split_url(self.path)
        name = parts.path[len(LIVE_PREFIX) :] if parts else ""
        if name == "live.js":
            self._send(200, LIVE_SCRIPT, "text/javascript; charset=utf-8")
            return
        if name == "live.css":
            self._send(200, LIVE_STYLE, "text/css; charset=utf-8")
            return
        if name != "events":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        version = self.live.version
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                now = self.live.wait(version, timeout=15)
                if now != version:
                    version = now
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


def make_server(
    directory: Path, base_path: str, *, bind: str, port: int, live: LiveState | None = None
) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(
        type("Handler", (SiteHandler,), {"base_path": base_path, "live": live}), directory=str(directory)
    )
    server = http.server.ThreadingHTTPServer((bind, port), handler)
    server.daemon_threads = True
    return server


def watch(
    watcher: Watcher,
    rebuild: Callable[[], str | None],
    live: LiveState,
    *,
    stop: threading.Event | None = None,
) -> None:
    """Call `rebuild` for each burst of changes `watcher` sees, and tell open pages: `rebuild` returns an
    error text, '' when the site was rebuilt, or None when it did not change (nothing to reload)."""
    stop = stop or threading.Event()
    while watcher.next(stop) is not None:
        try:
            error = rebuild()
        except Exception as exc:  # a bug in the build: keep serving the last good site, and try again on change
            error = f"internal error, please report it: {type(exc).__name__}: {exc}"
            print(f"{time.strftime('%H:%M:%S')} rebuild failed:\n{error}", file=sys.stderr, flush=True)
        if error is not None:
            live.built(error)
    watcher.close()


# A server listening on every address is reached on this machine at the loopback address.
_WILDCARDS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


def preview_url(bind: str, port: int, base_path: str) -> str:
    """The address a preview listening on `bind` and `port` is reached at, under `base_path`: what
    `paperfeed serve` makes the site's base_url, so that the absolute links of its pages and feeds
    (canonical links, feed items, the sitemap) lead back to the preview, whatever the port."""
    host = _WILDCARDS.get(bind, bind)
    return f"http://{f'[{host}]' if ':' in host else host}:{port}{base_path}"


def serve(
    server: http.server.ThreadingHTTPServer,
    directory: Path,
    url: str,
    *,
    live: LiveState | None = None,
    watcher: Watcher | None = None,
    rebuild: Callable[[], str | None] | None = None,
    error: str = "",
) -> int:
    """Serve `directory` on a server from `make_server` (reached at `url`) until Ctrl-C, rebuilding on change
    when `live`, `watcher` and `rebuild` are given (`error`: the first build's, shown until a rebuild
    succeeds). The server is made first, so the site can be built for the port it got. Returns the
    exit code."""
    if live is not None and error:
        live.built(error)
    stop = threading.Event()
    if live is not None and watcher is not None and rebuild is not None:
        threading.Thread(target=watch, args=(watcher, rebuild, live), kwargs={"stop": stop}, daemon=True).start()
    print(
        f"serving {directory} at {url}" + (" (rebuilds on change; Ctrl-C stops)" if live else " (Ctrl-C stops)"),
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        stop.set()
        server.server_close()
    return 0
