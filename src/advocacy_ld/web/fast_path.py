"""Answer the hottest requests before FastAPI's routing and dependency injection (DESIGN.md §7).

A published version's representations are rendered once; serving one again should cost a
cache lookup, not a pass through routing, parameter validation and dependency injection.
Anything this layer cannot answer from the cache alone goes on to the normal route, which
also owns every error answer. SPARQL queries run the `/sparql` route's own function here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from advocacy_ld.web.pages import Pages
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.resources import cached_resource
from advocacy_ld.web.sparql import sparql

_FAST_PARAMETERS = frozenset({"page", "lang", "_format"})
_MAX_PAGE = 100_000


class CachedResourceMiddleware:
    """Serves `/id/{kind}/{name}` from the render cache when every piece is already there."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            response = self._from_cache(scope, receive)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _from_cache(self, scope: Scope, receive: Receive) -> Response | None:
        parts = scope["path"].split("/")
        if len(parts) != 4 or parts[1] != "id" or not parts[2] or not parts[3]:
            return None
        request = Request(scope, receive)
        params = request.query_params
        if not set(params) <= _FAST_PARAMETERS or len(params.multi_items()) != len(params):
            return None
        page_text = params.get("page", "1")
        if not page_text.isdigit() or not 1 <= int(page_text) <= _MAX_PAGE:
            return None
        services = getattr(scope["app"].state, "services", None)
        if services is None:
            return None
        try:
            return cached_resource(
                request, parts[3], parts[2], services, Pages(services), int(page_text)
            )
        except Problem:
            return None  # the route gives the same error, in the one error format


class SparqlQueryMiddleware:
    """Runs GET and POST `/sparql` (the route's function, `web.sparql.sparql`) without
    FastAPI's routing and dependency injection (measured at 100,000 statements: a
    one-statement CONSTRUCT's overhead went from 0.78 to 0.59 ms). The route stays, for the
    API description and the other methods."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = getattr(scope["app"].state, "services", None) if "app" in scope else None
        if (
            scope["type"] != "http"
            or scope["path"] != "/sparql"
            or scope["method"] not in ("GET", "POST")
            or services is None
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await sparql(request, services, Pages(services))
        except Problem as problem:
            response = problem.response(request.url.path)
        await response(scope, receive, send)
