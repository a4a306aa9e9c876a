"""An `IndexedGraph` answers as an rdflib `Graph` holding the same triples would.

The validator reads the context and the shapes through it, pySHACL and rdflib's SPARQL
engine calling whatever `Graph` methods they like: each must see the base and the overlay as
one graph, and the base alone once the overlay is lifted.
"""

from __future__ import annotations

from itertools import islice, product

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.paths import ZeroOrMore

from advocacy_ld.model import Model
from advocacy_ld.model.namespaces import ORG
from advocacy_ld.validation.indexed import IndexedGraph, TripleIndex
from advocacy_ld.validation.validator import Triple

NEW_CLASS = URIRef("urn:example:Collective")


def overlay_triples(model: Model) -> list[Triple]:
    """Some triples of the base again, and new ones about old and new terms."""
    concept, label = next(iter(model.vocabularies.subject_objects(SKOS.prefLabel)))
    node = BNode("overlaid")
    return [
        (concept, SKOS.prefLabel, label),
        (concept, RDFS.comment, Literal("again", lang="en")),
        (NEW_CLASS, RDFS.subClassOf, ORG.Organization),
        (URIRef("urn:example:c1"), RDF.type, NEW_CLASS),
        (URIRef("urn:example:c1"), SKOS.related, node),
        (node, SKOS.prefLabel, label),
    ]


@pytest.fixture(scope="module")
def graphs(model: Model) -> tuple[IndexedGraph, Graph]:
    """The vocabularies indexed with an overlay, and an rdflib graph of the union."""
    indexed = IndexedGraph(TripleIndex(model.vocabularies), model.vocabularies.namespace_manager)
    indexed.overlay(overlay_triples(model))
    union = Graph()
    for triple in [*model.vocabularies, *overlay_triples(model)]:
        union.add(triple)
    return indexed, union


def patterns(graph: Graph) -> list[tuple[Triple, ...]]:
    """Every pattern (each term given or left open) of some triples of `graph`."""
    chosen = [*islice(graph, 0, None, 37), *graph.triples((URIRef("urn:example:c1"), None, None))]
    return [
        tuple(term if keep else None for term, keep in zip(triple, mask, strict=True))
        for triple in chosen
        for mask in product((True, False), repeat=3)
    ]


def test_every_pattern_matches_what_the_union_matches(graphs: tuple[IndexedGraph, Graph]) -> None:
    indexed, union = graphs
    assert len(indexed) == len(union)
    assert sorted(indexed) == sorted(union)
    for s, p, o in patterns(union):
        assert sorted(indexed.triples((s, p, o))) == sorted(union.triples((s, p, o)))
        assert ((s, p, o) in indexed) == ((s, p, o) in union)
        assert sorted(indexed.objects(s, p)) == sorted(union.objects(s, p))
        assert sorted(indexed.subjects(p, o)) == sorted(union.subjects(p, o))
        assert sorted(indexed.predicate_objects(s)) == sorted(union.predicate_objects(s))


def test_paths_and_queries_see_the_overlay(graphs: tuple[IndexedGraph, Graph]) -> None:
    indexed, union = graphs
    path = (URIRef("urn:example:c1"), RDF.type / (RDFS.subClassOf * ZeroOrMore), None)
    assert sorted(indexed.triples(path)) == sorted(union.triples(path))
    assert ORG.Organization in {o for _, _, o in indexed.triples(path)}
    query = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }"
    namespaces = {"skos": SKOS}
    assert sorted(indexed.query(query, initNs=namespaces)) == sorted(
        union.query(query, initNs=namespaces)
    )


def test_lifting_the_overlay_leaves_the_base(model: Model) -> None:
    indexed = IndexedGraph(TripleIndex(model.vocabularies), model.vocabularies.namespace_manager)
    added = indexed.overlay(overlay_triples(model))
    assert len(added) == len(overlay_triples(model)) - 1  # the repeated label is the base's
    indexed.clear_overlay()
    assert sorted(indexed) == sorted(model.vocabularies)
    assert (URIRef("urn:example:c1"), RDF.type, NEW_CLASS) not in indexed


def test_an_indexed_graph_is_read_only(graphs: tuple[IndexedGraph, Graph]) -> None:
    indexed, _ = graphs
    with pytest.raises(TypeError):
        indexed.add((URIRef("urn:example:x"), RDF.type, NEW_CLASS))
    with pytest.raises(TypeError):
        indexed.remove((None, None, None))
