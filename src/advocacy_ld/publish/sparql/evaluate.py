"""Evaluate one query against one pyoxigraph store and serialize at most `row_cap` rows.

Rows stay in pyoxigraph: results are written natively in a line-per-row format up to the cap,
then (if another format was asked for) parsed and written again natively.

Runs inside a worker process (or the fallback thread), so it never raises: every way a query
can end is an `Outcome`. Messages from evaluation are not passed on as they are, because they
could quote stored data; parser messages only quote the client's own query.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable
from itertools import islice
from typing import IO, cast

import pyoxigraph as ox

from advocacy_ld.publish.sparql.formats import ResultFormat
from advocacy_ld.publish.sparql.job import Outcome, OutcomeStatus, QueryJob, ResultKind

log = logging.getLogger(__name__)


def evaluate(store: ox.Store, job: QueryJob) -> Outcome:
    """Parse, evaluate and serialize `job.query`; the answer or the reason there is none."""
    try:
        result = store.query(job.query, **job.dataset.query_options())
    except SyntaxError as error:
        return Outcome(OutcomeStatus.SYNTAX_ERROR, message=str(error))
    except (OSError, ValueError, RuntimeError) as error:
        return _failed(error)
    try:
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, job)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, job)
        return _graph(result, job)
    except (OSError, ValueError, RuntimeError) as error:
        return _failed(error)


def _failed(error: Exception) -> Outcome:
    log.warning("SPARQL evaluation failed: %s: %s", type(error).__name__, error)
    return Outcome(
        OutcomeStatus.FAILED,
        message=f"the query could not be evaluated ({type(error).__name__})",
    )


def _not_acceptable(kind: ResultKind) -> Outcome:
    return Outcome(OutcomeStatus.NOT_ACCEPTABLE, kind=kind)


def _boolean(result: ox.QueryBoolean, job: QueryJob) -> Outcome:
    if job.result_format is None:
        return _not_acceptable(ResultKind.BOOLEAN)
    body = result.serialize(format=job.result_format.oxigraph) or b""
    return Outcome(
        OutcomeStatus.OK, ResultKind.BOOLEAN, body, job.result_format.content_type, rows=1
    )


class _RowCapReached(Exception):  # noqa: N818 - a signal to stop the serializer, not a failure
    """Raised into pyoxigraph's serializer to stop evaluation one line past the cap."""


class _LineCappedBuffer(io.RawIOBase):
    """A sink for a line-per-row serialization (N-Triples, results TSV) that keeps at most
    `limit` lines and stops the writer (and so the evaluation) as soon as it has more."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.data = bytearray()
        self.lines = 0
        self.cut = False

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self.data += chunk
        self.lines += bytes(chunk).count(b"\n")
        if self.lines > self.limit:
            self.cut = True
            raise _RowCapReached
        return len(chunk)

    def first_lines(self) -> bytes:
        """Everything written, cut after `limit` whole lines."""
        if not self.cut:
            return bytes(self.data)
        end = -1
        for _ in range(self.limit):
            end = self.data.index(b"\n", end + 1)
        return bytes(self.data[: end + 1])


def _capped(write: Callable[[IO[bytes]], object], lines: int) -> tuple[bytes, bool]:
    """Serialize natively in a line-per-row format, stopping one row past the cap.

    Rows never become Python objects: N-Triples and results TSV escape line breaks inside
    terms, so one line is one triple or one solution (RDF 1.1 N-Triples §2; Results TSV §3).
    """
    sink = _LineCappedBuffer(lines)
    with contextlib.suppress(_RowCapReached):
        write(cast("IO[bytes]", sink))
    return sink.first_lines(), sink.cut


def _solutions(result: ox.QuerySolutions, job: QueryJob) -> Outcome:
    if job.result_format is None:
        return _not_acceptable(ResultKind.SOLUTIONS)
    # The TSV header is one line more than the rows.
    tsv, truncated = _capped(
        lambda out: result.serialize(out, format=ox.QueryResultsFormat.TSV), job.row_cap + 1
    )
    rows = tsv.count(b"\n") - 1
    if job.result_format is ResultFormat.TSV:
        body = tsv
    else:
        solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        body = solutions.serialize(format=job.result_format.oxigraph) or b""
    return Outcome(
        OutcomeStatus.OK,
        ResultKind.SOLUTIONS,
        body,
        job.result_format.content_type,
        rows=rows,
        truncated=truncated,
    )


def _graph(result: ox.QueryTriples, job: QueryJob) -> Outcome:
    if job.graph_format is None:
        return _not_acceptable(ResultKind.GRAPH)
    if job.graph_format.rdf_format == ox.RdfFormat.N_TRIPLES:
        body, truncated = _capped(
            lambda out: result.serialize(out, format=ox.RdfFormat.N_TRIPLES), job.row_cap
        )
        rows = body.count(b"\n")
    else:
        # Evaluation dominates here; the triples are few enough to hold (at most the cap).
        triples = list(islice(result, job.row_cap + 1))
        truncated = len(triples) > job.row_cap
        triples = triples[: job.row_cap]
        rdf_format = job.graph_format.rdf_format
        if rdf_format == ox.RdfFormat.TURTLE:
            body = ox.serialize(triples, format=rdf_format, prefixes=job.prefixes or None) or b""
            body = _without_unused_prefixes(body)
        else:
            prefixes = _used_prefixes(triples, job.prefixes)
            body = ox.serialize(triples, format=rdf_format, prefixes=prefixes or None) or b""
        rows = len(triples)
    return Outcome(
        OutcomeStatus.OK,
        ResultKind.GRAPH,
        body,
        job.graph_format.content_type,
        rows=rows,
        truncated=truncated,
    )


def _without_unused_prefixes(turtle: bytes) -> bytes:
    """Turtle written with every known prefix, less the `@prefix` lines its triples do not use
    (a third cheaper than finding the used ones first). A prefix name seen inside a literal
    only keeps its line: never wrong, at most one line longer."""
    lines = turtle.split(b"\n")
    head = 0
    while head < len(lines) and lines[head].startswith(b"@prefix "):
        head += 1
    rest = b"\n".join(lines[head:])
    kept = [line for line in lines[:head] if line.split(b" ", 2)[1] in rest]
    return b"\n".join([*kept, rest])


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes the triples use, so a small answer does not open with a long header.

    Searched in the triples' N-Triples, where every IRI stands whole after a `<`: writing it
    natively is several times faster than reading each term's IRI in Python.
    """
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return {
        prefix: namespace
        for prefix, namespace in prefixes.items()
        if f"<{namespace}".encode() in ntriples
    }
