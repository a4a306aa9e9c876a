"""Renditions: each version written out once, as N-Triples and RDF/XML, equal to what is stored."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from advocacy_ld.model.namespaces import SCHEMA
from advocacy_ld.records.identity import RecordId
from advocacy_ld.records.ledger import RENDITIONS, Rendition, version_iri
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.settings import Settings

from .conftest import record_id


def org(record: RecordId, name: str) -> Graph:
    graph = Graph()
    node = URIRef(record.iri)
    graph.add((node, SCHEMA.name, Literal(name, lang="en")))
    graph.add((node, SCHEMA.description, Literal('quotes " and\nline breaks \\ too')))
    address = BNode()
    graph.add((node, SCHEMA.address, address))
    graph.add((address, SCHEMA.addressCountry, Literal("SY")))
    return graph


def test_renditions_are_the_stored_version(repository: Repository) -> None:
    a = record_id("a")
    repository.submit(a, org(a, "A"), "alice", publish=True)
    version = version_iri(a.iri, 1)
    stored = repository.version_graph(a.iri, 1)
    assert stored is not None
    ntriples = repository.version_ntriples([version])[version]
    assert isomorphic(Graph().parse(data=ntriples, format="nt"), stored)
    rdf_xml = repository.public_renditions([(a.iri, 1)], Rendition.RDF_XML)[a.iri]
    assert isomorphic(Graph().parse(data=rdf_xml, format="xml"), stored)


def test_rdf_xml_only_for_the_current_public_version(repository: Repository) -> None:
    a, b = record_id("a"), record_id("b")
    repository.submit(a, org(a, "A"), "alice", publish=True)
    repository.submit(a, org(a, "A2"), "alice", publish=True)
    repository.submit(b, org(b, "B"), "alice")  # pending
    found = repository.public_renditions([(a.iri, 1), (a.iri, 2), (b.iri, 1)], Rendition.RDF_XML)
    assert list(found) == [a.iri]
    assert b"A2" in found[a.iri]
    repository.restrict(a.iri, "curator")
    assert repository.public_renditions([(a.iri, 2)], Rendition.N_TRIPLES) == {}


def test_versions_stored_before_renditions_get_them_on_open(settings: Settings) -> None:
    first = open_repository(settings)
    a = record_id("a")
    first.submit(a, org(a, "A"), "alice", publish=True)
    first.archive.update(f"DROP SILENT GRAPH <{RENDITIONS}>")
    assert first.version_ntriples([version_iri(a.iri, 1)]) == {}
    first.close()
    reopened = open_repository(settings)
    try:
        version = version_iri(a.iri, 1)
        ntriples = reopened.version_ntriples([version])[version]
        stored = reopened.version_graph(a.iri, 1)
        assert stored is not None
        assert isomorphic(Graph().parse(data=ntriples, format="nt"), stored)
        assert a.iri in reopened.public_renditions([(a.iri, 1)], Rendition.RDF_XML)
    finally:
        reopened.close()
