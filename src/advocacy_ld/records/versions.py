"""A graph made ready to be written as a version: what does not depend on the ledger.

Hashing, serializing and rendering take most of a write's time and need no lock and no store,
so they are done before the write lock is taken, and by worker processes when many records
are loaded at once (`records.ingest`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from advocacy_ld.records.identity import RecordId
from advocacy_ld.records.ledger import DerivedRendition, Rendition, render_version
from advocacy_ld.store.terms import content_hash, graph_to_ntriples, triples_hash


@dataclass(frozen=True)
class PreparedVersion:
    """A version's content, hash and renditions, computed once, before it is written."""

    ntriples: str
    """The graph as N-Triples: what the archive and the public copy are written with."""
    digest: str
    """`content_hash` of the graph: equal for isomorphic graphs (no new version)."""
    subjects: tuple[str, ...]
    """The IRIs the graph describes, sorted (for the claim check of new records)."""
    renditions: dict[Rendition, str]
    derived: dict[tuple[str, str], str]
    """Derived renditions by (name, fingerprint): one rendered with other tables is not used."""

    def derived_text(self, rendition: DerivedRendition) -> str | None:
        return self.derived.get((rendition.name, rendition.fingerprint))


def prepare_version(
    record: RecordId,
    graph: Graph,
    derived: Sequence[DerivedRendition] = (),
    ntriples: str | None = None,
    triples: Sequence[ox.Triple] | None = None,
) -> PreparedVersion:
    """Everything writing `graph` as a version of `record` needs besides the ledger.

    `ntriples` is the graph already serialized (`graph_to_ntriples`), and `triples` the graph
    as pyoxigraph triples, when the caller has them: hashing them skips a pass over `graph`.
    """
    text = graph_to_ntriples(graph) if ntriples is None else ntriples
    if triples is None:
        digest = content_hash(graph)
        subjects = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    else:
        digest = triples_hash(triples)
        subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    return PreparedVersion(
        ntriples=text,
        digest=digest,
        subjects=tuple(sorted(subjects)),
        renditions=render_version(text),  # serializing takes a while: never under the lock
        derived={(r.name, r.fingerprint): r.render(record.iri, record.kind, text) for r in derived},
    )
