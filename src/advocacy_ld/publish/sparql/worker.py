"""A query worker process: `python -m advocacy_ld.publish.sparql.worker`.

Reads jobs from stdin and writes outcomes to stdout, one frame each, until stdin closes. It
opens the checkpoint a job names read-only and keeps it open for the next job, switching when a
job names a newer one; it never opens the live store, which the server is writing.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import BinaryIO

import pyoxigraph as ox

from advocacy_ld.publish.sparql.evaluate import evaluate
from advocacy_ld.publish.sparql.job import Outcome, OutcomeStatus, QueryJob
from advocacy_ld.publish.sparql.wire import PipeClosed, read_frame, write_frame


class _Snapshot:
    """The checkpoint currently open, by directory."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.store: ox.Store | None = None

    def open(self, path: str) -> ox.Store:
        if self.store is None or self.path != path:
            self.store = None  # close the old checkpoint before opening the new one
            self.store = ox.Store.read_only(path)
            self.path = path
        return self.store


def serve(jobs: BinaryIO, answers: BinaryIO, store_for: Callable[[QueryJob], ox.Store]) -> None:
    """Answer jobs until the server closes the pipe, each against the store `store_for` gives."""
    while True:
        try:
            header, _ = read_frame(jobs)
        except PipeClosed:
            return
        job = QueryJob.from_wire(header)
        started = time.process_time()
        try:
            store = store_for(job)
        except OSError as error:
            logging.getLogger(__name__).warning("cannot open %s: %s", job.snapshot, error)
            outcome = Outcome(OutcomeStatus.FAILED, message="the dataset snapshot is not readable")
        else:
            outcome = evaluate(store, job)
        outcome = dataclasses.replace(outcome, seconds=time.process_time() - started)
        try:
            write_frame(answers, outcome.header(), outcome.body)
        except (BrokenPipeError, ConnectionResetError):
            return  # the server stopped waiting (it closed our pipe): nobody to answer


def _checkpoint_of(snapshot: _Snapshot) -> Callable[[QueryJob], ox.Store]:
    def store_for(job: QueryJob) -> ox.Store:
        if job.snapshot is None:
            raise OSError("the job names no snapshot")
        return snapshot.open(job.snapshot)

    return store_for


def main() -> None:
    # Frames go to the original stdout; anything else printed goes to stderr (the server's log).
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    logging.basicConfig(level=logging.WARNING, format="sparql-worker %(process)d: %(message)s")
    serve(sys.stdin.buffer, answers, _checkpoint_of(_Snapshot()))


if __name__ == "__main__":
    main()
