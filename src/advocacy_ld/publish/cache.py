"""Rendered representations, kept by the key of what they were rendered from.

The key always holds the version's validator, so a new version can only miss, never hit a
stale entry (DESIGN.md §7).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock


class RenderCache:
    """A bounded least-recently-used map from keys to rendered bytes."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._max = max_entries
        self._lock = Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                return cached
        body = render()
        with self._lock:
            self._entries[key] = body
            if len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return body

    def peek(self, key: Hashable) -> bytes | None:
        """The cached bytes, or None; never renders."""
        with self._lock:
            return self._entries.get(key)

    def __len__(self) -> int:
        return len(self._entries)
