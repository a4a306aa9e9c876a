"""`/`: what the dataset holds, for people (HTML) and for machines (RDF, `/index.ttl` etc.)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.home_view import home_graph
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.web.pages import PagesDep
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import negotiated_response
from advocacy_ld.web.services import ServicesDep

router = APIRouter(tags=["pages"])

INDEX = "/index"
"""The path representations of `/` hang from (`/index.ttl`), since `/.ttl` cannot be one."""


def _home(
    request: Request, app: ServicesDep, html: PagesDep, suffix: Representation | None
) -> Response:
    lang = html.language(request)
    generation = hashlib.sha256(app.repository.generation.encode("utf-8")).hexdigest()[:24]
    graph = home_graph(app.repository)

    def rdf(representation: Representation) -> Callable[[], bytes]:
        return lambda: render_rdf(graph, representation, app.model.context, app.context_url)

    # Server preference on ties (e.g. `*/*`): Turtle first, HTML last, as for resources.
    renderers: dict[Representation, Callable[[], bytes]] = {r: rdf(r) for r in RDF_REPRESENTATIONS}
    renderers[Representation.HTML] = lambda: html.home(request, graph)
    response = negotiated_response(
        request,
        app,
        path=INDEX,
        key=("home", lang),
        validator=f"home-{generation}-{lang}",
        last_modified=app.repository.last_modified,
        renderers=renderers,
        suffix=suffix,
    )
    link = response.headers.get("link")
    if link is not None:
        response.headers["link"] = link.replace(
            f'<{INDEX}>; rel="canonical"', '</>; rel="canonical"'
        )
    return response


@router.get("/", summary="Home: what the dataset holds, negotiated")
def home(request: Request, app: ServicesDep, html: PagesDep) -> Response:
    return _home(request, app, html, None)


@router.get(INDEX + ".{ext}", summary="The home page in one representation")
def home_as(request: Request, ext: str, app: ServicesDep, html: PagesDep) -> Response:
    suffix = Representation.by_suffix(ext)
    if suffix is None:
        raise Problem(404, f"no .{ext} representation here", "not-found")
    return _home(request, app, html, suffix)
