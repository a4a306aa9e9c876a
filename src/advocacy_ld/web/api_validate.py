"""`POST /api/validate`: a record's SHACL report, for anyone; nothing is stored.

Open without a token, so it is rate-limited per client address, and linked types come from the
public dataset only: the report cannot reveal what pending or restricted records say.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from advocacy_ld.publish.formats import Representation
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.web.api_common import PrivateRoute, as_problems, submissions
from advocacy_ld.web.api_docs import problems, rdf_request_body
from advocacy_ld.web.api_models import ReportModel
from advocacy_ld.web.limits import RateLimited
from advocacy_ld.web.negotiation import negotiate
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.services import Services, ServicesDep

router = APIRouter(route_class=PrivateRoute)

REPORT_TYPES = ("application/json", "text/turtle", "application/ld+json")


@router.post(
    "/validate",
    summary="Validate a record against the shapes; stores nothing",
    description="The SHACL report as JSON (one entry per result), or as an "
    "`sh:ValidationReport` in Turtle or JSON-LD by `Accept`. Answers 200 whether or not the "
    "record conforms: `conforms` says. Open to anyone, rate-limited per client address.",
    response_model=ReportModel,
    responses={
        200: {
            "content": {
                "text/turtle": {"schema": {"type": "string"}},
                "application/ld+json": {"schema": {"type": "object"}},
            }
        },
        **problems(406, 413, 415, 422, 429),
    },
    openapi_extra=rdf_request_body("The record to validate."),
)
async def validate(request: Request, app: ServicesDep, _: RateLimited) -> Response:
    chosen = negotiate(request.headers.get("accept"), REPORT_TYPES)
    if chosen is None:
        raise Problem(
            406,
            f"the report is available as {', '.join(REPORT_TYPES)}",
            "not-acceptable",
            available=list(REPORT_TYPES),
        )
    body = await request.body()
    content_type = request.headers.get("content-type")
    response: Response = await run_in_threadpool(_validate, app, body, content_type, chosen)
    return response


def _validate(app: Services, body: bytes, content_type: str | None, chosen: str) -> Response:
    service = submissions(app)
    with as_problems():
        candidate = service.read(body, content_type)
        report = service.validate_open(candidate)
    headers = {"Vary": "Accept"}
    if chosen == "application/json":
        return JSONResponse(ReportModel.of(report).model_dump(mode="json"), headers=headers)
    representation = Representation.TURTLE if chosen == "text/turtle" else Representation.JSON_LD
    body = render_rdf(report.to_graph(), representation, app.model.context, app.context_url)
    return Response(body, media_type=representation.content_type, headers=headers)
