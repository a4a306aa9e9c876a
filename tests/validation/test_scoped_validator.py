"""The scoped validator reports what validating the whole data graph with pySHACL reported.

`RecordValidator` prepares the shapes and the context (vocabularies, ontology) once and only
validates the record's own nodes. The reference here is the plain way: one `pyshacl.validate`
over record + vocabularies + linked types with the ontology as `ont_graph`, every target
validated, results about other nodes dropped. Both must give the same results, for every shape
case and every example record (with the linked types a load of all examples resolves).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from advocacy_ld.model import Model
from advocacy_ld.model.namespaces import ORG
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.loading import LinkedTypes
from advocacy_ld.records.parsing import ParseOptions, parse_file
from advocacy_ld.records.reading import RecordCandidate, read_record_file
from advocacy_ld.validation import ValidationReport, validate_record
from advocacy_ld.validation.report import term_text
from advocacy_ld.validation.validator import RecordValidator, Triple, _results

from ..conftest import example_files
from ..shapes.test_shape_cases import INVALID, VALID, split_case

CASES = VALID + INVALID


def reference_report(
    record: Graph, model: Model, linked_types: list[Triple], name: str
) -> ValidationReport:
    """Validation as it was done before the validator was scoped: everything, then filtered."""
    data = Graph()
    for part in (record, model.vocabularies, linked_types):
        for triple in part:
            data.add(triple)
    _conforms, results_graph, _text = validate(
        data,
        shacl_graph=model.shapes,
        ont_graph=model.ontology,
        inference="none",
        inplace=True,
        allow_warnings=True,
    )
    own = {term_text(s) for s in record.subjects()}
    results = [r for r in _results(results_graph) if r.focus_node in own]
    return ValidationReport(record=name, results=tuple(results))


@pytest.fixture(scope="module")
def examples(parse_options: ParseOptions, identifier: RecordIdentifier) -> list[RecordCandidate]:
    return [read_record_file(p, parse_options, identifier) for p in example_files()]


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_a_shape_case_gets_the_results_of_a_whole_validation(
    path: Path, model: Model, parse_options: ParseOptions
) -> None:
    data, _, _ = split_case(parse_file(path, parse_options))
    scoped = validate_record(data, model, name=path.name)
    assert scoped == reference_report(data, model, [], path.name)
    assert scoped.results or path in VALID


def test_each_example_gets_the_results_of_a_whole_validation(
    model: Model, examples: list[RecordCandidate]
) -> None:
    linked = LinkedTypes.gather(examples, None)
    for candidate in examples:
        types = linked.of(candidate.graph)
        scoped = validate_record(candidate.graph, model, types, name=candidate.id.iri)
        reference = reference_report(candidate.graph, model, types, candidate.id.iri)
        assert scoped == reference, candidate.source


def test_a_record_that_repeats_a_vocabulary_triple_leaves_the_vocabulary_whole(
    model: Model, examples: list[RecordCandidate]
) -> None:
    """The context is shared between validations: what a record adds must go, and only that."""
    validator = RecordValidator(model)
    statement = next(c for c in examples if c.id.kind == "statement")
    before = validator.validate(statement.graph, name="before")
    concept, label = next(iter(model.vocabularies.subject_objects(SKOS.prefLabel)))
    repeating = Graph()
    repeating.add((concept, SKOS.prefLabel, label))
    repeating.add((URIRef("urn:example:x"), SKOS.prefLabel, Literal("x", lang="en")))
    validator.validate(repeating, name="repeating")
    assert validator.validate(statement.graph, name="before") == before
    assert (concept, SKOS.prefLabel, label) in model.vocabularies


def test_linked_types_change_the_results_only_through_the_record(
    model: Model, examples: list[RecordCandidate]
) -> None:
    """A report's publisher must be typed: without the types it links to, it is refused."""
    report = next(c for c in examples if c.id.kind == "report")
    alone = validate_record(report.graph, model, name="alone")
    typed = validate_record(
        report.graph, model, LinkedTypes.gather(examples, None).of(report.graph), name="typed"
    )
    assert not alone.conforms
    assert any("publisher" in (r.path or "") for r in alone.results)
    assert typed.conforms


def test_a_class_the_record_declares_brings_its_instances_under_the_shapes(model: Model) -> None:
    """Subclasses count for sh:targetClass; a record may add one (the closure is recomputed)."""
    record = Graph()
    record.add((URIRef("urn:example:Collective"), RDFS.subClassOf, ORG.Organization))
    record.add((URIRef("urn:example:c1"), RDF.type, URIRef("urn:example:Collective")))
    scoped = validate_record(record, model, name="subclass")
    assert scoped == reference_report(record, model, [], "subclass")
    assert any(r.focus_node == "urn:example:c1" for r in scoped.results)
    # Without the subclass axiom, nothing targets the instance.
    untyped = Graph()
    untyped.add((URIRef("urn:example:c1"), RDF.type, URIRef("urn:example:Collective")))
    assert validate_record(untyped, model, name="alone").results == ()
