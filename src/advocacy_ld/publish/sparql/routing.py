"""Which copy of the public dataset answers a query: the one that evaluates its shape faster.

Measured on the 10k-statement bench data, neither copy wins everywhere: the in-memory replica
evaluates lookups and joins about twice as fast as the on-disk store (one statement's graph,
a 3-hop join), but scans a whole predicate 1.5x slower (a count grouped over every statement).
So each query shape (its text with IRIs, literals and numbers masked) is tried a few times on
both, then sent to the one whose workers spent less CPU on it at best, and now and then to the
other again in case that changed.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field

REPLICA = "replica"
CHECKPOINT = "checkpoint"
PATHS = (REPLICA, CHECKPOINT)

_MASKED = re.compile(
    r'<[^<>"{}|^`\x00-\x20]*>'  # IRIREF (Query §19.8)
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"  # long strings
    r'|"(?:[^"\\\r\n]|\\.)*"' r"|'(?:[^'\\\r\n]|\\.)*'"  # strings
    r"|(?<![\w:?$])[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?"  # numbers, not inside names
)  # fmt: skip


def shape_of(query: str) -> str:
    """The query with its IRIs, literals and numbers masked: queries that differ only in the
    resource they name share a shape (and, nearly always, an evaluation plan)."""
    return " ".join(_MASKED.sub("_", query).split())


_WINDOW = 7
"""Recent evaluations per path whose fastest is compared. Delays only ever add (a cold
cache, a queue behind a busy core), so the fastest recent evaluation is what the path costs
once it is used. Replica workers are warmed up before they answer (`replica_process.warm_up`),
so their first samples are already warm."""


@dataclass
class _Timings:
    """Evaluations of one shape on each path: how many, and the CPU seconds of recent ones."""

    count: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PATHS, 0))
    recent: dict[str, deque[float]] = field(
        default_factory=lambda: {p: deque(maxlen=_WINDOW) for p in PATHS}
    )
    since_check: int = 0

    def fastest(self, path: str) -> float:
        return min(self.recent[path], default=0.0)


class PathChooser:
    """Learns per shape which path is faster; `trials` evaluations on each before it compares
    their fastest recent ones (0: always the replica), then one on the slower every `recheck`
    queries."""

    def __init__(self, trials: int = 3, recheck: int = 200, shapes: int = 10_000) -> None:
        self.trials = trials
        self.recheck = recheck
        self._shapes: OrderedDict[str, _Timings] = OrderedDict()
        self._max_shapes = shapes
        self._lock = threading.Lock()

    def choose(self, shape: str) -> str:
        if self.trials == 0:
            return REPLICA
        with self._lock:
            timings = self._shapes.get(shape)
            if timings is None:
                return REPLICA
            self._shapes.move_to_end(shape)
            untried = [p for p in PATHS if timings.count[p] < self.trials]
            if untried:
                return min(untried, key=lambda p: timings.count[p])
            faster = min(PATHS, key=timings.fastest)
            timings.since_check += 1
            if timings.since_check >= self.recheck:
                timings.since_check = 0
                return next(p for p in PATHS if p != faster)
            return faster

    def record(self, shape: str, path: str, seconds: float) -> None:
        """One evaluation of `shape` on `path` took `seconds` of a worker's CPU."""
        with self._lock:
            timings = self._shapes.get(shape)
            if timings is None:
                timings = self._shapes[shape] = _Timings()
                while len(self._shapes) > self._max_shapes:
                    self._shapes.popitem(last=False)
            timings.count[path] += 1
            timings.recent[path].append(seconds)

    def known(self, shape: str) -> dict[str, tuple[int, float]]:
        """(evaluations, fastest of the recent ones in seconds) per path, for operators and
        tests."""
        with self._lock:
            timings = self._shapes.get(shape)
            if timings is None:
                return {}
            return {p: (timings.count[p], timings.fastest(p)) for p in PATHS}
