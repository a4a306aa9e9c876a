"""Rendered representations, kept by the key of what they were rendered from.

The key always holds the version's validator, so a new version can only miss, never hit a
stale entry (DESIGN.md §7).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock


class RenderCache:
    """A bounded least-recently-used map from keys to rendered bytes.

    `max_bytes` also bounds the bytes held, for caches of large bodies (feed pages).
    """

    def __init__(self, max_entries: int = 4096, max_bytes: int | None = None) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                return cached
        body = render()
        with self._lock:
            replaced = self._entries.pop(key, None)
            self._bytes -= len(replaced) if replaced is not None else 0
            self._entries[key] = body
            self._bytes += len(body)
            while len(self._entries) > self._max or (
                self._max_bytes is not None and self._bytes > self._max_bytes
            ):
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted)
        return body

    def peek(self, key: Hashable) -> bytes | None:
        """The cached bytes, or None; never renders."""
        with self._lock:
            return self._entries.get(key)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held."""
        return self._bytes
