"""Namespaces of the project's own terms and of the vocabularies it reuses (docs/model.md)."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace

ADV = Namespace("https://w3id.org/advocacy-ld/ns#")
ADVC = Namespace("https://w3id.org/advocacy-ld/vocab/")
ADVS = Namespace("https://w3id.org/advocacy-ld/shapes#")
ADVT = Namespace("https://w3id.org/advocacy-ld/shapes/tests#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
CITO = Namespace("http://purl.org/spar/cito/")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "adv": ADV,
    "advc": ADVC,
    "advs": ADVS,
    "schema": SCHEMA,
    "org": ORG,
    "prov": PROV,
    "skos": SKOS,
    "oa": OA,
    "geo": GEO,
    "cito": CITO,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "wd": WD,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
}

CONTEXT_IRI = "https://w3id.org/advocacy-ld/context.jsonld"
"""The published IRI of the project's JSON-LD context; always resolved from the local file."""


def prefixed_graph() -> Graph:
    """A new graph with the project's prefixes and rdflib's core ones (rdf, rdfs, xsd, owl,
    xml) only: a third of the cost of binding over rdflib's default set, on every parse."""
    return bind_prefixes(Graph(bind_namespaces="core"))


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes so serializations read as the documentation does."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
