"""Human-readable labels for IRIs, in the reader's language when the data has it.

Labels come from the model (ontology, vocabularies), from the record being shown and from the
public records it links to, fetched in one query, so a page never shows a bare IRI it can name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS
from rdflib.term import Node

from advocacy_ld.model.namespaces import ADV, PREFIXES, SCHEMA
from advocacy_ld.publish.ui_text import DEFAULT_LANGUAGE, TERM_LABELS
from advocacy_ld.store.base import Store
from advocacy_ld.store.terms import to_rdflib

LABEL_PREDICATES = (
    SKOS.prefLabel,
    SCHEMA.name,
    FOAF.name,
    RDFS.label,
    SCHEMA.headline,
    DCTERMS.title,
)
"""Where a label is looked for, best first."""

FETCHED_PREDICATES = (*LABEL_PREDICATES, RDF.type, SCHEMA.datePublished, SKOS.altLabel)
"""What is fetched about linked resources: enough to name, type and date them."""


@dataclass(frozen=True)
class Text:
    """A string with its language, so a page can mark text not in the page's language."""

    value: str
    lang: str | None = None

    def __str__(self) -> str:
        return self.value

    def capitalized(self) -> Text:
        """For labels used as headings (ontology labels are lower case by convention)."""
        return Text(self.value[:1].upper() + self.value[1:], self.lang)


def pick_text(values: Iterable[Node], lang: str) -> Text | None:
    """The literal in `lang`, else English, else untagged, else any; None without literals."""
    literals = sorted((v for v in values if isinstance(v, Literal)), key=str)
    if not literals:
        return None
    for wanted in (lang, DEFAULT_LANGUAGE, None):
        for literal in literals:
            if literal.language == wanted:
                return Text(str(literal), literal.language)
    first = literals[0]
    return Text(str(first), first.language)


def texts_by_language(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    """Every language-tagged value of one property, one per language (for bilingual tables)."""
    found: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate), key=str):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", str(value))
    return found


def curie(iri: str) -> str:
    """`adv:Allegation` for a known namespace, else the IRI itself."""
    matches = [
        (len(str(namespace)), f"{prefix}:{iri[len(str(namespace)) :]}")
        for prefix, namespace in PREFIXES.items()
        if iri.startswith(str(namespace)) and "/" not in iri[len(str(namespace)) :]
    ]
    return max(matches)[1] if matches else iri


class Labels:
    """Look labels up in a few graphs, in order; reused terms fall back to the UI's own."""

    def __init__(self, graphs: Sequence[Graph]) -> None:
        self.graphs = graphs

    def find(self, iri: Node, lang: str) -> Text | None:
        for predicate in LABEL_PREDICATES:
            values: list[Node] = []
            for graph in self.graphs:
                values.extend(graph.objects(iri, predicate))
            found = pick_text(values, lang)
            if found is not None:
                return found
        known = TERM_LABELS.get(str(iri))
        if known is not None:
            chosen = lang if lang in known else DEFAULT_LANGUAGE
            return Text(known[chosen], chosen)
        return None

    def label(self, iri: Node, lang: str) -> Text:
        """A label for `iri`; its CURIE or IRI when nothing names it."""
        return self.find(iri, lang) or Text(curie(str(iri)))

    def values(self, subject: Node, predicate: URIRef) -> list[Node]:
        found: list[Node] = []
        for graph in self.graphs:
            found.extend(o for o in graph.objects(subject, predicate) if o not in found)
        return sorted(found, key=str)

    def types(self, subject: Node) -> list[URIRef]:
        return [t for t in self.values(subject, RDF.type) if isinstance(t, URIRef)]


def fetch_about(
    store: Store, iris: Iterable[str], predicates: Sequence[URIRef] = FETCHED_PREDICATES
) -> Graph:
    """Names, types and dates (or `predicates`) of `iris` from the public dataset, one query."""
    wanted = sorted({i for i in iris if i and ">" not in i and " " not in i})
    graph = Graph()
    if not wanted:
        return graph
    values = " ".join(f"<{i}>" for i in wanted)
    wanted_predicates = " ".join(f"<{p}>" for p in predicates)
    solutions = store.query(
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {wanted_predicates} }} "
        f"?s ?p ?o }}"
    )
    for row in solutions:  # type: ignore[union-attr]
        graph.add((to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])))
    return graph


def is_own_term(iri: str) -> bool:
    """Whether `iri` is one of the project's ontology terms."""
    return iri.startswith(str(ADV))
