"""Fetching sources over http(s): a timeout per read and a deadline per download, a size cap,
a clear User-Agent, retries with backoff on 429 and 5xx, and the polite delay a host asks for
(arXiv: one request per 3 s). Bodies may come gzip-compressed; with a cache folder, each URL's
last body is kept with its ETag and Last-Modified, and asked for again conditionally, so an
unchanged source costs the server a 304.

The read timeout alone never ends a download from a server that trickles
bytes, a few every few seconds; the deadline does. The body is checked
against it after every read, and a watchdog shuts the connection's socket
at the deadline, which also ends a server that trickles its status line or
headers (read by the standard library before the body is handed over).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..errors import Problem, SourceError

USER_AGENT = f"paperfeed/{__version__} (static site generator for paper feeds)"
# Hosts that ask for a pause between requests, in seconds (arXiv's API terms: 3 s).
POLITE_DELAY = {"export.arxiv.org": 3.0, "arxiv.org": 3.0, "rss.arxiv.org": 3.0, "huggingface.co": 1.0}
RETRY_STATUS = {429, 500, 502, 503, 504}
_PIECE = 1 << 16


@dataclass
class Fetcher:
    """Fetches URLs one at a time, remembering when each host was last asked."""

    timeout: float = 30.0  # seconds one read may wait
    deadline: float = 300.0  # seconds one whole download may take
    max_bytes: int = 64 * 1024 * 1024
    retries: int = 4
    backoff: float = 2.0
    max_wait: float = 60.0
    delays: dict[str, float] = field(default_factory=lambda: dict(POLITE_DELAY))
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    cache: Path | None = None  # folder of the last body of each URL, for conditional requests
    _last: dict[str, float] = field(default_factory=dict)

    def _wait_turn(self, host: str) -> None:
        delay = self.delays.get(host, 0.0)
        last = self._last.get(host)
        if delay and last is not None:
            remaining = last + delay - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self._last[host] = self.clock()

    def fetch(self, url: str) -> bytes:
        """The body of a URL; a `SourceError` naming the URL when it cannot be had."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError(Problem(url, "only http and https URLs can be fetched"))
        headers = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "gzip"}
        cached = self._cached(url)
        if cached:
            validators = {"If-None-Match": cached[0].get("etag"), "If-Modified-Since": cached[0].get("last_modified")}
            headers.update({k: v for k, v in validators.items() if v})
        request = urllib.request.Request(url, headers=headers)
        for attempt in range(self.retries + 1):
            self._wait_turn(parts.netloc.lower())
            try:
                body, received = self._download(url, request)
                self._keep(url, body, received)
                return body
            except urllib.error.HTTPError as exc:
                if exc.code == 304 and cached:
                    return cached[1]
                if exc.code not in RETRY_STATUS or attempt == self.retries:
                    raise SourceError(Problem(url, f"HTTP {exc.code} {exc.reason}")) from None
                self.sleep(self._retry_after(exc.headers.get("Retry-After"), attempt))
            except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
                if attempt == self.retries:
                    reason = getattr(exc, "reason", exc)
                    raise SourceError(Problem(url, f"cannot fetch: {reason}")) from None
                self.sleep(self._retry_after(None, attempt))
        raise AssertionError("unreachable")

    def _download(self, url: str, request: urllib.request.Request) -> tuple[bytes, Message]:
        """One attempt: the body, read in pieces as they arrive, within the size cap and the deadline,
        and the response's headers."""
        sockets: list[socket.socket] = []
        cut: list[bool] = []
        watchdog = threading.Timer(self.deadline, _shut, args=(sockets, cut))
        watchdog.daemon = True
        watchdog.start()
        try:
            body, headers = self._read(url, request, sockets)
        except (OSError, http.client.HTTPException) as exc:
            if not cut:
                raise
            raise SourceError(Problem(url, f"cannot fetch: not complete after {self.deadline:g} s")) from exc
        finally:
            watchdog.cancel()
        if cut:  # what arrived before the watchdog cut the connection is not the whole body
            raise SourceError(Problem(url, f"cannot fetch: not complete after {self.deadline:g} s"))
        if headers.get("Content-Encoding", "").strip().lower() in ("gzip", "x-gzip"):
            body = self._gunzip(url, body)
        return body, headers

    def _gunzip(self, url: str, body: bytes) -> bytes:
        """A gzip body unpacked, within the size cap (a small bomb must not fill the memory)."""
        unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            data = unpacker.decompress(body, self.max_bytes + 1)
        except zlib.error as exc:
            raise SourceError(Problem(url, f"cannot fetch: damaged gzip body ({exc})")) from None
        if len(data) > self.max_bytes:
            raise SourceError(Problem(url, f"larger than {self.max_bytes // (1024 * 1024)} MB unpacked; not fetched"))
        return data

    def _read(self, url: str, request: urllib.request.Request, sockets: list[socket.socket]) -> tuple[bytes, Message]:
        started = self.clock()
        parts: list[bytes] = []
        size = 0
        opener = urllib.request.build_opener(_WatchedHTTP(sockets), _WatchedHTTPS(sockets))
        with opener.open(request, timeout=self.timeout) as response:
            # read1 returns what has arrived; read(n) would wait, timeout after timeout, for all n bytes.
            while part := response.read1(_PIECE):
                parts.append(part)
                size += len(part)
                if size > self.max_bytes:
                    raise SourceError(Problem(url, f"larger than {self.max_bytes // (1024 * 1024)} MB; not fetched"))
                if self.clock() - started > self.deadline:
                    raise SourceError(Problem(url, f"cannot fetch: not complete after {self.deadline:g} s"))
            return b"".join(parts), response.headers

    def _cache_file(self, url: str) -> Path | None:
        return self.cache / hashlib.sha256(url.encode()).hexdigest() if self.cache else None

    def _cached(self, url: str) -> tuple[dict[str, str], bytes] | None:
        """The validators and body kept for `url`; None when there are none (or they are damaged)."""
        path = self._cache_file(url)
        if path is None:
            return None
        try:
            with open(path, "rb") as file:
                meta = json.loads(file.readline())
                body = file.read()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("url") != url or meta.get("size") != len(body):
            return None
        return meta, body

    def _keep(self, url: str, body: bytes, headers: Message) -> None:
        """Keep the body for the next conditional request; a cache that cannot be written is skipped."""
        path = self._cache_file(url)
        etag, modified = headers.get("ETag"), headers.get("Last-Modified")
        if path is None or not (etag or modified):
            return
        meta = {"url": url, "etag": etag, "last_modified": modified, "size": len(body)}
        temporary = ""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as file:
                file.write(json.dumps(meta).encode() + b"\n" + body)
            os.replace(temporary, path)  # whole or absent, also when killed
        except OSError:
            if temporary:
                Path(temporary).unlink(missing_ok=True)

    def _retry_after(self, header: str | None, attempt: int) -> float:
        wait = self.backoff * (2**attempt)
        if header:
            try:
                wait = float(header)
            except ValueError:
                try:
                    wait = parsedate_to_datetime(header).timestamp() - time.time()
                except (TypeError, ValueError):
                    pass
        return max(0.0, min(wait, self.max_wait))


def _shut(sockets: list[socket.socket], cut: list[bool]) -> None:
    cut.append(True)
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # a read waiting on it returns at once
        except OSError:
            pass


def _watching(base: type[http.client.HTTPConnection], sockets: list[socket.socket]) -> Any:
    """`base` whose connections hand their socket to the watchdog once connected."""

    class Watched(base):  # type: ignore[misc, valid-type]
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    return Watched


class _WatchedHTTP(urllib.request.HTTPHandler):
    def __init__(self, sockets: list[socket.socket]) -> None:
        super().__init__()
        self.sockets = sockets

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_watching(http.client.HTTPConnection, self.sockets), req)


class _WatchedHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, sockets: list[socket.socket]) -> None:
        super().__init__()
        self.sockets = sockets

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_watching(http.client.HTTPSConnection, self.sockets), req, context=None)
