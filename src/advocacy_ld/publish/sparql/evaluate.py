"""Evaluate one query against one pyoxigraph store and serialize at most `row_cap` rows.

Runs inside a worker process (or the fallback thread), so it never raises: every way a query
can end is an `Outcome`. Messages from evaluation are not passed on as they are, because they
could quote stored data; parser messages only quote the client's own query.
"""

from __future__ import annotations

import logging
from itertools import islice

import pyoxigraph as ox

from advocacy_ld.publish.sparql.job import Outcome, OutcomeStatus, QueryJob, ResultKind
from advocacy_ld.publish.sparql.results import Row, write_solutions

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


def _solutions(result: ox.QuerySolutions, job: QueryJob) -> Outcome:
    if job.result_format is None:
        return _not_acceptable(ResultKind.SOLUTIONS)
    variables = [v.value for v in result.variables]
    # Read one row past the cap to know whether the answer was cut, and no further.
    rows: list[Row] = [list(solution) for solution in islice(result, job.row_cap + 1)]
    truncated = len(rows) > job.row_cap
    rows = rows[: job.row_cap]
    body = write_solutions(job.result_format, variables, rows)
    return Outcome(
        OutcomeStatus.OK,
        ResultKind.SOLUTIONS,
        body,
        job.result_format.content_type,
        rows=len(rows),
        truncated=truncated,
    )


def _graph(result: ox.QueryTriples, job: QueryJob) -> Outcome:
    if job.graph_format is None:
        return _not_acceptable(ResultKind.GRAPH)
    triples = list(islice(result, job.row_cap + 1))
    truncated = len(triples) > job.row_cap
    triples = triples[: job.row_cap]
    prefixes = _used_prefixes(triples, job.prefixes)
    body = ox.serialize(triples, format=job.graph_format.rdf_format, prefixes=prefixes or None)
    return Outcome(
        OutcomeStatus.OK,
        ResultKind.GRAPH,
        body or b"",
        job.graph_format.content_type,
        rows=len(triples),
        truncated=truncated,
    )


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes the triples use, so a small answer does not open with a long header."""
    iris = {
        term.value
        for triple in triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, ox.NamedNode)
    }
    iris |= {
        triple.object.datatype.value for triple in triples if isinstance(triple.object, ox.Literal)
    }
    return {
        prefix: namespace
        for prefix, namespace in prefixes.items()
        if any(iri.startswith(namespace) for iri in iris)
    }
