"""Limits that keep one client from exhausting the server: body size and request rate.

The body limit holds whether the client announces a length or streams a chunked body: the
middleware counts what arrives and stops reading past the limit (RFC 9110 §15.5.14, 413).
The rate limit is a token bucket per client address (RFC 6585 §4, 429 with Retry-After).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advocacy_ld.web.problems import Problem, problem_response
from advocacy_ld.web.services import ServicesDep

RATE_LIMITER = "validate-rate-limiter"


def _too_large(limit: int) -> Problem:
    return Problem(
        413,
        f"the request body is larger than this server accepts ({limit} bytes)",
        "body-too-large",
        headers={"Connection": "close"},
        limit=limit,
    )


class BodySizeLimitMiddleware:
    """Reads each request body up to `limit` bytes before the app sees it; 413 past that.

    The body is buffered (at most `limit` bytes) and replayed to the app, so a route never
    starts work on a body that will turn out too large.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            # No body announced (a GET, most often): nothing to read or count.
            await self.app(scope, receive, send)
            return
        if declared is not None and declared.strip().isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                # The client went away before sending the whole body: nothing to answer.
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = _too_large(self.limit)
        response = problem_response(
            problem.status, problem.detail, scope.get("path", ""), problem.kind,
            problem.headers, **problem.extensions,
        )  # fmt: skip
        await response(scope, receive, send)


class RateLimiter:
    """A token bucket per client: `rate` requests a minute, bursts of up to `rate`.

    At most `max_clients` buckets are kept (least recently used dropped), so a flood of
    addresses cannot grow memory without bound.
    """

    def __init__(self, rate_per_minute: int, max_clients: int = 10_000) -> None:
        self.capacity = float(max(rate_per_minute, 1))
        self.refill = self.capacity / 60.0
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, client: str) -> float:
        """Take one token; 0 when allowed, else the seconds until one will be available."""
        moment = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.capacity, moment))
            tokens = min(self.capacity, tokens + (moment - last) * self.refill)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.refill
            self._buckets[client] = (tokens, moment)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait


def client_address(request: Request) -> str:
    """The peer address (behind a proxy, run the server with --proxy-headers)."""
    return request.client.host if request.client is not None else "unknown"


def validate_rate_limit(request: Request, app: ServicesDep) -> None:
    """FastAPI dependency: 429 with Retry-After when the client has used its requests."""
    limiter = app.shared(RATE_LIMITER, lambda: RateLimiter(app.settings.validate_rate_per_minute))
    wait = limiter.acquire(client_address(request))
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise Problem(
            429,
            f"too many validation requests from this address; try again in {seconds} s",
            "rate-limited",
            headers={"Retry-After": str(seconds)},
            retry_after=seconds,
        )


RateLimited = Annotated[None, Depends(validate_rate_limit)]
