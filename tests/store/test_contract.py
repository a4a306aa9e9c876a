"""The `Store` contract, held by the embedded store and by a remote SPARQL server alike.

One named graph per record, replaced atomically; the default graph of a query is the union of
the records; dumps hold every record. Each test runs against both stores (`store_kind`).
"""

from __future__ import annotations

import io
import threading
import time

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from advocacy_ld.errors import QueryError, RDFSyntaxError, StoreError
from advocacy_ld.model.namespaces import ADV, SCHEMA
from advocacy_ld.store import ExportFormat, Store
from advocacy_ld.store.terms import triples_to_graph

RECORD = "http://127.0.0.1:8000/id/org/example"
OTHER = "http://127.0.0.1:8000/id/facility/example"
ORG = URIRef("http://www.w3.org/ns/org#Organization")


def org_graph(name: str, triples: int = 1) -> Graph:
    graph = Graph()
    subject = URIRef(RECORD)
    graph.add((subject, RDF.type, ORG))
    graph.add((subject, SCHEMA.name, Literal(name, lang="en")))
    for i in range(triples):
        graph.add((subject, SCHEMA.alternateName, Literal(f"{name} {i}")))
    node = BNode()
    graph.add((subject, ADV.note, node))
    graph.add((node, SCHEMA.text, Literal("ملاحظة", lang="ar")))
    return graph


def dump(store: Store, export_format: ExportFormat = ExportFormat.NQUADS) -> bytes:
    buffer = io.BytesIO()
    store.export(buffer, export_format)
    return buffer.getvalue()


def _graph(*triples: tuple[object, object, object]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    return graph


S = URIRef(RECORD)
CHAIN = [BNode() for _ in range(3)]
ROUND_TRIPS = {
    "arabic, emoji and a language tag": _graph(
        (S, SCHEMA.name, Literal("سجن صيدنايا 🕊", lang="ar")),
        (S, SCHEMA.alternateName, Literal("Saydnaya — «prison»", lang="en-gb")),
    ),
    "quotes, backslashes, line breaks and tabs": _graph(
        (S, SCHEMA.description, Literal('He said "no".\nThen \\ left\tquietly\r\n')),
    ),
    "typed literals in their canonical forms": _graph(
        (S, SCHEMA.foundingDate, Literal("2018-12-25", datatype=XSD.date)),
        (S, SCHEMA.numberOfEmployees, Literal("5", datatype=XSD.integer)),
        (S, ADV.share, Literal("1.5", datatype=XSD.decimal)),
        (S, ADV.flag, Literal("true", datatype=XSD.boolean)),
        (S, ADV.when, Literal("2018-12-25T10:00:00Z", datatype=XSD.dateTime)),
    ),
    "a chain of blank nodes": _graph(
        (S, ADV.note, CHAIN[0]),
        (CHAIN[0], ADV.next, CHAIN[1]),
        (CHAIN[1], ADV.next, CHAIN[2]),
        (CHAIN[2], SCHEMA.text, Literal("end")),
        (CHAIN[1], SCHEMA.text, Literal("middle")),
    ),
    "IRIs with non-ASCII characters and escapes": _graph(
        (S, SCHEMA.sameAs, URIRef("http://example.org/صيدنايا")),
        (S, SCHEMA.url, URIRef("http://example.org/a%20b?q=1&r=2#frag")),
    ),
    "a literal of 200 000 characters": _graph((S, SCHEMA.text, Literal("x\u00e9" * 100_000))),
}


@pytest.mark.parametrize("graph", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_what_is_put_comes_back_the_same(store: Store, graph: Graph) -> None:
    assert store.put_record(RECORD, graph) is True
    stored = store.get_record(RECORD)
    assert stored is not None
    assert isomorphic(stored, graph)
    (ntriples,) = store.graphs_as_ntriples([RECORD])
    assert isomorphic(Graph().parse(data=ntriples, format="nt"), graph)
    assert store.triple_count() == len(graph)
    assert store.put_record(RECORD, graph) is False


def test_put_then_get_returns_an_isomorphic_graph(store: Store) -> None:
    graph = org_graph("Example")
    assert store.put_record(RECORD, graph) is True
    stored = store.get_record(RECORD)
    assert stored is not None
    assert isomorphic(stored, graph)
    assert store.record_iris() == [RECORD]


def test_putting_the_same_graph_again_changes_nothing(store: Store) -> None:
    store.put_record(RECORD, org_graph("Example"))
    before = dump(store)
    # Same triples, fresh blank node labels: still the same record.
    assert store.put_record(RECORD, org_graph("Example")) is False
    assert dump(store) == before


def test_replacing_a_record_leaves_no_triple_of_the_old_version(store: Store) -> None:
    store.put_record(RECORD, org_graph("Old", triples=5))
    store.put_record(RECORD, org_graph("New", triples=2))
    stored = store.get_record(RECORD)
    assert stored is not None
    assert isomorphic(stored, org_graph("New", triples=2))
    assert b"Old" not in dump(store)


def test_records_are_kept_apart(store: Store) -> None:
    store.put_record(RECORD, org_graph("A"))
    store.put_record(OTHER, _graph((URIRef(OTHER), RDF.type, ADV.DetentionFacility)))
    assert store.record_iris() == sorted([RECORD, OTHER])
    assert store.remove_record(RECORD) is True
    assert store.get_record(RECORD) is None
    assert store.record_iris() == [OTHER]
    assert store.remove_record(RECORD) is False


def test_types_of_finds_types_in_any_record(store: Store) -> None:
    store.put_record(RECORD, org_graph("A"))
    store.put_record(OTHER, _graph((URIRef(RECORD), RDF.type, ADV.Actor)))
    types = store.types_of([RECORD, "http://127.0.0.1:8000/id/org/missing"])
    assert set(types.objects(URIRef(RECORD), RDF.type)) == {ORG, ADV.Actor}
    assert len(types) == 2
    assert len(store.types_of([])) == 0


def test_graphs_come_as_ntriples_in_the_order_asked(store: Store) -> None:
    iris = [f"http://127.0.0.1:8000/id/org/o{i}" for i in range(600)]
    for iri in iris[:300]:
        store.replace_record(iri, _graph((URIRef(iri), SCHEMA.name, Literal(iri[-4:]))))
    missing = "http://127.0.0.1:8000/id/org/missing"
    asked = [iris[299], missing, *iris[:299], iris[0]]
    texts = store.graphs_as_ntriples(asked)
    assert len(texts) == len(asked)
    assert texts[1] == b""
    for iri, text in zip(asked, texts, strict=True):
        if iri != missing:
            assert text == f'<{iri}> <{SCHEMA.name}> "{iri[-4:]}" .\n'.encode()
    assert store.graphs_as_ntriples([]) == []


def test_readers_never_see_a_half_replaced_record(store: Store) -> None:
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


def test_a_failed_update_changes_nothing(store: Store) -> None:
    store.put_record(RECORD, org_graph("Before"))
    before = dump(store)
    # The second operation fails (the graph exists), after the first has inserted a graph.
    update = (
        f"INSERT DATA {{ GRAPH <{OTHER}> {{ <{OTHER}> <{SCHEMA.name}> 'half' }} }} ;\n"
        f"CREATE GRAPH <{RECORD}>"
    )
    with pytest.raises(StoreError):
        store.update(update)
    assert dump(store) == before
    assert store.record_iris() == [RECORD]


def test_query_sees_the_union_of_records_and_reports_syntax_errors(store: Store) -> None:
    store.put_record(RECORD, org_graph("A"))
    store.put_record(OTHER, _graph((URIRef(OTHER), RDF.type, ADV.DetentionFacility)))
    result = store.query("ASK { ?s a <http://www.w3.org/ns/org#Organization> }")
    assert bool(result) is True
    rows = store.query("SELECT ?s ?t WHERE { ?s a ?t } ORDER BY ?s")
    assert isinstance(rows, ox.QuerySolutions)
    assert [(r["s"].value, r["t"].value) for r in rows] == [
        (OTHER, str(ADV.DetentionFacility)),
        (RECORD, str(ORG)),
    ]
    with pytest.raises(QueryError, match="syntax"):
        store.query("SELECT WHERE {")


def test_construct_answers_triples(store: Store) -> None:
    store.put_record(RECORD, org_graph("A"))
    result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s = <{RECORD}>) }}")
    assert isinstance(result, ox.QueryTriples)
    triples = list(result)
    assert len(triples) == 4
    assert all(t.subject == ox.NamedNode(RECORD) for t in triples)


@pytest.mark.parametrize("export_format", list(ExportFormat), ids=lambda f: f.label)
def test_export_writes_every_record(store: Store, export_format: ExportFormat) -> None:
    store.put_record(RECORD, org_graph("Exported"))
    store.put_record(OTHER, _graph((URIRef(OTHER), SCHEMA.name, Literal("صيدنايا"))))
    data = dump(store, export_format)
    if export_format is ExportFormat.TURTLE:
        graph = Graph().parse(data=data, format="turtle")
        assert isomorphic(graph, org_graph("Exported") + store.get_record(OTHER))  # type: ignore[operator]
        return
    dataset = ox.Dataset(ox.parse(data, export_format.rdf_format))
    assert len(dataset) == len(org_graph("Exported")) + 1
    graphs = {q.graph_name.value for q in dataset}
    assert graphs == {RECORD, OTHER}
    assert ox.Literal("صيدنايا") in {q.object for q in dataset}


def test_an_empty_store_exports_nothing_and_counts_nothing(store: Store) -> None:
    assert store.record_iris() == []
    assert store.triple_count() == 0
    assert store.get_record(RECORD) is None
    assert store.graphs_as_ntriples([RECORD]) == [b""]
    assert dump(store).strip() == b""


BULK_GRAPHS = [f"http://127.0.0.1:8000/id/org/bulk-{n}" for n in range(40)]


def bulk_nquads() -> bytes:
    """40 graphs, each with a blank node used in triples far apart (a record's anchor), and
    literals long enough that the small blocks and requests below cut the input many times."""
    lines = []
    for n, iri in enumerate(BULK_GRAPHS):
        node = f"_:anchor{n}"
        lines += [
            f'<{iri}> <{SCHEMA.name}> "Bulk {n} — صيدنايا"@en <{iri}> .',
            f"<{iri}> <{ADV.note}> {node} <{iri}> .",
            *(f'<{iri}> <{SCHEMA.alternateName}> "alt {i}" <{iri}> .' for i in range(20)),
            f'{node} <{SCHEMA.text}> "{"x" * 300}" <{iri}> .',
            f'{node} <{SCHEMA.position}> "{n}"^^<{XSD.integer}> <{iri}> .',
        ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks and requests of a few kB, so that a small input is cut in many places."""
    from advocacy_ld.store import oxigraph, sparql

    monkeypatch.setattr(oxigraph, "BULK_BLOCK_BYTES", 2_000)
    monkeypatch.setattr(sparql, "BULK_REQUEST_BYTES", 2_000)
    monkeypatch.setattr(sparql, "SERIALIZE_EVERY", 7)


@pytest.mark.usefixtures("small_pieces")
def test_bulk_load_stores_every_quad_and_keeps_each_blank_node_one(store: Store) -> None:
    store.put_record(RECORD, org_graph("Already there"))
    data = bulk_nquads()
    store.bulk_load(io.BytesIO(data))
    assert store.record_iris() == sorted([RECORD, *BULK_GRAPHS])
    expected = ox.Dataset(ox.parse(data, ox.RdfFormat.N_QUADS))
    for n, iri in enumerate(BULK_GRAPHS):
        stored = store.get_record(iri)
        assert stored is not None
        wanted = triples_to_graph(expected.quads_for_graph_name(ox.NamedNode(iri)))
        assert isomorphic(stored, wanted), iri
        # The anchor's three triples still meet in one node.
        (anchor,) = stored.objects(URIRef(iri), ADV.note)
        assert isinstance(anchor, BNode)
        assert stored.value(anchor, SCHEMA.position) == Literal(n)
    assert store.triple_count() == len(expected) + len(org_graph("Already there"))


@pytest.mark.usefixtures("small_pieces")
def test_bulk_load_names_the_line_of_malformed_nquads(store: Store) -> None:
    lines = bulk_nquads().split(b"\n")
    lines[700] = b'<urn:a> <urn:b> "unterminated <urn:g> .'
    with pytest.raises(RDFSyntaxError) as raised:
        store.bulk_load(io.BytesIO(b"\n".join(lines)))
    assert raised.value.location.line == 701
    assert "N-Quads:701:" in str(raised.value)


def test_clear_empties_the_store(store: Store) -> None:
    store.put_record(RECORD, org_graph("A"))
    store.bulk_load(io.BytesIO(bulk_nquads()))
    store.clear()
    assert store.record_iris() == []
    assert store.triple_count() == 0
    assert dump(store).strip() == b""
