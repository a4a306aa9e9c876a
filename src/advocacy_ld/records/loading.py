"""Validate and store records: each checked on its own, each stored atomically."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SH

from advocacy_ld.model.loader import Model
from advocacy_ld.model.namespaces import ADV, ORG, SCHEMA
from advocacy_ld.records.reading import RecordCandidate, linked_iris
from advocacy_ld.store.base import Store
from advocacy_ld.validation import Severity, ValidationReport, ValidationResult, validate_record
from advocacy_ld.validation.validator import Triple


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


class LinkedTypes:
    """The `rdf:type` triples of the entities records link to, by IRI: from the records of
    one load where they type them, else from a store.

    Built once for a whole load (an index of its records' types, and one store lookup for all
    IRIs they link to that no record of the load types), so that resolving a record's linked
    types costs a lookup per link, not a scan of the load. Plain data: worker processes get a
    copy.
    """

    def __init__(self, index: dict[str, tuple[Triple, ...]]) -> None:
        self.index = index

    @classmethod
    def gather(
        cls, batch: Sequence[RecordCandidate], store: Store | None, wanted: Iterable[str] = ()
    ) -> LinkedTypes:
        """The types of what `batch` (and the `wanted` IRIs) link to.

        Types stated in the batch win: the store is asked only about IRIs the batch does not
        type, as a record whose entities come in the same load must be checked against them.
        """
        linked = set(wanted)
        for candidate in batch:
            linked |= linked_iris(candidate.graph)
        typed: dict[str, list[Triple]] = {}
        for candidate in batch:
            for s, o in candidate.graph.subject_objects(RDF.type):
                if (iri := str(s)) in linked:
                    typed.setdefault(iri, []).append((s, RDF.type, o))
        if store is not None:
            for s, p, o in store.types_of(sorted(linked - typed.keys())):
                typed.setdefault(str(s), []).append((s, p, o))
        return cls({iri: tuple(dict.fromkeys(triples)) for iri, triples in typed.items()})

    def of(self, graph: Graph) -> list[Triple]:
        """The types of what `graph` links to (its objects that it does not describe)."""
        return [t for iri in linked_iris(graph) for t in self.index.get(iri, ())]


class RecordChecker:
    """Validates candidates against the model, resolving linked types from a batch and a store."""

    def __init__(self, model: Model, store: Store | None) -> None:
        self.model = model
        self.store = store
        self._gathered: tuple[Sequence[RecordCandidate], int, LinkedTypes] | None = None

    def check(
        self, candidate: RecordCandidate, batch: Sequence[RecordCandidate] = ()
    ) -> ValidationReport:
        """Validate `candidate`, the entities it links to typed by `batch` or the store.

        Callers checking every record of a batch pass the same sequence each time: its types
        are gathered once (`linked_types`).
        """
        if batch:
            linked = self.linked_types(batch)
        else:
            linked = LinkedTypes.gather((), self.store, linked_iris(candidate.graph))
        return self.check_with(candidate, linked)

    def linked_types(self, batch: Sequence[RecordCandidate]) -> LinkedTypes:
        """The linked types of a whole batch, gathered once per batch."""
        if self._gathered is not None:
            held, size, linked = self._gathered
            if held is batch and size == len(batch):
                return linked
        linked = LinkedTypes.gather(batch, self.store)
        self._gathered = (batch, len(batch), linked)
        return linked

    def check_with(self, candidate: RecordCandidate, linked: LinkedTypes) -> ValidationReport:
        """Validate `candidate` with its linked entities' types taken from `linked`."""
        report = validate_record(
            candidate.graph, self.model, linked.of(candidate.graph), name=candidate.id.iri
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
