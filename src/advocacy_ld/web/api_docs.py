"""What `/openapi.json` says about `/api`: RDF request bodies, RDF responses, problem details.

FastAPI documents every response model as `application/json`; errors here are
`application/problem+json` (RFC 9457 §3), so the schema is moved under that media type once
the document is built, and FastAPI's own 422 model (never sent: request errors are 400
problems) is dropped.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

from advocacy_ld.records.parsing import RDFSyntax
from advocacy_ld.web.api_models import ProblemModel, ValidationProblemModel
from advocacy_ld.web.problems import PROBLEM_MEDIA_TYPE

RDF_INPUT_TYPES = tuple(syntax.media_type for syntax in RDFSyntax)
"""What a record may be sent as: Turtle, JSON-LD, N-Triples, RDF/XML."""
ACCEPT_POST = ", ".join(RDF_INPUT_TYPES)

_PROBLEM_NOTES = {
    400: "The request or its body is malformed (syntax errors carry `line` and `column`).",
    401: "No bearer token, or an unknown or revoked one.",
    403: "The token's role does not allow this.",
    404: "No record here that this token may use.",
    406: "None of the media types in Accept is available.",
    409: "The record exists, its nodes belong to another record, or its status forbids this.",
    412: "If-Match names a version that is no longer the current one.",
    413: "The body is too large, or the record holds too many triples.",
    415: "The body's media type is not an RDF syntax read here (see Accept-Post).",
    422: "The record breaks the shapes (`report`), or the body does not form one record.",
    428: "Revisions must name the version they revise in If-Match.",
    429: "Too many requests from this address; see Retry-After.",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for these error statuses, each a problem details document."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in (400, *statuses):
        model = ValidationProblemModel if status == 422 else ProblemModel
        note = _PROBLEM_NOTES.get(status, HTTPStatus(status).phrase)
        documented[status] = {"model": model, "description": note}
    return documented


def rdf_request_body(what: str) -> dict[str, Any]:
    """`openapi_extra` declaring a record sent as RDF (routes read the raw body themselves)."""
    text = {"schema": {"type": "string"}}
    return {
        "requestBody": {
            "required": True,
            "description": f"{what} Relative IRIs resolve against the deployment's base; "
            "JSON-LD may name only the project's context, which is resolved locally.",
            "content": {
                "text/turtle": text,
                "application/ld+json": {"schema": {"type": "object"}},
                "application/n-triples": text,
                "application/rdf+xml": text,
            },
        }
    }


def rdf_responses(description: str, media_types: tuple[str, ...]) -> dict[str, Any]:
    """The 200 content of a route answering in these RDF media types."""
    content = {
        media_type: {"schema": {"type": "object" if media_type.endswith("json") else "string"}}
        for media_type in media_types
    }
    return {"description": description, "content": content}


def install_api_docs(app: FastAPI) -> None:
    """Correct the generated document once, when it is first asked for."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _correct(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _correct(document: dict[str, Any]) -> None:
    for path, operations in document.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            responses: dict[str, Any] = operation.get("responses", {})
            default_422 = responses.get("422", {}).get("content", {}).get("application/json", {})
            if "HTTPValidationError" in str(default_422.get("schema", {})):
                del responses["422"]
            for status, response in responses.items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    schemas = document.get("components", {}).get("schemas", {})
    if not _still_used(document, "HTTPValidationError"):
        schemas.pop("HTTPValidationError", None)
        if not _still_used(document, "ValidationError"):
            schemas.pop("ValidationError", None)


def _still_used(document: dict[str, Any], name: str) -> bool:
    reference = f"#/components/schemas/{name}"
    schemas = document.get("components", {}).get("schemas", {})
    rest = {k: v for k, v in document.items() if k != "components"}
    others = {k: v for k, v in schemas.items() if k != name}
    return reference in str(rest) or reference in str(others)
