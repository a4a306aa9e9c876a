"""Reads under `/api`: any record's state, versions and provenance, for those who may see them.

Curators read every record (pending, restricted and retracted ones too); a contributor reads
the public records they wrote a version of. Token names (who wrote what) are shown only here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from advocacy_ld.model.namespaces import ADV, bind_prefixes
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.records.ledger import (
    Status,
    VersionInfo,
    agent_iri,
    version_iri,
)
from advocacy_ld.web.api_common import (
    Kind,
    PrivateRoute,
    Slug,
    as_problems,
    entity_tag,
    find_record,
    submissions,
)
from advocacy_ld.web.api_docs import problems, rdf_responses
from advocacy_ld.web.api_models import (
    AuditList,
    AuditModel,
    RecordInfo,
    RecordList,
    VersionList,
    VersionModel,
)
from advocacy_ld.web.auth import Admin, Contributor, Curator
from advocacy_ld.web.negotiation import negotiate
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import choose_representation
from advocacy_ld.web.services import ServicesDep

router = APIRouter(route_class=PrivateRoute)

HISTORY_TYPES = ("application/json", "text/turtle", "application/ld+json", "application/n-triples")


@router.get(
    "/records",
    summary="List records, any status (curator)",
    response_model=RecordList,
    responses=problems(401, 403),
)
def list_records(
    principal: Curator,
    app: ServicesDep,
    status: Annotated[Status | None, Query(description="Only records in this status.")] = None,
    restricted: Annotated[bool | None, Query(description="Only (un)restricted ones.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> RecordList:
    states = sorted(
        (
            s
            for s in app.repository.states().values()
            if (status is None or s.status is status)
            and (restricted is None or s.restricted == restricted)
        ),
        key=lambda s: (s.modified, s.id.iri),
        reverse=True,
    )
    page = states[offset : offset + limit]
    return RecordList(records=[RecordInfo.of(s) for s in page], total=len(states))


@router.get(
    "/records/{kind}/{slug}",
    summary="A record's current state and ETag (curators; contributors: their public records)",
    response_model=RecordInfo,
    responses=problems(401, 403, 404),
)
def read_record_state(
    kind: Kind, slug: Slug, principal: Contributor, app: ServicesDep
) -> JSONResponse:
    state = find_record(app, kind, slug)
    with as_problems():
        submissions(app).require_read(principal, state)
    info = RecordInfo.of(state).model_dump(mode="json")
    return JSONResponse(info, headers={"ETag": entity_tag(state)})


@router.get(
    "/records/{kind}/{slug}/versions",
    summary="Every version of a record with its provenance (PROV-O)",
    description="JSON by default; `Accept: text/turtle` (or JSON-LD, N-Triples) gives the "
    "PROV-O description: prov:generatedAtTime, prov:wasAttributedTo, prov:wasRevisionOf.",
    response_model=VersionList,
    responses={
        200: rdf_responses("The versions.", HISTORY_TYPES[1:]),
        **problems(401, 403, 404, 406),
    },
)
def read_versions(
    request: Request, kind: Kind, slug: Slug, principal: Contributor, app: ServicesDep
) -> Response:
    state = find_record(app, kind, slug)
    with as_problems():
        submissions(app).require_read(principal, state)
    chosen = negotiate(request.headers.get("accept"), HISTORY_TYPES)
    if chosen is None:
        raise Problem(
            406,
            f"available: {', '.join(HISTORY_TYPES)}",
            "not-acceptable",
            available=list(HISTORY_TYPES),
        )
    readable = submissions(app).readable_versions(principal, state)
    versions = [
        v for v in app.repository.versions(state.id.iri) if readable is None or v.number in readable
    ]
    public = app.repository.public_history(state.id.iri)
    headers = {"Vary": "Accept"}
    if chosen == "application/json":
        listing = VersionList(
            record=state.id.iri,
            versions=[VersionModel.of(v, public.get(v.number)) for v in versions],
        )
        return JSONResponse(listing.model_dump(mode="json"), headers=headers)
    representation = next(r for r in RDF_REPRESENTATIONS if r.media_type == chosen)
    graph = provenance(state.id.iri, versions)
    body = render_rdf(graph, representation, app.model.context, app.context_url)
    return Response(body, media_type=representation.content_type, headers=headers)


@router.get(
    "/records/{kind}/{slug}/versions/{number}",
    summary="One version's content, as it was written",
    description="Versions never change; the ETag is the version's (equal to the record's ETag "
    "when it is the current one).",
    response_class=Response,
    responses={
        200: rdf_responses(
            "The version's graph.", tuple(r.media_type for r in RDF_REPRESENTATIONS)
        ),
        **problems(401, 403, 404, 406),
    },
)
def read_version(
    request: Request,
    kind: Kind,
    slug: Slug,
    number: Annotated[int, Path(ge=1, le=10_000_000)],
    principal: Contributor,
    app: ServicesDep,
) -> Response:
    state = find_record(app, kind, slug)
    service = submissions(app)
    with as_problems():
        service.require_read(principal, state)
    readable = service.readable_versions(principal, state)
    allowed = readable is None or number in readable
    graph = app.repository.version_graph(state.id.iri, number) if allowed else None
    if graph is None:
        raise Problem(404, f"the record has no version {number}", "not-found")
    representation: Representation = choose_representation(request, None, list(RDF_REPRESENTATIONS))
    info = next(v for v in app.repository.versions(state.id.iri) if v.number == number)
    body = render_rdf(graph, representation, app.model.context, app.context_url)
    headers = {"ETag": f'"{info.content_hash[:32]}-{number}"', "Vary": "Accept"}
    return Response(body, media_type=representation.content_type, headers=headers)


@router.get(
    "/audit",
    summary="Every write: who, what, which version, when (admin)",
    response_model=AuditList,
    responses=problems(401, 403),
)
def read_audit(
    principal: Admin,
    app: ServicesDep,
    since: Annotated[
        datetime | None, Query(description="Only writes at or after this time.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> AuditList:
    entries = app.repository.audit(since)[-limit:]
    return AuditList(entries=[AuditModel.of(e) for e in entries])


def provenance(record: str, versions: list[VersionInfo]) -> Graph:
    """The versions as PROV-O entities attributed to their writers' agents."""
    graph = bind_prefixes(Graph())
    for info in versions:
        version = URIRef(info.iri)
        agent = URIRef(agent_iri(info.agent))
        graph.add((version, RDF.type, PROV.Entity))
        graph.add((version, DCTERMS.isVersionOf, URIRef(record)))
        graph.add((version, ADV.versionNumber, Literal(info.number)))
        graph.add((version, PROV.generatedAtTime, Literal(info.generated, datatype=XSD.dateTime)))
        graph.add((version, PROV.wasAttributedTo, agent))
        graph.add((version, ADV.contentHash, Literal(info.content_hash)))
        if info.number > 1:
            graph.add((version, PROV.wasRevisionOf, URIRef(version_iri(record, info.number - 1))))
        graph.add((agent, RDF.type, PROV.Agent))
        graph.add((agent, RDFS.label, Literal(info.agent)))
    return graph
