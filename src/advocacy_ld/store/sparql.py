"""A `Store` on a remote SPARQL 1.1 server (DESIGN.md §8): Oxigraph server, Fuseki, GraphDB…

Reads go by the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/) and the Graph
Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/); every answer is parsed by
pyoxigraph, so callers get the same result objects as from the embedded store. Every write is
one SPARQL 1.1 Update request, which these servers run as one transaction: a record is replaced
atomically, and a multi-operation update the repository sends (ledger + version + audit) is
applied whole or not at all. Graph Store PUT would also replace a graph, but the protocol does
not promise atomicity (Oxigraph server clears, then loads), so it is not used for writes.

The server's default graph must be the union of its named graphs (Oxigraph server
`--union-default-graph`, Fuseki/TDB2 `tdb2:unionDefaultGraph true`; GraphDB and Virtuoso do so
already): `query` promises it, and public SPARQL queries are forwarded as they are. Opening the
store checks it whenever the dataset holds anything.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

import httpx
import pyoxigraph as ox
from rdflib import Graph

from advocacy_ld.errors import QueryError, RDFSyntaxError, StoreError
from advocacy_ld.model.namespaces import bind_prefixes
from advocacy_ld.store.base import (
    ExportFormat,
    QueryResult,
    put_if_changed,
    replace_graph_update,
)
from advocacy_ld.store.endpoints import RemoteEndpoints
from advocacy_ld.store.http import (
    ResponseReader,
    make_client,
    refusal,
    server_message,
    status_failure,
    transport_failure,
    until,
)
from advocacy_ld.store.terms import triples_to_graph

log = logging.getLogger(__name__)

RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8"
)
"""SPARQL results formats pyoxigraph parses, JSON first: the one every server writes well."""
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
"""RDF syntaxes for CONSTRUCT and DESCRIBE answers and Graph Store reads."""
ANY_ACCEPT = f"{RESULTS_ACCEPT}, {GRAPH_ACCEPT}"
BATCH = 256
"""IRIs per `VALUES` block: one request for many graphs, bounded in size."""
CONNECTIONS = 16
BULK_REQUEST_BYTES = 4 * 1024 * 1024
"""About how much N-Quads one bulk-load request carries (more when one graph with blank nodes
is larger): small enough for any server's request limit and timeout."""
SERIALIZE_EVERY = 2048
"""Quads parsed before they are written out again for a request."""

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_MAY_HOLD_BLANK = (ox.BlankNode, ox.Triple)
"""Terms that are, or may contain, a blank node (an RDF 1.2 triple term may)."""

RemoteAnswer = ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]


class QueryRefusedError(QueryError):
    """The server refused the query as malformed (400, Protocol §2.1.6); `message` is its own,
    which quotes only the query."""

    def __init__(self, description: str, message: str) -> None:
        self.message = message
        super().__init__(description)


@dataclass(frozen=True)
class DatasetParameters:
    """`default-graph-uri` / `named-graph-uri` of a query request (Protocol §2.1.4)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def params(self) -> httpx.QueryParams:
        pairs: list[tuple[str, str | int | float | bool | None]] = [
            ("default-graph-uri", iri) for iri in self.default_graphs
        ]
        pairs += [("named-graph-uri", iri) for iri in self.named_graphs]
        return httpx.QueryParams(pairs)


class SparqlStore:
    """A `Store` over one dataset of a SPARQL 1.1 server; not `Snapshotting`."""

    def __init__(self, endpoints: RemoteEndpoints, path: Path | None = None) -> None:
        self.endpoints = endpoints
        self.path = path
        """The local directory standing for this dataset: nothing of the dataset is kept
        there, but what is derived from it (feed pages) goes beside it, as for the embedded
        store (`Repository.location`)."""
        self._client = make_client(endpoints, CONNECTIONS)

    # -- records -------------------------------------------------------------------------

    def put_record(self, iri: str, graph: Graph) -> bool:
        return put_if_changed(self, iri, graph)

    def replace_record(self, iri: str, graph: Graph) -> None:
        # One Update request, one transaction (module docstring): readers see either graph.
        self.update(replace_graph_update(iri, graph))

    def remove_record(self, iri: str) -> bool:
        # Graph Store Protocol §5.3: DELETE answers 404 when there was no such graph.
        response = self._send("removing a graph", "DELETE", self.endpoints.graph_store, iri)
        if response.status_code == 404:
            return False
        if response.is_error:
            raise status_failure(f"removing graph <{iri}>", response)
        return True

    def get_record(self, iri: str) -> Graph | None:
        # Graph Store Protocol §5.2: GET answers 404 when there is no such graph.
        response = self._send("reading a graph", "GET", self.endpoints.graph_store, iri)
        if response.status_code == 404:
            return None
        if response.is_error:
            raise status_failure(f"reading graph <{iri}>", response)
        triples = parse_graph(response.headers.get("content-type", ""), response.content)
        try:
            return triples_to_graph(triples, bind_prefixes(Graph()))
        except SyntaxError as error:
            raise StoreError(
                f"reading graph <{iri}>: the answer of {self.endpoints.graph_store} does not "
                f"parse: {error}"
            ) from None

    def record_iris(self) -> list[str]:
        # `GRAPH ?g {}` matches every named graph, empty or not (SPARQL 1.1 Query §13.3).
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        return sorted(row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode))

    def types_of(self, iris: Iterable[str]) -> Graph:
        types = Graph()
        wanted = sorted(set(iris))
        for start in range(0, len(wanted), BATCH):
            values = " ".join(str(ox.NamedNode(iri)) for iri in wanted[start : start + BATCH])
            rows = self._select(
                f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?s {{ {values} }} "
                f"GRAPH ?g {{ ?s {_RDF_TYPE} ?t }} }}"
            )
            triples_to_graph(
                (ox.Triple(row["s"], _RDF_TYPE, row["t"]) for row in rows),
                types,
            )
        return types

    def graphs_as_ntriples(self, iris: Sequence[str]) -> list[bytes]:
        """One request per `BATCH` graphs, not per graph; serialized by pyoxigraph."""
        found: dict[str, list[ox.Triple]] = defaultdict(list)
        wanted = list(dict.fromkeys(iris))
        for start in range(0, len(wanted), BATCH):
            values = " ".join(str(ox.NamedNode(iri)) for iri in wanted[start : start + BATCH])
            query = (
                f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            )
            with self.stream_query(query, accept=RESULTS_ACCEPT, what="reading graphs") as rows:
                assert isinstance(rows, ox.QuerySolutions)
                for row in rows:
                    found[row["g"].value].append(ox.Triple(row["s"], row["p"], row["o"]))
        return [_ntriples(found[iri]) if iri in found else b"" for iri in iris]

    def triple_count(self) -> int:
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows else 0

    def bulk_load(self, nquads: BinaryIO) -> None:
        """POST the quads to the graph store in requests of about `BULK_REQUEST_BYTES`.

        Oxigraph server (and Fuseki) add N-Quads POSTed to the graph store URL without `?graph`
        to the dataset. Each request is an RDF merge (Graph Store Protocol §5.5,
        https://www.w3.org/TR/sparql11-http-rdf-update/#http-post), so the server gives its
        blank nodes fresh identities: requests are cut so that a graph's blank nodes all go
        in one (`_bulk_requests`).
        """
        try:
            for body in _bulk_requests(ox.parse(nquads, ox.RdfFormat.N_QUADS)):
                self._post_quads(body)
        except SyntaxError as error:
            raise RDFSyntaxError.from_parser(error, "N-Quads") from None

    def _post_quads(self, body: bytes) -> None:
        url = self.endpoints.graph_store
        try:
            response = self._client.post(
                url, content=body, headers={"Content-Type": "application/n-quads"}
            )
        except httpx.HTTPError as error:
            raise transport_failure("bulk loading", url, error) from None
        if response.is_error:
            raise status_failure("bulk loading", response)

    def clear(self) -> None:
        # SPARQL 1.1 Update §3.2.2: DROP ALL removes every graph, the default one included.
        self.update("DROP ALL")

    # -- SPARQL ----------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Send the whole update as one request: the server applies all of it or none."""
        try:
            response = self._client.post(
                self.endpoints.update,
                content=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        except httpx.HTTPError as error:
            raise transport_failure("SPARQL Update", self.endpoints.update, error) from None
        if response.is_error:
            raise status_failure("SPARQL Update", response)

    def query(self, sparql: str) -> QueryResult:
        """The whole answer, read before returning: callers need not exhaust it."""
        response = self._post_query(sparql, ANY_ACCEPT, None, None, "SPARQL query", stream=False)
        try:
            answer = parse_answer(response.headers.get("content-type", ""), response.content)
            if isinstance(answer, ox.QuerySolutions | ox.QueryBoolean):
                return answer
            return _as_query_triples(answer)
        except SyntaxError as error:
            raise self._unparsable("SPARQL query", error) from None

    @contextmanager
    def stream_query(
        self,
        sparql: str,
        *,
        accept: str = ANY_ACCEPT,
        dataset: DatasetParameters | None = None,
        deadline: float | None = None,
        what: str = "SPARQL query",
    ) -> Iterator[RemoteAnswer]:
        """Send a query and parse the answer as it arrives.

        Iterate the answer inside the block: leaving it closes the response, which is how a
        reader that has enough (a row cap) stops the transfer. By `deadline`, every read ends.
        """
        response = self._post_query(sparql, accept, dataset, deadline, what, stream=True)
        try:
            media_type = response.headers.get("content-type", "")
            yield parse_answer(media_type, cast("IO[bytes]", ResponseReader(response, deadline)))
        except SyntaxError as error:
            raise self._unparsable(what, error) from None
        except OSError as error:
            raise StoreError(f"{what}: {error}") from None
        finally:
            response.close()

    def _post_query(
        self,
        sparql: str,
        accept: str,
        dataset: DatasetParameters | None,
        deadline: float | None,
        what: str,
        *,
        stream: bool,
    ) -> httpx.Response:
        """POST the query directly (Protocol §2.1.3). An error answer raises: 400, the server's
        word that the query is malformed, as `QueryRefusedError`; any other as `StoreError`."""
        request = self._client.build_request(
            "POST",
            self.endpoints.query,
            params=dataset.params() if dataset is not None else None,
            content=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
            timeout=until(deadline, self.endpoints.timeout),
        )
        try:
            response = self._client.send(request, stream=stream)
        except httpx.HTTPError as error:
            raise transport_failure(what, self.endpoints.query, error) from None
        if not response.is_error:
            return response
        try:
            message = server_message(response)
            if response.status_code == 400:
                raise QueryRefusedError(
                    f"SPARQL syntax error (the server says): {message}", message
                )
            raise StoreError(refusal(what, response, message))
        finally:
            response.close()

    def _unparsable(self, what: str, error: SyntaxError) -> StoreError:
        return StoreError(f"{what}: the answer of {self.endpoints.query} does not parse: {error}")

    def export(self, output: BinaryIO, export_format: ExportFormat) -> None:
        """Every quad of every named graph, streamed: one query, read and written as it comes,
        so the dataset is never held in memory (blank nodes keep one label throughout)."""
        query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        with self.stream_query(query, accept=RESULTS_ACCEPT, what="export") as rows:
            assert isinstance(rows, ox.QuerySolutions)
            if export_format is ExportFormat.TURTLE:
                triples = (ox.Triple(r["s"], r["p"], r["o"]) for r in rows)
                ox.serialize(triples, output, format=ox.RdfFormat.TURTLE)
                return
            quads = (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
            ox.serialize(quads, output, format=export_format.rdf_format)

    # -- lifecycle -------------------------------------------------------------------------

    def check(self) -> None:
        """Fail now, with the reason, if the server cannot serve as this store: unreachable,
        refusing an endpoint, or with a default graph that is not the union of the others."""
        self._select("ASK {}", what="reaching the query endpoint")
        self.update("# advocacy-ld: checking that updates are accepted\n")
        # GET, not HEAD: Oxigraph server 0.5 sends a body with a HEAD 404, which breaks the
        # connection it came on. A graph nobody names: 404 is the expected answer.
        response = self._send(
            "reaching the graph store", "GET", self.endpoints.graph_store, "urn:advocacy-ld:check"
        )
        if response.is_error and response.status_code != 404:
            raise status_failure("reaching the graph store", response)
        self._check_union()

    def _check_union(self) -> None:
        rows = self._select(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } }"
            " LIMIT 1",
            what="checking the default graph",
        )
        if not rows:
            return  # nothing to check with; checked again at the next start
        row = rows[0]
        pattern = f"{row['s']} {row['p']} {row['o']}"
        seen = self._ask(f"ASK {{ {pattern} }}")
        if not seen:
            raise StoreError(
                f"the SPARQL server at {self.endpoints.query} does not query the union of its "
                "named graphs by default, which this store needs: start Oxigraph server with "
                "--union-default-graph, or give a Fuseki TDB2 dataset tdb2:unionDefaultGraph true"
            )

    def close(self) -> None:
        self._client.close()

    # -- helpers ---------------------------------------------------------------------------

    def _send(self, what: str, method: str, url: str, graph: str) -> httpx.Response:
        headers = {"Accept": GRAPH_ACCEPT} if method == "GET" else {}
        try:
            return self._client.request(method, url, params={"graph": graph}, headers=headers)
        except httpx.HTTPError as error:
            raise transport_failure(what, url, error) from None

    def _select(self, sparql: str, what: str = "SPARQL query") -> list[ox.QuerySolution]:
        with self.stream_query(sparql, accept=RESULTS_ACCEPT, what=what) as answer:
            if isinstance(answer, ox.QueryBoolean):
                return []
            assert isinstance(answer, ox.QuerySolutions)
            return list(answer)

    def _ask(self, sparql: str) -> bool:
        with self.stream_query(sparql, accept=RESULTS_ACCEPT) as answer:
            return bool(answer)


def parse_answer(media_type: str, body: IO[bytes] | bytes) -> RemoteAnswer:
    """A query's answer parsed by the media type the server gave it."""
    essence = media_type.split(";", 1)[0].strip().lower()
    results_format = ox.QueryResultsFormat.from_media_type(essence) if essence else None
    if results_format is not None:
        return ox.parse_query_results(body, results_format)
    return parse_graph(media_type, body)


def parse_graph(media_type: str, body: IO[bytes] | bytes) -> Iterator[ox.Triple]:
    """Triples in the RDF syntax the server chose; `text/plain` is N-Triples' old name."""
    essence = media_type.split(";", 1)[0].strip().lower()
    if essence == "text/plain":
        essence = "application/n-triples"
    rdf_format = ox.RdfFormat.from_media_type(essence) if essence else None
    if rdf_format is None:
        raise StoreError(
            f"the SPARQL server answered in {media_type or 'no media type'}, "
            "which is not a SPARQL results format or RDF syntax read here"
        )
    parsed: Iterator[ox.Triple] = ox.parse(body, rdf_format)
    return parsed


def _bulk_requests(quads: Iterator[ox.Quad]) -> Iterator[bytes]:
    """The bodies of the bulk-load requests: cut, once `BULK_REQUEST_BYTES` are reached, where
    a graph ends, or inside a graph before its first blank node, never after it (so a graph
    named by a blank node is never cut). A graph's quads are expected together, as exports
    write them; a blank node shared by two graphs could be split, a record's never is (its
    blank nodes are its own)."""
    body = bytearray()
    pending: list[ox.Quad] = []
    graph: object = None
    joined = False
    """The current graph has a blank node: it must end before the body is sent."""
    for quad in quads:
        if quad.graph_name != graph:
            body += _nquads(pending)
            pending.clear()
            if len(body) >= BULK_REQUEST_BYTES:
                yield bytes(body)
                body.clear()
            graph = quad.graph_name
            joined = isinstance(graph, ox.BlankNode)
        pending.append(quad)
        joined = (
            joined
            or isinstance(quad.subject, _MAY_HOLD_BLANK)
            or isinstance(quad.object, _MAY_HOLD_BLANK)
        )
        if len(pending) >= SERIALIZE_EVERY:
            body += _nquads(pending)
            pending.clear()
            if not joined and len(body) >= BULK_REQUEST_BYTES:
                yield bytes(body)
                body.clear()
    body += _nquads(pending)
    if body:
        yield bytes(body)


def _nquads(quads: list[ox.Quad]) -> bytes:
    if not quads:
        return b""
    data: bytes | None = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return data or b""


def _ntriples(triples: list[ox.Triple]) -> bytes:
    data: bytes | None = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return data or b""


def _as_query_triples(triples: Iterator[ox.Triple]) -> ox.QueryTriples:
    """CONSTRUCT/DESCRIBE triples as the `QueryTriples` the embedded store returns: pyoxigraph
    builds those only from a query, so the triples go through a scratch store."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result
