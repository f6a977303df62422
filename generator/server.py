"""A local preview server for the built site, on 127.0.0.1 by default.

It serves only files inside the output folder, mounts the site under the
base_url's path (so a sub-path site previews as it will be hosted), and
answers unknown paths with the site's own 404 page.
"""

from __future__ import annotations

import functools
import http.server
import os
import posixpath
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under `base_path`; anything else gets 404.html."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        request = unquote(urlsplit(path).path)
        if not request.startswith(self.base_path):
            if request + "/" == self.base_path:
                return self.directory
            return ""
        parts = [p for p in posixpath.normpath(request[len(self.base_path):]).split("/") if p not in ("", ".", "..")]
        full = os.path.realpath(os.path.join(self.directory, *parts))
        root = os.path.realpath(self.directory)
        if full != root and not full.startswith(root + os.sep):
            return ""
        return full

    def send_head(self):
        # An empty translated path means "outside the site": answer 404, never touch the disk.
        if not self.translate_path(self.path):
            self.send_error(404)
            return None
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


def make_server(directory: Path, base_path: str, *, bind: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(type("Handler", (SiteHandler,), {"base_path": base_path}),
                                directory=str(directory))
    return http.server.ThreadingHTTPServer((bind, port), handler)


def serve(directory: Path, base_path: str, *, bind: str, port: int) -> int:
    """Serve until Ctrl-C. Returns the exit code."""
    try:
        server = make_server(directory, base_path, bind=bind, port=port)
    except OSError as exc:
        print(f"error: cannot listen on {bind}:{port}: {exc.strerror}", file=sys.stderr)
        return 1
    host = f"[{bind}]" if ":" in bind else bind
    print(f"serving {directory} at http://{host}:{server.server_address[1]}{base_path} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.server_close()
    return 0
