"""The embedded store: pyoxigraph, on disk by default, in memory for tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from advocacy_ld.errors import QueryError, RDFSyntaxError, StoreError
from advocacy_ld.model.namespaces import bind_prefixes
from advocacy_ld.store.base import (
    ExportFormat,
    QueryResult,
    line_blocks,
    put_if_changed,
    replace_graph_update,
)
from advocacy_ld.store.terms import triples_to_graph

_RDF_TYPE = ox.NamedNode(str(RDF.type))
BULK_BLOCK_BYTES = 64 * 1024 * 1024
"""N-Quads given to pyoxigraph's bulk loader at a time. Its memory grows with what it is given
(an archive's renditions are literals of ~25 kB): measured on a 1.5 GB archive export, one
call peaks at ~2.8 GB, 64 MB blocks at ~0.45 GB, for ~10% more time."""


class OxigraphStore:
    """A `Store` over one pyoxigraph `Store` (RocksDB on disk, or memory)."""

    def __init__(self, path: Path | None = None) -> None:
        try:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as error:
            raise StoreError(f"cannot open the store at {path}: {error}") from error
        self.path = path

    def put_record(self, iri: str, graph: Graph) -> bool:
        return put_if_changed(self, iri, graph)

    def replace_record(self, iri: str, graph: Graph) -> None:
        # One SPARQL Update is one transaction in Oxigraph: readers see the old graph or the
        # new one, never a mix, and a crash leaves one or the other.
        self.update(replace_graph_update(iri, graph))

    def remove_record(self, iri: str) -> bool:
        name = ox.NamedNode(iri)
        if not self._store.contains_named_graph(name):
            return False
        self._store.remove_graph(name)
        return True

    def get_record(self, iri: str) -> Graph | None:
        name = ox.NamedNode(iri)
        if not self._store.contains_named_graph(name):
            return None
        return triples_to_graph(
            self._store.quads_for_pattern(None, None, None, name), bind_prefixes(Graph())
        )

    def record_iris(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def types_of(self, iris: Iterable[str]) -> Graph:
        types = Graph()
        for iri in set(iris):
            triples_to_graph(
                self._store.quads_for_pattern(ox.NamedNode(iri), _RDF_TYPE, None), types
            )
        return types

    def graphs_as_ntriples(self, iris: Sequence[str]) -> list[bytes]:
        return [
            self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri)) or b""
            for iri in iris
        ]

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise StoreError(f"SPARQL Update syntax error: {error}") from None
        except (OSError, RuntimeError, ValueError) as error:
            # e.g. CREATE GRAPH on an existing graph: nothing of the update was applied.
            raise StoreError(f"SPARQL Update failed: {error}") from None

    def query(self, sparql: str) -> QueryResult:
        try:
            result: QueryResult = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error}") from None
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryError(f"SPARQL evaluation failed: {error}") from None
        return result

    def export(self, output: BinaryIO, export_format: ExportFormat) -> None:
        if export_format is ExportFormat.TURTLE:
            triples = (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in self._store.quads_for_pattern(None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph)
            )
            ox.serialize(triples, output, format=ox.RdfFormat.TURTLE)
            return
        quads = (
            q
            for q in self._store.quads_for_pattern(None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )
        ox.serialize(quads, output, format=export_format.rdf_format)

    def triple_count(self) -> int:
        return len(self._store)

    def bulk_load(self, nquads: BinaryIO) -> None:
        # `bulk_extend` of parsed quads rather than `Store.bulk_load`, which gives blank nodes
        # fresh identities at each call: this keeps their labels, so the blocks, loaded apart,
        # still share them, and a restored archive is the exported one to the label.
        first_line = 1
        for block in line_blocks(nquads, BULK_BLOCK_BYTES):
            try:
                self._store.bulk_extend(ox.parse(block, ox.RdfFormat.N_QUADS))
            except SyntaxError as error:
                raise RDFSyntaxError.from_parser(error, "N-Quads", first_line) from None
            except OSError as error:
                raise StoreError(f"bulk load failed: {error}") from None
            first_line += block.count(b"\n")

    def clear(self) -> None:
        try:
            self._store.clear()
        except OSError as error:
            raise StoreError(f"cannot empty the store: {error}") from None

    def snapshot(self, target: Path) -> bool:
        """Checkpoint the store into `target` (hard links to its immutable files, so cheap) for
        readers in other processes; False when the store is in memory and cannot."""
        if self.path is None:
            return False
        try:
            self._store.backup(str(target))
        except OSError as error:
            raise StoreError(f"cannot checkpoint the store into {target}: {error}") from None
        return True

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store, for the SPARQL endpoint's dataset options (Protocol §2.1.4)."""
        return self._store

    def close(self) -> None:
        if self.path is not None:
            self._store.flush()
        del self._store
