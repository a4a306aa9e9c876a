"""Validate and store records: each checked on its own, each stored atomically."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from rdflib import Graph
from rdflib.namespace import RDF

from advocacy_ld.model.loader import Model
from advocacy_ld.records.reading import RecordCandidate, linked_iris
from advocacy_ld.store.base import Store
from advocacy_ld.validation import ValidationReport, validate_record


class LoadStatus(Enum):
    STORED = "stored"
    UNCHANGED = "unchanged"
    INVALID = "invalid"


@dataclass(frozen=True)
class LoadOutcome:
    """What happened to one record."""

    record: str
    source: str
    status: LoadStatus
    report: ValidationReport


class RecordChecker:
    """Validates candidates against the model, resolving linked types from a batch and a store."""

    def __init__(self, model: Model, store: Store | None) -> None:
        self.model = model
        self.store = store

    def check(
        self, candidate: RecordCandidate, batch: Sequence[RecordCandidate] = ()
    ) -> ValidationReport:
        return validate_record(
            candidate.graph,
            self.model,
            self._linked_types(candidate.graph, batch),
            name=candidate.id.iri,
        )

    def _linked_types(self, graph: Graph, batch: Sequence[RecordCandidate]) -> Graph:
        wanted = linked_iris(graph)
        types = Graph()
        for other in batch:
            for s, o in other.graph.subject_objects(RDF.type):
                if str(s) in wanted:
                    types.add((s, RDF.type, o))
        if self.store is not None:
            found = {str(s) for s in types.subjects()}
            for triple in self.store.types_of(wanted - found):
                types.add(triple)
        return types
