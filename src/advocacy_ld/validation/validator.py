"""Validate one record with pySHACL: its graph, the vocabularies and the linked entities' types.

Never the whole store (DESIGN.md §5): a record is checked against what it says and the types
of what it points to. Only the record's own nodes are focus nodes: the vocabularies and the
linked entities are context, validated by their own records. The shapes, the vocabularies and
the ontology are prepared once per process (`RecordValidator`), which keeps a validation in
the milliseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pyshacl.monkey
import pyshacl.shape
import pyshacl.validator
from pyshacl import Validator
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.graph_abstraction import DataGraph
from rdflib import BNode, Graph, Variable
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.term import Identifier, Node

from advocacy_ld.model.loader import Model
from advocacy_ld.validation.report import (
    Severity,
    ValidationReport,
    ValidationResult,
    path_text,
    term_text,
)

Triple = tuple[Node, Node, Node]


class _ParameterList(list[Node]):
    """pySHACL's list of constraint parameters, answering `in` from a set."""

    def __init__(self, items: Iterable[Node]) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _index_constraint_parameters() -> None:
    """Give pySHACL its table of constraint parameters as a list with set lookup.

    For every shape it evaluates (hundreds per statement: each sh:node and qualified value
    shape on each value node is one), pySHACL tests each predicate of the shape with `in`
    against a list of some 40 parameters, which it keeps in `pyshacl.shape.CONSTRAINT_PARAMS`
    once built: a fifth of a statement's validation. The same list, same order, with a set
    behind `in`; left alone if that table is not what this expects.
    """
    held = getattr(pyshacl.shape, "CONSTRAINT_PARAMS", None)
    if held is not None and isinstance(held[0], _ParameterList):
        return
    table = (list(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
    if held is None or (list(held[0]), held[1]) == table:
        setattr(pyshacl.shape, "CONSTRAINT_PARAMS", (_ParameterList(table[0]), table[1]))  # noqa: B010


_PYSHACL_SETUP: tuple[Callable[[], object], ...] = (
    pyshacl.monkey.apply_patches,
    pyshacl.validator.assign_baked_in,
    _index_constraint_parameters,
)
"""What `pyshacl.validate` runs before each validation (rdflib patches, bundled graphs), and
the constraint table (`_index_constraint_parameters`)."""


class _ContextGraph(Graph):
    """The validation context: a graph whose SPARQL queries are prepared once.

    pySHACL hands each SPARQL constraint to `Graph.query` as text, with `$this` bound, once per
    focus node: the same few texts for every record, and parsing one takes longer than running
    it. Each is prepared once, as `Graph.query` would (the graph's prefixes as `initNs`), with
    its triple patterns in an order that starts from the bound variables (`_join_order`).
    """

    def __init__(self) -> None:
        super().__init__()
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
    """`part` of a prepared query with every basic graph pattern made a chain of lazy joins of
    its triple patterns, each joining on what is already bound (`_ordered_patterns`).

    rdflib evaluates a BGP's patterns in the order of how many of their terms are bound when
    it starts: `$this` counts, but `?quote a oa:TextQuoteSelector` ties with
    `?target oa:hasSource $this`, and a source text's anchors are then tried against every
    pair of selectors (4,700 steps for 16 anchors instead of 200). A lazy join binds each
    pattern's variables before the next is matched, in the order given. Same solutions: a
    BGP's solutions are the join of its patterns' solutions.
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

    def single(pattern: Triple) -> CompValue:
        return CompValue(
            "BGP", triples=[pattern], _vars={t for t in pattern if isinstance(t, Variable)}
        )

    chain = single(patterns[0])
    for pattern in patterns[1:]:
        step = single(pattern)
        chain = CompValue(
            "Join", p1=chain, p2=step, lazy=True, _vars=chain["_vars"] | step["_vars"]
        )
    return chain


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
    """pySHACL set up once for many records: the shapes harvested once, the vocabularies and
    the ontology merged into one context graph once.

    Each validation adds the record (and its linked types) to the context, validates the
    record's own nodes, and takes them out again; a lock keeps two threads from sharing the
    context at once (a validation is CPU-bound, so it costs them nothing).
    """

    def __init__(self, model: Model) -> None:
        for setup in _PYSHACL_SETUP:
            setup()
        self._lock = threading.Lock()
        # SKOS concepts must be in the data graph (DESIGN.md §5); the ontology is mixed in as
        # pySHACL mixes an `ont_graph`, so that sh:targetClass and sh:class see subclasses.
        self._context = _ContextGraph()
        for triple in model.vocabularies:
            self._context.add(triple)
        self._data = DataGraph.from_rdflib(self._context)
        validator = Validator(
            self._data,
            shacl_graph=model.shapes,
            ont_graph=model.ontology,
            options={"inference": "none", "inplace": True, "allow_warnings": True},
        )
        self._validator: Any = cast(Any, validator)  # much of pySHACL's API is untyped
        self._validator.mix_in_ontology()
        self._targeted = [
            t for t in map(_ShapeTargets.of, self._validator.shacl_graph.shapes) if t.any()
        ]
        self._subclasses = self._subclass_closures()

    def validate(
        self, record: Graph, linked_types: Iterable[Triple] = (), name: str = ""
    ) -> ValidationReport:
        """Validate `record`; `linked_types` are `rdf:type` triples of the entities it links to."""
        own = set(record.subjects())
        with self._lock:
            added = self._add(record, linked_types)
            try:
                subclasses = self._subclasses
                if any(p == RDFS.subClassOf for _, p, _ in added):
                    subclasses = self._subclass_closures()  # the record adds to the hierarchy
                results_graph = self._validate_nodes(own, subclasses)
            finally:
                for triple in added:
                    self._context.remove(triple)
        # Top-level results are about the focus nodes given, all of them the record's own.
        own_text = {term_text(s) for s in own}
        results = [r for r in _results(results_graph) if r.focus_node in own_text]
        return ValidationReport(record=name, results=tuple(results))

    def _add(self, record: Graph, linked_types: Iterable[Triple]) -> list[Triple]:
        """Add what the context lacks; returns exactly that, so removing it restores the
        context (a record may repeat a vocabulary triple, which must stay)."""
        added: list[Triple] = []
        for source in (record, linked_types):
            for triple in source:
                if triple not in self._context:
                    self._context.add(triple)
                    added.append(triple)
        return added

    def _subclass_closures(self) -> dict[Node, frozenset[Node]]:
        """Each target class with its subclasses in the context, as pySHACL finds them."""
        classes = {c for t in self._targeted for c in t.classes}
        return {
            c: frozenset(
                s for s in self._context.transitive_subjects(RDFS.subClassOf, c) if s is not None
            )
            for c in classes
        }

    def _validate_nodes(self, own: set[Node], subclasses: dict[Node, frozenset[Node]]) -> Graph:
        """Run every shape on its targets among `own`, as pySHACL's `Validator.run` runs it on
        all of its targets; returns pySHACL's report graph."""
        executor = self._validator.make_executor()
        reports: list[Any] = []
        conforms = True
        for targets in self._targeted:
            focus = [node for node in own if targets.aims_at(node, self._context, subclasses)]
            if not focus:
                continue
            shape_conforms, shape_reports = targets.shape.validate(
                executor, self._data, focus=focus
            )
            conforms = conforms and shape_conforms
            reports.extend(shape_reports)
        report_graph, _text = Validator.create_validation_report(
            self._validator.shacl_graph, conforms, reports
        )
        assert isinstance(report_graph, Graph)
        return report_graph


@dataclass(frozen=True)
class _ShapeTargets:
    """A shape's target declarations (SHACL §2.1.3), read once from the shapes graph.

    pySHACL reads them again for every shape at every validation, then collects every target
    in the data graph (all the vocabulary's concepts, say); only the record's nodes are asked
    about here.
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

    def aims_at(self, node: Node, data: Graph, subclasses: dict[Node, frozenset[Node]]) -> bool:
        """Whether `node` is a focus node of the shape in `data`, as `Shape.focus_nodes` has
        it: named, an instance of a target class or of its subclasses, or a subject or an
        object of a target predicate."""
        if node in self.nodes:
            return True
        if self.classes:
            types = set(data.objects(node, RDF.type))
            if any(types & subclasses[c] for c in self.classes):
                return True
        if any((node, p, None) in data for p in self.subjects_of):
            return True
        return any((None, p, node) in data for p in self.objects_of)


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
