"""What the model's pages show: ontology terms, a concept scheme, the shapes.

Every term is listed with both its English and its Arabic label whatever the page language,
since these pages are where translators and curators check the labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from advocacy_ld.model.namespaces import ADV
from advocacy_ld.publish.labels import curie, pick_text, texts_by_language
from advocacy_ld.publish.links import Link
from advocacy_ld.publish.view_parts import PageContext


@dataclass(frozen=True)
class Term:
    """One ontology term or concept, bilingual."""

    element_id: str
    iri: str
    name: str
    labels: dict[str, str]
    definitions: dict[str, str]
    notes: tuple[str, ...]
    related: tuple[tuple[str, tuple[Link, ...]], ...]
    """(UI key, links): subclass of, domain, range, broader…"""
    notations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Header:
    """A model document's title, description, version and licence."""

    iri: str
    titles: dict[str, str]
    description: str | None
    version: str | None
    license: str | None


@dataclass(frozen=True)
class TermGroup:
    key: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class ModelView:
    """The ontology or one concept scheme."""

    header: Header
    groups: tuple[TermGroup, ...]
    schemes: tuple[Link, ...]


@dataclass(frozen=True)
class Constraint:
    element_id: str
    path: str
    severity: str | None
    messages: dict[str, str]


@dataclass(frozen=True)
class NodeShape:
    element_id: str
    iri: str
    name: str
    label: str | None
    comment: str | None
    targets: tuple[Link, ...]
    severity: str | None
    constraints: tuple[Constraint, ...]


@dataclass(frozen=True)
class ShapesView:
    headers: tuple[Header, ...]
    shapes: tuple[NodeShape, ...]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _first(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    value = min(graph.objects(subject, predicate), key=str, default=None)
    return str(value) if value is not None else None


def _header(graph: Graph, iri: Node, lang: str) -> Header:
    titles = texts_by_language(graph, iri, DCTERMS.title) or texts_by_language(
        graph, iri, SKOS.prefLabel
    )
    description = pick_text(
        [*graph.objects(iri, DCTERMS.description), *graph.objects(iri, SKOS.definition)], lang
    )
    return Header(
        iri=str(iri),
        titles=titles,
        description=description.value if description else None,
        version=_first(graph, iri, OWL.versionInfo),
        license=_first(graph, iri, DCTERMS.license),
    )


def _links(graph: Graph, subject: Node, predicate: URIRef, page: PageContext) -> tuple[Link, ...]:
    return tuple(
        page.link(o)
        for o in sorted(graph.objects(subject, predicate), key=str)
        if isinstance(o, URIRef)
    )


def _term(
    graph: Graph, iri: URIRef, page: PageContext, related: tuple[tuple[str, URIRef], ...]
) -> Term:
    notes = [
        str(n) for n in sorted(graph.objects(iri, RDFS.comment), key=str) if isinstance(n, Literal)
    ]
    notes += [str(n) for n in sorted(graph.objects(iri, SKOS.note), key=str)]
    return Term(
        element_id=_local(str(iri)),
        iri=str(iri),
        name=curie(str(iri)),
        labels=texts_by_language(graph, iri, RDFS.label)
        or texts_by_language(graph, iri, SKOS.prefLabel),
        definitions=texts_by_language(graph, iri, SKOS.definition),
        notes=tuple(notes),
        related=tuple(
            (key, links)
            for key, predicate in related
            if (links := _links(graph, iri, predicate, page))
        ),
        notations=tuple(
            f"{n} ({curie(str(n.datatype))})" if isinstance(n, Literal) and n.datatype else str(n)
            for n in sorted(graph.objects(iri, SKOS.notation), key=str)
        ),
    )


def ontology_view(graph: Graph, schemes: list[URIRef], page: PageContext) -> ModelView:
    """The project's own classes, properties and datatypes (reused terms are not listed)."""
    own = str(ADV)

    def defined(kinds: tuple[URIRef, ...]) -> list[URIRef]:
        found = {
            s
            for k in kinds
            for s in graph.subjects(RDF.type, k)
            if isinstance(s, URIRef) and str(s).startswith(own)
        }
        return sorted(found, key=str)

    class_links = (("subclass_of", RDFS.subClassOf),)
    property_links = (("domain", RDFS.domain), ("range", RDFS.range))
    groups = (
        TermGroup(
            "classes",
            tuple(_term(graph, c, page, class_links) for c in defined((OWL.Class, RDFS.Class))),
        ),
        TermGroup(
            "properties",
            tuple(
                _term(graph, p, page, property_links)
                for p in defined((OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property))
            ),
        ),
        TermGroup("datatypes", tuple(_term(graph, d, page, ()) for d in defined((RDFS.Datatype,)))),
    )
    ontology = min(graph.subjects(RDF.type, OWL.Ontology), key=str, default=URIRef(own))
    return ModelView(
        header=_header(graph, ontology, page.lang),
        groups=tuple(g for g in groups if g.terms),
        schemes=tuple(page.link(s) for s in schemes),
    )


def scheme_view(
    graph: Graph, scheme: URIRef, schemes: list[URIRef], page: PageContext
) -> ModelView:
    """One concept scheme: its concepts with notations, labels, definitions, broader."""
    concepts = sorted(
        (c for c in graph.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)), key=str
    )
    related = (("broader", SKOS.broader),)
    return ModelView(
        header=_header(graph, scheme, page.lang),
        groups=(TermGroup("concepts", tuple(_term(graph, c, page, related) for c in concepts)),),
        schemes=tuple(page.link(s) for s in schemes),
    )


_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


def shapes_view(graph: Graph, page: PageContext) -> ShapesView:
    """Each node shape with its targets and the messages its constraints report."""
    headers = tuple(
        _header(graph, o, page.lang)
        for o in sorted(graph.subjects(RDF.type, OWL.Ontology), key=str)
    )
    shapes = []
    for shape in sorted(
        (s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)), key=str
    ):
        targets = tuple(link for t in _TARGETS for link in _links(graph, shape, t, page))
        constraints = [
            _constraint(graph, p) for p in sorted(graph.objects(shape, SH.property), key=str)
        ]
        constraints += [
            _constraint(graph, c) for c in sorted(graph.objects(shape, SH.sparql), key=str)
        ]
        if texts_by_language(graph, shape, SH.message):
            constraints.insert(0, _constraint(graph, shape))
        label = pick_text(graph.objects(shape, RDFS.label), page.lang)
        comment = pick_text(graph.objects(shape, RDFS.comment), page.lang)
        shapes.append(
            NodeShape(
                element_id=_local(str(shape)),
                iri=str(shape),
                name=curie(str(shape)),
                label=label.value if label else None,
                comment=comment.value if comment else None,
                targets=targets,
                severity=_severity(graph, shape),
                constraints=tuple(constraints),
            )
        )
    return ShapesView(headers, tuple(shapes))


def _constraint(graph: Graph, node: Node) -> Constraint:
    path = graph.value(node, SH.path)
    return Constraint(
        element_id=_local(str(node)) if isinstance(node, URIRef) else "",
        path=_path_text(graph, path) if path is not None else "",
        severity=_severity(graph, node),
        messages=texts_by_language(graph, node, SH.message),
    )


def _severity(graph: Graph, node: Node) -> str | None:
    severity = graph.value(node, SH.severity)
    return _local(str(severity)) if severity is not None else None


def _path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL-like syntax (`a/b`, `^a`, `a*`)."""
    if isinstance(path, URIRef):
        return curie(str(path))
    if isinstance(path, BNode):
        if graph.value(path, RDF.first) is not None:
            return "/".join(_path_text(graph, p) for p in Collection(graph, path))
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = graph.value(path, predicate)
            if inner is not None:
                return template.format(_path_text(graph, inner))
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "|".join(_path_text(graph, p) for p in Collection(graph, alternatives))
    return str(path)
