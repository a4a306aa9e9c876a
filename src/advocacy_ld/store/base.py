"""The `Store` protocol: what the rest of the code needs from a quad store.

Small on purpose, so a remote SPARQL 1.1 server (Protocol + Graph Store Protocol) can implement
it too (DESIGN.md §8). One record is one named graph; every write of a record is atomic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph

from advocacy_ld.store.terms import content_hash, graph_to_ntriples

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class ExportFormat(Enum):
    """Dump formats; Turtle merges every record graph into one graph."""

    NQUADS = ("nquads", ox.RdfFormat.N_QUADS)
    TRIG = ("trig", ox.RdfFormat.TRIG)
    TURTLE = ("turtle", ox.RdfFormat.TURTLE)

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def rdf_format(self) -> ox.RdfFormat:
        return self.value[1]


class Store(Protocol):
    """A dataset of record graphs."""

    def put_record(self, iri: str, graph: Graph) -> bool:
        """Replace the record's graph atomically; False when it already held the same graph."""
        ...

    def replace_record(self, iri: str, graph: Graph) -> None:
        """Replace the record's graph atomically, without comparing it with the stored one."""
        ...

    def remove_record(self, iri: str) -> bool:
        """Drop the record's graph; False when there was none."""
        ...

    def get_record(self, iri: str) -> Graph | None:
        """The record's graph, or None."""
        ...

    def record_iris(self) -> list[str]:
        """Every record graph's IRI, sorted."""
        ...

    def types_of(self, iris: Iterable[str]) -> Graph:
        """The `rdf:type` triples the store holds for these IRIs, from any record."""
        ...

    def graphs_as_ntriples(self, iris: Sequence[str]) -> list[bytes]:
        """Each named graph's triples as N-Triples, in the order asked (b"" for a graph the
        store lacks): serialized by the store itself, so copying many graphs (a change-feed
        page) costs no Python object per triple."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update as one transaction."""
        ...

    def query(self, sparql: str) -> QueryResult:
        """Run a read-only SPARQL query; the default graph is the union of all records."""
        ...

    def export(self, output: BinaryIO, export_format: ExportFormat) -> None:
        """Write every record to `output`."""
        ...

    def triple_count(self) -> int:
        """How many triples all record graphs hold together."""
        ...

    def bulk_load(self, nquads: BinaryIO) -> None:
        """Add the N-Quads read from `nquads`, streamed in bounded pieces: the fast way to fill
        an empty store (a restore, a large first load). Not atomic: when it fails, part of the
        input may be stored (`clear` undoes it). A blank node used in one graph only stays one
        node; malformed input raises `RDFSyntaxError` with its line."""
        ...

    def clear(self) -> None:
        """Remove every graph: how a failed `bulk_load` into an empty store is undone."""
        ...

    def close(self) -> None:
        """Release the store (flush, unlock)."""
        ...


@runtime_checkable
class Snapshotting(Protocol):
    """A store that can checkpoint itself for readers in other processes (the SPARQL workers)."""

    def snapshot(self, target: Path) -> bool:
        """Write a point-in-time copy to `target`; False when this store cannot."""
        ...


def replace_graph_update(iri: str, graph: Graph) -> str:
    """A SPARQL Update that replaces the named graph `iri` with `graph` (SPARQL 1.1 Update §3)."""
    return replace_graph_ntriples_update(iri, graph_to_ntriples(graph))


def replace_graph_ntriples_update(iri: str, ntriples: str) -> str:
    """The same, for a graph already written as N-Triples (valid SPARQL data as it stands)."""
    name = f"<{iri}>"
    return f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{ntriples}\n}} }}"


def line_blocks(stream: BinaryIO, size: int) -> Iterator[bytes]:
    """`stream` in blocks of about `size` bytes (more if one line is longer), each ending at a
    line end: N-Quads put one statement on a line, with no raw line break inside a term
    (https://www.w3.org/TR/n-quads/#sec-grammar), so every block parses on its own."""
    buffer = bytearray()
    scanned = 0
    """How much of `buffer` is known to hold no line end."""
    while chunk := stream.read(max(size - len(buffer), 1 << 16)):
        buffer += chunk
        if len(buffer) < size:
            continue
        cut = buffer.rfind(b"\n", scanned) + 1
        if not cut:
            scanned = len(buffer)
            continue
        yield bytes(memoryview(buffer)[:cut])
        del buffer[:cut]
        scanned = 0
    if buffer:
        yield bytes(buffer)


def put_if_changed(store: Store, iri: str, graph: Graph) -> bool:
    """`Store.put_record` for any store: compare with the stored graph (blank nodes aside),
    replace only when it differs."""
    existing = store.get_record(iri)
    if existing is not None and content_hash(existing) == content_hash(graph):
        return False
    store.replace_record(iri, graph)
    return True
