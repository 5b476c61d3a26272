"""Limits that keep the server responsive: request body size and a per-client rate.

Both are plain ASGI middleware, so they act before a request reaches FastAPI (a 10 MB
body is refused after reading at most the limit, never parsed).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

__all__ = ["BodyLimit", "RateLimit", "TokenBuckets"]

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def _respond(send: Send, scope: Scope, status: int, message: str,
                   headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    """A JSON ``{"detail": message}`` for the API, a short HTML message for pages."""
    if scope.get("path", "").startswith("/api") or scope.get("path") == "/healthz":
        body = json.dumps({"detail": message}).encode()
        kind = b"application/json"
    else:
        from html import escape
        body = f'<p class="error" role="alert">{escape(message)}</p>'.encode()
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies larger than ``max_bytes`` with 413 and a message."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = (f"the request is too large: at most {self.max_bytes // 1024} kB; an "
                   "answer is at most 2000 characters")
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    await _respond(send, scope, 400, "the Content-Length header is not a number")
                    return
                if too_big:
                    await _respond(send, scope, 413, message)
                    return
        # No (or a false) length: read the body up to the limit, then hand it on.
        chunks, total, more = [], 0, True
        while more:
            event = await receive()
            if event["type"] != "http.request":
                await self.app(scope, _replay([event]), send)
                return
            chunk = event.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await _respond(send, scope, 413, message)
                return
            chunks.append(chunk)
            more = event.get("more_body", False)
        body = b"".join(chunks)
        await self.app(scope, _replay([{"type": "http.request", "body": body,
                                        "more_body": False}], receive), send)


def _replay(events: list[dict], then: Receive | None = None) -> Receive:
    async def receive() -> dict:
        if events:
            return events.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}
    return receive


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class TokenBuckets:
    """One token bucket per client: ``per_minute`` requests, refilled continuously.

    >>> buckets = TokenBuckets(2)
    >>> [buckets.take("a", now=0.0) for _ in range(3)], buckets.take("b", now=0.0)
    ([0.0, 0.0, 30.0], 0.0)
    >>> buckets.take("a", now=30.0)
    0.0
    """

    #: Clients remembered at most; older full buckets are forgotten first.
    MAX_CLIENTS = 50_000

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}

    def take(self, client: str, *, now: float | None = None) -> float:
        """Take one token; 0 when allowed, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= self.MAX_CLIENTS:
                self._forget(now)
            bucket = self._buckets[client] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _forget(self, now: float) -> None:
        full = [k for k, b in self._buckets.items()
                if b.tokens + (now - b.stamp) * self.rate >= self.capacity]
        for key in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[key]


class RateLimit:
    """429 with a message when a client sends more than ``per_minute`` costly requests.

    Only requests that make the grader work count (checks, previews, problem look-ups);
    pages, static files and ``/healthz`` do not.  Clients are told apart by address, so
    a classroom behind one NAT address shares one budget: set it with that in mind.
    """

    def __init__(self, app: ASGIApp, per_minute: int,
                 costly: Callable[[str, str], bool]) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute) if per_minute > 0 else None
        self.costly = costly

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.buckets is not None and \
                self.costly(scope["method"], scope["path"]):
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.buckets.take(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await _respond(send, scope, 429,
                               f"too many requests from your address; try again in "
                               f"{seconds} s", ((b"retry-after", str(seconds).encode()),))
                return
        await self.app(scope, receive, send)
