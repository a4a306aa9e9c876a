"""The scoped validator reports what validating the whole data graph with pySHACL reported.

`RecordValidator` prepares the shapes and the context (vocabularies, ontology) once and only
validates the record's own nodes. The reference here is the plain way: one `pyshacl.validate`
over record + vocabularies + linked types with the ontology as `ont_graph`, every target
validated, results about other nodes dropped. Both must give the same results, for every shape
case, every example record (with the linked types a load of all examples resolves), and
statements generated as the benchmark makes them, whole and broken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyshacl import validate
from pyshacl.rdfutil.stringify import stringify_blank_node
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SH, SKOS, XSD

from advocacy_ld.model import Model
from advocacy_ld.model.namespaces import ADV, OA, ORG, SCHEMA
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.loading import LinkedTypes
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax, parse_file
from advocacy_ld.records.reading import RecordCandidate, read_record, read_record_file
from advocacy_ld.validation import ValidationReport, validate_record
from advocacy_ld.validation.report import term_text
from advocacy_ld.validation.validator import RecordValidator, Triple, _results
from bench.generator import GeneratedRecord, StatementSize, build_authorities, build_statement

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


SEED = 42
SAMPLE = 20
"""Statements generated (bench/generator.py) of each size."""


def test_a_blank_node_of_the_record_is_written_out_then_forgotten(model: Model) -> None:
    """pySHACL writes out a focus node that is a blank node into the message of a shape
    without sh:message (here a branch of PersonShape's sh:or): it finds the node among the
    record's, and what it remembers of it goes with the record."""
    validator = RecordValidator(model)
    remembered: dict[tuple[int, str], str] = getattr(stringify_blank_node, "dict_cache", {})
    for name in ("Someone", "Someone else"):
        record = Graph()
        person = BNode("person")  # the same label in both records
        record.add((person, RDF.type, FOAF.Person))
        record.add((person, SCHEMA.name, Literal(name, lang="en")))
        before = set(remembered)
        scoped = validator.validate(record, name=name)
        assert set(remembered) <= before
        assert scoped == reference_report(record, model, [], name)
        assert not scoped.conforms


@dataclass(frozen=True)
class Generated:
    """Generated statements of one size, with the types of what they link to."""

    statements: list[RecordCandidate]
    linked: LinkedTypes


@pytest.fixture(scope="module")
def generated(
    parse_options: ParseOptions, identifier: RecordIdentifier
) -> dict[StatementSize, Generated]:
    """The benchmark's statements (bench/generator.py), `SAMPLE` of each size, read as a load
    reads them, their linked types gathered from the authority records they point to."""
    authorities = build_authorities(SEED)

    def read(record: GeneratedRecord) -> RecordCandidate:
        data = record.turtle.encode("utf-8")
        return read_record(data, RDFSyntax.TURTLE, record.path, parse_options, identifier)

    batch = [read(r) for r in authorities.records]
    by_size = {}
    for size in StatementSize:
        statements = [read(build_statement(i, authorities, SEED, size)) for i in range(SAMPLE)]
        by_size[size] = Generated(statements, LinkedTypes.gather([*batch, *statements], None))
    return by_size


@pytest.mark.parametrize("size", list(StatementSize), ids=lambda s: s.name.lower())
def test_generated_statements_get_the_results_of_a_whole_validation(
    size: StatementSize, model: Model, generated: dict[StatementSize, Generated]
) -> None:
    """The records a load validates most: statements as the benchmark makes them."""
    sample = generated[size]
    for candidate in sample.statements:
        types = sample.linked.of(candidate.graph)
        scoped = validate_record(candidate.graph, model, types, name=candidate.id.iri)
        assert scoped == reference_report(candidate.graph, model, types, candidate.id.iri)
        assert scoped.conforms, candidate.id.iri


Breakage = Callable[[Graph, list[Triple], URIRef], None]
"""Breaks a copy of a statement's graph and its linked types (the statement's root given)."""


def _drop_an_anchor(graph: Graph, _types: list[Triple], _root: URIRef) -> None:
    anchor = min(graph.subjects(RDF.type, OA.Annotation), key=str)
    graph.remove((anchor, None, None))


def _corrupt_the_sha256(graph: Graph, _types: list[Triple], _root: URIRef) -> None:
    text, digest = next(iter(graph.subject_objects(ADV.sha256)))
    graph.set((text, ADV.sha256, Literal(str(digest)[::-1])))


def _shift_an_anchor(graph: Graph, _types: list[Triple], _root: URIRef) -> None:
    position = min(graph.subjects(RDF.type, OA.TextPositionSelector), key=str)
    start = graph.value(position, OA.start)
    assert isinstance(start, Literal)
    graph.set((position, OA.start, Literal(start.toPython() + 1, datatype=XSD.integer)))


def _type_the_publisher_a_place(graph: Graph, types: list[Triple], root: URIRef) -> None:
    publisher = graph.value(root, SCHEMA.publisher)
    types[:] = [t for t in types if t[0] != publisher]
    types.append((publisher, RDF.type, SCHEMA.Place))


BREAKAGES: dict[str, tuple[Breakage, URIRef]] = {
    "no-anchor": (_drop_an_anchor, SH.MinCountConstraintComponent),
    "wrong-sha256": (_corrupt_the_sha256, SH.SPARQLConstraintComponent),
    "shifted-anchor": (_shift_an_anchor, SH.SPARQLConstraintComponent),
    "publisher-a-place": (_type_the_publisher_a_place, SH.ClassConstraintComponent),
}
"""Each breakage, with the constraint component it trips."""


@pytest.mark.parametrize("size", list(StatementSize), ids=lambda s: s.name.lower())
@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_statement_gets_the_results_of_a_whole_validation(
    breakage: str, size: StatementSize, model: Model, generated: dict[StatementSize, Generated]
) -> None:
    """Violations found by each kind of constraint (sh:minCount on an inverse path, the two
    SPARQL constraints, sh:class on a linked entity) are reported alike, and only they."""
    candidate = generated[size].statements[0]
    graph = Graph()
    for triple in candidate.graph:
        graph.add(triple)
    types = generated[size].linked.of(candidate.graph)
    breaks, tripped = BREAKAGES[breakage]
    breaks(graph, types, URIRef(candidate.id.iri))
    scoped = validate_record(graph, model, types, name=breakage)
    assert scoped == reference_report(graph, model, types, breakage)
    assert not scoped.conforms
    assert {r.constraint for r in scoped.results} == {str(tripped)}
