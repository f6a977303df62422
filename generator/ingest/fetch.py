"""Fetching sources over http(s): a timeout per read and a deadline per download, a size cap,
a clear User-Agent, retries with backoff on 429 and 5xx, and the polite delay a host asks for
(arXiv: one request per 3 s).

The read timeout alone never ends a download from a server that trickles
bytes, a few every few seconds; the deadline does, checked after every read,
so a download ends at most one read timeout after it.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
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
        started = self.clock()
        parts: list[bytes] = []
        size = 0
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
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
