"""What protects the server from its queries: the deadline, the row cap, no SERVICE calls.

DESIGN.md §7: SPARQL runs under a hard deadline that cannot stall the server. Here the deadline
is 1 s; a runaway query must get its problem by 2 s, its worker process must be gone, and a
simple query sent meanwhile must have been answered while the runaway was still running.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from advocacy_ld.publish.sparql.engine import ThreadEngine
from advocacy_ld.publish.sparql.remote import RemoteEngine
from advocacy_ld.publish.sparql.replica import ReplicaEngine
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.parsing import ParseOptions
from advocacy_ld.records.reading import read_record_file
from advocacy_ld.records.repository import Repository
from advocacy_ld.settings import Settings
from advocacy_ld.store.oxigraph import OxigraphStore
from advocacy_ld.web.app import create_app
from advocacy_ld.web.sparql import query_engine

from ..conftest import BASE, EXAMPLES
from ..sparql_support import alive, eventually

TIMEOUT = 1.0
CAP = 5
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    'FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i), STR(?l)), "^(x+x+)+y$")) }'
)
"""A cross product of the dataset with itself four times: it never ends in practice."""
SIMPLE = "ASK { ?s a <https://w3id.org/advocacy-ld/ns#DetentionFacility> }"


def _numbers(count: int) -> str:
    return " ".join(str(i) for i in range(count))


BOUNDED_RUNAWAY = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {_numbers(200)} }} "
    f"VALUES ?b {{ {_numbers(200)} }} VALUES ?c {{ {_numbers(180)} }} "
    'FILTER(REGEX(CONCAT(STR(?a), STR(?b), STR(?c)), "^(1+1+)+x$")) }'
)
"""~7 million rows: a few seconds, then it ends by itself (for the thread fallback, which
cannot stop it)."""


@pytest.fixture(scope="module")
def strict(web_settings: Settings, repository: Repository) -> Iterator[TestClient]:
    """The examples behind an endpoint with a 1 s deadline and a 5-row cap."""
    settings = web_settings.model_copy(update={"sparql_timeout": TIMEOUT, "sparql_row_cap": CAP})
    with TestClient(create_app(settings, repository), base_url=BASE) as client:
        yield client


def _query(client: TestClient, query: str, **headers: str) -> Response:
    return client.get("/sparql", params={"query": query}, headers=headers)


def _race(client: TestClient, runaway: str) -> tuple[Response, float, float, Response, float]:
    """Send `runaway`, then SIMPLE while it runs: (runaway answer, its duration, when it came,
    SIMPLE's answer, when it came)."""
    answers: dict[str, tuple[Response, float]] = {}

    def send_runaway() -> None:
        answers["runaway"] = (_query(client, runaway), time.monotonic())

    started = time.monotonic()
    thread = threading.Thread(target=send_runaway)
    thread.start()
    time.sleep(0.3)  # let it reach a worker
    simple = _query(client, SIMPLE)
    simple_done = time.monotonic()
    thread.join(timeout=30)
    runaway_answer, runaway_done = answers["runaway"]
    return runaway_answer, runaway_done - started, runaway_done, simple, simple_done


def test_runaway_query_is_stopped_at_the_deadline_while_others_are_answered(
    strict: TestClient,
) -> None:
    assert _query(strict, SIMPLE).status_code == 200  # workers started, checkpoint made
    engine = query_engine(strict.app.state.services)
    if isinstance(engine, RemoteEngine):
        # The remote server evaluates: the request is abandoned at the deadline, and the
        # server stops the query at its own timeout (`oxigraph serve --timeout-s`).
        runaway, took, runaway_done, simple, simple_done = _race(strict, RUNAWAY)
        assert runaway.status_code == 504
        assert runaway.json()["type"].endswith("/sparql-timeout")
        assert "could not be interrupted" in runaway.json()["detail"]
        assert took < TIMEOUT + 1.0
        assert simple.status_code == 200
        assert simple.json()["boolean"] is True
        assert simple_done < runaway_done
        return
    assert isinstance(engine, ReplicaEngine)
    assert engine.wait_until_current(30)
    pool = engine.pool
    assert pool is not None
    pools = (pool, engine.checkpoints.pool)  # a new shape may be tried on either
    before = {pid for p in pools for pid in p.pids()}

    runaway, took, runaway_done, simple, simple_done = _race(strict, RUNAWAY)

    assert runaway.status_code == 504
    problem = runaway.json()
    assert problem["type"].endswith("/sparql-timeout")
    assert "1 s" in problem["detail"]
    assert "stopped" in problem["detail"]
    assert took < TIMEOUT + 1.0
    assert simple.status_code == 200
    assert simple.json()["boolean"] is True
    assert simple_done < runaway_done  # answered while the runaway was still running
    # The runaway's worker was killed (and reaped); a new one takes its place.
    killed = before - {pid for p in pools for pid in p.pids()}
    assert len(killed) == 1
    assert not any(alive(pid) for pid in killed)
    assert eventually(lambda: sum(len(p.pids()) for p in pools) == len(before))
    assert _query(strict, SIMPLE).status_code == 200


def test_the_row_cap_cuts_the_answer_and_says_so(strict: TestClient) -> None:
    every = _query(strict, "SELECT * WHERE { ?s ?p ?o }")
    assert every.status_code == 200
    assert len(every.json()["results"]["bindings"]) == CAP
    assert every.headers["X-SPARQL-MaxRows"] == str(CAP)

    exactly = _query(strict, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {CAP}")
    assert len(exactly.json()["results"]["bindings"]) == CAP
    assert "X-SPARQL-MaxRows" not in exactly.headers

    graph = _query(strict, "CONSTRUCT WHERE { ?s ?p ?o }", Accept="application/n-triples")
    assert len(graph.text.strip().splitlines()) == CAP
    assert graph.headers["X-SPARQL-MaxRows"] == str(CAP)

    page = _query(strict, "SELECT * WHERE { ?s ?p ?o }", Accept="text/html")
    assert page.headers["X-SPARQL-MaxRows"] == str(CAP)
    assert f"cut at {CAP} rows" in page.text


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    """Counts every request; answers none usefully."""

    count = 0

    def _answer(self) -> None:
        type(self).count += 1
        self.send_response(503)
        self.end_headers()

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def counting_server() -> Iterator[tuple[str, type[_CountingHandler]]]:
    handler = type("Counting", (_CountingHandler,), {"count": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", handler
    finally:
        server.shutdown()
        server.server_close()


def test_service_is_refused_without_any_request(
    client: TestClient, counting_server: tuple[str, type[_CountingHandler]]
) -> None:
    remote, handler = counting_server
    queries = [
        f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{remote}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{remote}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"ASK {{ ?x ?y ?z OPTIONAL {{ SERVICE<{remote}>{{ ?x ?y ?z }} }} }}",
        f"# a comment\nCONSTRUCT WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}",
        f'SELECT ("#" AS ?x) WHERE {{ SeRvIcE <{remote}> {{ ?s ?p ?o }} }}',
    ]
    for query in queries:
        for response in (
            client.get("/sparql", params={"query": query}),
            client.post(
                "/sparql",
                content=query.encode(),
                headers={"Content-Type": "application/sparql-query"},
            ),
            client.post(
                "/sparql",
                content=urlencode({"query": query}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ),
        ):
            assert response.status_code == 400, (query, response.text)
            assert response.json()["type"].endswith("/sparql-service-refused")
    assert handler.count == 0
    # The harness does see requests: pyoxigraph on its own calls the service at once.
    with pytest.raises(OSError, match="503"):
        list(ox.Store().query(queries[0]))
    assert handler.count >= 1


@pytest.fixture
def in_memory(tmp_path: Path, parse_options: ParseOptions) -> Iterator[TestClient]:
    """An in-memory repository (ADVOCACY_LD_STORE=memory) with a few authority records."""
    ids = RecordIdentifier(BASE)
    repository = Repository(OxigraphStore(), OxigraphStore(), ids)
    for path in sorted((EXAMPLES / "authorities").glob("facility-*.ttl")):
        candidate = read_record_file(path, parse_options, ids)
        repository.put(candidate.id, candidate.graph)
    settings = Settings(data=tmp_path, base_uri=BASE, store="memory", sparql_timeout=TIMEOUT)
    with TestClient(create_app(settings, repository), base_url=BASE) as client:
        yield client


def test_in_memory_store_falls_back_to_threads_with_the_same_deadline(
    in_memory: TestClient,
) -> None:
    assert _query(in_memory, SIMPLE).status_code == 200
    engine = query_engine(in_memory.app.state.services)
    assert isinstance(engine, ThreadEngine)
    assert not engine.stops_runaway_queries

    runaway, took, runaway_done, simple, simple_done = _race(in_memory, BOUNDED_RUNAWAY)

    assert runaway.status_code == 504
    assert "could not be interrupted" in runaway.json()["detail"]
    assert took < TIMEOUT + 1.0
    assert simple.status_code == 200
    assert simple_done < runaway_done


def test_health_says_how_queries_are_answered(strict: TestClient, repository: Repository) -> None:
    assert _query(strict, SIMPLE).status_code == 200
    engine = query_engine(strict.app.state.services)
    if isinstance(engine, RemoteEngine):
        assert strict.get("/-/health").json()["sparql"] == {"engine": "remote SPARQL server"}
        return
    assert isinstance(engine, ReplicaEngine)
    assert engine.wait_until_current(30)
    sparql = strict.get("/-/health").json()["sparql"]
    assert sparql["replica"] == "current"
    public = repository.public
    assert isinstance(public, OxigraphStore)
    assert sparql["quads"] == len(public.oxigraph)
    assert sparql["answered"] == engine.answered_counts()
