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


def describe(repository: Repository, iri: str, page: int, page_size: int) -> Description | None:
    """Describe `iri` from the public dataset, or None when it is not published there."""
    public = repository.public
    state = repository.public_state(iri)
    if state is not None:
        graph = public.get_record(iri)
        if graph is None:
            return None
    else:
        found = _containing_record(repository, iri)
        if found is None:
            return None
        state, record_graph = found
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


def _containing_record(repository: Repository, iri: str) -> tuple[RecordState, Graph] | None:
    """The published record whose graph describes `iri` (an allegation, demand, anchor…)."""
    solutions = repository.public.query(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} LIMIT 1"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        record_iri = row["g"].value
        state = repository.public_state(record_iri)
        graph = repository.public.get_record(record_iri)
        if state is not None and graph is not None:
            return state, graph
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
