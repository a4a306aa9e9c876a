"""One error format everywhere: RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_TYPE_BASE = "https://w3id.org/advocacy-ld/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(Exception):  # noqa: N818 - RFC 9457's name for it
    """An error the web layer answers with; `kind` becomes the problem `type` IRI."""

    def __init__(
        self,
        status: int,
        detail: str,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}
        self.extensions = extensions

    def response(self, path: str) -> JSONResponse:
        """The problem document answering a request for `path`."""
        return problem_response(
            self.status, self.detail, path, self.kind, self.headers, **self.extensions
        )


def problem_response(
    status: int,
    detail: str,
    instance: str,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """Build the response; `instance` is the request path, never echoed request content."""
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_BASE}{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extensions,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error, ours and the framework's, through `problem_response`."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Problem)
        return error.response(request.url.path)

    async def on_http_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        detail = (
            error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
        )
        return problem_response(
            error.status_code, detail, request.url.path, None, dict(error.headers or {})
        )

    async def on_validation_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = [
            {"location": list(e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in error.errors()
        ]
        return problem_response(
            400, "the request's parameters are not valid", request.url.path, "invalid-request",
            errors=errors,
        )  # fmt: skip

    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        return problem_response(500, "the server failed to answer this request", request.url.path)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
