"""Answers to SPARQL queries kept for the dataset generation they were computed on.

The public dataset changes only when a curator or contributor writes, and every such write
makes a new generation (`Repository.generation`), so an answer stays right exactly as long as
its generation is current: a repeated query (a dashboard's, the query form's examples, a client
polling) then costs a lookup, as a resource GET does (DESIGN.md §7). A withdrawal is a new
generation: nothing computed before it is served after it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from advocacy_ld.publish.sparql.job import Outcome, OutcomeStatus, QueryJob

_LARGEST_SHARE = 16
"""An answer larger than this fraction of the cache is not kept (it would push out many)."""


def answer_key(job: QueryJob) -> Hashable:
    """Everything an answer depends on besides the generation."""
    return (job.query, job.dataset, job.result_format, job.graph_format, job.row_cap)


class AnswerCache:
    """Least recently used answers of the current generation, up to `max_bytes` of bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._generation: str | None = None
        self._answers: OrderedDict[Hashable, Outcome] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, generation: str, job: QueryJob) -> Outcome | None:
        key = answer_key(job)
        with self._lock:
            if generation != self._generation:
                self._start(generation)
            found = self._answers.get(key)
            if found is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return found

    def put(self, generation: str, job: QueryJob, outcome: Outcome) -> None:
        """Keep `outcome`, evaluated on `generation` or a later one (`generation` is read before
        the evaluation starts, and `get` for it was called first)."""
        size = len(outcome.body)
        if outcome.status is not OutcomeStatus.OK or size > self.max_bytes // _LARGEST_SHARE:
            return
        key = answer_key(job)
        with self._lock:
            if generation != self._generation:
                return  # computed for a generation that has passed since (`get` moved on)
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._answers[key] = outcome
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._answers.popitem(last=False)
                self._bytes -= len(evicted.body)

    def _start(self, generation: str) -> None:
        """Forget every answer: they belong to another generation."""
        self._generation = generation
        self._answers.clear()
        self._bytes = 0
