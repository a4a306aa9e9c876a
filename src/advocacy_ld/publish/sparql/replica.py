"""Queries answered from an in-memory replica of the public dataset, while it is current.

`ReplicaEngine` keeps the checkpoint engine (`ProcessEngine`) and puts an in-memory replica in
front of it (`replica_process`). While the replica holds the dataset's current generation, a
query goes to whichever of the two evaluates its shape faster (`routing`); otherwise it goes to
the checkpoint workers, so an answer never comes from an older generation than the checkpoint
engine would use: a withdrawal takes effect at once, and the replica catches up in the
background (reloading only the record graphs that changed) before it answers again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from advocacy_ld.publish.sparql.errors import answer_of
from advocacy_ld.publish.sparql.job import Outcome, QueryJob
from advocacy_ld.publish.sparql.pool import ProcessPool
from advocacy_ld.publish.sparql.routing import CHECKPOINT, PATHS, REPLICA, PathChooser, shape_of
from advocacy_ld.publish.sparql.wire import (
    PipeClosed,
    encode_frame,
    read_frame_async,
    receive_frame,
    write_frame_async,
)
from advocacy_ld.records.repository import PublicChanges

if TYPE_CHECKING:
    from advocacy_ld.publish.sparql.engine import ProcessEngine

REPLICA_COMMAND = (sys.executable, "-m", "advocacy_ld.publish.sparql.replica_process")
log = logging.getLogger(__name__)
WARM_UP_SECONDS = 300.0
"""How long a forked worker may take to read the replica before it answers (measured: 3.8 s
for 2.8M quads on one core)."""


class ReplicaError(RuntimeError):
    """The replica process refused or failed an operation, or is gone."""


class ForkedWorker:
    """A worker forked by the replica, reached through a socket; signalled through a pidfd, so
    a recycled pid is never hit."""

    def __init__(self, channel: socket.socket, pid: int) -> None:
        self.channel = channel
        self._pid = pid
        self._pidfd = os.pidfd_open(pid)

    def wait_ready(self, timeout: float) -> ForkedWorker:
        """Wait for the worker's first frame, sent once it has read the whole replica (see
        `replica_process.warm_up`); killed and ReplicaError if it does not come in time."""
        self.channel.settimeout(timeout)
        try:
            receive_frame(self.channel)
        except (OSError, PipeClosed) as error:
            self.kill()
            raise ReplicaError(f"a replica worker did not get ready ({error})") from None
        self.channel.setblocking(False)
        return self

    @property
    def pid(self) -> int:
        return self._pid

    async def ask(self, job: QueryJob, deadline: float) -> Outcome:
        await write_frame_async(self.channel.fileno(), job.to_wire(), b"", deadline)
        header, body = await read_frame_async(self.channel.fileno(), deadline)
        return Outcome.from_wire(header, body)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, OSError):
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
        self._wait(1.0)
        self._close()

    def stop(self, grace: float = 1.0) -> None:
        """Close its socket so it exits after its current query; kill it if it outlives
        `grace` (a retired worker is idle, so it ends at once)."""
        with contextlib.suppress(OSError):
            self.channel.close()
        if grace > 0 and not self._wait(grace):
            self.kill()
        else:
            self._close()

    def _wait(self, seconds: float) -> bool:
        """Whether it has exited within `seconds` (a pidfd reads as ready when it has)."""
        with contextlib.suppress(OSError, ValueError):
            ready, _, _ = select.select([self._pidfd], [], [], seconds)
            return bool(ready)
        return True

    def _close(self) -> None:
        for close in (self.channel.close, lambda: os.close(self._pidfd)):
            with contextlib.suppress(OSError):
                close()


@dataclass(frozen=True)
class Loaded:
    generation: str
    quads: int
    reloaded: int | str
    seconds: float


class ReplicaProcess:
    """The server's end of the replica process: one request at a time on its control socket."""

    def __init__(self, command: tuple[str, ...] = REPLICA_COMMAND) -> None:
        ours, theirs = socket.socketpair()
        self._control = ours
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [*command, str(theirs.fileno())], pass_fds=(theirs.fileno(),),
            start_new_session=True,
        )  # fmt: skip
        theirs.close()

    def load(self, snapshot: str, changes: PublicChanges, max_quads: int) -> Loaded:
        started = time.monotonic()
        graphs = list(changes.records) if changes.records is not None else None
        reply = self._request(
            {"op": "load", "snapshot": snapshot, "generation": changes.generation,
             "graphs": graphs, "max_quads": max_quads},
        )  # fmt: skip
        return Loaded(
            reply["generation"], reply["quads"], reply["reloaded"], time.monotonic() - started
        )

    def fork_worker(self, generation: str) -> ForkedWorker:
        ours, theirs = socket.socketpair()
        try:
            reply = self._request({"op": "fork", "generation": generation}, theirs.fileno())
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return ForkedWorker(ours, reply["pid"])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _request(self, message: dict[str, Any], fd: int | None = None) -> dict[str, Any]:
        with self._lock:
            try:
                data = encode_frame(message)
                if fd is None:
                    self._control.sendall(data)
                else:
                    socket.send_fds(self._control, [data], [fd])
                reply, _ = receive_frame(self._control)
            except (OSError, PipeClosed) as error:
                raise ReplicaError(f"the replica process is gone ({error})") from None
        if "error" in reply:
            raise ReplicaError(reply["error"])
        return reply


@dataclass(frozen=True)
class ReplicaOptions:
    """What the replica engine needs beyond the checkpoint engine."""

    changes: Callable[[int | None], PublicChanges]
    max_quads: int
    chooser: PathChooser = field(default_factory=PathChooser)
    """Which path answers a query shape, when the replica is current."""


class ReplicaEngine:
    """Answers from the replica's workers when it is current, from checkpoints otherwise."""

    stops_runaway_queries = True

    def __init__(self, checkpoints: ProcessEngine, options: ReplicaOptions, workers: int) -> None:
        self.checkpoints = checkpoints
        self.timeout = checkpoints.timeout
        self._options = options
        self._workers = workers
        self._replica: ReplicaProcess | None = ReplicaProcess()
        self._current: tuple[str, ProcessPool] | None = None
        self._mark: int | None = None
        self._lock = threading.Lock()
        self._refreshing = False
        self._ready = threading.Condition(self._lock)
        self.last_load: Loaded | None = None
        self.answered = dict.fromkeys(PATHS, 0)
        """Queries answered by each path (for operators and tests)."""

    async def run(self, job: QueryJob, deadline: float) -> Outcome:
        generation = self.checkpoints.generation()
        shape = shape_of(job.query)
        with self._lock:
            current = self._current
            fresh = current is not None and current[0] == generation and current[1].pids()
            path = self._options.chooser.choose(shape) if fresh else CHECKPOINT
            self.answered[path] += 1
        if not fresh:
            self.refresh_soon()
        if path == REPLICA and current is not None:
            outcome = answer_of(await current[1].run(job, deadline, self.timeout))
        else:
            outcome = await self.checkpoints.run(job, deadline)
        if fresh:  # only when both could have answered is the comparison fair
            self._options.chooser.record(shape, path, outcome.seconds)
        return outcome

    def status(self) -> dict[str, Any]:
        """What `/-/health` says of the replica."""
        with self._lock:
            current = self._current
            state = "off" if self._replica is None else "loading" if self._refreshing else "idle"
        generation = self.checkpoints.generation()
        if current is not None and current[0] == generation:
            state = "current"
        loaded = self.last_load
        return {
            "engine": "in-memory replica, checkpoint processes while it catches up",
            "replica": state,
            "quads": loaded.quads if loaded else None,
            "last_load_seconds": round(loaded.seconds, 3) if loaded else None,
            "answered": self.answered_counts(),
        }

    @property
    def pool(self) -> ProcessPool | None:
        """The workers forked from the replica now (None before the first load)."""
        with self._lock:
            return self._current[1] if self._current is not None else None

    def answered_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self.answered)

    def refresh_soon(self) -> None:
        """Bring the replica to the current generation in a thread (one at a time)."""
        with self._lock:
            if self._refreshing or self._replica is None:
                return
            self._refreshing = True
        threading.Thread(target=self._refresh, name="sparql-replica", daemon=True).start()

    def wait_until_current(self, timeout: float) -> bool:
        """Refresh if needed and wait until the replica answers (or `timeout` passes)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                current = self._current
            if current is not None and current[0] == self.checkpoints.generation():
                return True
            self.refresh_soon()
            with self._ready:
                self._ready.wait(min(0.1, max(end - time.monotonic(), 0.0)))
        return False

    def _refresh(self) -> None:
        try:
            self._catch_up()
        except (ReplicaError, OSError) as error:
            log.warning("the SPARQL replica is off, queries read checkpoints: %s", error)
            self._stop_replica()
        finally:
            with self._ready:
                self._refreshing = False
                self._ready.notify_all()

    def _catch_up(self) -> None:
        replica = self._replica
        if replica is None:
            return
        changes = self._options.changes(self._mark)
        if self._current is not None and self._current[0] == changes.generation:
            return
        snapshots = self.checkpoints.snapshots
        path = snapshots.acquire(changes.generation)
        try:
            loaded = replica.load(str(path), changes, self._options.max_quads)
        finally:
            snapshots.release(path)
        # All fork first, then warm up side by side; the pool takes them as they are.
        forked = [replica.fork_worker(loaded.generation) for _ in range(self._workers)]
        try:
            warm = iter([worker.wait_ready(WARM_UP_SECONDS) for worker in forked])
        except ReplicaError:
            for worker in forked:
                worker.kill()
            raise
        pool = ProcessPool(
            self._workers,
            spawn=lambda: (
                next(warm, None)
                or replica.fork_worker(loaded.generation).wait_ready(WARM_UP_SECONDS)
            ),
        )
        with self._lock:
            previous, self._current = self._current, (loaded.generation, pool)
            self._mark = changes.mark
            self.last_load = loaded
        if previous is not None:
            previous[1].retire()

    def _stop_replica(self) -> None:
        with self._lock:
            replica, self._replica = self._replica, None
            current, self._current = self._current, None
        if current is not None:
            current[1].close()
        if replica is not None:
            replica.close()

    def close(self) -> None:
        self._stop_replica()
        self.checkpoints.close()
