"""Validate one record with pySHACL: its graph, the vocabularies and the linked entities' types.

Never the whole store (DESIGN.md §5): a record is checked against what it says and the types
of what it points to, which keeps a validation in the tens of milliseconds.
"""

from __future__ import annotations

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

from advocacy_ld.model.loader import Model
from advocacy_ld.validation.report import (
    Severity,
    ValidationReport,
    ValidationResult,
    path_text,
    term_text,
)


def validate_record(
    record: Graph, model: Model, linked_types: Graph | None = None, name: str = ""
) -> ValidationReport:
    """Validate `record`; `linked_types` holds `rdf:type` triples of the entities it links to."""
    data = Graph()
    for part in (record, model.vocabularies, linked_types):
        if part is not None:
            for triple in part:
                data.add(triple)
    # The ontology and alignments go in as `ont_graph` so that sh:targetClass and sh:class see
    # subclasses (SHACL §2.1.3.1 uses rdfs:subClassOf in the data graph).
    _conforms, results_graph, _text = validate(
        data,
        shacl_graph=model.shapes,
        ont_graph=model.ontology,
        inference="none",
        inplace=True,
        allow_warnings=True,
    )
    # The vocabularies and the linked entities' types are context, not the record: results about
    # them belong to their own records' validations.
    own = {term_text(s) for s in record.subjects()}
    results = [r for r in _results(results_graph) if r.focus_node in own]
    return ValidationReport(record=name, results=tuple(results))


def _results(results: Graph) -> list[ValidationResult]:
    collected = []
    # Only top-level results (objects of sh:result): pySHACL also types the nested sh:detail
    # results of sh:node as sh:ValidationResult.
    for node in results.objects(None, SH.result):
        message = results.value(node, SH.resultMessage)
        collected.append(
            ValidationResult(
                severity=Severity.from_iri(
                    results.value(node, SH.resultSeverity, default=SH.Violation)
                ),
                focus_node=term_text(results.value(node, SH.focusNode)) or "",
                path=path_text(results, results.value(node, SH.resultPath)),
                value=term_text(results.value(node, SH.value)),
                message=str(message) if message is not None else "constraint not met",
                source_shape=term_text(results.value(node, SH.sourceShape)),
                constraint=term_text(results.value(node, SH.sourceConstraintComponent)),
            )
        )
    order = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}
    collected.sort(key=lambda r: (order[r.severity], r.focus_node, r.path or "", r.message))
    return collected
