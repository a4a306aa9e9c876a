"""A typed SHACL validation report, readable as text, JSON or Turtle (`sh:ValidationReport`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from advocacy_ld.model.namespaces import bind_prefixes


class Severity(Enum):
    """SHACL severities; only a Violation blocks publication (DESIGN.md §5)."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def iri(self) -> URIRef:
        return SH[self.value]

    @classmethod
    def from_iri(cls, iri: Node | None) -> Severity:
        for severity in cls:
            if severity.iri == iri:
                return severity
        raise ValueError(f"unknown SHACL severity {iri}")


@dataclass(frozen=True)
class ValidationResult:
    """One `sh:ValidationResult`, with terms as strings (N-Triples form for literals)."""

    severity: Severity
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str | None
    constraint: str | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one record against the shapes."""

    record: str
    results: tuple[ValidationResult, ...] = field(default_factory=tuple)

    @property
    def conforms(self) -> bool:
        """True when no result is a Violation (warnings and infos do not block)."""
        return self.violation_count == 0

    @property
    def violation_count(self) -> int:
        return self.count(Severity.VIOLATION)

    def count(self, severity: Severity) -> int:
        return sum(1 for r in self.results if r.severity is severity)

    def to_text(self) -> str:
        """One line a result, the way a contributor reads it."""
        counts = ", ".join(f"{self.count(s)} {s.value.lower()}(s)" for s in Severity)
        head = f"{self.record}: {'conforms' if self.conforms else 'does not conform'} ({counts})"
        lines = [head]
        for r in self.results:
            path = f" {r.path}" if r.path else ""
            value = f" = {r.value}" if r.value else ""
            lines.append(f"  {r.severity.value}: <{r.focus_node}>{path}{value}: {r.message}")
            if r.source_shape or r.constraint:
                lines.append(f"    shape {r.source_shape}, constraint {r.constraint}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "record": self.record,
            "conforms": self.conforms,
            "violations": self.violation_count,
            "warnings": self.count(Severity.WARNING),
            "infos": self.count(Severity.INFO),
            "results": [r.to_json() for r in self.results],
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    def to_graph(self) -> Graph:
        """The report as an `sh:ValidationReport` graph (SHACL §3.6)."""
        graph = bind_prefixes(Graph())
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for r in self.results:
            node = BNode()
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.resultSeverity, r.severity.iri))
            graph.add((node, SH.focusNode, _term(r.focus_node)))
            graph.add((node, SH.resultMessage, Literal(r.message)))
            if r.path:
                graph.add((node, SH.resultPath, _path(graph, r.path)))
            if r.value:
                graph.add((node, SH.value, _term(r.value)))
            if r.source_shape:
                graph.add((node, SH.sourceShape, _term(r.source_shape)))
            if r.constraint:
                graph.add((node, SH.sourceConstraintComponent, URIRef(r.constraint)))
        return graph

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")


def _path(graph: Graph, text: str) -> Node:
    """Rebuild a result path: an IRI, or `^iri` for an inverse path (SHACL §2.3.1.4)."""
    if text.startswith("^"):
        inverse = BNode()
        graph.add((inverse, SH.inversePath, URIRef(text[1:])))
        return inverse
    return URIRef(text)


def path_text(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path as text (SHACL §2.3.1): `iri`, `^iri`, `(a / b)`, `(a | b)`, `a*`."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    if (path, RDF.first, None) in graph:
        return (
            "(" + " / ".join(path_text(graph, step) or "" for step in Collection(graph, path)) + ")"
        )
    for predicate, render in _PATH_FORMS.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            if predicate == SH.alternativePath:
                steps = [path_text(graph, step) or "" for step in Collection(graph, inner)]
                return "(" + " | ".join(steps) + ")"
            return render.format(path_text(graph, inner))
    return path.n3()


_PATH_FORMS = {
    SH.inversePath: "^{}",
    SH.alternativePath: "",
    SH.zeroOrMorePath: "{}*",
    SH.oneOrMorePath: "{}+",
    SH.zeroOrOnePath: "{}?",
}


def _term(text: str) -> Node:
    """Undo `term_text`: IRIs are bare, blank nodes `_:x`, literals their lexical form."""
    if text.startswith("_:"):
        return BNode(text[2:])
    if "://" in text and " " not in text:
        return URIRef(text)
    return Literal(text)


def term_text(term: Node | None) -> str | None:
    """A term as the string the report carries."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)
