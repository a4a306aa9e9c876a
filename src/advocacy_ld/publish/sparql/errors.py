"""Why a query got no answer: errors carrying data, mapped to HTTP statuses by the web layer."""

from __future__ import annotations

import re

from advocacy_ld.errors import QueryError
from advocacy_ld.publish.sparql.job import Outcome, OutcomeStatus, ResultKind

_POSITION = re.compile(r"^error at (\d+):(\d+): ")


class QuerySyntaxError(QueryError):
    """The query does not parse; `message` is the parser's, with its line and column."""

    def __init__(self, message: str) -> None:
        self.message = message
        position = _POSITION.match(message)
        self.line = int(position.group(1)) if position else None
        self.column = int(position.group(2)) if position else None
        super().__init__(message)


class ResultNotAcceptableError(QueryError):
    """The client accepts no format this kind of result comes in."""

    def __init__(self, kind: ResultKind) -> None:
        self.kind = kind
        super().__init__(f"no acceptable format for a {kind.value} result")


class EvaluationFailedError(QueryError):
    """Evaluation stopped with an error; the message says what kind, never what data."""


class DeadlineExceededError(QueryError):
    """The query ran past the deadline; `stopped` says whether its evaluation was ended."""

    def __init__(self, seconds: float, stopped: bool) -> None:
        self.seconds = seconds
        self.stopped = stopped
        super().__init__(f"the query ran longer than {seconds:g} s")


class EngineBusyError(QueryError):
    """Every evaluator stayed busy until the deadline."""


def answer_of(outcome: Outcome) -> Outcome:
    """The outcome if it is an answer; otherwise the error it stands for."""
    if outcome.status is OutcomeStatus.OK:
        return outcome
    if outcome.status is OutcomeStatus.SYNTAX_ERROR:
        raise QuerySyntaxError(outcome.message)
    if outcome.status is OutcomeStatus.NOT_ACCEPTABLE:
        raise ResultNotAcceptableError(outcome.kind or ResultKind.SOLUTIONS)
    raise EvaluationFailedError(outcome.message)
