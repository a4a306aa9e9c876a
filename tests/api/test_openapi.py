"""The API contract: every `/api` route is in `/openapi.json` with its request and response
schemas, and a bounded schemathesis run (admin token) finds no 5xx and no answer that breaks
the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from advocacy_ld.web import api_read, api_records, api_validate

from .conftest import World, make_world, org

RDF_BODY_ROUTES = {
    ("POST", "/api/validate"),
    ("POST", "/api/records"),
    ("PUT", "/api/records/{kind}/{slug}"),
}


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    for world in make_world(tmp_path_factory.mktemp("contract"), validate_rate_per_minute=10_000):
        assert world.submit(org("contract-org"), "curator", "?publish=true").status_code == 201
        yield world


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_every_api_route_is_documented_with_schemas(contract: World) -> None:
    document = contract.client.get("/openapi.json").json()
    operations = _operations(document)
    routes = [
        route
        for module in (api_validate, api_records, api_read)
        for route in module.router.routes
        if isinstance(route, APIRoute)
    ]
    assert len(routes) >= 11
    for route in routes:
        for method in route.methods:
            path = f"/api{route.path}"
            operation = operations[(method, path)]
            successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
            assert successes, (method, path)
            for response in successes.values():
                assert all("schema" in c for c in response["content"].values()), (
                    method,
                    route.path,
                )
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert list(response["content"]) == ["application/problem+json"], (
                        status,
                        route.path,
                    )
            if (method, path) in RDF_BODY_ROUTES:
                content = operation["requestBody"]["content"]
                assert {"text/turtle", "application/ld+json"} <= set(content)
    api = {path: item for path, item in document["paths"].items() if path.startswith("/api/")}
    assert "HTTPValidationError" not in str(api)  # request errors are 400 problems here
    assert "bearerToken" in document["components"]["securitySchemes"]


def test_problem_details_are_documented(contract: World) -> None:
    document = contract.client.get("/openapi.json").json()
    submit = document["paths"]["/api/records"]["post"]["responses"]
    schema = submit["422"]["content"]["application/problem+json"]["schema"]
    assert schema["$ref"].endswith("/ValidationProblemModel")
    assert {"401", "403", "409", "413", "415", "422"} <= set(submit)


@schemathesis.serializer("text/turtle", "application/n-triples", "application/rdf+xml")
def _text(ctx: Any, value: Any) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else str(value).encode("utf-8")


schemathesis.serializer.alias("application/ld+json", "application/json")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operation_ids() -> list[str]:
    return [
        f"{method} /api{route.path}"
        for module in (api_validate, api_records, api_read)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    ]


@pytest.fixture(scope="module")
def api_schema(contract: World) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", contract.client.app).include(
        path_regex="^/api/"
    )


def _known_record(case: Any) -> Any:
    known = {"kind": "org", "slug": "contract-org", "number": 1}
    case.path_parameters = {k: known[k] for k in case.path_parameters}
    return case


@pytest.mark.parametrize("operation_id", _operation_ids())
def test_the_api_honours_its_schema(api_schema: Any, contract: World, operation_id: str) -> None:
    """At most 25 generated requests per operation, each sent with an admin's token."""
    method, path = operation_id.split(" ", 1)
    operation = api_schema[path][method]
    headers = contract.auth("admin")  # admins hold every role, so every route is exercised
    generated = operation.as_strategy()
    if "{kind}" in path:
        # Half the cases name a record that exists, so the answers are not all 404.
        generated = st.one_of(generated, generated.map(_known_record))

    @given(case=generated)
    @settings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
