"""What the `/api` routes share: record lookup, domain errors as problems, entity tags."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from advocacy_ld.errors import (
    AdvocacyLDError,
    RDFSyntaxError,
    RecordError,
    RecordInvalidError,
    RemoteContextRefusedError,
    UnsafeInputError,
    UnsupportedFormatError,
)
from advocacy_ld.records.blank_nodes import BlankNodeShapeError
from advocacy_ld.records.ledger import RecordState
from advocacy_ld.records.repository import (
    ClaimConflictError,
    LifecycleError,
    RecordExistsError,
    RecordNotFoundError,
    VersionConflictError,
)
from advocacy_ld.records.submission import (
    AccessDeniedError,
    RecordMismatchError,
    Submissions,
    TooManyTriplesError,
    quiet_reason,
)
from advocacy_ld.web.api_docs import ACCEPT_POST
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.services import Services

SUBMISSIONS = "submissions"
NOT_FOUND = "no record here that this token may use"

Kind = Annotated[str, Path(pattern=r"^[a-z]+$", max_length=40, description="statement, org…")]
Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=200)]


class PrivateRoute(APIRoute):
    """An `/api` route: its answers are for one caller, never for a shared cache."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def private(request: Request) -> Response:
            response = await handler(request)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return private


def submissions(app: Services) -> Submissions:
    return app.shared(SUBMISSIONS, lambda: Submissions(app.repository, app.model, app.settings))


def find_record(app: Services, kind: str, slug: str) -> RecordState:
    """The record's state, any status; 404 when there is none."""
    state = app.repository.state(f"{app.settings.base_uri}/id/{kind}/{slug}")
    if state is None:
        raise Problem(404, NOT_FOUND, "not-found")
    return state


def entity_tag(state: RecordState) -> str:
    """The current version's entity tag as sent in `ETag` (RFC 9110 §8.8.3)."""
    return f'"{state.etag}"'


def if_match_allows(header: str, state: RecordState) -> bool:
    """RFC 9110 §13.1.1: `*` or a listed tag equal to the current one (strong comparison)."""
    for tag in (t.strip() for t in header.split(",")):
        if tag == "*" or tag == entity_tag(state):
            return True
    return False


@contextmanager
def as_problems() -> Iterator[None]:
    """Map the library's errors (which carry data) to problem details (RFC 9457)."""
    try:
        yield
    except AdvocacyLDError as error:
        raise problem_for(error) from None


def problem_for(error: AdvocacyLDError) -> Problem:
    """The status and problem type for each domain error; details quote no literal of the body."""
    if isinstance(error, RDFSyntaxError):
        where = error.location
        at = f" (line {where.line}, column {where.column})" if where.line is not None else ""
        return Problem(
            400,
            f"the body does not parse: {quiet_reason(error)}{at}",
            "rdf-syntax-error",
            line=where.line,
            column=where.column,
        )
    if isinstance(error, UnsupportedFormatError):
        return Problem(
            415,
            f"send the record as one of: {ACCEPT_POST}",
            "unsupported-media-type",
            headers={"Accept-Post": ACCEPT_POST},
        )
    if isinstance(error, RemoteContextRefusedError):
        return Problem(
            422,
            "the JSON-LD names a context that would have to be fetched; only the project's "
            "context (resolved locally) and inline contexts are accepted",
            "remote-context-refused",
        )
    if isinstance(error, UnsafeInputError):
        return Problem(
            422, "RDF/XML with a DOCTYPE or entity declarations is refused", "unsafe-input"
        )
    if isinstance(error, BlankNodeShapeError):
        return Problem(422, str(error), "unsupported-blank-nodes")
    if isinstance(error, TooManyTriplesError):
        return Problem(413, str(error), "too-many-triples", triples=error.count, limit=error.limit)
    if isinstance(error, RecordMismatchError):
        return Problem(422, str(error), "record-mismatch")
    if isinstance(error, RecordError):
        return Problem(422, str(error), "not-a-record")
    if isinstance(error, RecordInvalidError):
        report = error.report
        return Problem(
            422,
            f"the record breaks the shapes ({report.violation_count} violation(s)); "
            "nothing was stored",
            "validation-failed",
            report=report.to_json(),
        )
    if isinstance(error, RecordExistsError):
        return Problem(409, "a record with this IRI exists; revise it with PUT", "record-exists")
    if isinstance(error, ClaimConflictError):
        return Problem(
            409,
            "the record describes nodes that another record describes; a node belongs to one "
            "record",
            "claimed-by-another-record",
            iris=error.iris,
        )
    if isinstance(error, VersionConflictError):
        return Problem(
            412,
            "the record has changed since the version If-Match names; read it again",
            "precondition-failed",
        )
    if isinstance(error, LifecycleError):
        return Problem(409, str(error), "lifecycle-conflict")
    if isinstance(error, RecordNotFoundError):
        return Problem(404, NOT_FOUND, "not-found")
    if isinstance(error, AccessDeniedError):
        if error.hidden:
            return Problem(404, NOT_FOUND, "not-found")
        return Problem(403, "this token may not do this with this record", "forbidden")
    return Problem(400, str(error), "invalid-request")
