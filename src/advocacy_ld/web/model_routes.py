"""The model, served: `/ontology`, `/vocab/{scheme}`, `/shapes`, `/context.jsonld`.

Each is negotiated like a resource (suffix, `?_format=`, Accept) with an HTML view for people;
validators come from the model files, so a new release of the model changes every ETag.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.model_documents import (
    ModelDocument,
    ModelDocuments,
    context_files,
    ontology_files,
    scheme_files,
    shapes_files,
)
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.web.pages import Pages, PagesDep
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import negotiated_response, split_suffix
from advocacy_ld.web.services import Services, ServicesDep

router = APIRouter(tags=["model"])


def documents(app: ServicesDep) -> ModelDocuments:
    """The app's model documents (kept in `Services.extras`)."""
    return app.shared("model-documents", ModelDocuments)


DocumentsDep = Annotated[ModelDocuments, Depends(documents)]


def _suffix(ext: str) -> Representation:
    representation = Representation.by_suffix(ext)
    if representation is None:
        raise Problem(404, f"no .{ext} representation here", "not-found")
    return representation


def _model_response(
    request: Request,
    app: Services,
    html: Pages,
    *,
    path: str,
    document: ModelDocument,
    graph: Callable[[], Graph],
    page: Callable[[Graph], bytes],
    suffix: Representation | None,
) -> Response:
    """Negotiate one model document; HTML varies with the page language, so it is in the key."""
    lang = html.language(request)

    def rdf(representation: Representation) -> Callable[[], bytes]:
        return lambda: render_rdf(graph(), representation, app.model.context, app.context_url)

    renderers: dict[Representation, Callable[[], bytes]] = {r: rdf(r) for r in RDF_REPRESENTATIONS}
    renderers[Representation.HTML] = lambda: page(graph())
    return negotiated_response(
        request,
        app,
        path=path,
        key=("model", document.name, lang),
        validator=f"{document.digest}-{lang}",
        last_modified=document.last_modified,
        renderers=renderers,
        suffix=suffix,
    )


def _ontology(
    request: Request,
    app: Services,
    html: Pages,
    docs: ModelDocuments,
    suffix: Representation | None,
) -> Response:
    return _model_response(
        request,
        app,
        html,
        path="/ontology",
        document=docs.document("ontology", ontology_files),
        graph=lambda: app.model.ontology,
        page=lambda graph: html.ontology(request, graph),
        suffix=suffix,
    )


@router.get("/ontology", summary="The advocacy-ld ontology (OWL), negotiated")
def ontology(request: Request, app: ServicesDep, html: PagesDep, docs: DocumentsDep) -> Response:
    return _ontology(request, app, html, docs, None)


@router.get("/ontology.{ext}", summary="The ontology in one representation")
def ontology_as(
    request: Request, ext: str, app: ServicesDep, html: PagesDep, docs: DocumentsDep
) -> Response:
    return _ontology(request, app, html, docs, _suffix(ext))


@router.get("/vocab/{name}", summary="A SKOS concept scheme, negotiated (`.ttl` etc. too)")
def vocabulary(
    request: Request, name: str, app: ServicesDep, html: PagesDep, docs: DocumentsDep
) -> Response:
    scheme, suffix = split_suffix(name)
    known = {str(s).rsplit("/", 1)[-1] for s in app.model.schemes()}
    if scheme not in known:
        raise Problem(
            404,
            f"/vocab/{scheme} is not a concept scheme of this model; "
            f"known: {', '.join(sorted(known))}",
            "not-found",
        )
    return _model_response(
        request,
        app,
        html,
        path=f"/vocab/{scheme}",
        document=docs.document(f"vocab/{scheme}", lambda: scheme_files(scheme)),
        graph=lambda: docs.graph(f"vocab/{scheme}", lambda: app.model.scheme(scheme)),
        page=lambda graph: html.scheme(request, scheme, graph),
        suffix=suffix,
    )


@router.get(
    "/vocab/{name}/{concept}",
    summary="A concept: 303 See Other to its scheme, which describes it",
    status_code=303,
    response_class=RedirectResponse,
)
def concept(name: str, concept: str, app: ServicesDep) -> RedirectResponse:
    """Concept IRIs have no document of their own; the scheme's document holds each of them."""
    iri = URIRef(f"{app.model.scheme_iri(name)}/{concept}")
    if (iri, SKOS.inScheme, app.model.scheme_iri(name)) not in app.model.vocabularies:
        raise Problem(404, f"/vocab/{name}/{concept} is not a concept of this model", "not-found")
    return RedirectResponse(f"/vocab/{name}#{concept}", status_code=303)


def _shapes(
    request: Request,
    app: Services,
    html: Pages,
    docs: ModelDocuments,
    suffix: Representation | None,
) -> Response:
    return _model_response(
        request,
        app,
        html,
        path="/shapes",
        document=docs.document("shapes", shapes_files),
        graph=lambda: app.model.shapes,
        page=lambda graph: html.shapes(request, graph),
        suffix=suffix,
    )


@router.get("/shapes", summary="The SHACL shapes records are validated with, negotiated")
def shapes(request: Request, app: ServicesDep, html: PagesDep, docs: DocumentsDep) -> Response:
    return _shapes(request, app, html, docs, None)


@router.get("/shapes.{ext}", summary="The shapes in one representation")
def shapes_as(
    request: Request, ext: str, app: ServicesDep, html: PagesDep, docs: DocumentsDep
) -> Response:
    return _shapes(request, app, html, docs, _suffix(ext))


@router.get("/context.jsonld", summary="The JSON-LD context that compacted output refers to")
def context(request: Request, app: ServicesDep, docs: DocumentsDep) -> Response:
    document = docs.document("context", context_files)
    body = json.dumps(app.model.context, ensure_ascii=False, indent=2).encode("utf-8")
    return negotiated_response(
        request,
        app,
        path="/context",
        key=("model", "context"),
        validator=document.digest,
        last_modified=document.last_modified,
        renderers={Representation.JSON_LD: lambda: body},
        suffix=Representation.JSON_LD,
    )
