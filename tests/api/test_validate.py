"""`POST /api/validate`: the SHACL report in JSON, Turtle or JSON-LD; open, rate-limited, and
it stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from advocacy_ld.records.parsing import RDFSyntax, parse_document
from advocacy_ld.records.submission import parse_options
from advocacy_ld.settings import Settings
from advocacy_ld.web.limits import RateLimiter

from ..conftest import BASE
from .conftest import TURTLE, World, export, invalid_org, make_world, org

CONTEXT = "https://w3id.org/advocacy-ld/context.jsonld"


def jsonld_org(slug: str) -> bytes:
    return json.dumps(
        {
            "@context": CONTEXT,
            "id": f"id/org/{slug}",
            "type": "FormalOrganization",
            "name": {"en": "A JSON-LD Organization", "ar": "منظمة"},
            "subOrganizationOf": "id/org/icrc",
            "actorType": "advc:actor-type/non-governmental-organization",
        }
    ).encode()


def test_a_conforming_record_gets_its_warnings_as_readable_entries(world: World) -> None:
    response = world.client.post("/api/validate", content=org("v-ok"), headers=TURTLE)
    assert response.status_code == 200
    report = response.json()
    assert report["conforms"] is True
    assert report["violations"] == 0
    assert report["warnings"] == 1
    entry = next(r for r in report["results"] if r["severity"] == "Warning")
    assert entry["focus_node"] == f"{world.settings.base_uri}/id/org/v-ok"
    assert entry["path"] == "https://schema.org/name"
    assert "Arabic" in entry["message"]
    assert set(entry) >= {"severity", "focus_node", "path", "value", "message"}


def test_violations_are_reported_with_the_value(world: World) -> None:
    report = world.client.post("/api/validate", content=invalid_org("v-bad"), headers=TURTLE).json()
    assert report["conforms"] is False
    assert report["violations"] >= 2
    values = [r["value"] for r in report["results"] if r["severity"] == "Violation"]
    assert "Untagged Name" in values


def test_json_ld_bodies_are_read_with_the_local_context(world: World) -> None:
    response = world.client.post(
        "/api/validate",
        content=jsonld_org("v-jsonld"),
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["record"] == f"{world.settings.base_uri}/id/org/v-jsonld"
    assert report["conforms"] is True
    assert report["warnings"] == 0


@pytest.mark.parametrize(
    ("accept", "syntax"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_the_report_as_an_sh_validation_report(world: World, accept: str, syntax: str) -> None:
    response = world.client.post(
        "/api/validate", content=invalid_org("v-rdf"), headers={**TURTLE, "Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = read_rdf(response.content, syntax)
    report = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report is not None
    assert graph.value(report, SH.conforms).toPython() is False
    assert len(list(graph.objects(report, SH.result))) >= 2


def read_rdf(data: bytes, syntax: str) -> Graph:
    """Turtle by rdflib; JSON-LD with the project context resolved locally (never fetched)."""
    if syntax == "turtle":
        return Graph().parse(data=data, format="turtle")
    options = parse_options(Settings(data=Path("unused"), base_uri=BASE))
    return parse_document(data, RDFSyntax.JSON_LD, "report", options)


def test_an_unavailable_report_format_is_406(world: World) -> None:
    response = world.client.post(
        "/api/validate", content=org("v-406"), headers={**TURTLE, "Accept": "application/pdf"}
    )
    assert response.status_code == 406
    assert response.json()["available"] == [
        "application/json",
        "text/turtle",
        "application/ld+json",
    ]


def test_validation_stores_nothing(world: World) -> None:
    before = export(world.repository)
    for body in (org("v-store"), invalid_org("v-store-bad")):
        assert world.client.post("/api/validate", content=body, headers=TURTLE).status_code == 200
    assert export(world.repository) == before
    assert world.repository.state(f"{world.settings.base_uri}/id/org/v-store") is None


def test_open_validation_sees_only_public_types(world: World) -> None:
    """A pending record's type must not change what an anonymous report says (no oracle)."""
    assert world.submit(org("v-pending-parent")).status_code == 201
    child = org("v-child").replace(b"<id/org/icrc>", b"<id/org/v-pending-parent>")
    anonymous = world.client.post("/api/validate", content=child, headers=TURTLE).json()
    assert anonymous["conforms"] is False
    submitted = world.submit(child)
    assert submitted.status_code == 201, submitted.text


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from make_world(tmp_path_factory.mktemp("limited"), validate_rate_per_minute=3)


def test_too_many_validations_get_429_with_retry_after(limited: World) -> None:
    statuses = [
        limited.client.post("/api/validate", content=b"", headers=TURTLE).status_code
        for _ in range(4)
    ]
    assert statuses[:3] != [429] * 3
    refused = limited.client.post("/api/validate", content=org("v-rate"), headers=TURTLE)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["retry_after"] == int(refused.headers["retry-after"])
    # Writers are not rate-limited: they hold tokens.
    assert limited.submit(org("v-rate-writer")).status_code == 201


def test_the_rate_is_counted_per_client_and_refills() -> None:
    limiter = RateLimiter(rate_per_minute=60)
    assert all(limiter.acquire("a") == 0 for _ in range(60))
    wait = limiter.acquire("a")
    assert 0 < wait <= 1.0
    assert limiter.acquire("b") == 0


def test_the_limiter_forgets_the_least_recent_clients() -> None:
    limiter = RateLimiter(rate_per_minute=1, max_clients=2)
    limiter.acquire("a")
    limiter.acquire("b")
    limiter.acquire("c")
    assert limiter.acquire("a") == 0  # "a" was dropped, so it starts with a full bucket
