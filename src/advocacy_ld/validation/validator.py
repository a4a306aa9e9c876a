"""Validate one record with pySHACL: its graph, the vocabularies and the linked entities' types.

Never the whole store (DESIGN.md §5): a record is checked against what it says and the types
of what it points to. Only the record's own nodes are focus nodes: the vocabularies and the
linked entities are context, validated by their own records. The shapes, the vocabularies and
the ontology are prepared once per process (`RecordValidator`), which keeps a validation in
the milliseconds.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pyshacl.monkey
import pyshacl.validator
from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from pyshacl.rdfutil.stringify import stringify_blank_node
from rdflib import BNode, Graph, Variable
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.term import Identifier, Node

from advocacy_ld.model.loader import Model
from advocacy_ld.validation.indexed import IndexedGraph, TripleIndex, frozen
from advocacy_ld.validation.prepared import prepare
from advocacy_ld.validation.report import (
    Severity,
    ValidationReport,
    ValidationResult,
    path_text,
    term_text,
)

Triple = tuple[Node, Node, Node]


_PYSHACL_SETUP: tuple[Callable[[], object], ...] = (
    pyshacl.monkey.apply_patches,
    pyshacl.validator.assign_baked_in,
)
"""What `pyshacl.validate` runs before each validation: rdflib patches, bundled graphs."""


class _ContextGraph(IndexedGraph):
    """The validation context: an indexed graph, the record laid over it, whose SPARQL queries
    are prepared once.

    pySHACL hands each SPARQL constraint to `Graph.query` as text, with `$this` bound, once per
    focus node: the same few texts for every record, and parsing one takes longer than running
    it. Each is prepared once, as `Graph.query` would (the graph's prefixes as `initNs`), with
    its triple patterns in an order that starts from the bound variables (`_join_order`).
    """

    def __init__(self, built: Graph) -> None:
        super().__init__(TripleIndex(built), built.namespace_manager)
        self._prepared: dict[tuple[str, frozenset[str]], Query] = {}

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str):
            key = (query_object, frozenset(initBindings or ()))
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = prepareQuery(query_object, initNs or dict(self.namespaces()))
                _join_order(prepared.algebra, frozenset(Variable(v) for v in key[1]))
                self._prepared[key] = prepared
            query_object = prepared
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _join_order(part: object, bound: frozenset[Variable]) -> object:
    """`part` of a prepared query with every basic graph pattern matched in an order that
    joins on what is already bound (`_ordered_patterns`), as a chain of lazy joins of BGPs.

    rdflib evaluates a BGP's patterns in the order of how many of their terms are bound when
    it starts: `$this` counts, but `?quote a oa:TextQuoteSelector` ties with
    `?target oa:hasSource $this`, and a source text's anchors are then tried against every
    pair of selectors (4,700 steps for 16 anchors instead of 200). A lazy join binds the
    variables of its first part before its second is matched; each part is a run of patterns
    that rdflib keeps in the order given (`_kept_runs`). Same solutions: a BGP's solutions
    are the join of its patterns' solutions.
    """
    if isinstance(part, CompValue):
        if part.name == "BGP":
            return _pattern_chain(part, bound)
        for key, value in list(part.items()):
            part[key] = _join_order(value, bound)
    elif isinstance(part, list):
        return [_join_order(item, bound) for item in part]
    return part


def _pattern_chain(bgp: CompValue, bound: frozenset[Variable]) -> CompValue:
    patterns = _ordered_patterns(bgp["triples"], bound)
    if len(patterns) < 2 or any(isinstance(t, BNode) for p in patterns for t in p):
        bgp["triples"] = patterns  # a blank node's scope is its BGP: keep it whole
        return bgp
    chain: CompValue | None = None
    for run in _kept_runs(patterns, bound):
        step = CompValue("BGP", triples=run, _vars=_variables(run))
        chain = step if chain is None else _lazy_join(chain, step)
    assert chain is not None
    return chain


def _lazy_join(first: CompValue, then: CompValue) -> CompValue:
    return CompValue("Join", p1=first, p2=then, lazy=True, _vars=first["_vars"] | then["_vars"])


def _variables(patterns: list[Triple]) -> set[Variable]:
    return {t for p in patterns for t in p if isinstance(t, Variable)}


def _kept_runs(patterns: list[Triple], bound: frozenset[Variable]) -> list[list[Triple]]:
    """`patterns` cut into runs that rdflib matches in the order given.

    When it starts a BGP, rdflib sorts its patterns by how many of their variables are not
    bound yet, keeping the order of ties (`evalPart`): a run keeps its order as long as that
    count never decreases along it. Each run is one BGP, matched in one recursion, which
    costs far less per solution than a join per pattern.
    """
    runs: list[list[Triple]] = []
    known: set[Variable] = set(bound)

    def unbound(pattern: Triple) -> int:
        return sum(1 for t in pattern if isinstance(t, Variable) and t not in known)

    for pattern in patterns:
        if runs and unbound(pattern) >= unbound(runs[-1][-1]):
            runs[-1].append(pattern)
        else:
            if runs:
                known |= _variables(runs[-1])
            runs.append([pattern])
    return runs


def _ordered_patterns(patterns: list[Triple], bound: frozenset[Variable]) -> list[Triple]:
    """Greedily: next the pattern that shares a bound variable (or has none unbound), then
    one whose subject is bound, then the one with the most bound terms; ties keep rdflib's
    order."""
    known: set[Node] = set(bound)
    remaining = list(patterns)
    ordered = []

    def is_known(term: Node) -> bool:
        return not isinstance(term, Variable | BNode) or term in known

    def score(pattern: Triple) -> tuple[bool, bool, int]:
        joins = any(isinstance(t, Variable | BNode) and t in known for t in pattern)
        return (
            joins or all(map(is_known, pattern)),
            is_known(pattern[0]),
            sum(map(is_known, pattern)),
        )

    while remaining:
        best = max(remaining, key=score)
        remaining.remove(best)
        ordered.append(best)
        known.update(t for t in best if isinstance(t, Variable | BNode))
    return ordered


class RecordValidator:
    """pySHACL set up once for many records: the shapes harvested once and their constraint
    components built once (`prepare`), the vocabularies and the ontology merged into one
    context graph once, both graphs indexed for reading (`IndexedGraph`).

    Each validation lays the record (and its linked types) over the context, validates the
    record's own nodes, and lifts it off again; a lock keeps two threads from sharing the
    context at once (a validation is CPU-bound, so it costs them nothing).
    """

    def __init__(self, model: Model) -> None:
        for setup in _PYSHACL_SETUP:
            setup()
        self._lock = threading.Lock()
        # SKOS concepts must be in the data graph (DESIGN.md §5); the ontology is mixed in as
        # pySHACL mixes an `ont_graph`, so that sh:targetClass and sh:class see subclasses.
        built = Graph()
        for triple in model.vocabularies:
            built.add(triple)
        validator = Validator(
            DataGraph.from_rdflib(built),
            shacl_graph=model.shapes,
            ont_graph=model.ontology,
            options={"inference": "none", "inplace": True, "allow_warnings": True},
        )
        self._validator: Any = cast(Any, validator)  # much of pySHACL's API is untyped
        self._validator.mix_in_ontology()
        # From here on neither graph changes: both are read through dictionary indexes.
        self._context = _ContextGraph(built)
        self._data = DataGraph.from_rdflib(self._context)
        shapes_graph = self._validator.shacl_graph
        shapes_graph.graph = frozen(shapes_graph.graph)
        prepare(shapes_graph)
        self._targeted = [t for t in map(_ShapeTargets.of, shapes_graph.shapes) if t.any()]
        self._targeting = _Targeting(self._targeted, self._context)

    def validate(
        self, record: Graph, linked_types: Iterable[Triple] = (), name: str = ""
    ) -> ValidationReport:
        """Validate `record`; `linked_types` are `rdf:type` triples of the entities it links to."""
        triples = list(record)  # read once: a record graph's store is slow to read
        own = {s for s, _, _ in triples}
        with self._lock:
            # Laid over the context, not added to it: a record that repeats a vocabulary
            # triple cannot take it away.
            added = self._context.overlay(itertools.chain(triples, linked_types))
            try:
                targeting = self._targeting
                if any(True for _ in added.match(None, RDFS.subClassOf, None)):
                    # The record adds to the class hierarchy, which decides what is targeted.
                    targeting = _Targeting(self._targeted, self._context)
                results = self._validate_nodes(targeting.focus(own, self._context))
            finally:
                self._context.clear_overlay()
                _forget_blank_node_texts(self._context)
        # Top-level results are about the focus nodes given, all of them the record's own.
        own_text = {term_text(s) for s in own}
        results = [r for r in results if r.focus_node in own_text]
        return ValidationReport(record=name, results=tuple(results))

    def _validate_nodes(self, focus: list[tuple[Any, list[Node]]]) -> list[ValidationResult]:
        """Run each shape on its focus nodes, as pySHACL's `Validator.run` runs it on all of
        its targets; returns the results of pySHACL's report."""
        executor = self._validator.make_executor()
        reports: list[Any] = []
        conforms = True
        for shape, nodes in focus:
            shape_conforms, shape_reports = shape.validate(executor, self._data, focus=nodes)
            conforms = conforms and shape_conforms
            reports.extend(shape_reports)
        if conforms and not reports:
            return []  # an empty report: no need to build its graph
        report_graph, _text = Validator.create_validation_report(
            self._validator.shacl_graph, conforms, reports
        )
        assert isinstance(report_graph, Graph)
        return _results(report_graph)


def _forget_blank_node_texts(graph: Graph) -> None:
    """Drop what pySHACL remembers of the blank nodes of `graph` it wrote out.

    It keeps the text of each blank node it writes out (into a result message of a shape
    with no sh:message) by graph and label, for good: the records' would pile up over a
    load, and a record's blank node would be written out as an earlier one of the same label.
    """
    cache: dict[tuple[int, str], str] = getattr(stringify_blank_node, "dict_cache", {})
    for key in [k for k in list(cache) if k[0] == id(graph)]:
        cache.pop(key, None)


@dataclass(frozen=True)
class _ShapeTargets:
    """A shape's target declarations (SHACL §2.1.3), read once from the shapes graph.

    pySHACL reads them again for every shape at every validation, then collects every target
    in the data graph (all the vocabulary's concepts, say); only the record's nodes are asked
    about here (`_Targeting`).
    """

    shape: Any
    nodes: frozenset[Node]
    classes: tuple[Node, ...]
    """sh:targetClass, and the shape itself when it is a class (implicit class target)."""
    subjects_of: tuple[Node, ...]
    objects_of: tuple[Node, ...]

    @classmethod
    def of(cls, shape: Any) -> _ShapeTargets:
        nodes, classes, implicit, objects_of, subjects_of = shape.target()
        return cls(
            shape,
            frozenset(nodes),
            (*classes, *implicit),
            tuple(subjects_of),
            tuple(objects_of),
        )

    def any(self) -> bool:
        return bool(self.nodes or self.classes or self.subjects_of or self.objects_of)


class _Targeting:
    """Which shapes aim at a node, as `Shape.focus_nodes` has it: the node is named, is an
    instance of a target class or of one of its subclasses, or is a subject or an object of
    a target predicate.

    Indexed by what decides it, so that a record's node is looked up once, not once per
    shape; the subclasses are those of `data` when built (the ontology's, and the record's if
    it declares some).
    """

    def __init__(self, targets: list[_ShapeTargets], data: Graph) -> None:
        self._targets = targets
        self._by_node: dict[Node, set[int]] = {}
        self._by_class: dict[Node, set[int]] = {}
        self._by_subject_of: dict[Node, set[int]] = {}
        self._by_object_of: dict[Node, set[int]] = {}
        for i, target in enumerate(targets):
            for node in target.nodes:
                self._by_node.setdefault(node, set()).add(i)
            for declared in target.classes:
                for c in data.transitive_subjects(RDFS.subClassOf, declared):
                    if c is not None:
                        self._by_class.setdefault(c, set()).add(i)
            for p in target.subjects_of:
                self._by_subject_of.setdefault(p, set()).add(i)
            for p in target.objects_of:
                self._by_object_of.setdefault(p, set()).add(i)

    def focus(self, own: Iterable[Node], data: Graph) -> list[tuple[Any, list[Node]]]:
        """Each shape aiming at some of `own` in `data`, with those nodes, in shape order."""
        aimed: list[list[Node]] = [[] for _ in self._targets]
        for node in own:
            for i in self._aiming_at(node, data):
                aimed[i].append(node)
        return [(t.shape, nodes) for t, nodes in zip(self._targets, aimed, strict=True) if nodes]

    def _aiming_at(self, node: Node, data: Graph) -> set[int]:
        found = set(self._by_node.get(node, ()))
        for c in data.objects(node, RDF.type):
            found |= self._by_class.get(c, set())
        for p, shapes in self._by_subject_of.items():
            if (node, p, None) in data:
                found |= shapes
        for p, shapes in self._by_object_of.items():
            if (None, p, node) in data:
                found |= shapes
        return found


_validators: dict[int, tuple[Model, RecordValidator]] = {}
_validators_lock = threading.Lock()


def record_validator(model: Model) -> RecordValidator:
    """The process's validator for `model`, built on first use (nothing at import time)."""
    with _validators_lock:
        held = _validators.get(id(model))
        if held is None or held[0] is not model:
            held = (model, RecordValidator(model))
            _validators[id(model)] = held
        return held[1]


def validate_record(
    record: Graph, model: Model, linked_types: Iterable[Triple] | None = None, name: str = ""
) -> ValidationReport:
    """Validate `record`; `linked_types` holds `rdf:type` triples of the entities it links to."""
    return record_validator(model).validate(record, linked_types or (), name)


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
    # A total order: results that tie on what a reader sees first still come in one order.
    collected.sort(
        key=lambda r: (
            order[r.severity], r.focus_node, r.path or "", r.message,
            r.value or "", r.source_shape or "", r.constraint or "",
        )
    )  # fmt: skip
    return collected
