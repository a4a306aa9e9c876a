"""Serialize a graph in each RDF representation; rendered once per version, then cached."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from advocacy_ld.model.namespaces import bind_prefixes
from advocacy_ld.publish.formats import Representation
from advocacy_ld.publish.jsonld import compact_graph
from advocacy_ld.store.terms import graph_to_triples


def render_rdf(
    graph: Graph, representation: Representation, context: dict[str, Any], context_url: str
) -> bytes:
    """The graph in an RDF representation (HTML is rendered by the web layer's templates)."""
    if representation is Representation.TURTLE:
        return bind_prefixes(_copy(graph)).serialize(format="turtle", encoding="utf-8")
    if representation is Representation.JSON_LD:
        document = compact_graph(graph, context, context_url)
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    if representation is Representation.N_TRIPLES:
        data = ox.serialize(graph_to_triples(graph), format=ox.RdfFormat.N_TRIPLES)
        return data or b""
    if representation is Representation.RDF_XML:
        return bind_prefixes(_copy(graph)).serialize(format="xml", encoding="utf-8")
    raise ValueError(f"{representation} is not an RDF representation")


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy
