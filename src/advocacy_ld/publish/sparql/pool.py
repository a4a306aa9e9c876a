"""A fixed number of query worker processes; one that overruns its deadline is killed.

Workers are plain subprocesses (`python -m advocacy_ld.publish.sparql.worker`) rather than
`multiprocessing` children: no fork of a threaded server holding RocksDB, no re-import of the
server's `__main__`, and SIGKILL ends a runaway evaluation wherever it is, GIL or not.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

from advocacy_ld.publish.sparql.errors import (
    DeadlineExceededError,
    EngineBusyError,
    EvaluationFailedError,
)
from advocacy_ld.publish.sparql.job import Outcome, QueryJob
from advocacy_ld.publish.sparql.wire import (
    DeadlineReached,
    PipeClosed,
    read_frame_before,
    write_frame_before,
)

WORKER_COMMAND = (sys.executable, "-m", "advocacy_ld.publish.sparql.worker")
log = logging.getLogger(__name__)


class WorkerProcess:
    """One worker and its two pipes."""

    def __init__(self, command: Sequence[str]) -> None:
        # A session of its own: a Ctrl-C meant for the server does not reach the workers,
        # which the server stops itself (and which exit when their input closes).
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
            start_new_session=True,
        )  # fmt: skip
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self._input = self.process.stdin.fileno()
        self._output = self.process.stdout.fileno()
        os.set_blocking(self._input, False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, job: QueryJob, deadline: float) -> None:
        write_frame_before(self._input, job.to_wire(), b"", deadline)

    def receive(self, deadline: float) -> Outcome:
        header, body = read_frame_before(self._output, deadline)
        return Outcome.from_wire(header, body)

    def kill(self) -> None:
        """SIGKILL: the evaluation stops at once, whatever it is doing."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        self._close_pipes()

    def stop(self, grace: float = 1.0) -> None:
        """Close its input so it exits; kill it if it has not within `grace` seconds."""
        self._close_pipes()
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class ProcessPool:
    """Hands each query to an idle worker; waits for one no longer than the deadline."""

    def __init__(self, size: int, command: Sequence[str] = WORKER_COMMAND) -> None:
        self._command = tuple(command)
        self._idle: queue.SimpleQueue[WorkerProcess] = queue.SimpleQueue()
        self._workers: set[WorkerProcess] = set()
        self._lock = threading.Lock()
        self._closed = False
        with self._lock:
            for _ in range(max(size, 1)):
                self._idle.put(self._spawn())

    def run(self, job: QueryJob, deadline: float, timeout: float) -> Outcome:
        """The outcome; DeadlineExceededError after killing the worker, EngineBusyError if none
        came free in time."""
        for _ in range(2):
            worker = self._take(deadline)
            try:
                worker.send(job, deadline)
            except PipeClosed:
                # It died while idle, so the job never reached it: another worker may take it.
                self._replace(worker)
                continue
            except DeadlineReached:
                self._replace(worker)
                raise DeadlineExceededError(timeout, stopped=True) from None
            try:
                outcome = worker.receive(deadline)
            except DeadlineReached:
                self._replace(worker)
                raise DeadlineExceededError(timeout, stopped=True) from None
            except (PipeClosed, OSError) as error:
                log.warning("SPARQL worker %d failed: %s", worker.pid, error)
                self._replace(worker)
                raise EvaluationFailedError("the query worker ended without answering") from None
            self._idle.put(worker)
            return outcome
        raise EvaluationFailedError("no query worker could take the query")

    def _take(self, deadline: float) -> WorkerProcess:
        try:
            return self._idle.get(timeout=max(deadline - time.monotonic(), 0.0))
        except queue.Empty:
            raise EngineBusyError("every query worker stayed busy until the deadline") from None

    def pids(self) -> list[int]:
        """The worker processes now running (for operators and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._workers)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop()

    def _spawn(self) -> WorkerProcess:
        """Start a worker; the caller holds the lock."""
        worker = WorkerProcess(self._command)
        self._workers.add(worker)
        return worker

    def _replace(self, worker: WorkerProcess) -> None:
        """Kill `worker` and start another in its place (it boots while we answer)."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            if not self._closed:
                self._idle.put(self._spawn())
