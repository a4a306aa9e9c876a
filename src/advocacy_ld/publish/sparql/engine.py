"""Where queries are evaluated, under a hard deadline (DESIGN.md §7).

Measured here (2 cores, pyoxigraph 0.5): a checkpoint of the public store takes ~20 ms, opening
it read-only ~20 ms, a worker process starts in ~60 ms, a round trip through the pipes adds
well under 1 ms. pyoxigraph releases the GIL while it evaluates, so a query in a thread does not
stall the server, but nothing can stop that thread: Python has no way to interrupt native code.

So the default is `ProcessEngine`: `sparql_workers` processes, each reading a checkpoint of the
public dataset; at the deadline the caller gets an error at once and the worker is killed
(SIGKILL) and replaced, so a runaway query costs at most `sparql_timeout` of one core. Only for
an in-memory store, which has no checkpoints and is not shared with other processes, does
`ThreadEngine` evaluate in threads: same deadline for the caller, but the runaway query runs to
its end, holding one of `sparql_workers` slots (later queries wait for a free one, then 503).
A public dataset on a remote SPARQL server is queried there (`RemoteEngine`, `remote.py`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from advocacy_ld.errors import StoreError
from advocacy_ld.publish.sparql.errors import DeadlineExceededError, EngineBusyError, answer_of
from advocacy_ld.publish.sparql.evaluate import evaluate
from advocacy_ld.publish.sparql.job import Outcome, QueryJob
from advocacy_ld.publish.sparql.pool import ProcessPool
from advocacy_ld.publish.sparql.remote import RemoteEngine
from advocacy_ld.publish.sparql.replica import ReplicaEngine, ReplicaOptions
from advocacy_ld.publish.sparql.snapshots import Snapshots
from advocacy_ld.store.base import Store
from advocacy_ld.store.oxigraph import OxigraphStore
from advocacy_ld.store.sparql import SparqlStore


class QueryEngine(Protocol):
    """Evaluates jobs; an answer, or an error from `publish.sparql.errors`, by the deadline."""

    stops_runaway_queries: bool

    async def run(self, job: QueryJob, deadline: float) -> Outcome:
        """Answer `job` by `deadline` (a `time.monotonic()` instant)."""
        ...

    def status(self) -> dict[str, Any]:
        """How queries are evaluated now, for `/-/health`."""
        ...

    def close(self) -> None: ...


class ProcessEngine:
    """Worker processes over checkpoints; the checkpoint follows the dataset's generation."""

    stops_runaway_queries = True

    def __init__(
        self,
        *,
        workers: int,
        timeout: float,
        snapshot_parent: Path,
        checkpoint: Callable[[Path], bool],
        generation: Callable[[], str],
    ) -> None:
        self.timeout = timeout
        self.snapshots = Snapshots(snapshot_parent, checkpoint)
        self.pool = ProcessPool(workers)
        self.generation = generation

    async def run(self, job: QueryJob, deadline: float) -> Outcome:
        generation = self.generation()
        path = self.snapshots.acquire_current(generation)
        if path is None:  # the dataset changed: checkpoint it (milliseconds of disk work)
            path = await asyncio.to_thread(self.snapshots.acquire, generation)
        try:
            job = dataclasses.replace(job, snapshot=str(path))
            return answer_of(await self.pool.run(job, deadline, self.timeout))
        finally:
            self.snapshots.release(path)

    def status(self) -> dict[str, Any]:
        return {"engine": "checkpoint processes", "workers": len(self.pool.pids())}

    def close(self) -> None:
        self.pool.close()
        self.snapshots.close()


class ThreadEngine:
    """Evaluation in threads over the live store: the caller's deadline holds, the query runs on."""

    stops_runaway_queries = False

    def __init__(self, store: ox.Store, *, slots: int, timeout: float) -> None:
        self.store = store
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(max(slots, 1))

    async def run(self, job: QueryJob, deadline: float) -> Outcome:
        return await asyncio.to_thread(self._run, job, deadline)

    def _run(self, job: QueryJob, deadline: float) -> Outcome:
        if not self._slots.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
            raise EngineBusyError("every query slot stayed busy until the deadline")
        finished = threading.Event()
        outcomes: list[Outcome] = []

        def work() -> None:
            try:
                outcomes.append(evaluate(self.store, job))
            finally:
                self._slots.release()
                finished.set()

        threading.Thread(target=work, name="sparql-query", daemon=True).start()
        if not finished.wait(max(deadline - time.monotonic(), 0.0)):
            raise DeadlineExceededError(self.timeout, stopped=False)
        return answer_of(outcomes[0])

    def status(self) -> dict[str, Any]:
        return {"engine": "threads"}

    def close(self) -> None:
        """Nothing to stop: threads still running end with their query."""


def open_engine(
    public: Store,
    *,
    workers: int,
    timeout: float,
    checkpoint: Callable[[Path], bool],
    generation: Callable[[], str],
    replica: ReplicaOptions | None = None,
) -> QueryEngine:
    """Processes over checkpoints for an on-disk store, with an in-memory replica in front when
    `replica` is given; threads for an in-memory store; the server for a remote one.

    Checkpoints go beside the store (`{store}/../sparql-snapshots/`): on the same file system,
    so they are hard links, not copies.
    """
    if isinstance(public, SparqlStore):
        # No checkpoints, workers or replica: the server that holds the dataset evaluates.
        return RemoteEngine(public, slots=workers, timeout=timeout)
    if not isinstance(public, OxigraphStore):
        raise StoreError("the SPARQL endpoint needs an Oxigraph store or a remote SPARQL server")
    if public.path is None:
        return ThreadEngine(public.oxigraph, slots=workers, timeout=timeout)
    checkpoints = ProcessEngine(
        workers=workers,
        timeout=timeout,
        snapshot_parent=public.path.parent / "sparql-snapshots",
        checkpoint=checkpoint,
        generation=generation,
    )
    if replica is None:
        return checkpoints
    engine = ReplicaEngine(checkpoints, replica, workers)
    engine.refresh_soon()
    return engine
