"""What is measured: the request lists for each system, built from the same resources.

Requests cycle through many different resources (a working set of statements, every place) so
that a server cannot answer from one hot entry, and each system gets the equivalent request:
advocacy-ld a resource GET, the minimal app the same URL, Oxigraph server the SPARQL CONSTRUCT
of the record's named graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
SPARQL_JSON = "application/sparql-results+json"

PREFIXES = "PREFIX adv: <https://w3id.org/advocacy-ld/ns#> PREFIX schema: <https://schema.org/> "


@dataclass(frozen=True)
class Request:
    path: str
    accept: str
    no_cache: bool = False
    """Sent with `Cache-Control: no-cache`: advocacy-ld evaluates the query again."""


@dataclass(frozen=True)
class Target:
    """One thing to measure on one system."""

    measurement: str
    system: str
    base_url: str
    requests: tuple[Request, ...]
    server_pid: int | None = None
    """The server's pid, to measure the CPU it (and its worker processes) uses."""


def record_construct(iri: str) -> str:
    """What a resource GET returns for a record, in SPARQL."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"


COUNT_BY_ADDRESSEE = (
    f"{PREFIXES}SELECT ?a (COUNT(?d) AS ?n) WHERE {{ ?d adv:addressee ?a }} GROUP BY ?a"
)


def three_hop_join(place_iri: str) -> str:
    """Statements alleging violations at facilities in a place: statement → allegation →
    facility → place, across a statement graph and a facility graph."""
    return (
        f"{PREFIXES}SELECT DISTINCT ?statement ?headline ?facility WHERE {{ "
        f"?facility schema:containedInPlace <{place_iri}> . "
        f"?allegation adv:atFacility ?facility . "
        f"?statement adv:makesAllegation ?allegation ; schema:headline ?headline . }}"
    )


def sparql_get(endpoint: str, query: str) -> str:
    return f"{endpoint}?query={quote(query, safe='')}"


@dataclass(frozen=True)
class Endpoints:
    """Where each system answers SPARQL (path part of the URL)."""

    advocacy: str = "/sparql"
    oxigraph: str = "/query"
    rdflib: str = "/sparql"


def resource_requests(paths: Sequence[str], accept: str) -> tuple[Request, ...]:
    return tuple(Request(path, accept) for path in paths)


def construct_requests(endpoint: str, iris: Sequence[str], accept: str) -> tuple[Request, ...]:
    return tuple(Request(sparql_get(endpoint, record_construct(iri)), accept) for iri in iris)


def sparql_queries(
    statement_iris: Sequence[str], place_iris: Sequence[str]
) -> dict[str, tuple[tuple[str, str], ...]]:
    """The three SPARQL measurements: name -> (query, Accept) pairs cycled through."""
    return {
        "SPARQL CONSTRUCT one statement": tuple(
            (record_construct(iri), TURTLE) for iri in statement_iris
        ),
        "SPARQL count by addressee": ((COUNT_BY_ADDRESSEE, SPARQL_JSON),),
        "SPARQL 3-hop join": tuple((three_hop_join(iri), SPARQL_JSON) for iri in place_iris),
    }
