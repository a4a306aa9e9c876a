"""`oai_dc` served from each version's stored Dublin Core facts is, byte for byte, what the
mapping makes of the record's graph, and still names linked records as they are now."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from advocacy_ld.model import load_model
from advocacy_ld.model.namespaces import SCHEMA
from advocacy_ld.publish.oai.dublin_core import Triple, dc_facts, references, resolve
from advocacy_ld.publish.oai.facts import concept_labels
from advocacy_ld.publish.oai.metadata import _names
from advocacy_ld.publish.oai.writer import dublin_core
from advocacy_ld.records.identity import RecordIdentifier

from ..api.conftest import World
from .oai_support import check, oai_world

_RECORD = re.compile(
    rb"<record><header><identifier>([^<]*)</identifier><datestamp>[^<]*</datestamp>"
    rb"<setSpec>[^<]*</setSpec></header><metadata>(.*?)</metadata></record>",
    re.DOTALL,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from oai_world(tmp_path_factory.mktemp("oai-facts"), oai_page_size=4)


def expected_dc(world: World, iri: str) -> bytes:
    """The element made from the record's public graph by the mapping's own functions."""
    graph = world.repository.public.get_record(iri)
    assert graph is not None
    quads = ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    triples: list[Triple] = [(q.subject, q.predicate, q.object) for q in quads]
    record = RecordIdentifier(world.settings.base_uri).parse(iri)
    assert record is not None
    facts = dc_facts(iri, record.kind, triples, concept_labels(load_model().vocabularies))
    names = _names(world.repository.public, sorted(references(facts)))
    return dublin_core(resolve(facts, names))


def harvested(world: World) -> dict[str, bytes]:
    """Identifier -> metadata element, from a whole ListRecords list (several pages)."""
    found: dict[str, bytes] = {}
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    while True:
        body = world.client.get("/oai", params=params).content
        found.update((m.group(1).decode(), m.group(2)) for m in _RECORD.finditer(body))
        token = check(body).token()
        if token is None or not token.text:
            return found
        params = {"verb": "ListRecords", "resumptionToken": token.text}


def test_every_public_record_is_harvested_as_the_mapping_makes_it(world: World) -> None:
    public = sorted(s.id.iri for s in world.repository.published())
    found = harvested(world)
    assert sorted(found) == public
    assert any(b'<dc:publisher xml:lang="en">' in element for element in found.values())
    for iri in public:
        assert found[iri] == expected_dc(world, iri), iri


def test_get_record_serves_the_same_element(world: World) -> None:
    for state in world.repository.published():
        iri = state.id.iri
        params = {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": iri}
        (match,) = _RECORD.finditer(world.client.get("/oai", params=params).content)
        assert match.group(2) == expected_dc(world, iri)


def _named(world: World, slug: str, name: str, publisher: str | None = None) -> str:
    """Store an org directly (no shapes needed here): its name and, maybe, a publisher."""
    record = RecordIdentifier(world.settings.base_uri).parse(
        f"{world.settings.base_uri}/id/org/{slug}"
    )
    assert record is not None
    graph = Graph()
    graph.add((URIRef(record.iri), SCHEMA.name, Literal(name, lang="en")))
    if publisher is not None:
        graph.add((URIRef(record.iri), SCHEMA.publisher, URIRef(publisher)))
    world.repository.put(record, graph)
    return record.iri


def test_a_linked_record_renamed_since_is_named_anew(world: World) -> None:
    parent = _named(world, "oai-facts-parent", "Before")
    child = _named(world, "oai-facts-child", "Child", publisher=parent)
    params = {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": child}
    assert b">Before</dc:publisher>" in world.client.get("/oai", params=params).content
    _named(world, "oai-facts-parent", "After")  # the child's version does not change
    assert b">After</dc:publisher>" in world.client.get("/oai", params=params).content
