"""The embedded store keeps one graph per record and replaces it atomically."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from advocacy_ld.errors import QueryError, StoreError
from advocacy_ld.model.namespaces import ADV, SCHEMA
from advocacy_ld.store import ExportFormat, OxigraphStore, open_store

RECORD = "http://127.0.0.1:8000/id/org/example"
OTHER = "http://127.0.0.1:8000/id/facility/example"


def org_graph(name: str, triples: int = 1) -> Graph:
    graph = Graph()
    subject = URIRef(RECORD)
    graph.add((subject, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")))
    graph.add((subject, SCHEMA.name, Literal(name, lang="en")))
    for i in range(triples):
        graph.add((subject, SCHEMA.alternateName, Literal(f"{name} {i}")))
    node = BNode()
    graph.add((subject, ADV.note, node))
    graph.add((node, SCHEMA.text, Literal("ملاحظة", lang="ar")))
    return graph


def dump(store: OxigraphStore) -> bytes:
    buffer = io.BytesIO()
    store.export(buffer, ExportFormat.NQUADS)
    return buffer.getvalue()


def test_put_then_get_returns_an_isomorphic_graph() -> None:
    store = OxigraphStore()
    graph = org_graph("Example")
    assert store.put_record(RECORD, graph) is True
    stored = store.get_record(RECORD)
    assert stored is not None
    assert isomorphic(stored, graph)
    assert store.record_iris() == [RECORD]


def test_putting_the_same_graph_again_changes_nothing() -> None:
    store = OxigraphStore()
    store.put_record(RECORD, org_graph("Example"))
    before = dump(store)
    # Same triples, fresh blank node labels: still the same record.
    assert store.put_record(RECORD, org_graph("Example")) is False
    assert dump(store) == before


def test_replacing_a_record_leaves_no_triple_of_the_old_version() -> None:
    store = OxigraphStore()
    store.put_record(RECORD, org_graph("Old", triples=5))
    store.put_record(RECORD, org_graph("New", triples=2))
    stored = store.get_record(RECORD)
    assert stored is not None
    assert isomorphic(stored, org_graph("New", triples=2))
    assert b"Old" not in dump(store)


def test_records_are_kept_apart() -> None:
    store = OxigraphStore()
    store.put_record(RECORD, org_graph("A"))
    other = Graph()
    other.add((URIRef(OTHER), RDF.type, ADV.DetentionFacility))
    store.put_record(OTHER, other)
    store.remove_record(RECORD)
    assert store.get_record(RECORD) is None
    assert store.record_iris() == [OTHER]
    assert store.remove_record(RECORD) is False


def test_types_of_finds_types_in_any_record() -> None:
    store = OxigraphStore()
    store.put_record(RECORD, org_graph("A"))
    types = store.types_of([RECORD, "http://127.0.0.1:8000/id/org/missing"])
    assert set(types.objects(URIRef(RECORD), RDF.type)) == {
        URIRef("http://www.w3.org/ns/org#Organization")
    }
    assert len(types) == 1


def test_readers_never_see_a_half_replaced_record() -> None:
    store = OxigraphStore()
    store.put_record(RECORD, org_graph("v0", triples=200))
    sizes: set[int] = set()
    stop = threading.Event()

    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{RECORD}> {{ ?s ?p ?o }} }}"

    def read() -> None:
        while not stop.is_set():
            for solution in store.query(count):  # type: ignore[union-attr]
                sizes.add(int(solution["n"].value))
            time.sleep(0.0005)

    reader = threading.Thread(target=read)
    reader.start()
    for version in range(1, 20):
        store.put_record(RECORD, org_graph(f"v{version}", triples=200 if version % 2 else 50))
    stop.set()
    reader.join()
    # 200 or 50 alternate names, plus type, name, note and the note's text.
    assert sizes <= {204, 54}
    assert sizes


def test_query_sees_the_union_of_records_and_reports_syntax_errors() -> None:
    store = OxigraphStore()
    store.put_record(RECORD, org_graph("A"))
    result = store.query("ASK { ?s a <http://www.w3.org/ns/org#Organization> }")
    assert bool(result) is True
    with pytest.raises(QueryError, match="syntax"):
        store.query("SELECT WHERE {")


@pytest.mark.parametrize("export_format", list(ExportFormat))
def test_export_writes_every_record(export_format: ExportFormat) -> None:
    store = OxigraphStore()
    store.put_record(RECORD, org_graph("Exported"))
    buffer = io.BytesIO()
    store.export(buffer, export_format)
    text = buffer.getvalue().decode("utf-8")
    assert "Exported" in text
    if export_format is not ExportFormat.TURTLE:
        assert RECORD in text


def test_on_disk_store_survives_reopening(tmp_path: Path) -> None:
    store = open_store("oxigraph", tmp_path / "store")
    store.put_record(RECORD, org_graph("Durable"))
    store.close()
    reopened = open_store("oxigraph", tmp_path / "store")
    graph = reopened.get_record(RECORD)
    assert graph is not None
    assert isomorphic(graph, org_graph("Durable"))
    assert reopened.triple_count() == len(org_graph("Durable"))
    reopened.close()


def test_unknown_store_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown store"):
        open_store("cassandra", tmp_path)
