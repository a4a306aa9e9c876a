"""Shape cases as data (shapes/tests/): each file says what validating it must report.

Valid cases name the node shapes they satisfy; invalid cases name the one constraint they trip
(shape, path, constraint component, severity). See shapes/README.md for the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from advocacy_ld.model import Model
from advocacy_ld.model.namespaces import ADVT
from advocacy_ld.model.resources import shapes_dir
from advocacy_ld.records.parsing import ParseOptions, parse_file
from advocacy_ld.validation import Severity, ValidationReport, ValidationResult, validate_record
from advocacy_ld.validation.report import path_text

CASES = shapes_dir() / "tests"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))


@dataclass(frozen=True)
class Expectation:
    shape: str
    path: str | None
    component: str | None
    severity: Severity


def split_case(graph: Graph) -> tuple[Graph, list[URIRef], list[Expectation]]:
    """Separate the expectations (advt:) from the data under test."""
    validates: list[URIRef] = []
    expected: list[Expectation] = []
    nodes = set(graph.subjects(RDF.type, ADVT.Expectation))
    for node in nodes:
        validates += [s for s in graph.objects(node, ADVT.validates) if isinstance(s, URIRef)]
        shape = graph.value(node, ADVT.shape)
        if shape is not None:
            component = graph.value(node, ADVT.component)
            expected.append(
                Expectation(
                    shape=str(shape),
                    path=path_text(graph, graph.value(node, ADVT.path)),
                    component=str(component) if component is not None else None,
                    severity=Severity.from_iri(
                        graph.value(node, ADVT.severity, default=SH.Violation)
                    ),
                )
            )
    data = Graph()
    expectation_parts = _reachable(graph, nodes)
    for triple in graph:
        if triple[0] not in expectation_parts:
            data.add(triple)
    return data, validates, expected


def _reachable(graph: Graph, roots: set[Node]) -> set[Node]:
    """The expectation nodes and the blank nodes (paths, lists) they hold."""
    found: set[Node] = set()
    pending = list(roots)
    while pending:
        node = pending.pop()
        if node in found:
            continue
        found.add(node)
        pending.extend(o for o in graph.objects(node, None) if isinstance(o, BNode))
    return found


def shape_family(model: Model, shape: str) -> set[str]:
    """A node shape and the property shapes it holds: results may name either."""
    return {shape} | {str(p) for p in model.shapes.objects(URIRef(shape), SH.property)}


def node_shapes(model: Model) -> set[str]:
    """Shapes with targets; helper shapes reached only through sh:node report as their users."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    return {
        str(s) for t in targets for s in model.shapes.subjects(t, None) if isinstance(s, URIRef)
    }


def run(path: Path, model: Model, parse_options: ParseOptions) -> tuple[ValidationReport, Graph]:
    graph = parse_file(path, parse_options)
    data, _, _ = split_case(graph)
    return validate_record(data, model, name=path.name), graph


def matches(result: ValidationResult, expected: Expectation, model: Model) -> bool:
    return (
        result.source_shape in shape_family(model, expected.shape)
        and result.path == expected.path
        and (expected.component is None or result.constraint == expected.component)
        and result.severity is expected.severity
    )


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_case(path: Path, model: Model, parse_options: ParseOptions) -> None:
    report, graph = run(path, model, parse_options)
    _, validates, _ = split_case(graph)
    assert validates, f"{path.name} names no shape it validates"
    violations = [r for r in report.results if r.severity is Severity.VIOLATION]
    assert violations == [], report.to_text()
    for shape in validates:
        family = shape_family(model, str(shape))
        assert [r for r in report.results if r.source_shape in family] == [], report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case(path: Path, model: Model, parse_options: ParseOptions) -> None:
    report, graph = run(path, model, parse_options)
    _, _, expected = split_case(graph)
    assert len(expected) == 1, f"{path.name} must expect exactly one result"
    (expectation,) = expected
    hits = [r for r in report.results if matches(r, expectation, model)]
    assert len(hits) == 1, report.to_text()
    others = [r for r in report.results if r.severity is Severity.VIOLATION and r not in hits]
    assert others == [], report.to_text()


def test_every_node_shape_has_a_valid_and_an_invalid_case(
    model: Model, parse_options: ParseOptions
) -> None:
    covered_valid: set[str] = set()
    covered_invalid: set[str] = set()
    for path in VALID:
        covered_valid |= {str(s) for s in split_case(parse_file(path, parse_options))[1]}
    for path in INVALID:
        covered_invalid |= {e.shape for e in split_case(parse_file(path, parse_options))[2]}
    shapes = node_shapes(model)
    assert shapes
    assert sorted(shapes - covered_valid) == []
    assert sorted(shapes - covered_invalid) == []


def test_the_shapes_graph_passes_shacl_shacl(model: Model) -> None:
    conforms, _, text = validate(model.shapes, meta_shacl=True, shacl_graph=model.shapes)
    assert conforms, text


CONSTRAINTS = [
    SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.pattern, SH.hasValue, SH["in"],
    SH.node, SH["or"], SH["not"], SH.languageIn, SH.nodeKind, SH.qualifiedValueShape,
    SH.minInclusive, SH.maxInclusive, SH.uniqueLang, SH.select,
]  # fmt: skip


def test_every_constraint_a_person_reads_has_a_message(model: Model) -> None:
    """Every shape that holds a constraint, and every SPARQL constraint, carries sh:message."""
    missing = []
    holders = {s for c in CONSTRAINTS for s in model.shapes.subjects(c, None)}
    property_shapes = set(model.shapes.objects(None, SH.property))
    sparql_constraints = set(model.shapes.objects(None, SH.sparql))
    for holder in holders:
        # Constraints held by property shapes and SPARQL constraints are what reports name;
        # helper node shapes report through the property shape that uses them.
        read_by_people = holder in property_shapes or holder in sparql_constraints
        if read_by_people and model.shapes.value(holder, SH.message) is None:
            missing.append(holder.n3())
    assert property_shapes
    assert sorted(missing) == []
