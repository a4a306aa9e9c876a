"""A million quads: a query's answer is cut at the row cap, and neither the server nor its query
worker ever holds much more than the cap's worth of it; the dump is written as it is read."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from advocacy_ld.publish.dumps import DUMP_NAME, DumpBuilder
from advocacy_ld.publish.sparql.engine import ProcessEngine
from advocacy_ld.records.repository import open_repository
from advocacy_ld.settings import Settings
from advocacy_ld.store import OxigraphStore
from advocacy_ld.web.app import create_app
from advocacy_ld.web.sparql import query_engine

from .conftest import BASE

ROWS = 1_000_000
CAP = 10_000
MIB = 1 << 20


def _status_kib(pid: int | str, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def _reset_peak(pid: int | str) -> None:
    """Start counting the peak resident size again (Linux `clear_refs`, value 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        data=tmp_path_factory.mktemp("big"), base_uri=BASE, sparql_row_cap=CAP,
        sparql_replica_max_quads=0, sparql_workers=1, sparql_cache_bytes=0,
    )  # fmt: skip
    repository = open_repository(settings)
    public = repository.public
    assert isinstance(public, OxigraphStore)
    # Straight into the public store: what is measured is the endpoint, not the write path.
    graph = ox.NamedNode(f"{BASE}/id/statement/bulk")
    value = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")
    public.oxigraph.bulk_extend(
        ox.Quad(ox.NamedNode(f"{BASE}/id/statement/bulk#n{i}"), value, ox.Literal(i), graph)
        for i in range(ROWS)
    )
    try:
        with TestClient(create_app(settings, repository), base_url=BASE) as client:
            yield client
    finally:
        repository.close()


@pytest.mark.parametrize(
    ("query", "accept", "rows"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json", '"s":'),
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+xml", "<result>"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples", " .\n"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", None),
    ],
)
def test_a_million_row_answer_is_cut_at_the_cap_in_bounded_memory(
    big: TestClient, query: str, accept: str, rows: str | None
) -> None:
    assert big.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # workers up
    engine = query_engine(big.app.state.services)  # type: ignore[attr-defined]
    assert isinstance(engine, ProcessEngine)
    (worker,) = engine.pool.pids()
    before = {pid: _status_kib(pid, "VmRSS") for pid in ("self", worker)}
    for pid in before:
        _reset_peak(pid)

    answer = big.get("/sparql", params={"query": query}, headers={"Accept": accept})

    assert answer.status_code == 200
    assert answer.headers["X-SPARQL-MaxRows"] == str(CAP)
    if rows is not None:
        assert answer.text.count(rows) == CAP
    else:
        assert len(list(ox.parse(answer.content, ox.RdfFormat.TURTLE))) == CAP
    # The whole answer would be 50-150 MB in these formats; the cap's worth is under 2 MB.
    for pid, resident in before.items():
        rise = (_status_kib(pid, "VmHWM") - resident) * 1024
        assert rise < 48 * MIB, f"{pid}: peak rose by {rise / MIB:.0f} MiB"


def test_the_dump_of_a_million_quads_is_written_quad_by_quad(
    big: TestClient, tmp_path: Path
) -> None:
    """Exported into gzip as the store yields the quads: the ~90 MB of N-Quads never sit in
    memory (the route then sends the file in chunks, `FileResponse`). Built from a checkpoint
    in a process of its own, whose peak is the dump's alone (`tests/dump_memory.py`)."""
    services = big.app.state.services  # type: ignore[attr-defined]
    public = services.repository.public
    assert public.snapshot(tmp_path / "checkpoint")
    child = subprocess.run(
        [sys.executable, "-m", "tests.dump_memory", str(tmp_path / "checkpoint"), str(tmp_path)],
        capture_output=True, check=True, cwd=Path(__file__).parent.parent, timeout=300,
    )  # fmt: skip
    measured = json.loads(child.stdout)
    assert measured["rise"] < 16 * MIB, f"peak rose by {measured['rise'] / MIB:.0f} MiB"
    built = Path(measured["path"])
    with gzip.open(built) as lines:
        assert sum(1 for _ in lines) >= ROWS
    served = DumpBuilder(tmp_path / "served").current(public, "a generation")
    assert big.get(f"/dumps/{DUMP_NAME}").content == served.path.read_bytes()
    assert served.path.read_bytes() == built.read_bytes()
