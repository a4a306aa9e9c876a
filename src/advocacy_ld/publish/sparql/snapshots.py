"""Read-only checkpoints of the public dataset, one per generation, for the query workers.

Opening the live RocksDB read-only from another process while the server writes it is undefined
behaviour (pyoxigraph `Store.read_only`), so workers read a checkpoint: hard links to the live
store's immutable files, made in milliseconds. A checkpoint is deleted once it is no longer the
current one and no query is reading it; a worker still holding it open idle keeps only unlinked
files, which it lets go when its next job names the new checkpoint.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from advocacy_ld.errors import StoreError


class Snapshots:
    """Checkpoints under `parent/{pid}-{token}/`, counted by the queries using them."""

    def __init__(self, parent: Path, checkpoint: Callable[[Path], bool]) -> None:
        parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(parent)
        self.root = parent / f"{os.getpid()}-{secrets.token_hex(4)}"
        self.root.mkdir()
        self._checkpoint = checkpoint
        self._lock = threading.Lock()
        self._users: dict[Path, int] = {}
        self._current: tuple[str, Path] | None = None
        self._made = 0

    def acquire(self, generation: str) -> Path:
        """The checkpoint of `generation` (made now if the dataset changed); release it after."""
        with self._lock:
            if self._current is None or self._current[0] != generation:
                self._made += 1
                path = self.root / f"{self._made:06d}"
                if not self._checkpoint(path):
                    raise StoreError("the public dataset's store cannot be checkpointed")
                previous = self._current
                self._current = (generation, path)
                self._users[path] = 0
                if previous is not None:
                    self._drop_if_unused(previous[1])
            path = self._current[1]
            self._users[path] += 1
            return path

    def acquire_current(self, generation: str) -> Path | None:
        """The checkpoint of `generation` if it exists already (no disk work), else None."""
        with self._lock:
            if self._current is None or self._current[0] != generation:
                return None
            path = self._current[1]
            self._users[path] += 1
            return path

    def release(self, path: Path) -> None:
        with self._lock:
            self._users[path] -= 1
            self._drop_if_unused(path)

    def live(self) -> list[Path]:
        """The checkpoints on disk now (current and still-read ones)."""
        with self._lock:
            return sorted(self._users)

    def close(self) -> None:
        with self._lock:
            self._users.clear()
            self._current = None
            shutil.rmtree(self.root, ignore_errors=True)

    def _drop_if_unused(self, path: Path) -> None:
        current = self._current[1] if self._current is not None else None
        if path != current and self._users.get(path) == 0:
            del self._users[path]
            shutil.rmtree(path, ignore_errors=True)


def remove_abandoned(parent: Path) -> None:
    """Delete checkpoint folders left by server processes that no longer run (a crash)."""
    for folder in parent.iterdir():
        pid, dash, _ = folder.name.partition("-")
        if dash and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
