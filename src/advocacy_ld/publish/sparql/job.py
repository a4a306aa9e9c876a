"""A query to evaluate and what came of it: plain data, so it crosses a pipe as JSON.

The same two types serve the worker processes and the in-thread fallback, so both evaluate
exactly the same way and differ only in how they are stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import pyoxigraph as ox

from advocacy_ld.publish.sparql.formats import GraphFormat, ResultFormat


@dataclass(frozen=True)
class DatasetSpec:
    """Which graphs the query sees (Protocol §2.1.4; Query §13.2).

    With `default-graph-uri`/`named-graph-uri` the request names the dataset and it wins over
    FROM / FROM NAMED; otherwise a query with FROM names its own; otherwise the default graph is
    the union of the record graphs and every record graph is a named graph.
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    given: bool = False
    in_query: bool = False

    def query_options(self) -> dict[str, Any]:
        """Keyword arguments for `pyoxigraph.Store.query`."""
        if self.given:
            return {
                "default_graph": [ox.NamedNode(iri) for iri in self.default_graphs],
                "named_graphs": [ox.NamedNode(iri) for iri in self.named_graphs],
            }
        if self.in_query:
            return {}
        return {"use_default_graph_as_union": True}


@dataclass(frozen=True)
class QueryJob:
    """One query with everything needed to answer it in the format the client negotiated."""

    query: str
    dataset: DatasetSpec
    result_format: ResultFormat | None
    """For SELECT and ASK; None when the client accepts none of the result formats."""
    graph_format: GraphFormat | None
    """For CONSTRUCT and DESCRIBE; None when the client accepts no RDF syntax."""
    row_cap: int
    prefixes: dict[str, str] = field(default_factory=dict)
    snapshot: str | None = None
    """The checkpoint directory a worker process opens; None in-process."""

    def to_wire(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "dataset": {
                "default_graphs": list(self.dataset.default_graphs),
                "named_graphs": list(self.dataset.named_graphs),
                "given": self.dataset.given,
                "in_query": self.dataset.in_query,
            },
            "result_format": self.result_format.name if self.result_format else None,
            "graph_format": self.graph_format.name if self.graph_format else None,
            "row_cap": self.row_cap,
            "prefixes": self.prefixes,
            "snapshot": self.snapshot,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> QueryJob:
        dataset = data["dataset"]
        return cls(
            query=data["query"],
            dataset=DatasetSpec(
                default_graphs=tuple(dataset["default_graphs"]),
                named_graphs=tuple(dataset["named_graphs"]),
                given=dataset["given"],
                in_query=dataset["in_query"],
            ),
            result_format=ResultFormat[data["result_format"]] if data["result_format"] else None,
            graph_format=GraphFormat[data["graph_format"]] if data["graph_format"] else None,
            row_cap=data["row_cap"],
            prefixes=data["prefixes"],
            snapshot=data["snapshot"],
        )


class OutcomeStatus(Enum):
    OK = "ok"
    SYNTAX_ERROR = "syntax-error"
    NOT_ACCEPTABLE = "not-acceptable"
    FAILED = "failed"


class ResultKind(Enum):
    """What the query returned: solutions (SELECT), a boolean (ASK) or triples."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"


@dataclass(frozen=True)
class Outcome:
    """The serialized answer, or why there is none (a message safe to show the client)."""

    status: OutcomeStatus
    kind: ResultKind | None = None
    body: bytes = b""
    content_type: str = ""
    rows: int = 0
    truncated: bool = False
    message: str = ""
    seconds: float = 0.0
    """CPU the worker spent on it (which copy of the dataset is faster: `routing`)."""

    def header(self) -> dict[str, Any]:
        """Everything but the body, for the pipe."""
        return {
            "status": self.status.value,
            "kind": self.kind.value if self.kind else None,
            "content_type": self.content_type,
            "rows": self.rows,
            "truncated": self.truncated,
            "message": self.message,
            "seconds": self.seconds,
        }

    @classmethod
    def from_wire(cls, header: dict[str, Any], body: bytes) -> Outcome:
        return cls(
            status=OutcomeStatus(header["status"]),
            kind=ResultKind(header["kind"]) if header["kind"] else None,
            body=body,
            content_type=header["content_type"],
            rows=header["rows"],
            truncated=header["truncated"],
            message=header["message"],
            seconds=header.get("seconds", 0.0),
        )
