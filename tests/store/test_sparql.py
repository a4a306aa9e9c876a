"""What only the remote store does: HTTP, and its failures as errors that say where and why."""

from __future__ import annotations

import base64
import http.server
import io
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from rdflib import Graph, Literal, URIRef

from advocacy_ld.errors import StoreError
from advocacy_ld.model.namespaces import SCHEMA
from advocacy_ld.store import ExportFormat, SparqlStore, open_store

from ..store_servers import OxigraphServer, free_port, start_server
from .test_contract import OTHER, RECORD, org_graph


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A server of this test's own, which it may stop."""
    server = start_server(tmp_path / "own")
    try:
        yield server
    finally:
        server.stop()


def test_a_server_that_is_down_stops_the_start(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(StoreError) as raised:
        open_store(f"sparql+http://127.0.0.1:{port}", tmp_path)
    message = str(raised.value)
    assert f"http://127.0.0.1:{port}/query" in message
    assert "cannot connect" in message


OPERATIONS: dict[str, tuple[Callable[[SparqlStore], object], str]] = {
    "get_record": (lambda s: s.get_record(RECORD), "/store"),
    "remove_record": (lambda s: s.remove_record(RECORD), "/store"),
    "replace_record": (lambda s: s.replace_record(RECORD, org_graph("x")), "/update"),
    "query": (lambda s: s.query("ASK {}"), "/query"),
    "record_iris": (lambda s: s.record_iris(), "/query"),
    "export": (lambda s: s.export(io.BytesIO(), ExportFormat.NQUADS), "/query"),
}


def test_a_server_that_stops_gives_errors_naming_the_endpoint(
    own_server: OxigraphServer, tmp_path: Path
) -> None:
    store = open_store(own_server.setting, tmp_path)
    assert isinstance(store, SparqlStore)
    store.put_record(RECORD, org_graph("Before"))
    own_server.stop()
    try:
        for name, (operation, path) in OPERATIONS.items():
            with pytest.raises(StoreError) as raised:
                operation(store)
            assert f"{own_server.url}{path}" in str(raised.value), name
            assert "gave no answer" in str(raised.value), name
    finally:
        store.close()


def test_wrong_endpoint_paths_stop_the_start(server: OxigraphServer, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"/nowhere answered 404"):
        open_store(f"{server.setting}?query=/nowhere", tmp_path)
    with pytest.raises(StoreError, match=r"/statements answered 404"):
        open_store(f"{server.setting}?update=statements", tmp_path)


def test_a_server_without_a_union_default_graph_is_refused_once_it_holds_data(
    tmp_path: Path,
) -> None:
    server = start_server(tmp_path / "no-union", union_default_graph=False)
    try:
        empty = open_store(server.setting, tmp_path)  # nothing to tell by yet
        empty.put_record(RECORD, org_graph("A"))
        empty.close()
        with pytest.raises(StoreError, match=r"union of its named graphs.*--union-default-graph"):
            open_store(server.setting, tmp_path)
    finally:
        server.stop()


def test_many_graphs_are_read_in_few_requests(remote: SparqlStore) -> None:
    iris = [f"http://127.0.0.1:8000/id/org/o{i}" for i in range(1000)]
    remote.update(
        "INSERT DATA { "
        + " ".join(f"GRAPH <{iri}> {{ <{iri}> <{SCHEMA.name}> 'n' }}" for iri in iris)
        + " }"
    )
    requests: list[httpx.Request] = []
    remote._client.event_hooks["request"].append(requests.append)
    texts = remote.graphs_as_ntriples(iris)
    assert all(texts)
    assert len(requests) == 4  # 256 graphs a request
    requests.clear()
    types = remote.types_of(iris)
    assert len(types) == 0
    assert len(requests) == 4


class _CountingSink(io.RawIOBase):
    def __init__(self) -> None:
        super().__init__()
        self.size = 0
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self.size += len(data)
        self.lines += bytes(data).count(b"\n")
        return len(data)


def test_export_streams_instead_of_holding_the_dataset(remote: SparqlStore) -> None:
    triples = 60_000
    for graph in range(6):
        iri = f"{OTHER}-{graph}"
        remote.update(
            f"INSERT DATA {{ GRAPH <{iri}> {{ "
            + " ".join(
                f'<{iri}#n{i}> <{SCHEMA.name}> "name number {i} of graph {graph}" .'
                for i in range(triples // 6)
            )
            + " } }"
        )
    sink = _CountingSink()
    tracemalloc.start()
    try:
        remote.export(sink, ExportFormat.NQUADS)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.lines == triples
    # The answer is ~10 MB of JSON and the dump ~6 MB; a streamed export holds a few chunks.
    assert sink.size > 5_000_000
    assert peak < sink.size / 4, (peak, sink.size)


def test_large_graphs_go_and_come_whole(remote: SparqlStore) -> None:
    graph = org_graph("Large", triples=20_000)
    assert remote.put_record(RECORD, graph) is True
    stored = remote.get_record(RECORD)
    assert stored is not None
    assert len(stored) == len(graph)
    assert remote.put_record(RECORD, graph) is False


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Refuses every request (401), remembering its Authorization header."""

    seen: ClassVar[list[str | None]] = []

    def _refuse(self) -> None:
        type(self).seen.append(self.headers.get("Authorization"))
        body = b"who are you?"
        self.send_response(401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _refuse  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_credentials_are_sent_and_never_shown(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        with pytest.raises(StoreError) as raised:
            open_store(f"sparql+http://amal:s3cr%C3%A9t@127.0.0.1:{port}/ds", tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    message = str(raised.value)
    assert f"http://127.0.0.1:{port}/ds/query answered 401 Unauthorized: who are you?" in message
    assert "s3cr" not in message
    expected = "Basic " + base64.b64encode("amal:s3crét".encode()).decode()
    assert _Recorder.seen[-1] == expected


def test_records_written_by_one_process_are_read_by_another(
    server: OxigraphServer, tmp_path: Path
) -> None:
    """Two app processes share one dataset (DESIGN.md §8): what one writes, the other reads."""
    first = open_store(server.setting, tmp_path / "one")
    second = open_store(server.setting, tmp_path / "two")
    try:
        first.put_record(RECORD, Graph().add((URIRef(RECORD), SCHEMA.name, Literal("shared"))))
        stored = second.get_record(RECORD)
        assert stored is not None
        assert (URIRef(RECORD), SCHEMA.name, Literal("shared")) in stored
    finally:
        first.close()
        second.close()
