"""Evaluate one query against one pyoxigraph store and serialize at most `row_cap` rows (the
serialization also writes a remote server's answers: `remote.py`).

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
import re
from collections.abc import Callable, Iterator
from itertools import islice
from typing import IO, cast

import pyoxigraph as ox

from advocacy_ld.publish.sparql.formats import GraphFormat, ResultFormat
from advocacy_ld.publish.sparql.job import Outcome, OutcomeStatus, QueryJob, ResultKind

log = logging.getLogger(__name__)


Triples = ox.QueryTriples | Iterator[ox.Triple]
"""A graph result: evaluated here, or parsed from a remote server's answer as it arrives."""


def evaluate(store: ox.Store, job: QueryJob) -> Outcome:
    """Parse, evaluate and serialize `job.query`; the answer or the reason there is none."""
    try:
        result = store.query(job.query, **job.dataset.query_options())
        native: Outcome | None
        if isinstance(result, ox.QueryTriples) and job.graph_format is GraphFormat.TURTLE:
            native = _native_turtle(result, job)
        elif isinstance(result, ox.QuerySolutions) and job.result_format is ResultFormat.JSON:
            native = _native_json(result, job)
        else:
            return serialize_result(result, job)
        if native is not None:
            return native
        # Not cut natively (over the cap, or rows it cannot tell apart): evaluated again.
        result = store.query(job.query, **job.dataset.query_options())
    except SyntaxError as error:
        return Outcome(OutcomeStatus.SYNTAX_ERROR, message=str(error))
    except (OSError, ValueError, RuntimeError) as error:
        return _failed(error)
    return serialize_result(result, job)


def _native_turtle(result: ox.QueryTriples, job: QueryJob) -> Outcome | None:
    """Turtle written by pyoxigraph straight from the evaluation, with no Python object per
    triple (half the cost of a one-statement CONSTRUCT, measured); None when the result holds
    more triples than the cap. pyoxigraph writes at least one triple a line."""
    body, cut = _capped(lambda out: result.serialize(out, format=ox.RdfFormat.TURTLE), job.row_cap)
    rows = 0 if cut else turtle_triple_count(body)
    if cut or rows > job.row_cap:
        return None
    content_type = GraphFormat.TURTLE.content_type
    return Outcome(OutcomeStatus.OK, ResultKind.GRAPH, body, content_type, rows=rows)


_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"')


def turtle_triple_count(turtle: bytes) -> int:
    """Triples in Turtle as pyoxigraph writes it (no prefixes): each ends a line with ` ;` or
    ` .`, or is followed by ` , ` on its line. Literals are written on one line, line breaks
    escaped (Turtle §2.5.2), so only a ` , ` inside one could mislead: they are left out."""
    count = turtle.count(b" ;\n") + turtle.count(b" .\n")
    if b" , " in turtle:
        count += _STRING.sub(b'""', turtle).count(b" , ")
    return count


def serialize_result(
    result: ox.QuerySolutions | ox.QueryBoolean | Triples, job: QueryJob
) -> Outcome:
    """Write a result in the job's format, at most `job.row_cap` rows; reading the rest of a
    lazily evaluated or parsed result stops one row past the cap."""
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
    return _solutions_outcome(body, job.result_format, rows, truncated)


def _solutions_outcome(body: bytes, fmt: ResultFormat, rows: int, truncated: bool) -> Outcome:
    return Outcome(
        OutcomeStatus.OK, ResultKind.SOLUTIONS, body, fmt.content_type, rows=rows,
        truncated=truncated,
    )  # fmt: skip


# Where a solution that binds a variable follows another in pyoxigraph's SPARQL JSON:
# `},{"name":…`. Inside a string a raw `"` only ends it, and a name, not `,` `}` `:` or `]`,
# follows here, so no string content matches (Results JSON §3.2).
_NEXT_ROW = re.compile(rb'\},\{"[^,}:\]]')
_FIRST_ROW = b'"bindings":[{"'
_END = b"]}}"
"""What closes the bindings, the results and the document, as pyoxigraph writes them."""


class _JsonRowSink(io.RawIOBase):
    """Keeps SPARQL JSON as pyoxigraph writes it, counting where rows start, and stops the
    writer once row `cap + 1` has started."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap
        self.data = bytearray()
        self.boundaries = 0
        self.cut_at: int | None = None

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        # A match is five bytes: one starting in the last four was not whole before.
        start = max(len(self.data) - 4, 0)
        self.data += chunk
        found = len(_NEXT_ROW.findall(self.data, start))
        if self.boundaries + found >= self.cap:
            for match in _NEXT_ROW.finditer(self.data, start):
                self.boundaries += 1
                if self.boundaries == self.cap:
                    self.cut_at = match.start() + 1  # after the cap-th row's `}`
                    raise _RowCapReached
        self.boundaries += found
        return len(chunk)


def _native_json(result: ox.QuerySolutions, job: QueryJob) -> Outcome | None:
    """SPARQL JSON written by pyoxigraph straight from the evaluation and cut after
    `job.row_cap` rows, with no TSV written and read back first (~1.6 ms of 30 for a
    1,720-row answer, measured).

    Rows are told apart by `_NEXT_ROW`, which only finds rows that bind something; so where
    `{}` occurs (an empty row, or those characters in a value) None is returned and the
    caller takes the slower way, which counts rows exactly.
    """
    if job.row_cap < 1:
        return None
    sink = _JsonRowSink(job.row_cap)
    with contextlib.suppress(_RowCapReached):
        result.serialize(cast("IO[bytes]", sink), format=ox.QueryResultsFormat.JSON)
    data = sink.data
    if sink.cut_at is not None:
        if b"{}" in data[: sink.cut_at]:
            return None
        body = bytes(data[: sink.cut_at]) + _END
        return _solutions_outcome(body, ResultFormat.JSON, job.row_cap, truncated=True)
    if b"{}" in data or not data.endswith(_END):
        return None
    rows = sink.boundaries + (1 if _FIRST_ROW in data else 0)
    return _solutions_outcome(bytes(data), ResultFormat.JSON, rows, truncated=False)


def _write_ntriples(result: Triples, out: IO[bytes]) -> None:
    """Natively from a query result; from parsed triples, one at a time as they arrive."""
    if isinstance(result, ox.QueryTriples):
        result.serialize(out, format=ox.RdfFormat.N_TRIPLES)
    else:
        ox.serialize(result, out, format=ox.RdfFormat.N_TRIPLES)


def _graph(result: Triples, job: QueryJob) -> Outcome:
    if job.graph_format is None:
        return _not_acceptable(ResultKind.GRAPH)
    if job.graph_format.rdf_format == ox.RdfFormat.N_TRIPLES:
        body, truncated = _capped(lambda out: _write_ntriples(result, out), job.row_cap)
        rows = body.count(b"\n")
    else:
        # Evaluation dominates here; the triples are few enough to hold (at most the cap).
        triples = list(islice(result, job.row_cap + 1))
        truncated = len(triples) > job.row_cap
        triples = triples[: job.row_cap]
        rdf_format = job.graph_format.rdf_format
        # Turtle as `_native_turtle` writes it, whichever path: full IRIs, no prefix lines.
        used = {} if rdf_format == ox.RdfFormat.TURTLE else _used_prefixes(triples, job.prefixes)
        body = ox.serialize(triples, format=rdf_format, prefixes=used or None) or b""
        rows = len(triples)
    return Outcome(
        OutcomeStatus.OK,
        ResultKind.GRAPH,
        body,
        job.graph_format.content_type,
        rows=rows,
        truncated=truncated,
    )


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
