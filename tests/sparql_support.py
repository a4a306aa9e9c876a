"""What the SPARQL engine tests share: a query that never ends, and waiting on processes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    'FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), "^(x+x+)+y$")) }'
)
"""A cross product of the dataset with itself four times: it never ends in practice."""


def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether `condition` holds within `seconds` (worker processes come and go on their own)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
