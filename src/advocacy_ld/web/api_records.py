"""Writes under `/api/records`: submit, revise, publish, retract, restrict (bearer tokens).

Every write goes through `Submissions` (parse, check, validate outside the lock) and then one
repository write; a refused request changes nothing in either store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from advocacy_ld.records.ledger import RecordState
from advocacy_ld.records.repository import Change
from advocacy_ld.records.submission import Written
from advocacy_ld.records.tokens import Principal
from advocacy_ld.web.api_common import (
    Kind,
    PrivateRoute,
    Slug,
    as_problems,
    entity_tag,
    find_record,
    if_match_allows,
    submissions,
)
from advocacy_ld.web.api_docs import problems, rdf_request_body
from advocacy_ld.web.api_models import RecordInfo, ReportModel, RetractRequest, WriteResult
from advocacy_ld.web.auth import Contributor, Curator, is_curator
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.services import Services, ServicesDep

router = APIRouter(route_class=PrivateRoute)

Publish = Annotated[
    bool | None,
    Query(description="Curators: publish at once (true) or hold for review (false)."),
]
Restricted = Annotated[
    bool | None,
    Query(description="Curators: keep the record from every public output (true) or not."),
]


def _curator_flags(principal: Principal, publish: bool | None, restricted: bool | None) -> None:
    if (publish is not None or restricted is not None) and not is_curator(principal):
        raise Problem(
            403,
            "only curators may publish or restrict; submit without publish or restricted",
            "forbidden",
        )


def _written(written: Written, status: int) -> JSONResponse:
    state = written.change.state
    result = WriteResult(
        record=RecordInfo.of(state),
        changed=written.change.changed,
        report=ReportModel.of(written.report),
    )
    body = result.model_dump(mode="json")
    headers = {"ETag": entity_tag(state)}
    if status == 201:  # RFC 9110 §10.2.2: where the new record will be, once published
        headers["Location"] = f"/id/{state.id.kind}/{state.id.slug}"
    return JSONResponse(body, status_code=status, headers=headers)


def _changed(change: Change) -> JSONResponse:
    result = WriteResult(record=RecordInfo.of(change.state), changed=change.changed)
    return JSONResponse(result.model_dump(mode="json"), headers={"ETag": entity_tag(change.state)})


@router.post(
    "/records",
    status_code=201,
    summary="Submit a new record (contributor or above)",
    description="Validates the record; any violation gives 422 with the report and stores "
    "nothing. Otherwise 201: the record is pending (absent from every public output) until a "
    "curator publishes it. Warnings and infos come back in `report`. Curators may publish at "
    "once and mark the record restricted.",
    response_model=WriteResult,
    responses=problems(401, 403, 409, 413, 415, 422),
    openapi_extra=rdf_request_body("The record: one named graph's worth of triples."),
)
async def submit_record(
    request: Request,
    principal: Contributor,
    app: ServicesDep,
    publish: Publish = None,
    restricted: Restricted = None,
) -> JSONResponse:
    _curator_flags(principal, publish, restricted)
    body = await request.body()
    content_type = request.headers.get("content-type")

    def work() -> JSONResponse:
        service = submissions(app)
        with as_problems():
            candidate = service.read(body, content_type)
            written = service.submit(
                candidate, principal, publish=bool(publish), restricted=bool(restricted)
            )
        return _written(written, 201)

    response: JSONResponse = await run_in_threadpool(work)
    return response


@router.put(
    "/records/{kind}/{slug}",
    summary="Revise a record: a new version (If-Match required)",
    description="`If-Match` names the version revised (its ETag from `GET /api/records/…`); "
    "412 when the record has changed since, 428 without If-Match. Earlier versions are kept "
    "unchanged. A contributor's revision is pending until a curator publishes it; a curator's "
    "keeps a published record published unless `publish=false`.",
    response_model=WriteResult,
    responses=problems(401, 403, 404, 409, 412, 413, 415, 422, 428),
    openapi_extra=rdf_request_body("The record's new version, whole."),
)
async def revise_record(
    request: Request,
    kind: Kind,
    slug: Slug,
    principal: Contributor,
    app: ServicesDep,
    if_match: Annotated[str | None, Header(description="ETag of the version revised.")] = None,
    publish: Publish = None,
    restricted: Restricted = None,
) -> JSONResponse:
    _curator_flags(principal, publish, restricted)
    body = await request.body()
    content_type = request.headers.get("content-type")

    def work() -> JSONResponse:
        service = submissions(app)
        state = find_record(app, kind, slug)
        with as_problems():
            service.require_revise(principal, state)
        if if_match is None:
            raise Problem(
                428,
                "name the version you revise: If-Match with its ETag (RFC 6585 §3)",
                "precondition-required",
            )
        if not if_match_allows(if_match, state):
            raise Problem(
                412,
                "the record has changed since the version If-Match names; read it again",
                "precondition-failed",
            )
        with as_problems():
            candidate = service.read(body, content_type)
            written = service.revise(
                candidate,
                principal,
                record=state.id.iri,
                if_match=None if if_match.strip() == "*" else state.etag,
                publish=publish,
                restricted=restricted,
            )
        return _written(written, 200)

    response: JSONResponse = await run_in_threadpool(work)
    return response


def _transition(app: Services, kind: str, slug: str, act: Callable[[str], Change]) -> JSONResponse:
    """Run one status or access change on the record named in the path."""
    state: RecordState = find_record(app, kind, slug)
    with as_problems():
        change = act(state.id.iri)
    return _changed(change)


@router.post(
    "/records/{kind}/{slug}/publish",
    summary="Publish a record's current version (curator)",
    response_model=WriteResult,
    responses=problems(401, 403, 404, 409),
)
def publish_record(kind: Kind, slug: Slug, principal: Curator, app: ServicesDep) -> JSONResponse:
    return _transition(app, kind, slug, lambda iri: app.repository.publish(iri, principal.name))


@router.post(
    "/records/{kind}/{slug}/restrict",
    summary="Keep a record from every public output (curator)",
    description="Restricting also takes the record's earlier versions out of its public "
    "history for good: only versions published after it is unrestricted are listed again.",
    response_model=WriteResult,
    responses=problems(401, 403, 404),
)
def restrict_record(kind: Kind, slug: Slug, principal: Curator, app: ServicesDep) -> JSONResponse:
    return _transition(app, kind, slug, lambda iri: app.repository.restrict(iri, principal.name))


@router.post(
    "/records/{kind}/{slug}/unrestrict",
    summary="Lift a record's restriction (curator)",
    response_model=WriteResult,
    responses=problems(401, 403, 404),
)
def unrestrict_record(kind: Kind, slug: Slug, principal: Curator, app: ServicesDep) -> JSONResponse:
    return _transition(
        app, kind, slug, lambda iri: app.repository.restrict(iri, principal.name, False)
    )


@router.delete(
    "/records/{kind}/{slug}",
    summary="Retract a record, leaving a tombstone (curator)",
    description='The reason comes as JSON (`{"reason": …}`) or as `?reason=`. The record '
    "leaves the public dataset; if it was ever public, its IRI answers 410 Gone with who, "
    "when and why. Its history stays readable here for curators.",
    response_model=WriteResult,
    responses=problems(401, 403, 404, 409),
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": RetractRequest.model_json_schema()}},
        }
    },
)
async def retract_record(
    request: Request,
    kind: Kind,
    slug: Slug,
    principal: Curator,
    app: ServicesDep,
    reason: Annotated[
        str | None, Query(max_length=2000, description="Why (or in the JSON body).")
    ] = None,
) -> JSONResponse:
    # The body is read after the token is checked: a caller without one learns nothing more.
    body = await request.body()
    given = reason
    if body.strip():
        try:
            given = RetractRequest.model_validate_json(body).reason
        except ValidationError:
            raise Problem(
                400, 'the body must be JSON: {"reason": "…"} (1 to 2000 characters)',
                "invalid-request",
            ) from None  # fmt: skip
    if given is None or not given.strip():
        raise Problem(400, "a retraction needs a reason (JSON body or ?reason=)", "invalid-request")
    why = given

    def work() -> JSONResponse:
        return _transition(
            app, kind, slug, lambda iri: app.repository.retract(iri, principal.name, why)
        )

    response: JSONResponse = await run_in_threadpool(work)
    return response
