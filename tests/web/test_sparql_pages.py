"""The endpoint for people (a query form that works without JavaScript, examples that answer)
and its service description for programs (SPARQL 1.1 Service Description)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from advocacy_ld.model import load_context
from advocacy_ld.publish.sparql.examples import EXAMPLES, Example
from advocacy_ld.records.repository import Repository

from ..conftest import BASE

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORMATS = "http://www.w3.org/ns/formats/"

EXPECTED = {
    # slug: (a column, values it must hold)
    "facilities": ("facility", {f"{BASE}/id/facility/sednaya-prison"}),
    "security-council": ("document", {f"{BASE}/id/statement/sednaya-2018-12-25"}),
    "evidence": (
        "report",
        {f"{BASE}/id/report/washington-post-2018-12-23-sednaya-executions"},
    ),
}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.slug for e in EXAMPLES])
def test_each_example_answers_its_question(client: TestClient, example: Example) -> None:
    response = client.get("/sparql", params={"query": example.query})
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    assert bindings, f"{example.slug} returned no rows"
    column, expected = EXPECTED[example.slug]
    assert expected <= {b[column]["value"] for b in bindings if column in b}


def test_facilities_example_counts_allegations(client: TestClient) -> None:
    (example,) = [e for e in EXAMPLES if e.slug == "facilities"]
    bindings = client.get("/sparql", params={"query": example.query}).json()["results"]["bindings"]
    counts = [int(b["allegations"]["value"]) for b in bindings]
    assert counts == sorted(counts, reverse=True)
    assert all(count > 0 for count in counts)


def test_security_council_demands_are_the_sednaya_ones(client: TestClient) -> None:
    (example,) = [e for e in EXAMPLES if e.slug == "security-council"]
    bindings = client.get("/sparql", params={"query": example.query}).json()["results"]["bindings"]
    demands = {b["demand"]["value"] for b in bindings}
    assert f"{BASE}/id/demand/sednaya-2018-12-25-1" in demands
    assert all("Security Council" in b["description"]["value"] for b in bindings)


def test_query_form_for_browsers(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert re.search(r'<form[^>]*method="get"[^>]*action="/sparql"', page)
    assert '<textarea id="query" name="query"' in page
    assert "<script" not in page.replace('<script type="application/ld+json">', "")
    for example in EXAMPLES:
        assert example.title in page
        assert str(escape(example.href)) in page
    assert 'href="/sparql.ttl"' in page


def test_an_example_link_shows_its_answer_as_a_table(client: TestClient) -> None:
    (example,) = [e for e in EXAMPLES if e.slug == "facilities"]
    response = client.get(example.href, headers={"Accept": BROWSER})
    assert response.status_code == 200
    page = response.text
    assert '<table class="results">' in page
    assert "Sednaya Prison" in page
    assert f'href="{BASE}/id/facility/sednaya-prison"' in page
    assert str(escape(example.query.strip())) in page  # the form keeps the query
    assert "application/sparql-results+json" in page  # download links


def test_construct_and_ask_pages(client: TestClient) -> None:
    construct = client.get(
        "/sparql",
        params={"query": f"DESCRIBE <{BASE}/id/org/un-security-council>"},
        headers={"Accept": BROWSER},
    )
    assert construct.status_code == 200
    assert '<th scope="col">predicate</th>' in construct.text
    assert "schema:sameAs" in construct.text
    ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": BROWSER})
    assert '<p class="boolean"><strong>yes</strong>' in ask.text


def _description(client: TestClient, suffix: str = "", accept: str = "text/turtle") -> Graph:
    response = client.get(f"/sparql{suffix}", headers={"Accept": accept})
    assert response.status_code == 200
    media_type = response.headers["content-type"].split(";")[0]
    if media_type == "application/ld+json":
        # It names the project context by URL; read it with the local copy, fetching nothing.
        document = response.json()
        assert document["@context"] == f"{BASE}/context.jsonld"
        document["@context"] = load_context()["@context"]
        return Graph().parse(data=json.dumps(document), format="json-ld")
    return Graph().parse(data=response.content, format=media_type)


def test_service_description(client: TestClient, repository: Repository) -> None:
    graph = _description(client)
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef(f"{BASE}/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(f).removeprefix(FORMATS) for f in graph.objects(service, SD.resultFormat)}
    assert formats == {
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
        "SPARQL_Results_TSV", "Turtle", "JSON-LD", "N-Triples", "RDF_XML",
    }  # fmt: skip
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    assert graph.value(dataset, SD.defaultGraph) is not None
    triples = graph.value(dataset, VOID.triples)
    assert isinstance(triples, Literal)
    assert triples.toPython() == repository.public.triple_count()


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("suffix", "accept"),
    [
        (".ttl", "*/*"),
        (".jsonld", "*/*"),
        (".nt", "*/*"),
        (".rdf", "*/*"),
        ("", "application/ld+json"),
        ("", "application/rdf+xml"),
    ],
)
def test_service_description_in_every_rdf_syntax(
    client: TestClient, suffix: str, accept: str
) -> None:
    turtle = _description(client)
    other = _description(client, suffix, accept)
    assert len(other) == len(turtle)
    assert set(other.subjects(RDF.type, SD.Service)) == set(turtle.subjects(RDF.type, SD.Service))


def test_service_description_validators(client: TestClient) -> None:
    first = client.get("/sparql")
    assert first.headers["etag"]
    again = client.get("/sparql", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/sparql.html").headers["content-type"].startswith("text/html")
    assert client.get("/sparql.csv").status_code == 404


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    response = client.head("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert response.content == b""
