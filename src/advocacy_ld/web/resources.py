"""`/id/{kind}/{slug}`: records and the nodes inside them, negotiated; their public history
(`/versions`, `?version=N`) and, once retracted, their tombstones (410)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from advocacy_ld.publish.describe import Description, ResourceLocator, describe, validator_of
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.records.ledger import RecordState
from advocacy_ld.web.history import gone_or_missing, version_response, versions_response
from advocacy_ld.web.pages import Pages, PagesDep
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import negotiated_response, split_suffix
from advocacy_ld.web.services import Services, ServicesDep

router = APIRouter()


class _NotCachedError(Exception):
    """Raised by a renderer on the fast path: the answer needs work off the event loop."""


def _not_cached() -> bytes:
    raise _NotCachedError


def cached_resource(
    request: Request, name: str, kind: str, app: Services, html: Pages, page: int
) -> Response | None:
    """Answer from the cache alone, on the event loop; None when anything must be computed.

    Most GETs of a published resource end here: a thread hop and a store lookup would cost
    more than the whole answer (DESIGN.md §7).
    """
    slug, suffix = split_suffix(name)
    path = f"/id/{kind}/{slug}"
    iri = f"{app.settings.base_uri}{path}"
    locator = app.extras.get("locator")
    state = locator.peek(iri) if isinstance(locator, ResourceLocator) else None
    if state is None:
        return None
    language = html.language(request)
    validator = f"{validator_of(app.repository, state, page)}-{language}"
    links = app.cache.peek((iri, validator, "links"))
    if links is None:
        return None
    renderers = dict.fromkeys((*RDF_REPRESENTATIONS, Representation.HTML), _not_cached)
    try:
        return _answer(
            request, app, state, iri, path, language, validator, links, renderers, suffix
        )
    except _NotCachedError:
        return None


def _answer(
    request: Request,
    app: Services,
    state: RecordState,
    iri: str,
    path: str,
    language: str,
    validator: str,
    paging_links: bytes,
    renderers: dict[Representation, Callable[[], bytes]],
    suffix: Representation | None,
) -> Response:
    """The negotiated answer both paths give, so the cached one cannot drift from the routed."""
    history_links = [f'<{path}/versions>; rel="version-history"'] if state.id.iri == iri else []
    return negotiated_response(
        request,
        app,
        path=path,
        key=(iri, language),
        validator=validator,
        last_modified=max(state.modified, app.repository.last_modified),
        renderers=renderers,
        suffix=suffix,
        extra_links=[*paging_links.decode("utf-8").splitlines(), *history_links],
    )


@router.get("/id/{kind}/{name}", summary="A record or a node in one, negotiated")
async def resource(
    request: Request,
    kind: str,
    name: str,
    app: ServicesDep,
    html: PagesDep,
    page: Annotated[int, Query(ge=1, le=100_000, description="Page of mentioning records")] = 1,
    version: Annotated[
        int | None, Query(ge=1, le=10_000_000, description="A version of the public history")
    ] = None,
) -> Response:
    if version is None:
        cached = cached_resource(request, name, kind, app, html, page)
        if cached is not None:
            return cached
    response: Response = await run_in_threadpool(
        _resource, request, kind, name, app, html, page, version
    )
    return response


def _resource(
    request: Request,
    kind: str,
    name: str,
    app: Services,
    html: Pages,
    page: int,
    version: int | None,
) -> Response:
    slug, suffix = split_suffix(name)
    path = f"/id/{kind}/{slug}"
    iri = f"{app.settings.base_uri}{path}"
    locator = app.shared("locator", lambda: ResourceLocator(app.repository))
    state = locator.locate(iri)
    if state is None:
        return gone_or_missing(request, app, html, iri, suffix)
    if version is not None:
        if state.id.iri != iri:
            raise Problem(404, "only records have versions; this is a node in one", "not-found")
        return version_response(request, app, html, state, version, suffix)
    page_size = app.settings.mentions_page_size

    @cache
    def description() -> Description:
        described = describe(app.repository, iri, state, page, page_size)
        if described is None:
            raise Problem(404, "no published resource of this dataset has this IRI", "not-found")
        return described

    def rdf(representation: Representation) -> Callable[[], bytes]:
        return lambda: render_rdf(
            description().graph, representation, app.model.context, app.context_url
        )

    # Server preference on ties (e.g. `*/*`): Turtle first, HTML last.
    ordered: dict[Representation, Callable[[], bytes]] = {r: rdf(r) for r in RDF_REPRESENTATIONS}
    ordered[Representation.HTML] = lambda: html.resource(request, description())
    language = html.language(request)
    validator = f"{validator_of(app.repository, state, page)}-{language}"

    def paging_links() -> bytes:
        links = []
        if description().has_previous_page:
            links.append(f'<{path}?page={page - 1}>; rel="prev"')
        if description().has_next_page:
            links.append(f'<{path}?page={page + 1}>; rel="next"')
        return "\n".join(links).encode("utf-8")

    # Paging links depend on the mentions query: kept with the rendered bodies, by validator.
    links = app.cache.get_or_render((iri, validator, "links"), paging_links)
    return _answer(request, app, state, iri, path, language, validator, links, ordered, suffix)


@router.get("/id/{kind}/{slug}/{name}", summary="A record's public version history")
def versions(
    request: Request, kind: str, slug: str, name: str, app: ServicesDep, html: PagesDep
) -> Response:
    stem, suffix = split_suffix(name)
    iri = f"{app.settings.base_uri}/id/{kind}/{slug}"
    if stem != "versions":
        raise Problem(404, "no published resource of this dataset has this IRI", "not-found")
    state = app.repository.public_state(iri)
    if state is None:
        return gone_or_missing(request, app, html, iri, suffix)
    return versions_response(request, app, html, state, suffix)


@router.get("/id/{kind}/{slug}/versions/{name}", summary="One version of a record's public history")
def version_of(
    request: Request, kind: str, slug: str, name: str, app: ServicesDep, html: PagesDep
) -> Response:
    stem, suffix = split_suffix(name)
    iri = f"{app.settings.base_uri}/id/{kind}/{slug}"
    if not stem.isdigit() or not 1 <= int(stem) <= 10_000_000:
        raise Problem(404, "versions are numbered from 1", "not-found")
    state = app.repository.public_state(iri)
    if state is None:
        return gone_or_missing(request, app, html, iri, suffix)
    return version_response(request, app, html, state, int(stem), suffix)
