"""Fetching sources over http(s): a timeout per read and a deadline per download, a size cap,
a clear User-Agent, retries with backoff on 429 and 5xx, and the polite delay a host asks for
(arXiv: one request per 3 s).

The read timeout alone never ends a download from a server that trickles
bytes, a few every few seconds; the deadline does. The body is checked
against it after every read, and a watchdog shuts the connection's socket
at the deadline, which also ends a server that trickles its status line or
headers (read by the standard library before the body is handed over).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
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
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        for attempt in range(self.retries + 1):
            self._wait_turn(parts.netloc.lower())
            try:
                return self._download(url, request)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUS or attempt == self.retries:
                    raise SourceError(Problem(url, f"HTTP {exc.code} {exc.reason}")) from None
                self.sleep(self._retry_after(exc.headers.get("Retry-After"), attempt))
            except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
                if attempt == self.retries:
                    reason = getattr(exc, "reason", exc)
                    raise SourceError(Problem(url, f"cannot fetch: {reason}")) from None
                self.sleep(self._retry_after(None, attempt))
        raise AssertionError("unreachable")

    def _download(self, url: str, request: urllib.request.Request) -> bytes:
        """One attempt: the body, read in pieces as they arrive, within the size cap and the deadline."""
        sockets: list[socket.socket] = []
        cut: list[bool] = []
        watchdog = threading.Timer(self.deadline, _shut, args=(sockets, cut))
        watchdog.daemon = True
        watchdog.start()
        try:
            body = self._read(url, request, sockets)
        except (OSError, http.client.HTTPException) as exc:
            if not cut:
                raise
            raise SourceError(Problem(url, f"cannot fetch: not complete after {self.deadline:g} s")) from exc
        finally:
            watchdog.cancel()
        if cut:  # what arrived before the watchdog cut the connection is not the whole body
            raise SourceError(Problem(url, f"cannot fetch: not complete after {self.deadline:g} s"))
        return body

    def _read(self, url: str, request: urllib.request.Request, sockets: list[socket.socket]) -> bytes:
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
        return b"".join(parts)

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
