"""What `/id/{kind}/{slug}` returns: a record's graph, or a node's description within its record,
plus a bounded page of the public records that point to it (DESIGN.md §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS

from advocacy_ld.model.namespaces import bind_prefixes
from advocacy_ld.records.repository import RecordState, Repository


@dataclass(frozen=True)
class Description:
    """A resource's representation source and the validators that go with it."""

    iri: str
    graph: Graph
    record: RecordState
    """The record the description comes from (the resource itself, or its container)."""
    mentioned_by: tuple[str, ...]
    page: int
    has_next_page: bool
    generation: str
    last_modified: datetime

    @property
    def is_record(self) -> bool:
        return self.record.id.iri == self.iri

    @property
    def validator(self) -> str:
        """Changes whenever any byte of any representation could change."""
        return f"{self.record.etag}-{self.generation}-p{self.page}"

    @property
    def has_previous_page(self) -> bool:
        return self.page > 1


class ResourceLocator:
    """Finds the published record behind an IRI; remembers containers per dataset generation.

    A GET must know the record (hence the validator) before deciding whether anything needs
    rendering, so this lookup is on the hot path and must not query the store every time.
    """

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self._generation = ""
        self._containers: dict[str, str | None] = {}

    def peek(self, iri: str) -> RecordState | None:
        """`locate` without touching the store: None when that would need a query."""
        state = self.repository.public_state(iri)
        if state is not None or self._generation != self.repository.generation:
            return state
        container = self._containers.get(iri)
        return self.repository.public_state(container) if container is not None else None

    def locate(self, iri: str) -> RecordState | None:
        state = self.repository.public_state(iri)
        if state is not None:
            return state
        generation = self.repository.generation
        if generation != self._generation:
            self._generation, self._containers = generation, {}
        if iri not in self._containers:
            if len(self._containers) > 100_000:
                self._containers.clear()
            self._containers[iri] = _containing_record(self.repository, iri)
        container = self._containers[iri]
        return self.repository.public_state(container) if container is not None else None


def validator_of(repository: Repository, state: RecordState, page: int) -> str:
    """Changes whenever any byte of any representation could change."""
    return f"{state.etag}-{repository.generation}-p{page}"


def describe(
    repository: Repository, iri: str, state: RecordState, page: int, page_size: int
) -> Description | None:
    """Describe `iri`, published in `state`'s record, with a page of who points to it."""
    public = repository.public
    record_graph = public.get_record(state.id.iri)
    if record_graph is None:
        return None
    if state.id.iri == iri:
        graph = record_graph
    else:
        graph = _concise_bounded_description(record_graph, URIRef(iri))
    mentioned = _mentioned_by(public, iri, state.id.iri, page, page_size)
    has_next = len(mentioned) > page_size
    mentioned = mentioned[:page_size]
    result = bind_prefixes(Graph())
    for triple in graph:
        result.add(triple)
    for record in mentioned:
        result.add((URIRef(iri), DCTERMS.isReferencedBy, URIRef(record)))
    return Description(
        iri=iri,
        graph=result,
        record=state,
        mentioned_by=tuple(mentioned),
        page=page,
        has_next_page=has_next,
        generation=repository.generation,
        last_modified=max(state.modified, repository.last_modified),
    )


def _containing_record(repository: Repository, iri: str) -> str | None:
    """The public record whose graph describes `iri` (an allegation, demand, anchor…)."""
    solutions = repository.public.query(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} LIMIT 1"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        return str(row["g"].value)
    return None


def _concise_bounded_description(graph: Graph, node: URIRef) -> Graph:
    """The node's triples and, recursively, those of the blank nodes it points to (CBD)."""
    description = Graph()
    pending: list[URIRef | BNode] = [node]
    seen: set[URIRef | BNode] = set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for _, predicate, obj in graph.triples((subject, None, None)):
            description.add((subject, predicate, obj))
            if isinstance(obj, BNode):
                pending.append(obj)
    return description


def _mentioned_by(
    public: object, iri: str, own_record: str, page: int, page_size: int
) -> list[str]:
    """Up to page_size + 1 public records, other than its own, whose graphs point to `iri`."""
    offset = (page - 1) * page_size
    query = (
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} "
        f"FILTER(?g != <{own_record}>) }} ORDER BY ?g LIMIT {page_size + 1} OFFSET {offset}"
    )
    solutions = public.query(query)  # type: ignore[attr-defined]
    return [row["g"].value for row in solutions]
