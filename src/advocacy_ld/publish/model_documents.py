"""The model's documents as served: their graph, and validators taken from their files.

The files do not change while a server runs, so a document's digest and modification time are
read once; they make the ETag and Last-Modified of every representation of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

from advocacy_ld.model.resources import ontology_dir, shapes_dir


@dataclass(frozen=True)
class ModelDocument:
    """One served part of the model (`/ontology`, `/vocab/{name}`, `/shapes`, the context)."""

    name: str
    files: tuple[Path, ...]
    digest: str
    last_modified: datetime

    @classmethod
    def of(cls, name: str, files: tuple[Path, ...]) -> ModelDocument:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.read_bytes())
        newest = max(path.stat().st_mtime for path in files)
        return cls(
            name,
            files,
            digest.hexdigest()[:32],
            datetime.fromtimestamp(int(newest), tz=UTC),
        )


def ontology_files() -> tuple[Path, ...]:
    return (ontology_dir() / "advocacy.ttl", ontology_dir() / "alignments.ttl")


def scheme_files(name: str) -> tuple[Path, ...]:
    return (ontology_dir() / "vocab" / f"{name}.ttl",)


def shapes_files() -> tuple[Path, ...]:
    return (shapes_dir() / "core.ttl", shapes_dir() / "recommended.ttl")


def context_files() -> tuple[Path, ...]:
    return (ontology_dir() / "context.jsonld",)


class ModelDocuments:
    """Documents and graphs built on first use and kept (one instance per app)."""

    def __init__(self) -> None:
        self._documents: dict[str, ModelDocument] = {}
        self._graphs: dict[str, Graph] = {}

    def document(self, name: str, files: Callable[[], tuple[Path, ...]]) -> ModelDocument:
        found = self._documents.get(name)
        if found is None:
            found = self._documents[name] = ModelDocument.of(name, files())
        return found

    def graph(self, name: str, build: Callable[[], Graph]) -> Graph:
        found = self._graphs.get(name)
        if found is None:
            found = self._graphs[name] = build()
        return found
