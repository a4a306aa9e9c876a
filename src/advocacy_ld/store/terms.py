"""Convert terms between rdflib (small graphs, pySHACL, serializers) and pyoxigraph (the store)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

RDFLibTerm = URIRef | BNode | Literal
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: object) -> RDFLibTerm:
    """One pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            # RDF 1.1: a simple literal is an xsd:string; rdflib spells it without a datatype.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def _subject(term: Node) -> ox.NamedNode | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not a subject: {term!r}")


def _object(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return _subject(term)


def triples_to_graph(triples: Iterable[ox.Triple | ox.Quad], graph: Graph | None = None) -> Graph:
    """Collect pyoxigraph triples (or quads, graph ignored) into an rdflib graph."""
    target = graph if graph is not None else Graph()
    for t in triples:
        target.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return target


def graph_to_triples(graph: Graph) -> Iterator[ox.Triple]:
    """An rdflib graph as pyoxigraph triples."""
    for s, p, o in graph:
        yield ox.Triple(_subject(s), ox.NamedNode(str(p)), _object(o))


def graph_to_ntriples(graph: Graph) -> str:
    """An rdflib graph serialized by pyoxigraph as N-Triples (fast, and valid SPARQL data)."""
    return triples_to_ntriples(graph_to_triples(graph))


def triples_to_ntriples(triples: Iterable[ox.Triple | ox.Quad]) -> str:
    """Triples as N-Triples, one line each, sorted: the same text for the same triples in
    whatever order they come (a record is stored alike however it was loaded)."""
    data = ox.serialize(
        (ox.Triple(t.subject, t.predicate, t.object) for t in triples),
        format=ox.RdfFormat.N_TRIPLES,
    )
    return "".join(sorted(data.decode("utf-8").splitlines(keepends=True))) if data else ""


def canonical_literals(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads as the store will keep them.

    Oxigraph stores literal values, not lexical forms: "05"^^xsd:int comes back as
    "5"^^xsd:integer, xsd:dateTimeStamp as xsd:dateTime. Passing each document through an
    in-memory store first means we validate, compare and publish exactly what is stored.
    """
    scratch = ox.Store()
    scratch.extend(quads)
    return list(scratch.quads_for_pattern(None, None, None))


def content_hash(graph: Graph) -> str:
    """SHA-256 of the graph's RDFC-1.0 canonical N-Quads: equal for isomorphic graphs.

    Canonicalization is exponential in the worst case over blank nodes; records are bounded in
    size before they get here.
    """
    return triples_hash(graph_to_triples(graph))


def triples_hash(triples: Iterable[ox.Triple | ox.Quad]) -> str:
    """`content_hash` of a graph given as pyoxigraph triples (graph names ignored)."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(str(quad) for quad in dataset)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
