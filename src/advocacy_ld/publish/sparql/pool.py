"""A fixed number of query worker processes; one that overruns its deadline is killed.

Workers are plain subprocesses (`python -m advocacy_ld.publish.sparql.worker`) rather than
`multiprocessing` children: no fork of a threaded server holding RocksDB, no re-import of the
server's `__main__`, and SIGKILL ends a runaway evaluation wherever it is, GIL or not.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from advocacy_ld.publish.sparql.errors import (
    DeadlineExceededError,
    EngineBusyError,
    EvaluationFailedError,
)
from advocacy_ld.publish.sparql.job import Outcome, QueryJob
from advocacy_ld.publish.sparql.wire import (
    PIPE_BYTES,
    DeadlineReached,
    InputClosed,
    PipeClosed,
    read_frame_async,
    write_frame_async,
)

WORKER_COMMAND = (sys.executable, "-m", "advocacy_ld.publish.sparql.worker")
log = logging.getLogger(__name__)


class Worker(Protocol):
    """A process that answers jobs one at a time, and can be stopped or killed."""

    @property
    def pid(self) -> int: ...

    async def ask(self, job: QueryJob, deadline: float) -> Outcome: ...

    def kill(self) -> None: ...

    def stop(self, grace: float = 1.0) -> None: ...


class WorkerProcess:
    """One worker and its two pipes (non-blocking on our side: the event loop waits on them)."""

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
        os.set_blocking(self._output, False)
        widen_pipe(self._output)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def ask(self, job: QueryJob, deadline: float) -> Outcome:
        """Send the job, wait for its outcome."""
        await write_frame_async(self._input, job.to_wire(), b"", deadline)
        header, body = await read_frame_async(self._output, deadline)
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


def widen_pipe(fd: int) -> None:
    """Let the pipe hold a whole answer of up to `PIPE_BYTES` (Linux pipes hold 64 KiB), so a
    worker writes it in one go instead of waiting for the server to read each 64 KiB (measured:
    ~1 ms for a 500 KB answer). Where the system refuses, the pipe stays as it was."""
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)  # fcntl(2)


class ProcessPool:
    """Hands each query to an idle worker; waits for one no longer than the deadline.

    Callers wait on their own event loop (no thread per waiting query); a worker coming free
    goes to the longest-waiting caller, on whichever loop that caller runs.
    """

    def __init__(self, size: int, spawn: Callable[[], Worker] | None = None) -> None:
        self._make: Callable[[], Worker] = spawn or (lambda: WorkerProcess(WORKER_COMMAND))
        self._idle: deque[Worker] = deque()
        self._waiters: deque[asyncio.Future[Worker]] = deque()
        self._workers: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(size, 1)):
            self._idle.append(self._spawn())

    async def run(self, job: QueryJob, deadline: float, timeout: float) -> Outcome:
        """The outcome; DeadlineExceededError after killing the worker, EngineBusyError if none
        came free in time."""
        for _ in range(2):
            worker = await self._take(deadline)
            try:
                outcome = await worker.ask(job, deadline)
            except DeadlineReached:
                self._replace(worker)
                raise DeadlineExceededError(timeout, stopped=True) from None
            except InputClosed:
                self._replace(worker)
                continue  # it died while idle: the job never reached it, another may take it
            except (PipeClosed, OSError) as error:
                self._replace(worker)
                log.warning("SPARQL worker %d failed: %s", worker.pid, error)
                raise EvaluationFailedError("the query worker ended without answering") from None
            except BaseException:
                # Cancelled mid-query: its answer would reach the next caller; start afresh.
                self._replace(worker)
                raise
            self._give_back(worker)
            return outcome
        raise EvaluationFailedError("no query worker could take the query")

    async def _take(self, deadline: float) -> Worker:
        with self._lock:
            if self._idle:
                # The worker that answered last: its caches (pages, blocks) are the warm ones.
                return self._idle.pop()
            waiter: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
        try:
            async with asyncio.timeout(max(deadline - time.monotonic(), 0.0)):
                return await waiter
        except TimeoutError:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if waiter.done() and not waiter.cancelled():
                self._give_back(waiter.result())  # handed over just as the deadline passed
            raise EngineBusyError("every query worker stayed busy until the deadline") from None

    def _give_back(self, worker: Worker) -> None:
        """To the longest-waiting caller still waiting, else to the idle workers (or, once the
        pool is retired, away)."""
        waiter = self._next_waiter(worker)
        if waiter is None:
            return
        loop = waiter.get_loop()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is running:
            self._deliver(waiter, worker)
        else:
            loop.call_soon_threadsafe(self._deliver, waiter, worker)

    def _next_waiter(self, worker: Worker) -> asyncio.Future[Worker] | None:
        """The caller to hand `worker` to; None once it is idle again or stopped."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    return waiter
            if not self._closed:
                self._idle.append(worker)
                return None
            self._workers.discard(worker)
        worker.stop(grace=0.0)  # retired: callers already waiting were served first
        return None

    def _deliver(self, waiter: asyncio.Future[Worker], worker: Worker) -> None:
        """On the waiter's loop: hand over, or pass on if it stopped waiting meanwhile."""
        if waiter.done():
            self._give_back(worker)
        else:
            waiter.set_result(worker)

    def pids(self) -> list[int]:
        """The worker processes now running (for operators and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._workers)

    def close(self) -> None:
        """Stop every worker now, busy or not."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
            self._idle.clear()
        for worker in workers:
            worker.stop()

    def retire(self) -> None:
        """Take no more queries: idle workers stop now, busy ones when they have answered."""
        with self._lock:
            self._closed = True
            idle = list(self._idle)
            self._idle.clear()
            self._workers.difference_update(idle)
        for worker in idle:
            worker.stop(grace=0.0)

    def _spawn(self) -> Worker:
        worker = self._make()
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: Worker) -> None:
        """Kill `worker` and start another in its place, in a thread: the caller answers now and
        the new worker joins the pool when it is up."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            if self._closed:
                return
        threading.Thread(target=self._respawn, name="sparql-respawn", daemon=True).start()

    def _respawn(self) -> None:
        try:
            fresh = self._spawn()
        except (OSError, RuntimeError) as error:
            log.warning("cannot start a SPARQL worker: %s", error)
            return
        self._give_back(fresh)
