"""A record's public past: its version history, one past version, and its tombstone (410).

These read the archive only through the repository's public gates: `public_versions` (the
versions published since the record was last restricted or retracted, without writers' names)
and `tombstone` (a retracted record that was once public). Nothing else of the archive shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from fastapi import Request
from fastapi.responses import Response
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from advocacy_ld.model.namespaces import ADV, bind_prefixes
from advocacy_ld.publish.describe import Description
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.publish.ui_text import ui
from advocacy_ld.records.ledger import PublicVersion, RecordState, Status
from advocacy_ld.web.pages import Pages
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import choose_representation, negotiated_response
from advocacy_ld.web.services import Services

NOT_PUBLISHED = "no published resource of this dataset has this IRI"


def record_path(state: RecordState) -> str:
    return f"/id/{state.id.kind}/{state.id.slug}"


def _time(value: datetime) -> Literal:
    return Literal(value, datatype=XSD.dateTime)


def gone_or_missing(
    request: Request, app: Services, html: Pages, iri: str, suffix: Representation | None
) -> Response:
    """For an IRI with no public record: 410 with its tombstone if it was retracted after being
    public, else 404 (pending, restricted and never-published IRIs look like unknown ones)."""
    state = app.repository.tombstone(iri)
    if state is None:
        raise Problem(404, NOT_PUBLISHED, "not-found")
    return tombstone_response(request, app, html, state, suffix)


# -- tombstones (RFC 9110 §15.5.11 410 Gone) ------------------------------------------------


@dataclass(frozen=True)
class TombstoneView:
    iri: str
    when: str
    who: str
    why: str | None
    issued: str | None


def tombstone_graph(state: RecordState) -> Graph:
    """Who withdrew the record, when and why (PROV-O invalidation); none of its content."""
    graph = bind_prefixes(Graph())
    record = URIRef(state.id.iri)
    activity, agent = BNode(), BNode()
    graph.add((record, ADV.reviewStatus, Status.RETRACTED.concept))
    graph.add((record, PROV.invalidatedAtTime, _time(state.modified)))
    graph.add((record, PROV.wasInvalidatedBy, activity))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, PROV.endedAtTime, _time(state.modified)))
    graph.add((activity, PROV.wasAssociatedWith, agent))
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, RDFS.label, Literal(state.agent)))
    if state.reason:
        graph.add((record, ADV.retractionReason, Literal(state.reason)))
    if state.issued is not None:
        graph.add((record, DCTERMS.issued, _time(state.issued)))
    return graph


def tombstone_response(
    request: Request,
    app: Services,
    html: Pages,
    state: RecordState,
    suffix: Representation | None,
) -> Response:
    """410 Gone, negotiated like the resource it replaces (no 304: that is for 2xx only)."""
    graph = tombstone_graph(state)
    path = record_path(state)
    view = TombstoneView(
        iri=state.id.iri,
        when=state.modified.isoformat(),
        who=state.agent,
        why=state.reason,
        issued=state.issued.isoformat() if state.issued else None,
    )

    def rdf(representation: Representation) -> Callable[[], bytes]:
        return lambda: render_rdf(graph, representation, app.model.context, app.context_url)

    renderers: dict[Representation, Callable[[], bytes]] = {r: rdf(r) for r in RDF_REPRESENTATIONS}
    renderers[Representation.HTML] = lambda: html.render(
        "tombstone.html",
        request,
        path=path,
        alternates=RDF_REPRESENTATIONS,
        jsonld=html.jsonld(graph),
        view=view,
    )
    representation = choose_representation(request, suffix, list(renderers))
    links = [f'<{path}.{r.suffix}>; rel="alternate"; type="{r.media_type}"' for r in renderers]
    return Response(
        renderers[representation](),
        status_code=410,
        media_type=representation.content_type,
        headers={"Vary": "Accept", "Link": ", ".join(links), "Cache-Control": "public, max-age=60"},
    )


# -- the version history ---------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    number: int
    href: str
    generated: str
    issued: str | None
    current: bool


@dataclass(frozen=True)
class VersionsView:
    record_iri: str
    record_path: str
    versions: list[VersionRow]


def history_graph(state: RecordState, versions: list[PublicVersion]) -> Graph:
    """The public versions as PROV-O entities: numbers and times, never their writers."""
    graph = bind_prefixes(Graph())
    record = URIRef(state.id.iri)
    listed = {v.number for v in versions}
    for version in versions:
        node = URIRef(version.iri)
        graph.add((record, DCTERMS.hasVersion, node))
        graph.add((node, RDF.type, PROV.Entity))
        graph.add((node, DCTERMS.isVersionOf, record))
        graph.add((node, ADV.versionNumber, Literal(version.number)))
        graph.add((node, PROV.generatedAtTime, _time(version.generated)))
        if version.issued is not None:
            graph.add((node, DCTERMS.issued, _time(version.issued)))
        if version.number - 1 in listed:
            previous = URIRef(f"{state.id.iri}/versions/{version.number - 1}")
            graph.add((node, PROV.wasRevisionOf, previous))
    return graph


def versions_response(
    request: Request, app: Services, html: Pages, state: RecordState, suffix: Representation | None
) -> Response:
    """`/id/{kind}/{slug}/versions`: the record's public history, negotiated."""
    path = f"{record_path(state)}/versions"

    @cache
    def versions() -> list[PublicVersion]:
        return app.repository.public_versions(state.id.iri)

    def rdf(representation: Representation) -> Callable[[], bytes]:
        return lambda: render_rdf(
            history_graph(state, versions()), representation, app.model.context, app.context_url
        )

    def page() -> bytes:
        rows = [
            VersionRow(
                number=v.number,
                href=f"{path}/{v.number}",
                generated=v.generated.isoformat(),
                issued=v.issued.isoformat() if v.issued else None,
                current=v.number == state.version,
            )
            for v in reversed(versions())
        ]
        view = VersionsView(state.id.iri, record_path(state), rows)
        graph = history_graph(state, versions())
        return html.render(
            "versions.html",
            request,
            path=path,
            alternates=RDF_REPRESENTATIONS,
            jsonld=html.jsonld(graph),
            view=view,
        )

    renderers: dict[Representation, Callable[[], bytes]] = {r: rdf(r) for r in RDF_REPRESENTATIONS}
    renderers[Representation.HTML] = page
    language = html.language(request)
    return negotiated_response(
        request,
        app,
        path=path,
        key=(state.id.iri, "versions", language),
        validator=f"versions-{state.etag}-{app.repository.generation}-{language}",
        last_modified=max(state.modified, app.repository.last_modified),
        renderers=renderers,
        suffix=suffix,
        extra_links=[f'<{record_path(state)}>; rel="latest-version"'],
    )


def version_response(
    request: Request,
    app: Services,
    html: Pages,
    state: RecordState,
    number: int,
    suffix: Representation | None,
) -> Response:
    """One version of the public history (`?version=N`, `/versions/N`); 404 for any other."""
    found = next(
        (v for v in app.repository.public_versions(state.id.iri) if v.number == number), None
    )
    graph = app.repository.public_version_graph(state.id.iri, number) if found else None
    if found is None or graph is None:
        raise Problem(404, f"this record has no published version {number}", "not-found")
    language = html.language(request)
    path = f"{record_path(state)}/versions/{number}"
    published = found.issued or found.generated
    description = Description(
        iri=state.id.iri,
        graph=bind_prefixes(graph),
        record=state,
        mentioned_by=(),
        page=1,
        has_next_page=False,
        generation=app.repository.generation,
        last_modified=published,
    )
    notice = None
    if number != state.version:
        notice = {
            "text": ui("version_notice", language, n=number),
            "link": ui("see_current", language),
            "href": record_path(state),
        }

    def rdf(representation: Representation) -> Callable[[], bytes]:
        return lambda: render_rdf(graph, representation, app.model.context, app.context_url)

    renderers: dict[Representation, Callable[[], bytes]] = {r: rdf(r) for r in RDF_REPRESENTATIONS}
    renderers[Representation.HTML] = lambda: html.resource(request, description, notice)
    links = [
        f'<{record_path(state)}>; rel="latest-version"',
        f'<{record_path(state)}/versions>; rel="version-history"',
    ]
    return negotiated_response(
        request,
        app,
        path=path,
        key=(state.id.iri, "version", number, language),
        validator=f"{found.content_hash[:32]}-{number}-{app.repository.generation}-{language}",
        last_modified=max(published, app.repository.last_modified),
        renderers=renderers,
        suffix=suffix,
        extra_links=links,
    )
