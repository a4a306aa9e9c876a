"""Public SPARQL queries answered by the remote SPARQL server that holds the public dataset.

The query goes to the server as it came (the web layer has already refused updates and
SERVICE; refused here too, before anything is sent), with the request's `default-graph-uri` /
`named-graph-uri`, or else its own FROM graphs as those parameters (`dataset_clauses`). The
answer is parsed by pyoxigraph as it arrives and written by the same code as a local answer
(`evaluate.serialize_result`): same formats, same row cap, and reading stops one row past the
cap. At the deadline the caller gets its error and the request is abandoned (every read ends
by then); the server may go on evaluating unless it has a query timeout of its own (README,
"Remote store").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from typing import Any

from advocacy_ld.errors import StoreError
from advocacy_ld.publish.sparql.errors import DeadlineExceededError, EngineBusyError, answer_of
from advocacy_ld.publish.sparql.evaluate import serialize_result
from advocacy_ld.publish.sparql.job import Outcome, OutcomeStatus, QueryJob
from advocacy_ld.publish.sparql.lexer import QueryForm, dataset_clauses, inspect_query
from advocacy_ld.store.sparql import (
    ANY_ACCEPT,
    GRAPH_ACCEPT,
    RESULTS_ACCEPT,
    DatasetParameters,
    QueryRefusedError,
    SparqlStore,
)

log = logging.getLogger(__name__)
_DEADLINE_SLACK = 0.1
"""Seconds before the deadline at which a failed read counts as having reached it."""


class RemoteEngine:
    """Forwards each query from a thread of its own, at most `slots` at a time."""

    stops_runaway_queries = False

    def __init__(self, store: SparqlStore, *, slots: int, timeout: float) -> None:
        self.store = store
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(max(slots, 1))

    async def run(self, job: QueryJob, deadline: float) -> Outcome:
        """Wait on the event loop, not in a thread, for the forwarding thread's outcome."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Outcome] = loop.create_future()

        def deliver(result: Outcome | BaseException) -> None:
            if answer.done():
                return  # the caller has gone (deadline, or the client left)
            if isinstance(result, BaseException):
                answer.set_exception(result)
            else:
                answer.set_result(result)

        def work() -> None:
            result: Outcome | BaseException
            try:
                result = self._answer(job, deadline)
            except BaseException as raised:  # handed to the caller's loop, raised there
                result = raised
            with contextlib.suppress(RuntimeError):  # the caller's event loop has closed
                loop.call_soon_threadsafe(deliver, result)

        threading.Thread(target=work, name="sparql-remote", daemon=True).start()
        try:
            outcome = await asyncio.wait_for(
                asyncio.shield(answer), max(deadline - time.monotonic(), 0.0)
            )
        except TimeoutError:
            raise DeadlineExceededError(self.timeout, stopped=False) from None
        finally:
            if not answer.done():
                answer.cancel()  # what the thread delivers later is dropped
        return answer_of(outcome)

    def _answer(self, job: QueryJob, deadline: float) -> Outcome:
        if not self._slots.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
            raise EngineBusyError("every query slot stayed busy until the deadline")
        try:
            return self._forward(job, deadline)
        finally:
            self._slots.release()

    def _forward(self, job: QueryJob, deadline: float) -> Outcome:
        shape = inspect_query(job.query)
        if shape.uses_service or shape.form is QueryForm.UPDATE:
            # Checked by the web layer already; nothing that could reach elsewhere is sent.
            return Outcome(OutcomeStatus.FAILED, message="this query is not forwarded")
        if shape.form is None:
            accept = ANY_ACCEPT
        else:
            accept = GRAPH_ACCEPT if shape.form.returns_graph else RESULTS_ACCEPT
        dataset = None
        if job.dataset.given:
            dataset = DatasetParameters(job.dataset.default_graphs, job.dataset.named_graphs)
        elif job.dataset.in_query and (clauses := dataset_clauses(job.query)) is not None:
            # The query's own FROM graphs, made explicit: the same dataset on any server.
            dataset = DatasetParameters(clauses.default_graphs, clauses.named_graphs)
        try:
            with self.store.stream_query(
                job.query, accept=accept, dataset=dataset, deadline=deadline, what="public query"
            ) as result:
                return serialize_result(result, job)
        except QueryRefusedError as error:  # the server's parser: it quotes only the query
            return Outcome(OutcomeStatus.SYNTAX_ERROR, message=error.message)
        except StoreError as error:
            if time.monotonic() >= deadline - _DEADLINE_SLACK:
                # The read gave up at the deadline (its timeout is the time left): the caller's
                # 504, whichever of the two noticed first.
                raise DeadlineExceededError(self.timeout, stopped=False) from None
            # Not passed on: it names the server, and a message could quote stored data.
            log.warning("a public query failed at the SPARQL server: %s", error)
            return Outcome(
                OutcomeStatus.FAILED,
                message="the query could not be evaluated (the SPARQL server failed)",
            )

    def status(self) -> dict[str, Any]:
        return {"engine": "remote SPARQL server"}

    def close(self) -> None:
        """Nothing to stop: forwarded requests end by their deadline; the store owns the client."""
