"""Who may write (RFC 6750): no token 401, a bad token 401, a low role 403; reads stay open."""

from __future__ import annotations

import pytest

from .conftest import TURTLE, World, org

WRITES = [
    ("POST", "/api/records", "contributor"),
    ("PUT", "/api/records/org/icrc", "contributor"),
    ("POST", "/api/records/org/icrc/publish", "curator"),
    ("POST", "/api/records/org/icrc/restrict", "curator"),
    ("POST", "/api/records/org/icrc/unrestrict", "curator"),
    ("DELETE", "/api/records/org/icrc?reason=test", "curator"),
]
READS = [
    ("GET", "/api/records", "curator"),
    ("GET", "/api/records/org/icrc", "contributor"),
    ("GET", "/api/records/org/icrc/versions", "contributor"),
    ("GET", "/api/records/org/icrc/versions/1", "contributor"),
    ("GET", "/api/audit", "admin"),
]
GUARDED = WRITES + READS
BELOW = {"contributor": None, "curator": "contributor", "admin": "curator"}


def _problem(response_json: dict[str, object], status: int) -> None:
    assert response_json["status"] == status
    assert response_json["type"] in (
        "https://w3id.org/advocacy-ld/problems/unauthorized",
        "https://w3id.org/advocacy-ld/problems/forbidden",
    )


@pytest.mark.parametrize(("method", "path", "role"), GUARDED)
def test_no_token_is_401_with_a_bearer_challenge(
    world: World, method: str, path: str, role: str
) -> None:
    response = world.client.request(method, path, content=org("auth-probe"), headers=TURTLE)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="advocacy-ld"'
    assert response.headers["content-type"] == "application/problem+json"
    _problem(response.json(), 401)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer advld_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "bearer advld_x y"],
)
@pytest.mark.parametrize(("method", "path", "role"), WRITES)
def test_a_wrong_token_is_401(
    world: World, method: str, path: str, role: str, authorization: str
) -> None:
    response = world.client.request(
        method, path, content=org("auth-probe"), headers={**TURTLE, "Authorization": authorization}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="advocacy-ld", error=')
    _problem(response.json(), 401)


@pytest.mark.parametrize(("method", "path", "role"), [g for g in GUARDED if BELOW[g[2]]])
def test_a_role_too_low_is_403(world: World, method: str, path: str, role: str) -> None:
    lower = BELOW[role]
    assert lower is not None
    response = world.client.request(
        method, path, content=org("auth-probe"), headers={**TURTLE, **world.auth(lower)}
    )
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    _problem(response.json(), 403)


def test_a_revoked_token_is_refused_at_once(world: World) -> None:
    from advocacy_ld.records.tokens import Role, TokenStore

    store = TokenStore(world.settings.tokens_path)
    token = store.create("short-lived", Role.CURATOR)
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/records", headers=headers).status_code == 200
    store.revoke("short-lived")
    refused = world.client.get("/api/records", headers=headers)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]


@pytest.mark.parametrize(
    "path", ["/", "/id/org/icrc", "/id/org/icrc.ttl", "/dataset", "/sparql", "/-/health"]
)
def test_reads_stay_open(world: World, path: str) -> None:
    assert world.client.get(path).status_code == 200


def test_higher_roles_include_lower_ones(world: World) -> None:
    for who in ("contributor", "curator", "admin"):
        response = world.submit(org(f"by-{who}"), who)
        assert response.status_code == 201, response.text


def test_a_malformed_body_without_a_token_is_still_401(world: World) -> None:
    response = world.client.request(
        "DELETE",
        "/api/records/org/icrc",
        content=b'{"reason": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 401
