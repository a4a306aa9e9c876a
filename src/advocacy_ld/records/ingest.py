"""Load many records at once: validated on every core, written in batches, each record atomic.

Worker processes (each loads the model once, when it starts) validate chunks of records and
prepare what writing each takes (hash, renditions); the parent writes the valid ones in the
order given, several per archive transaction, so that the feed numbers them as a one-by-one
load would. A batch whose transaction fails is written again one record at a time, so that the
records before a failing one are stored, as they would have been one by one.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from advocacy_ld.errors import BatchNotStoredError
from advocacy_ld.model import load_model
from advocacy_ld.records.identity import RecordId
from advocacy_ld.records.ledger import DerivedRendition
from advocacy_ld.records.loading import LinkedTypes, LoadOutcome, LoadStatus, RecordChecker
from advocacy_ld.records.reading import RecordCandidate
from advocacy_ld.records.versions import PreparedVersion, prepare_version
from advocacy_ld.store.terms import graph_to_ntriples, triples_to_graph
from advocacy_ld.validation import ValidationReport
from advocacy_ld.validation.validator import Triple

if TYPE_CHECKING:
    from advocacy_ld.records.repository import Repository

DEFAULT_BATCH_SIZE = 64
"""Valid records per archive transaction: a quarter less time per small record than one by
one; statements (~275 triples) gain nothing, and lose nothing up to 64."""
BATCH_TRIPLES = 20_000
"""Triples past which a batch is written whatever its count: a transaction is held in memory
until it commits (a record of 50,000 triples goes alone)."""
CHUNK_SIZE = 8
"""Records per task sent to a worker: enough to amortize the round trip, few enough that the
parent can start writing early and the workers finish together."""
IN_FLIGHT_PER_PROCESS = 4
"""Chunks queued per worker: keeps them busy while the parent writes, and bounds memory."""


def default_processes() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Checked:
    """A candidate's validation report, and its prepared version when it may be stored."""

    report: ValidationReport
    prepared: PreparedVersion | None


def load_records(
    repository: Repository,
    candidates: Sequence[RecordCandidate],
    checker: RecordChecker | None,
    on_progress: Callable[[LoadOutcome], None] | None,
    agent: str,
    *,
    processes: int,
    batch_size: int,
) -> list[LoadOutcome]:
    """`Repository.load`: check (here, or in `processes` workers), then write in batches."""
    linked = checker.linked_types(candidates) if checker is not None else None
    derived = repository.derived
    if processes > 1 and len(candidates) > CHUNK_SIZE:
        checked = _check_in_workers(candidates, linked, derived, processes)
    else:
        checked = _check_here(candidates, checker, linked, derived)
    writer = _BatchWriter(repository, agent, batch_size, on_progress)
    try:
        for candidate, result in zip(candidates, checked, strict=True):
            writer.add(candidate, result)
        writer.flush()
    finally:
        checked.close()  # stops the workers at once when a write fails
    return writer.outcomes


def _check_here(
    candidates: Sequence[RecordCandidate],
    checker: RecordChecker | None,
    linked: LinkedTypes | None,
    derived: Sequence[DerivedRendition],
) -> Generator[Checked, None, None]:
    for candidate in candidates:
        yield _check(candidate, checker, linked, derived)


def _check(
    candidate: RecordCandidate,
    checker: RecordChecker | None,
    linked: LinkedTypes | None,
    derived: Sequence[DerivedRendition],
    triples: list[ox.Triple] | None = None,
) -> Checked:
    if checker is None or linked is None:
        report = ValidationReport(record=candidate.id.iri)
    else:
        report = checker.check_with(candidate, linked)
    if not report.conforms:
        return Checked(report, None)
    prepared = prepare_version(candidate.id, candidate.graph, derived, candidate.ntriples, triples)
    return Checked(report, prepared)


def _check_in_workers(
    candidates: Sequence[RecordCandidate],
    linked: LinkedTypes | None,
    derived: Sequence[DerivedRendition],
    processes: int,
) -> Generator[Checked, None, None]:
    """Check chunks of candidates in `processes` worker processes; results in order.

    Workers are spawned (not forked: the parent holds open stores and threads), get the linked
    types once, and receive each record as N-Triples, which they also write it with.
    """
    chunks = [
        candidates[start : start + CHUNK_SIZE] for start in range(0, len(candidates), CHUNK_SIZE)
    ]
    executor = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(linked.index if linked is not None else None, tuple(derived)),
    )
    try:
        pending: deque[Future[list[Checked]]] = deque()
        queued = iter(chunks)

        def submit_next() -> None:
            chunk = next(queued, None)
            if chunk is not None:
                pending.append(executor.submit(_check_chunk, _jobs(chunk)))

        for _ in range(processes * IN_FLIGHT_PER_PROCESS):
            submit_next()
        while pending:
            results = pending.popleft().result()
            submit_next()
            yield from results
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


_Job = tuple[RecordId, str, str]
"""(record, source, graph as N-Triples): what a worker gets of a candidate."""


def _jobs(chunk: Sequence[RecordCandidate]) -> list[_Job]:
    return [(c.id, c.source, c.ntriples or graph_to_ntriples(c.graph)) for c in chunk]


@dataclass
class _Worker:
    checker: RecordChecker | None
    linked: LinkedTypes | None
    derived: tuple[DerivedRendition, ...]


_worker: _Worker | None = None
"""Set in each worker process when it starts (`_start_worker`); never in the parent."""


def _start_worker(
    index: dict[str, tuple[Triple, ...]] | None, derived: tuple[DerivedRendition, ...]
) -> None:
    """In a new worker: load the model once (not when validation is off) for all its chunks."""
    global _worker
    _exit_with_parent()
    if index is None:
        _worker = _Worker(None, None, derived)
    else:
        _worker = _Worker(RecordChecker(load_model(), None), LinkedTypes(index), derived)


def _exit_with_parent() -> None:
    """Exit when the parent does: a worker whose loader was killed (SIGKILL, OOM) would
    otherwise wait for work forever, since it holds its own end of the task queue. Waits on
    the parent's sentinel, which is ready even if the parent died before this worker started."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _check_chunk(jobs: list[_Job]) -> list[Checked]:
    """In a worker: validate and prepare each record of a chunk."""
    assert _worker is not None, "worker not started"
    worker = _worker
    results = []
    for record, source, ntriples in jobs:
        triples = list(ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
        candidate = RecordCandidate(record, triples_to_graph(triples, Graph()), source, ntriples)
        results.append(_check(candidate, worker.checker, worker.linked, worker.derived, triples))
    return results


class _BatchWriter:
    """Writes checked candidates in order, `batch_size` valid ones per archive transaction,
    and reports each outcome, in order, once its batch is written."""

    def __init__(
        self,
        repository: Repository,
        agent: str,
        batch_size: int,
        on_progress: Callable[[LoadOutcome], None] | None,
    ) -> None:
        self.repository = repository
        self.agent = agent
        self.batch_size = max(1, batch_size)
        self.on_progress = on_progress
        self.outcomes: list[LoadOutcome] = []
        self._pending: list[tuple[RecordCandidate, Checked]] = []
        self._batched: set[str] = set()
        self._triples = 0

    def add(self, candidate: RecordCandidate, checked: Checked) -> None:
        if checked.prepared is not None and candidate.id.iri in self._batched:
            self.flush()  # a record given twice: its later version after the earlier one
        self._pending.append((candidate, checked))
        if checked.prepared is not None:
            self._batched.add(candidate.id.iri)
            self._triples += len(candidate.graph)
            if len(self._batched) >= self.batch_size or self._triples >= BATCH_TRIPLES:
                self.flush()

    def flush(self) -> None:
        """Write the valid records added since the last flush, then report every outcome."""
        pending, self._pending, self._batched, self._triples = self._pending, [], set(), 0
        writes = [(c, k.prepared) for c, k in pending if k.prepared is not None]
        changed: dict[str, bool] = {}
        try:
            try:
                changed = self._write(writes)
            except BatchNotStoredError:
                if len(writes) == 1:
                    raise
                # One by one, the records before a failing one are stored; it raises.
                for candidate, prepared in writes:
                    changed |= self._write([(candidate, prepared)])
        finally:
            self._report(pending, changed)

    def _write(self, writes: list[tuple[RecordCandidate, PreparedVersion]]) -> dict[str, bool]:
        if not writes:
            return {}
        changes = self.repository.write_prepared([(c.id, p) for c, p in writes], self.agent)
        return {c.id.iri: change.changed for (c, _), change in zip(writes, changes, strict=True)}

    def _report(
        self, pending: list[tuple[RecordCandidate, Checked]], changed: dict[str, bool]
    ) -> None:
        """The outcomes of `pending`, in order, up to the first valid record not written (the
        one whose write failed)."""
        for candidate, checked in pending:
            if checked.prepared is None:
                status = LoadStatus.INVALID
            elif candidate.id.iri in changed:
                status = LoadStatus.STORED if changed[candidate.id.iri] else LoadStatus.UNCHANGED
            else:
                return
            outcome = LoadOutcome(candidate.id.iri, candidate.source, status, checked.report)
            self.outcomes.append(outcome)
            if self.on_progress is not None:
                self.on_progress(outcome)
