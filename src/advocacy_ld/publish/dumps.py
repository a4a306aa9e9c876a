"""Whole-dataset dumps: gzip N-Quads of the public dataset with a SHA-256, rebuilt on change.

A dump is written once per public-dataset generation to a temporary file and renamed into
place, so a reader never sees half a dump; gzip headers carry no timestamp, so the same data
always gives the same bytes and the same checksum.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from advocacy_ld.store.base import ExportFormat, Store

DUMP_NAME = "dataset.nq.gz"


@dataclass(frozen=True)
class Dump:
    """One built dump file and what a client needs to check it."""

    path: Path
    sha256: str
    size: int
    generation: str

    @property
    def name(self) -> str:
        return DUMP_NAME


class DumpBuilder:
    """Builds the public dump for the current generation, at most once per generation."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._current: Dump | None = None

    def current(self, public: Store, generation: str) -> Dump:
        with self._lock:
            if self._current is not None and self._current.generation == generation:
                return self._current
            self._current = self._build(public, generation)
            return self._current

    def _build(self, public: Store, generation: str) -> Dump:
        self.directory.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha256(generation.encode("utf-8")).hexdigest()[:16]
        target = self.directory / f"{key}-{DUMP_NAME}"
        partial = target.with_suffix(".partial")
        with (
            partial.open("wb") as raw,
            gzip.GzipFile(
                filename=DUMP_NAME.removesuffix(".gz"), fileobj=raw, mode="wb", mtime=0
            ) as zipped,
        ):
            public.export(zipped, ExportFormat.NQUADS)  # type: ignore[arg-type]
        os.replace(partial, target)
        digest = hashlib.sha256()
        with target.open("rb") as built:
            for block in iter(lambda: built.read(1 << 20), b""):
                digest.update(block)
        for old in self.directory.glob(f"*-{DUMP_NAME}"):
            if old != target:
                old.unlink(missing_ok=True)
        return Dump(target, digest.hexdigest(), target.stat().st_size, generation)
