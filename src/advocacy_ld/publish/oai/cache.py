"""Rendered metadata kept compressed, bounded by bytes (DESIGN.md §7).

A statement's graph is ~40 KB of RDF/XML and reading it from the store costs about a
millisecond, so a second harvest should not pay that again; zlib at level 1 shrinks RDF/XML
about eight times for a tenth of a millisecond each way.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock

DEFAULT_CACHE_BYTES = 128 * 1024 * 1024
"""Compressed bytes kept: enough for the RDF/XML of ~25,000 generated statements."""


class MetadataCache:
    """A least-recently-used map from keys to bytes, stored compressed, bounded by size."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._max = max_bytes
        self._lock = Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            packed = self._entries.get(key)
            if packed is None:
                return None
            self._entries.move_to_end(key)
        return zlib.decompress(packed)

    def put(self, key: Hashable, value: bytes) -> None:
        packed = zlib.compress(value, 1)
        if len(packed) > self._max:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._entries[key] = packed
            self._size += len(packed)
            while self._size > self._max:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Compressed bytes held."""
        return self._size
