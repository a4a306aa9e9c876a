"""The endpoint's SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/).

Served on a GET of the endpoint without a query (Service Description §2), so a client can learn
what the endpoint speaks and which dataset it answers over before it asks anything.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from advocacy_ld.model.namespaces import bind_prefixes
from advocacy_ld.publish.sparql.formats import GraphFormat, ResultFormat

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SIMPLE_ENTAILMENT = URIRef("http://www.w3.org/ns/entailment/Simple")


def describe_service(
    base_uri: str, *, triples: int, graphs: int, timeout: float, row_cap: int
) -> Graph:
    """`sd:Service` for `{base_uri}/sparql`, its formats, features and default dataset."""
    graph = bind_prefixes(Graph())
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    endpoint = URIRef(f"{base_uri}/sparql")
    service = URIRef(f"{base_uri}/sparql#service")
    dataset = URIRef(f"{base_uri}/sparql#dataset")
    default_graph = BNode("defaultGraph")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    # The default graph is the union of the record graphs (§3.4 sd:UnionDefaultGraph).
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, SIMPLE_ENTAILMENT))
    for result_format in (*ResultFormat, *GraphFormat):
        graph.add((service, SD.resultFormat, URIRef(result_format.iri)))
    graph.add((service, DCTERMS.title, Literal("advocacy-ld SPARQL endpoint", lang="en")))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only SPARQL 1.1 Query over the public dataset. SPARQL Update and SERVICE "
                f"are refused. Each query has {timeout:g} s; a result holds at most {row_cap} "
                "rows or triples (a cut result says so in the X-SPARQL-MaxRows header).",
                lang="en",
            ),
        )
    )
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("The public dataset", lang="en")))
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "The current published version of every public record. Each record is a named "
                "graph named by the record's IRI; the default graph is their union.",
                lang="en",
            ),
        )
    )
    graph.add((dataset, RDFS.seeAlso, URIRef(f"{base_uri}/dataset")))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    graph.add((dataset, VOID.documents, Literal(graphs, datatype=XSD.integer)))
    return graph
