"""The dataset described in VoID and DCAT (https://www.w3.org/TR/void/, DCAT 3)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from advocacy_ld.model.namespaces import bind_prefixes
from advocacy_ld.publish.dumps import Dump
from advocacy_ld.records.repository import Repository

SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


@dataclass(frozen=True)
class DatasetCounts:
    triples: int
    entities: int
    classes: dict[str, int]
    vocabularies: list[str]


def count_dataset(repository: Repository) -> DatasetCounts:
    """Counts over the public dataset only (SPARQL over the union of record graphs)."""
    public = repository.public
    entities = _single_int(
        public.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")
    )
    classes = {
        row["c"].value: int(row["n"].value)
        for row in _solutions(
            public.query(
                "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
            )
        )
    }
    predicates = [
        row["p"].value for row in _solutions(public.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }"))
    ]
    vocabularies = sorted({_namespace(iri) for iri in [*predicates, *classes]})
    return DatasetCounts(public.triple_count(), entities, classes, vocabularies)


def describe_dataset(repository: Repository, base: str, dump: Dump) -> Graph:
    """VoID + DCAT description: counts, classes, vocabularies, endpoint, dump, licence."""
    counts = count_dataset(repository)
    graph = bind_prefixes(Graph())
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    graph.bind("spdx", SPDX)
    dataset = URIRef(f"{base}/dataset")
    sparql = URIRef(f"{base}/sparql")
    dump_url = URIRef(f"{base}/dumps/{dump.name}")
    for kind in (VOID.Dataset, DCAT.Dataset):
        graph.add((dataset, RDF.type, kind))
    graph.add((dataset, DCTERMS.title, Literal("advocacy-ld public dataset", lang="en")))
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Advocacy documents and what they allege and demand, as linked data.", lang="en"
            ),
        )
    )
    graph.add((dataset, DCTERMS.license, LICENSE))
    graph.add(
        (
            dataset,
            DCTERMS.modified,
            Literal(repository.last_modified.isoformat(), datatype=XSD.dateTime),
        )
    )
    graph.add((dataset, VOID.uriSpace, Literal(f"{base}/id/")))
    graph.add((dataset, VOID.triples, Literal(counts.triples)))
    graph.add((dataset, VOID.entities, Literal(counts.entities)))
    graph.add((dataset, VOID.classes, Literal(len(counts.classes))))
    graph.add((dataset, VOID.distinctSubjects, Literal(counts.entities)))
    graph.add((dataset, VOID.sparqlEndpoint, sparql))
    graph.add((dataset, VOID.dataDump, dump_url))
    for vocabulary in counts.vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for iri, entities in counts.classes.items():
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(iri)))
        graph.add((partition, VOID.entities, Literal(entities)))
    published = repository.published()
    if published:
        graph.add((dataset, VOID.exampleResource, URIRef(published[-1].id.iri)))
    distribution = URIRef(f"{base}/dumps/{dump.name}#distribution")
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.downloadURL, dump_url))
    graph.add((distribution, DCAT.mediaType, IANA["application/n-quads"]))
    graph.add((distribution, DCAT.compressFormat, IANA["application/gzip"]))
    graph.add((distribution, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
    checksum = BNode()
    graph.add((distribution, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    service = URIRef(f"{base}/sparql#service")
    graph.add((dataset, DCAT.distribution, URIRef(f"{base}/sparql#distribution")))
    graph.add((URIRef(f"{base}/sparql#distribution"), RDF.type, DCAT.Distribution))
    graph.add((URIRef(f"{base}/sparql#distribution"), DCAT.accessService, service))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCAT.endpointURL, sparql))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    _describe_feed(graph, dataset, base)
    return graph


def _describe_feed(graph: Graph, dataset: URIRef, base: str) -> None:
    """The change feed, a distribution of the dataset that harvesters replay, then follow
    (LDES: an event stream is found through DCAT, ldes:EventSource ⊑ dcat:Distribution)."""
    feed = URIRef(f"{base}/feed")
    graph.bind("ldes", LDES)
    graph.bind("tree", TREE)
    graph.add((dataset, DCAT.distribution, feed))
    graph.add((feed, RDF.type, DCAT.Distribution))
    graph.add((feed, RDF.type, LDES.EventStream))
    graph.add((feed, RDF.type, TREE.Collection))
    graph.add((feed, DCTERMS.title, Literal("Change feed (Linked Data Event Stream)", lang="en")))
    graph.add((feed, DCAT.accessURL, feed))
    graph.add((feed, DCAT.mediaType, IANA["application/n-quads"]))
    graph.add((feed, DCTERMS.conformsTo, URIRef("https://w3id.org/ldes/specification")))
    graph.add((feed, DCTERMS.license, LICENSE))


def _solutions(result: object) -> ox.QuerySolutions:
    assert isinstance(result, ox.QuerySolutions)
    return result


def _single_int(result: object) -> int:
    for row in _solutions(result):
        return int(row[0].value)
    return 0


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]
