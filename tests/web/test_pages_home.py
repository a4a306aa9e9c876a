"""The home page: what the dataset holds, for people (HTML) and machines (RDF)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from advocacy_ld.model.namespaces import SCHEMA

from ..conftest import BASE
from .test_pages import page


def test_home_lists_what_the_dataset_holds(client: TestClient) -> None:
    root = page(client, "/")
    counts = {
        li.attrs["class"].removeprefix("k-"): int(li.one("span", class_="number").text())
        for li in root.one("ul", class_="count-list").children_of("li")
    }
    assert counts["statement"] == 3
    assert counts["facility"] == 4
    assert counts["allegation"] == 18
    assert counts["demand"] == 12
    assert counts["org"] >= 10
    statements = [a.attrs["href"] for li in root.one("ol", class_="statements").children_of("li")
                  for a in li.one("h3").find("a")]  # fmt: skip
    assert statements == [  # newest first
        "/id/statement/veldmark-branch-9-2024-09-16",
        "/id/statement/harrow-ridge-2024-03-18",
        "/id/statement/sednaya-2018-12-25",
    ]
    assert root.find("a", href="/id/facility/sednaya-prison")
    assert root.find("a", href="/id/org/icrc")
    for target in ("/sparql", "/dumps/", "/dataset", "/ontology", "/shapes", "/context.jsonld"):
        assert root.one("ul", class_="endpoints").find("a", href=target), target
    assert root.find("a", href="/vocab/violation-type")


def test_home_in_arabic(client: TestClient) -> None:
    root = page(client, "/?lang=ar")
    html = root.one("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("ar", "rtl")
    assert root.one("h2", id="latest").text() == "أحدث البيانات"
    assert root.one("a", href="/id/facility/sednaya-prison?lang=ar").text() == "سجن صيدنايا"


@pytest.mark.parametrize(
    ("path", "accept", "media_type", "rdflib_format"),
    [
        ("/", "text/turtle", "text/turtle", "turtle"),
        ("/", "*/*", "text/turtle", "turtle"),
        ("/index.ttl", "text/html", "text/turtle", "turtle"),
        ("/index.nt", None, "application/n-triples", "nt"),
        ("/index.rdf", None, "application/rdf+xml", "xml"),
        ("/?_format=ttl", "text/html", "text/turtle", "turtle"),
    ],
)
def test_home_for_machines(
    client: TestClient, path: str, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert 'rel="canonical"' in response.headers["link"]
    assert '</>; rel="canonical"' in response.headers["link"]
    graph = Graph().parse(data=response.content, format=rdflib_format, publicID=f"{BASE}/")
    site = URIRef(f"{BASE}/")
    assert (site, RDF.type, SCHEMA.WebSite) in graph
    assert (site, SCHEMA.about, URIRef(f"{BASE}/id/statement/sednaya-2018-12-25")) in graph


def test_home_html_names_its_alternates(client: TestClient) -> None:
    root = page(client, "/")
    hrefs = {
        link.attrs["href"] for link in root.find("link", rel="alternate") if "type" in link.attrs
    }
    assert hrefs == {"/index.ttl", "/index.jsonld", "/index.nt", "/index.rdf"}
    response = client.get("/", headers={"Accept": "text/html"})
    conditional = {"Accept": "text/html", "If-None-Match": response.headers["etag"]}
    assert client.get("/", headers=conditional).status_code == 304
    arabic = client.get("/?lang=ar", headers={"Accept": "text/html"})
    assert arabic.headers["etag"] != response.headers["etag"]


def test_unknown_home_format_is_a_problem(client: TestClient) -> None:
    response = client.get("/index.xyz")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
