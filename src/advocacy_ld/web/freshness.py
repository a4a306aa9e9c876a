"""Several server processes over one store server: each request sees every write made before it.

A process keeps the ledger's state of every record in memory (what makes a resource GET a
cache lookup). When other processes write to the same store, it must apply their writes before
it answers: each request waits for a look at the store's write log (`Repository.catch_up`)
that started after the request arrived. One look serves every request waiting for it, so under
load a process asks the store once per round trip, not once per request.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from advocacy_ld.errors import StoreError
from advocacy_ld.records.repository import Repository
from advocacy_ld.web.problems import problem_response

log = logging.getLogger(__name__)


class CatchUp:
    """Coalesces `Repository.catch_up` calls: at most one runs; a caller waits for one that
    started after it called."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self._running: asyncio.Future[bool] | None = None
        self._started = 0.0

    async def wait(self) -> None:
        arrived = time.monotonic()
        while True:
            running = self._running
            if running is None or running.done():
                self._started = time.monotonic()
                running = asyncio.ensure_future(asyncio.to_thread(self.repository.catch_up))
                self._running = running
                await asyncio.shield(running)
                return
            started = self._started
            # A cancelled caller must not cancel the look others wait for.
            await asyncio.shield(running)
            if started >= arrived:
                return


class CatchUpMiddleware:
    """Waits for `CatchUp` before every HTTP request when the store is shared with other
    processes; does nothing otherwise."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            services = getattr(scope["app"].state, "services", None)
            catch_up = services.extras.get(CATCH_UP) if services is not None else None
            if isinstance(catch_up, CatchUp):
                try:
                    await catch_up.wait()
                except StoreError as error:
                    log.warning("cannot read the store's write log: %s", error)
                    response = problem_response(
                        503,
                        "the store is not answering; try again shortly",
                        scope.get("path", ""),
                        "store-unavailable",
                        {"Retry-After": "5"},
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


CATCH_UP = "catch-up"
"""Key of the app's `CatchUp` in `Services.extras` (set only for a shared store)."""
