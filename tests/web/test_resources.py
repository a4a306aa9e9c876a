"""`/id/{kind}/{slug}`: representations, validators, conditional requests, mentions, caching."""

from __future__ import annotations

import json
from email.utils import format_datetime

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from advocacy_ld.model.namespaces import SCHEMA
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax, parse_document
from advocacy_ld.records.repository import Repository
from advocacy_ld.settings import Settings
from advocacy_ld.web.app import create_app

from ..conftest import BASE

STATEMENT = "/id/statement/sednaya-2018-12-25"
ICRC = "/id/org/icrc"
ALLEGATION = "/id/allegation/sednaya-2018-12-25-1"

FORMATS = [
    ("ttl", "text/turtle", "turtle"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"),
    ("rdf", "application/rdf+xml", "xml"),
]


def parse(body: bytes, rdflib_format: str) -> Graph:
    return Graph().parse(data=body, format=rdflib_format, publicID=f"{BASE}/")


@pytest.mark.parametrize(("suffix", "media_type", "rdflib_format"), FORMATS)
def test_every_rdf_representation_carries_the_same_graph(
    client: TestClient, repository: Repository, suffix: str, media_type: str, rdflib_format: str
) -> None:
    stored = repository.public.get_record(f"{BASE}{STATEMENT}")
    assert stored is not None
    by_suffix = client.get(f"{STATEMENT}.{suffix}")
    by_accept = client.get(STATEMENT, headers={"Accept": media_type})
    by_format = client.get(f"{STATEMENT}?_format={suffix}", headers={"Accept": "text/html"})
    for response in (by_suffix, by_accept, by_format):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        assert response.content == by_suffix.content
    if rdflib_format == "json-ld":
        document = json.loads(by_suffix.content)
        assert document["@context"] == f"{BASE}/context.jsonld"
        # rdflib would fetch the context URL; give it the local file instead.
        document["@context"] = client.get("/context.jsonld").json()["@context"]
        graph = Graph().parse(data=json.dumps(document), format="json-ld")
    else:
        graph = parse(by_suffix.content, rdflib_format)
    assert isomorphic(graph, stored)


def test_headers_of_a_negotiated_response(client: TestClient) -> None:
    response = client.get(ICRC, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "Accept" in response.headers["vary"]
    etag = response.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert response.headers["last-modified"].endswith("GMT")
    links = response.headers["link"]
    for suffix, media_type, _ in FORMATS:
        assert f'<{ICRC}.{suffix}>; rel="alternate"; type="{media_type}"' in links
    assert f'<{ICRC}.html>; rel="alternate"; type="text/html"' in links


def test_each_representation_has_its_own_etag(client: TestClient) -> None:
    tags = {client.get(f"{ICRC}.{suffix}").headers["etag"] for suffix, _, _ in FORMATS}
    assert len(tags) == len(FORMATS)


def test_conditional_requests_answer_304(client: TestClient) -> None:
    first = client.get(ICRC, headers={"Accept": "text/turtle"})
    etag = first.headers["etag"]
    again = client.get(ICRC, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(ICRC, headers={"Accept": "text/turtle", "If-None-Match": '"other"'})
    assert other.status_code == 200
    since = client.get(
        ICRC,
        headers={"Accept": "text/turtle", "If-Modified-Since": first.headers["last-modified"]},
    )
    assert since.status_code == 304
    long_ago = client.get(
        ICRC,
        headers={"Accept": "text/turtle", "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )
    assert long_ago.status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    both = client.get(
        ICRC,
        headers={"If-None-Match": '"other"', "If-Modified-Since": first.headers["last-modified"]},
    )
    assert both.status_code == 200


def test_unacceptable_lists_what_is_available(client: TestClient) -> None:
    response = client.get(ICRC, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 406
    assert "text/turtle" in problem["available"]
    assert "text/turtle" in problem["detail"]
    bad_format = client.get(f"{ICRC}?_format=pdf")
    assert bad_format.status_code == 406


@pytest.mark.parametrize(
    "path", ["/id/org/nope", "/id/nope/icrc", "/id/org/icrc.pdf", "/nothing/here"]
)
def test_unknown_resources_are_404_problems(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_an_entity_lists_where_it_is_mentioned(client: TestClient) -> None:
    graph = parse(client.get(f"{ICRC}.ttl").content, "turtle")
    mentioned = set(graph.objects(URIRef(f"{BASE}{ICRC}"), DCTERMS.isReferencedBy))
    assert URIRef(f"{BASE}{STATEMENT}") in mentioned
    assert URIRef(f"{BASE}{ICRC}") not in mentioned


def test_mentions_are_paged(repository: Repository, web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"mentions_page_size": 1})
    with TestClient(create_app(settings, repository), base_url=BASE) as small_pages:
        first = small_pages.get(f"{ICRC}.ttl")
        assert f'<{ICRC}?page=2>; rel="next"' in first.headers["link"]
        second = small_pages.get(f"{ICRC}.ttl?page=2")
        assert second.status_code == 200
        refs = [
            set(parse(r.content, "turtle").objects(None, DCTERMS.isReferencedBy))
            for r in (first, second)
        ]
        assert len(refs[0]) == len(refs[1]) == 1
        assert refs[0] != refs[1]
        assert first.headers["etag"] != second.headers["etag"]


def test_a_node_inside_a_record_is_described_from_it(client: TestClient) -> None:
    response = client.get(f"{ALLEGATION}.ttl")
    assert response.status_code == 200
    graph = parse(response.content, "turtle")
    subject = URIRef(f"{BASE}{ALLEGATION}")
    assert (subject, None, None) in graph
    # Only this node's description, not the whole statement.
    assert (URIRef(f"{BASE}{STATEMENT}"), SCHEMA.headline, None) not in graph


def test_cors_allows_any_origin(client: TestClient) -> None:
    response = client.get(ICRC, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_publishing_a_new_version_never_serves_a_stale_representation(
    web_settings: Settings, parse_options: ParseOptions, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from advocacy_ld.records.repository import open_repository

    settings = web_settings.model_copy(update={"data": tmp_path_factory.mktemp("stale")})
    repository = open_repository(settings)
    ids = RecordIdentifier(BASE)

    def org(name: str) -> Graph:
        document = (
            "@prefix org: <http://www.w3.org/ns/org#> . @prefix schema: <https://schema.org/> .\n"
            "@prefix adv: <https://w3id.org/advocacy-ld/ns#> .\n"
            f'<id/org/versioned> a org:FormalOrganization ; schema:name "{name}"@en ;\n'
            "  adv:actorType <https://w3id.org/advocacy-ld/vocab/actor-type/news-media> ."
        )
        return parse_document(document.encode(), RDFSyntax.TURTLE, "x.ttl", parse_options)

    record = ids.parse(f"{BASE}/id/org/versioned")
    assert record is not None
    try:
        repository.put(record, org("First name"))
        with TestClient(create_app(settings, repository), base_url=BASE) as client:
            for suffix in ("ttl", "jsonld", "html", "nt", "rdf"):
                assert "First name" in client.get(f"/id/org/versioned.{suffix}").text
            old_etag = client.get("/id/org/versioned.ttl").headers["etag"]
            repository.put(record, org("Second name"))
            for suffix in ("ttl", "jsonld", "html", "nt", "rdf"):
                body = client.get(f"/id/org/versioned.{suffix}").text
                assert "Second name" in body
                assert "First name" not in body
            stale = client.get("/id/org/versioned.ttl", headers={"If-None-Match": old_etag})
            assert stale.status_code == 200
            modified = client.get("/id/org/versioned.ttl").headers["last-modified"]
            assert modified >= format_datetime(repository.last_modified, usegmt=True)[:5]
    finally:
        repository.close()


def test_the_cached_answer_is_the_routed_answer(client: TestClient) -> None:
    """The second GET comes from the cache fast path; it must not differ from the first."""
    first = client.get(ICRC, headers={"Accept": "application/ld+json"})
    second = client.get(ICRC, headers={"Accept": "application/ld+json"})
    assert second.content == first.content
    for header in ("etag", "last-modified", "vary", "link", "content-type", "cache-control"):
        assert second.headers[header] == first.headers[header]
    refused = client.get(ICRC, headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == "application/problem+json"
    arabic = client.get(f"{ICRC}?lang=ar", headers={"Accept": "text/html"})
    assert 'dir="rtl"' in arabic.text
    assert client.get(f"{ICRC}?lang=ar", headers={"Accept": "text/html"}).text == arabic.text
