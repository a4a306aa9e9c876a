"""`/id/{kind}/{slug}`: records and the nodes inside them, negotiated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from advocacy_ld.publish.describe import describe
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.web.pages import PagesDep
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import negotiated_response, split_suffix
from advocacy_ld.web.services import ServicesDep

router = APIRouter()


@router.get("/id/{kind}/{name}", summary="A record or a node in one, negotiated")
def resource(
    request: Request,
    kind: str,
    name: str,
    app: ServicesDep,
    html: PagesDep,
    page: Annotated[int, Query(ge=1, le=100_000, description="Page of mentioning records")] = 1,
) -> Response:
    slug, suffix = split_suffix(name)
    path = f"/id/{kind}/{slug}"
    iri = f"{app.settings.base_uri}{path}"
    description = describe(app.repository, iri, page, app.settings.mentions_page_size)
    if description is None:
        raise Problem(404, "no published resource of this dataset has this IRI", "not-found")
    graph = description.graph

    def rdf(representation: Representation) -> Callable[[], bytes]:
        return lambda: render_rdf(graph, representation, app.model.context, app.context_url)

    # Server preference on ties (e.g. `*/*`): Turtle first, HTML last.
    ordered: dict[Representation, Callable[[], bytes]] = {r: rdf(r) for r in RDF_REPRESENTATIONS}
    ordered[Representation.HTML] = lambda: html.resource(request, description)
    links = []
    if description.has_next_page:
        links.append(f'<{path}?page={page + 1}>; rel="next"')
    if page > 1:
        links.append(f'<{path}?page={page - 1}>; rel="prev"')
    return negotiated_response(
        request,
        app,
        path=path,
        key=(iri, html.language(request)),
        validator=description.validator,
        last_modified=description.last_modified,
        renderers=ordered,
        suffix=suffix,
        extra_links=links,
    )
