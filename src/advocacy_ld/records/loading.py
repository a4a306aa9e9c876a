"""Validate and store records: each checked on its own, each stored atomically."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SH

from advocacy_ld.model.loader import Model
from advocacy_ld.model.namespaces import ADV, ORG, SCHEMA
from advocacy_ld.records.reading import RecordCandidate, linked_iris
from advocacy_ld.store.base import Store
from advocacy_ld.validation import Severity, ValidationReport, ValidationResult, validate_record


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


ROOT_CLASSES: dict[str, frozenset[URIRef]] = {
    "statement": frozenset({ADV.AdvocacyDocument}),
    "org": frozenset({ORG.Organization, ADV.ActorGroup}),
    "facility": frozenset({ADV.DetentionFacility}),
    "report": frozenset({SCHEMA.Article}),
    "place": frozenset({SCHEMA.Place}),
    "person": frozenset({FOAF.Person}),
}
"""The class each record kind's root must have (directly or through the ontology)."""


class RecordChecker:
    """Validates candidates against the model, resolving linked types from a batch and a store."""

    def __init__(self, model: Model, store: Store | None) -> None:
        self.model = model
        self.store = store

    def check(
        self, candidate: RecordCandidate, batch: Sequence[RecordCandidate] = ()
    ) -> ValidationReport:
        report = validate_record(
            candidate.graph,
            self.model,
            self._linked_types(candidate.graph, batch),
            name=candidate.id.iri,
        )
        missing = self._root_class_result(candidate)
        if missing is None:
            return report
        return replace(report, results=(missing, *report.results))

    def _root_class_result(self, candidate: RecordCandidate) -> ValidationResult | None:
        """The shapes target by class: a root without its kind's class would escape them all."""
        expected = ROOT_CLASSES[candidate.id.kind]
        root = URIRef(candidate.id.iri)
        for declared in candidate.graph.objects(root, RDF.type):
            if set(self.model.ontology.transitive_objects(declared, RDFS.subClassOf)) & expected:
                return None
        names = " or ".join(sorted(str(c) for c in expected))
        return ValidationResult(
            severity=Severity.VIOLATION,
            focus_node=candidate.id.iri,
            path=str(RDF.type),
            value=None,
            message=f"A {candidate.id.kind} record's root must be typed {names} "
            "(or a subclass); without it no shape applies to it.",
            source_shape=None,
            constraint=str(SH.ClassConstraintComponent),
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
