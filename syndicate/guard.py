"""What the HTTP app does to every request and response to stay safe: rate limits
(token buckets), the API's deadline, and the security headers.

The buckets live in the process: every API process keeps its own, so N processes
allow N times the configured rate (SECURITY.md).
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# On every response (the published files included): no MIME sniffing of feeds or JSON
# into HTML, and no full URLs leaked to other sites.
EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class TokenBuckets:
    """A token bucket per name (an API key's id, a client address): up to `burst` tokens,
    refilled at `per_minute`; a request takes one.

    Names whose bucket was not touched for long are forgotten oldest first past
    `max_names` (a forgotten bucket is a full one), so memory stays bounded whatever
    the number of addresses. Thread-safe: FastAPI runs sync dependencies in threads.
    """

    def __init__(
        self,
        per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_names: int = 100_000,
    ) -> None:
        self.rate = per_minute / 60  # tokens a second
        self.burst = float(burst)
        self.clock = clock
        self.max_names = max_names
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _level(self, name: Hashable, now: float) -> float:
        tokens, at = self._buckets.get(name, (self.burst, now))
        return min(self.burst, tokens + max(now - at, 0.0) * self.rate)

    def wait(self, name: Hashable) -> float:
        """Seconds until `name` has a token (0.0: it has one now); takes nothing."""
        with self._lock:
            level = self._level(name, self.clock())
        return 0.0 if level >= 1 else (1 - level) / self.rate

    def take(self, name: Hashable) -> float:
        """Take a token: 0.0 when there was one, else the seconds until there is one."""
        with self._lock:
            now = self.clock()
            level = self._level(name, now)
            if level < 1:
                return (1 - level) / self.rate
            self._buckets[name] = (level - 1, now)
            self._buckets.move_to_end(name)
            while len(self._buckets) > self.max_names:
                self._buckets.popitem(last=False)
            return 0.0


def retry_after(seconds: float) -> str:
    """RFC 9110 §10.2.3: delay-seconds, a whole number; never 0 for a request refused now."""
    return str(max(1, math.ceil(seconds)))


class SecurityHeaders:
    """Adds the security headers to responses that do not set their own.

    `pages_csp` goes on HTML (with X-Frame-Options for browsers that predate
    frame-ancestors); `hsts` only on requests that came over HTTPS (RFC 6797 §7.2:
    a browser ignores it over HTTP, and it must not pin a plain-HTTP deployment);
    API answers are never stored by caches.
    """

    def __init__(self, app: ASGIApp, pages_csp: str, hsts: str = "", api: str = "/api/") -> None:
        self.app = app
        self.pages_csp = pages_csp
        self.hsts = hsts
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers(scope, headers.get("content-type", "")).items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, sending)

    def headers(self, scope: Scope, content_type: str) -> Mapping[str, str]:
        out = dict(EVERY_RESPONSE)
        if content_type.startswith("text/html"):
            out["Content-Security-Policy"] = self.pages_csp
            out["X-Frame-Options"] = "DENY"
        if self.hsts and scope.get("scheme") == "https":
            out["Strict-Transport-Security"] = self.hsts
        if scope["path"].startswith(self.api):
            out["Cache-Control"] = "no-store"
        return out


class Deadline:
    """An API request gets `seconds` from its first byte to its answer; past it, 503.

    Work already handed to a thread (a database write) cannot be stopped and may still
    commit after the 503: every API write is idempotent, so the client retries.
    """

    def __init__(self, app: ASGIApp, seconds: float, prefix: str = "/api/") -> None:
        self.app = app
        self.seconds = seconds
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(self.seconds) as deadline:
                await self.app(scope, receive, sending)
        except TimeoutError:
            if not deadline.expired() or started:
                raise
            log.warning(
                "api request over its time limit",
                extra={"fields": {"path": scope["path"], "seconds": self.seconds}},
            )
            response = JSONResponse(
                {"detail": f"the request took over {self.seconds:g} s; retry later"},
                status_code=503,
                headers={"Retry-After": retry_after(self.seconds / 4), "Connection": "close"},
            )
            await response(scope, receive, send)
