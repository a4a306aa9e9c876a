"""Retraction: a tombstone answers 410 Gone with who, when and why (RDF and HTML); the record
leaves every public output; its history stays readable for curators."""

from __future__ import annotations

import gzip
import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDFS

from advocacy_ld.model.namespaces import ADV

from .conftest import World, org

TRICKY = 'Duplicate "entry" of <b>org</b>;\n}} ; DROP ALL ; # \\ done'


def _retract(world: World, slug: str, reason: str | None = "Duplicate entry") -> int:
    body = json.dumps({"reason": reason}).encode() if reason is not None else b""
    response = world.client.request(
        "DELETE",
        f"/api/records/org/{slug}",
        content=body,
        headers={**world.auth("curator"), "Content-Type": "application/json"},
    )
    return response.status_code


@pytest.fixture(scope="module")
def retracted(world: World) -> str:
    assert (
        world.submit(org("t-gone", "Gone Organization"), "curator", "?publish=true").status_code
        == 201
    )
    assert world.client.get("/dumps/dataset.nq.gz").status_code == 200  # a dump that holds it
    assert _retract(world, "t-gone", TRICKY) == 200
    return f"{world.settings.base_uri}/id/org/t-gone"


@pytest.mark.parametrize(
    "path", ["/id/org/t-gone", "/id/org/t-gone.ttl", "/id/org/t-gone?_format=ttl"]
)
def test_the_tombstone_is_410_with_who_when_why_in_rdf(
    world: World, retracted: str, path: str
) -> None:
    response = world.client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 410
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    record = URIRef(retracted)
    assert graph.value(record, ADV.retractionReason) == Literal(TRICKY)
    assert graph.value(record, PROV.invalidatedAtTime) is not None
    activity = graph.value(record, PROV.wasInvalidatedBy)
    agent = graph.value(activity, PROV.wasAssociatedWith)
    assert graph.value(agent, RDFS.label) == Literal("curator")
    assert "Gone Organization" not in response.text


def test_the_tombstone_in_json_ld_and_html(world: World, retracted: str) -> None:
    jsonld = world.client.get("/id/org/t-gone.jsonld")
    assert jsonld.status_code == 410
    assert jsonld.headers["content-type"] == "application/ld+json"
    assert "DROP ALL" in jsonld.text
    page = world.client.get("/id/org/t-gone", headers={"Accept": "text/html"})
    assert page.status_code == 410
    assert page.headers["content-type"].startswith("text/html")
    assert "Withdrawn by" in page.text
    assert "&lt;b&gt;org&lt;/b&gt;" in page.text  # the reason, escaped
    assert "Gone Organization" not in page.text
    arabic = world.client.get("/id/org/t-gone?lang=ar", headers={"Accept": "text/html"})
    assert 'dir="rtl"' in arabic.text
    assert "سحبه" in arabic.text


def test_the_record_leaves_every_public_output(world: World, retracted: str) -> None:
    assert world.client.get("/id/org/t-gone/versions").status_code == 410
    assert world.client.get("/id/org/t-gone?version=1").status_code == 410
    assert retracted not in world.client.get("/sitemap.xml").text
    ask = world.client.get(
        "/sparql",
        params={"query": f"ASK {{ GRAPH ?g {{ <{retracted}> ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert ask.json()["boolean"] is False
    dump = gzip.decompress(world.client.get("/dumps/dataset.nq.gz").content)
    assert retracted.encode() not in dump
    assert b"Gone Organization" not in dump
    assert retracted not in world.repository.public.record_iris()


def test_its_history_stays_readable_for_curators(world: World, retracted: str) -> None:
    curator = world.auth("curator")
    state = world.client.get("/api/records/org/t-gone", headers=curator).json()
    assert state["status"] == "retracted"
    assert state["retraction_reason"] == TRICKY
    content = world.client.get("/api/records/org/t-gone/versions/1", headers=curator)
    assert "Gone Organization" in content.text
    assert (
        world.client.get("/api/records/org/t-gone", headers=world.auth("contributor")).status_code
        == 404
    )


def test_a_retraction_needs_a_reason_and_happens_once(world: World, retracted: str) -> None:
    assert world.submit(org("t-reason"), "curator", "?publish=true").status_code == 201
    assert _retract(world, "t-reason", None) == 400
    assert _retract(world, "t-reason", "") == 400
    response = world.client.delete(
        "/api/records/org/t-reason?reason=Withdrawn%20by%20request", headers=world.auth("curator")
    )
    assert response.status_code == 200
    assert response.json()["record"]["retraction_reason"] == "Withdrawn by request"
    assert _retract(world, "t-gone") == 409


def test_a_rejected_submission_leaves_no_tombstone(world: World) -> None:
    """A pending record retracted before it was public: its IRI was never out, so 404."""
    assert world.submit(org("t-rejected")).status_code == 201
    assert _retract(world, "t-rejected", "Not in scope") == 200
    response = world.client.get("/id/org/t-rejected", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert "Not in scope" not in response.text


def test_publishing_again_lifts_the_tombstone(world: World) -> None:
    assert world.submit(org("t-back"), "curator", "?publish=true").status_code == 201
    assert _retract(world, "t-back") == 200
    assert world.client.get("/id/org/t-back.ttl").status_code == 410
    world.client.post("/api/records/org/t-back/publish", headers=world.auth("curator"))
    assert world.client.get("/id/org/t-back.ttl").status_code == 200


def test_a_restricted_retracted_record_shows_no_tombstone(world: World) -> None:
    assert world.submit(org("t-hidden"), "curator", "?publish=true").status_code == 201
    assert _retract(world, "t-hidden") == 200
    world.client.post("/api/records/org/t-hidden/restrict", headers=world.auth("curator"))
    assert world.client.get("/id/org/t-hidden.ttl").status_code == 404


@pytest.mark.parametrize("body", [b'{"reason": ', b'{"reason": 5}', b'{"reason": "x", "more": 1}'])
def test_a_malformed_retraction_body_is_400(world: World, body: bytes) -> None:
    response = world.client.request(
        "DELETE",
        "/api/records/org/icrc",
        content=body,
        headers={**world.auth("curator"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert world.client.get("/id/org/icrc.ttl").status_code == 200
