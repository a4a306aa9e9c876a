"""One error format everywhere: RFC 9457 problem details, and nothing of the request echoed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

CASES = [
    ("GET", "/nothing/here", {}, 404),
    ("GET", "/id/org/nope", {}, 404),
    ("GET", "/id/org/icrc?page=0", {}, 400),
    ("GET", "/id/org/icrc?page=abc", {}, 400),
    ("POST", "/id/org/icrc", {}, 405),
    ("DELETE", "/dataset", {}, 405),
    ("GET", "/id/org/icrc", {"Accept": "application/pdf"}, 406),
    ("GET", "/sitemap-99.xml", {}, 404),
]


@pytest.mark.parametrize(("method", "path", "headers", "status"), CASES)
def test_errors_are_problem_details(
    client: TestClient, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    response = client.request(method, path, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    assert problem["type"].startswith(("https://", "about:blank"))
    assert problem["instance"] == path.split("?")[0]


def test_a_not_found_detail_does_not_echo_the_request(client: TestClient) -> None:
    response = client.get("/id/org/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "script" not in response.json()["detail"]


def test_head_is_answered_like_get_without_a_body(client: TestClient) -> None:
    get = client.get("/id/org/icrc.ttl")
    head = client.head("/id/org/icrc.ttl")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
