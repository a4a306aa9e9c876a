"""The in-memory replica in front of the checkpoint workers: it answers only while it holds the
current generation, catches up by reloading the graphs that changed, and its forked workers are
stopped at the deadline like any other.

A small on-disk store stands in for the public dataset, and the test keeps the change log the
repository keeps (`Repository.public_changes_since`) by hand.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from advocacy_ld.publish.sparql.engine import open_engine
from advocacy_ld.publish.sparql.errors import DeadlineExceededError
from advocacy_ld.publish.sparql.formats import GraphFormat, ResultFormat
from advocacy_ld.publish.sparql.job import DatasetSpec, QueryJob
from advocacy_ld.publish.sparql.replica import ReplicaEngine, ReplicaOptions
from advocacy_ld.publish.sparql.routing import CHECKPOINT, REPLICA, PathChooser, shape_of
from advocacy_ld.records.repository import PublicChanges
from advocacy_ld.store.oxigraph import OxigraphStore

from ..sparql_support import RUNAWAY, alive, eventually

EX = "http://example.org/"
ALL = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


class Dataset:
    """An on-disk store, its generation and the graphs each write changed."""

    def __init__(self, path: Path) -> None:
        self.store = OxigraphStore(path)
        self.writes: list[str] = []

    @property
    def generation(self) -> str:
        return str(len(self.writes))

    def put(self, graph: str, count: int) -> None:
        """Replace `graph` with `count` fresh triples."""
        node = ox.NamedNode(EX + graph)
        self.store.oxigraph.remove_graph(node)
        for i in range(count):
            subject = ox.NamedNode(f"{EX}{graph}/s{len(self.writes)}-{i}")
            self.store.oxigraph.add(ox.Quad(subject, ox.NamedNode(EX + "p"), ox.Literal(i), node))
        self.writes.append(EX + graph)

    def remove(self, graph: str) -> None:
        self.store.oxigraph.remove_graph(ox.NamedNode(EX + graph))
        self.writes.append(EX + graph)

    def changes(self, mark: int | None) -> PublicChanges:
        since = None if mark is None else tuple(dict.fromkeys(self.writes[mark:]))
        return PublicChanges(self.generation, len(self.writes), since)

    def triples(self) -> set[tuple[str, str, str]]:
        return {
            (str(q.subject), str(q.predicate), str(q.object))
            for q in self.store.oxigraph.quads_for_pattern(None, None, None, None)
        }


@pytest.fixture
def dataset(tmp_path: Path) -> Iterator[Dataset]:
    data = Dataset(tmp_path / "public")
    data.put("a", 100)
    data.put("b", 50)
    yield data
    data.store.close()


def _engine(
    dataset: Dataset, max_quads: int = 1_000_000, chooser: PathChooser | None = None
) -> ReplicaEngine:
    """An engine whose queries the replica answers whenever it is current (no routing trials),
    unless `chooser` says otherwise."""
    engine = open_engine(
        dataset.store,
        workers=2,
        timeout=1.0,
        checkpoint=dataset.store.snapshot,
        generation=lambda: dataset.generation,
        replica=ReplicaOptions(
            changes=dataset.changes,
            max_quads=max_quads,
            chooser=chooser if chooser is not None else PathChooser(trials=0),
        ),
    )
    assert isinstance(engine, ReplicaEngine)
    return engine


@pytest.fixture
def engine(dataset: Dataset) -> Iterator[ReplicaEngine]:
    opened = _engine(dataset)
    yield opened
    opened.close()


def _triples(engine: ReplicaEngine, query: str = ALL) -> set[tuple[str, str, str]]:
    job = QueryJob(query, DatasetSpec(), None, GraphFormat.N_TRIPLES, row_cap=100_000)
    outcome = asyncio.run(engine.run(job, time.monotonic() + 10))
    return {
        (str(t.subject), str(t.predicate), str(t.object))
        for t in ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES)
    }


def _answered_by(engine: ReplicaEngine, query: Callable[[], object]) -> str:
    before = engine.answered_counts()
    query()
    after = engine.answered_counts()
    (path,) = [name for name in after if after[name] != before[name]]
    return path


def test_the_replica_answers_what_the_store_holds_once_it_is_current(
    dataset: Dataset, engine: ReplicaEngine
) -> None:
    assert engine.wait_until_current(30)
    assert engine.status()["replica"] == "current"
    assert engine.last_load is not None
    assert engine.last_load.reloaded == "all"
    assert engine.last_load.quads == 150
    answered: list[set[tuple[str, str, str]]] = []
    assert _answered_by(engine, lambda: answered.append(_triples(engine))) == "replica"
    assert answered == [dataset.triples()]


def test_a_change_is_answered_at_once_and_the_replica_reloads_only_its_graph(
    dataset: Dataset, engine: ReplicaEngine
) -> None:
    assert engine.wait_until_current(30)
    dataset.put("b", 7)
    dataset.put("c", 3)
    answered: list[set[tuple[str, str, str]]] = []
    # The replica is a generation behind: the checkpoint workers answer, with the new data.
    assert _answered_by(engine, lambda: answered.append(_triples(engine))) == "checkpoint"
    assert answered[-1] == dataset.triples()
    assert engine.wait_until_current(30)
    assert engine.last_load is not None
    assert engine.last_load.reloaded == 2
    assert engine.last_load.quads == 110
    assert _answered_by(engine, lambda: answered.append(_triples(engine))) == "replica"
    assert answered[-1] == dataset.triples()


def test_a_withdrawn_graph_is_gone_from_both_paths(dataset: Dataset, engine: ReplicaEngine) -> None:
    assert engine.wait_until_current(30)
    dataset.remove("a")
    at_once = _triples(engine)
    assert not any(s.startswith(f"<{EX}a/") for s, _, _ in at_once)
    assert engine.wait_until_current(30)
    caught_up = _triples(engine)
    assert caught_up == at_once == dataset.triples()
    assert engine.answered_counts()["replica"] == 1


def test_workers_of_an_older_generation_are_retired(
    dataset: Dataset, engine: ReplicaEngine
) -> None:
    assert engine.wait_until_current(30)
    old = engine.pool
    assert old is not None
    old_workers = old.pids()
    dataset.put("a", 1)
    assert engine.wait_until_current(30)
    assert engine.pool is not old
    assert eventually(lambda: not any(alive(pid) for pid in old_workers))


def test_the_deadline_kills_a_forked_worker_and_another_is_forked(
    engine: ReplicaEngine,
) -> None:
    assert engine.wait_until_current(30)
    pool = engine.pool
    assert pool is not None
    before = set(pool.pids())
    job = QueryJob(RUNAWAY, DatasetSpec(), ResultFormat.JSON, GraphFormat.TURTLE, row_cap=10)
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as error:
        asyncio.run(engine.run(job, started + 0.5))
    assert error.value.stopped
    assert time.monotonic() - started < 1.5
    (killed,) = before - set(pool.pids())
    assert eventually(lambda: not alive(killed))
    assert eventually(lambda: len(pool.pids()) == len(before))
    assert _answered_by(engine, lambda: _triples(engine)) == "replica"


def test_without_its_replica_process_the_engine_reads_checkpoints(
    dataset: Dataset, engine: ReplicaEngine
) -> None:
    assert engine.wait_until_current(30)
    replica = engine._replica
    assert replica is not None
    os.kill(replica.process.pid, signal.SIGKILL)
    dataset.put("d", 2)  # the replica must load it, and is found gone
    assert _triples(engine) == dataset.triples()
    assert eventually(lambda: engine.status()["replica"] == "off")
    assert _answered_by(engine, lambda: _triples(engine)) == "checkpoint"


def test_a_dataset_over_the_limit_gets_no_replica(dataset: Dataset) -> None:
    engine = _engine(dataset, max_quads=100)
    try:
        assert not engine.wait_until_current(5)
        assert engine.status()["replica"] == "off"
        assert _triples(engine) == dataset.triples()
    finally:
        engine.close()


def test_a_shape_is_tried_on_both_copies_then_sent_to_the_faster(dataset: Dataset) -> None:
    chooser = PathChooser(trials=2, recheck=1_000)
    engine = _engine(dataset, chooser=chooser)
    try:
        assert engine.wait_until_current(30)
        paths = [_answered_by(engine, lambda: _triples(engine)) for _ in range(4)]
        assert sorted(paths) == [CHECKPOINT, CHECKPOINT, REPLICA, REPLICA]
        known = chooser.known(shape_of(ALL))
        assert known[REPLICA][0] == known[CHECKPOINT][0] == 2
        assert known[REPLICA][1] > 0  # the workers' CPU, measured
        assert known[CHECKPOINT][1] > 0
        faster = min(known, key=lambda path: known[path][1])
        assert {_answered_by(engine, lambda: _triples(engine)) for _ in range(3)} == {faster}
        assert _triples(engine) == dataset.triples()
    finally:
        engine.close()
