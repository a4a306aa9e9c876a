"""What an entity page shows: an organization, facility, place, report, person, allegation or
demand, with its names, type, Wikidata links, coordinates and where it is mentioned."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS

from advocacy_ld.model.namespaces import ADV, GEO, OA, SCHEMA, WD
from advocacy_ld.publish.labels import LABEL_PREDICATES, Text, pick_text
from advocacy_ld.publish.links import Link
from advocacy_ld.publish.ui_text import TERM_LABELS, ui
from advocacy_ld.publish.view_parts import Field, PageContext, ordinal
from advocacy_ld.store.base import Store

SHOWN_APART = frozenset(
    {RDF.type, SCHEMA.sameAs, OWL.sameAs, GEO.hasGeometry, DCTERMS.isReferencedBy}
)
"""Properties the page shows in their own place, not in the table of details."""


@dataclass(frozen=True)
class Coordinates:
    """A WKT point, shown as latitude and longitude (WKT is longitude first)."""

    wkt: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Quote:
    """A passage of a statement that names the entity, linked to its highlight."""

    href: str
    exact: str


@dataclass(frozen=True)
class Mention:
    """A record that points to the entity, and the passages of it that name the entity."""

    link: Link
    date: str | None
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class EntityView:
    """Everything the entity template lays out."""

    heading: Text
    kind: str | None
    types: tuple[Link, ...]
    container: Link | None
    """The statement an allegation or demand belongs to."""
    fields: tuple[Field, ...]
    same_as: tuple[Link, ...]
    coordinates: tuple[Coordinates, ...]
    anchored: tuple[Quote, ...]
    """Passages of its own statement that an allegation or demand comes from."""
    mentioned_by: tuple[Mention, ...]
    page: int
    has_next_page: bool


@dataclass(frozen=True)
class EntitySource:
    """What the entity view is built from (a `Description` and the records around it)."""

    iri: str
    graph: Graph
    record_iri: str
    mentioned_by: tuple[str, ...]
    page: int
    has_next_page: bool


def entity_view(source: EntitySource, page: PageContext, store: Store) -> EntityView:
    subject = URIRef(source.iri)
    graph = source.graph
    lang = page.lang
    kind = page.linker.kind(source.iri)
    types = tuple(
        page.link(t).capitalized() for t in sorted(graph.objects(subject, RDF.type), key=str)
    )
    is_part = source.record_iri != source.iri
    container = page.link(URIRef(source.record_iri)) if is_part else None
    quotes = _quotes(store, source.iri, (source.record_iri, *source.mentioned_by), page)
    mentioned = tuple(
        Mention(
            page.link(URIRef(record)),
            _date(page, record),
            tuple(quotes.get(record, ())),
        )
        for record in source.mentioned_by
    )
    return EntityView(
        heading=_heading(graph, subject, kind, page),
        kind=kind,
        types=types,
        container=container,
        fields=_fields(graph, subject, page),
        same_as=tuple(
            Link(str(o), Text(_same_as_label(str(o), lang)), None, external=True)
            for o in sorted(graph.objects(subject, SCHEMA.sameAs), key=str)
            if isinstance(o, URIRef)
        ),
        coordinates=tuple(
            _coordinates(str(wkt))
            for geometry in graph.objects(subject, GEO.hasGeometry)
            for wkt in graph.objects(geometry, GEO.asWKT)
        ),
        anchored=tuple(quotes.get(source.record_iri, ())) if is_part else (),
        mentioned_by=mentioned,
        page=source.page,
        has_next_page=source.has_next_page,
    )


def _heading(graph: Graph, subject: URIRef, kind: str | None, page: PageContext) -> Text:
    """Its name in the page language; allegations and demands by number; persons unnamed."""
    for predicate in LABEL_PREDICATES:
        found = pick_text(graph.objects(subject, predicate), page.lang)
        if found is not None:
            return found
    if kind in ("allegation", "demand"):
        return Text(f"{ui(kind, page.lang)} {ordinal(str(subject)) or ''}".strip(), page.lang)
    if (subject, RDF.type, FOAF.Person) in graph:
        person = TERM_LABELS[str(FOAF.Person)]
        label = person.get(page.lang, person["en"])
        return Text(f"{label} ({ui('name_withheld', page.lang)})", page.lang)
    return page.labels.label(subject, page.lang)


def _fields(graph: Graph, subject: URIRef, page: PageContext) -> tuple[Field, ...]:
    """Every other property, labelled by the ontology or the UI, names first."""
    predicates = sorted(
        {p for p in graph.predicates(subject, None) if isinstance(p, URIRef)} - SHOWN_APART,
        key=lambda p: (_PREFERRED.index(p) if p in _PREFERRED else len(_PREFERRED), str(p)),
    )
    fields = (page.field(page.labels.label(p, page.lang), graph, subject, p) for p in predicates)
    return tuple(f for f in fields if f is not None)


_PREFERRED = (
    SCHEMA.name,
    FOAF.name,
    SCHEMA.headline,
    SKOS.altLabel,
    SCHEMA.description,
    ADV.actorType,
    ADV.facilityType,
    ADV.violationType,
    ADV.legalCharacterization,
    ADV.demandType,
    ADV.assertedBy,
    ADV.addressee,
    ADV.allegedPerpetrator,
    ADV.atFacility,
    SCHEMA.datePublished,
    SCHEMA.publisher,
)


def _same_as_label(iri: str, lang: str) -> str:
    if iri.startswith(str(WD)):
        return f"{ui('wikidata', lang)} {iri[len(str(WD)) :]}"
    return iri


_POINT = re.compile(
    r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+]?\d+(?:\.\d+)?)\s+([-+]?\d+(?:\.\d+)?)\s*\)\s*$",
    re.IGNORECASE,
)


def _coordinates(wkt: str) -> Coordinates:
    match = _POINT.match(wkt)
    if match is None:
        return Coordinates(wkt, None, None)
    return Coordinates(wkt, latitude=float(match.group(2)), longitude=float(match.group(1)))


def _date(page: PageContext, record: str) -> str | None:
    dates = page.labels.values(URIRef(record), SCHEMA.datePublished)
    return str(dates[0]) if dates else None


def _quotes(
    store: Store, iri: str, records: tuple[str, ...], page: PageContext
) -> dict[str, list[Quote]]:
    """The passages anchored to `iri` in each of `records`, in text order (one query)."""
    if not records:
        return {}
    graphs = " ".join(f"<{r}>" for r in records)
    solutions = store.query(
        f"SELECT ?g ?a ?exact ?start WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ "
        f"?a <{OA.hasBody}> <{iri}> ; <{OA.hasTarget}> ?t . "
        f"?t <{OA.hasSelector}> ?quote . ?quote <{OA.exact}> ?exact . "
        f"OPTIONAL {{ ?t <{OA.hasSelector}> ?position . ?position <{OA.start}> ?start }} }} }} "
        f"ORDER BY ?g ?start ?a"
    )
    found: dict[str, list[Quote]] = {}
    seen: set[str] = set()
    for row in solutions:  # type: ignore[union-attr]
        annotation = row["a"].value
        if annotation in seen:
            continue
        seen.add(annotation)
        quote = Quote(page.linker.href(annotation), row["exact"].value)
        found.setdefault(row["g"].value, []).append(quote)
    return found
