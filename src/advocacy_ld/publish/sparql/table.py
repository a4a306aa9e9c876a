"""An answer as a table for the HTML page: read back from SPARQL JSON or N-Triples.

The evaluator writes the same bytes a program would get; the page parses them here, so the
table shows exactly the answer (and the same row cap) a client would see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Cell:
    """One term, ready to show: `text` (IRIs shortened by prefix), a link, a language."""

    kind: str  # "iri", "literal", "bnode", "triple" or "" (unbound)
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    boolean: bool | None = None


class TermLabels:
    """Shortens IRIs with the project's prefixes; `<http://…>` stays whole otherwise."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # Longest namespace first, so `advc:` wins over a shorter one it starts with.
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def iri(self, iri: str) -> Cell:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return Cell("iri", f"{prefix}:{iri[len(namespace) :]}", href=_link(iri))
        return Cell("iri", iri, href=_link(iri))

    def from_json(self, term: dict[str, Any] | None) -> Cell:
        """A term of SPARQL 1.1 Query Results JSON §3.2.2."""
        if term is None:
            return Cell("", "")
        kind = term["type"]
        if kind == "uri":
            return self.iri(term["value"])
        if kind == "bnode":
            return Cell("bnode", f"_:{term['value']}")
        if kind in ("literal", "typed-literal"):
            datatype = term.get("datatype")
            return Cell(
                "literal",
                term["value"],
                lang=term.get("xml:lang"),
                datatype=self.iri(datatype).text if datatype else None,
            )
        return Cell("triple", json.dumps(term["value"], ensure_ascii=False))

    def from_term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Cell:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return Cell("bnode", f"_:{term.value}")
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            shown = None if term.language or datatype == _XSD_STRING else self.iri(datatype).text
            return Cell("literal", term.value, lang=term.language, datatype=shown)
        return Cell("triple", str(term))


def solutions_table(body: bytes, labels: TermLabels) -> Table:
    """SELECT or ASK results in SPARQL JSON as a table."""
    document = json.loads(body)
    if "boolean" in document:
        return Table(columns=(), rows=(), boolean=bool(document["boolean"]))
    columns = tuple(document["head"]["vars"])
    rows = tuple(
        tuple(labels.from_json(binding.get(name)) for name in columns)
        for binding in document["results"]["bindings"]
    )
    return Table(columns, rows)


def triples_table(body: bytes, labels: TermLabels) -> Table:
    """CONSTRUCT or DESCRIBE results in N-Triples as a subject/predicate/object table."""
    triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    rows = tuple(
        (labels.from_term(t.subject), labels.from_term(t.predicate), labels.from_term(t.object))
        for t in triples
    )
    return Table(("subject", "predicate", "object"), rows)


def _link(iri: str) -> str | None:
    """Only web IRIs become links (never `javascript:` or `data:` from the data)."""
    return iri if iri.startswith(("http://", "https://")) else None
