"""`/dataset`, `/.well-known/void`, `/dumps/`, `/sitemap.xml`."""

from __future__ import annotations

import gzip
import hashlib
import xml.etree.ElementTree as ET

import pyoxigraph as ox
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, VOID

from advocacy_ld.records.repository import Repository

from ..conftest import BASE

DATASET = URIRef(f"{BASE}/dataset")


def void_graph(client: TestClient, path: str = "/dataset") -> Graph:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return Graph().parse(data=response.content, format="turtle")


def test_void_counts_match_the_public_dataset(client: TestClient, repository: Repository) -> None:
    graph = void_graph(client)
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    assert (DATASET, RDF.type, DCAT.Dataset) in graph
    assert int(graph.value(DATASET, VOID.triples)) == repository.public.triple_count()
    assert int(graph.value(DATASET, VOID.entities)) > 0
    classes = {graph.value(p, VOID["class"]) for p in graph.objects(DATASET, VOID.classPartition)}
    assert URIRef("https://w3id.org/advocacy-ld/ns#AdvocacyDocument") in classes
    vocabularies = set(graph.objects(DATASET, VOID.vocabulary))
    assert URIRef("https://schema.org/") in vocabularies
    assert URIRef("https://w3id.org/advocacy-ld/ns#") in vocabularies
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{BASE}/sparql")
    assert graph.value(DATASET, VOID.dataDump) == URIRef(f"{BASE}/dumps/dataset.nq.gz")
    assert graph.value(DATASET, URIRef("http://purl.org/dc/terms/license")) is not None
    assert graph.value(DATASET, URIRef("http://purl.org/dc/terms/modified")) is not None


def test_well_known_void_is_the_same_description(client: TestClient) -> None:
    assert len(void_graph(client, "/.well-known/void")) == len(void_graph(client))


def test_the_dump_holds_the_public_dataset_and_its_checksum(
    client: TestClient, repository: Repository
) -> None:
    index = client.get("/dumps/").json()["dumps"][0]
    response = client.get("/dumps/dataset.nq.gz")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == index["sha256"]
    checksum = client.get("/dumps/dataset.nq.gz.sha256").text
    assert checksum.split()[0] == index["sha256"]
    quads = list(ox.parse(gzip.decompress(response.content), ox.RdfFormat.N_QUADS))
    assert len(quads) == repository.public.triple_count()
    assert {q.graph_name.value for q in quads} == set(repository.public.record_iris())
    again = client.get("/dumps/dataset.nq.gz", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_the_sitemap_lists_every_public_resource(
    client: TestClient, repository: Repository
) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {loc.text for loc in root.iter(f"{namespace}loc")}
    assert set(repository.public.record_iris()) <= urls
    assert f"{BASE}/id/allegation/sednaya-2018-12-25-1" in urls
    assert not any("#" in (url or "") for url in urls)
    for url in list(urls)[:5]:
        assert client.get(str(url).removeprefix(BASE)).status_code == 200
