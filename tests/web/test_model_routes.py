"""The model served: `/ontology`, `/vocab/{scheme}`, `/shapes`, `/context.jsonld`, negotiated."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SH, SKOS

from advocacy_ld.model import Model, load_context
from advocacy_ld.model.namespaces import ADV, ADVC, ADVS

from .test_pages import page

# (path, a triple each RDF representation must hold)
DOCUMENTS = [
    ("/ontology", (ADV.Allegation, RDF.type, OWL.Class)),
    ("/vocab/violation-type", (ADVC["violation-type/mass-execution"], RDF.type, SKOS.Concept)),
    ("/vocab/demand-type", (ADVC["demand-type/release-of-detainees"], RDF.type, SKOS.Concept)),
    ("/shapes", (ADVS.AllegationShape, RDF.type, SH.NodeShape)),
]

RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}

# (how it is asked for, expected media type)
REQUESTS = [
    ("", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
    ("", "*/*", "text/turtle"),
    ("", None, "text/turtle"),
    ("", "application/ld+json", "application/ld+json"),
    ("", "application/rdf+xml;q=0.9, text/turtle;q=0.5", "application/rdf+xml"),
    (".ttl", "text/html", "text/turtle"),
    (".jsonld", None, "application/ld+json"),
    (".nt", None, "application/n-triples"),
    (".rdf", None, "application/rdf+xml"),
    (".html", "text/turtle", "text/html"),
    ("?_format=nt", "text/html", "application/n-triples"),
]


def parse(client: TestClient, body: bytes, media_type: str) -> Graph:
    if media_type == "application/ld+json":
        document = json.loads(body)
        document["@context"] = load_context()["@context"]
        return Graph().parse(data=json.dumps(document), format="json-ld")
    return Graph().parse(data=body, format=RDFLIB_FORMATS[media_type])


@pytest.mark.parametrize(("path", "triple"), DOCUMENTS)
@pytest.mark.parametrize(("suffix", "accept", "media_type"), REQUESTS)
def test_model_documents_are_negotiated(
    client: TestClient,
    path: str,
    triple: tuple[URIRef, URIRef, URIRef],
    suffix: str,
    accept: str | None,
    media_type: str,
) -> None:
    response = client.get(f"{path}{suffix}", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    assert response.headers["etag"].startswith('"')
    assert response.headers["last-modified"]
    assert f"<{path}.ttl" in response.headers["link"]
    if media_type != "text/html":
        assert triple in parse(client, response.content, media_type)
    again = client.get(
        f"{path}{suffix}",
        headers={
            "If-None-Match": response.headers["etag"],
            **({"Accept": accept} if accept else {}),
        },
    )
    assert again.status_code == 304


def test_every_scheme_is_served(client: TestClient, model: Model) -> None:
    for scheme in model.schemes():
        name = str(scheme).rsplit("/", 1)[-1]
        root = page(client, f"/vocab/{name}")
        terms = root.find("article", class_="term")
        concepts = set(model.vocabularies.subjects(SKOS.inScheme, scheme))
        assert len(terms) == len(concepts), name
        for term in terms:  # every concept has its English and Arabic label shown
            labels = [dd.text() for dd in term.find("dd", class_="label")]
            assert len(labels) == 2, term.attrs["id"]
            assert "—" not in labels, term.attrs["id"]


def test_vocabulary_page_lists_labels_in_both_languages(client: TestClient) -> None:
    for lang in ("en", "ar"):
        root = page(client, f"/vocab/violation-type?lang={lang}")
        term = root.one("article", id="mass-execution")
        assert term.one("dd", class_="label", lang="en").text() == "Mass execution"
        assert term.one("dd", class_="label", lang="ar", dir="rtl").text() == "الإعدام الجماعي"
        assert "systematic practice of executions" in term.text()
        assert "VT-02" in term.text()
    assert root.one("html").attrs["dir"] == "rtl"


def test_statement_concepts_link_to_their_vocabulary_entry(client: TestClient) -> None:
    root = page(client, "/id/statement/sednaya-2018-12-25")
    assert root.find("a", href="/vocab/violation-type#mass-execution")
    target = page(client, "/vocab/violation-type")
    assert target.one("article", id="mass-execution")


def test_ontology_page_lists_terms(client: TestClient) -> None:
    root = page(client, "/ontology")
    allegation = root.one("article", id="Allegation")
    assert allegation.one("dd", class_="label", lang="en").text() == "allegation"
    assert allegation.one("dd", class_="label", lang="ar").text() == "ادّعاء"
    assert allegation.find("a", href="https://schema.org/Claim")
    asserted_by = root.one("article", id="assertedBy")
    assert "صادر عن" in asserted_by.text()
    assert root.one("section", id="properties")
    assert root.find("a", href="/vocab/violation-type")


def test_shapes_page_lists_shapes_targets_and_messages(client: TestClient, model: Model) -> None:
    root = page(client, "/shapes")
    shape = root.one("article", id="AllegationShape")
    assert shape.one("p", class_="targets").find("a", href="/ontology#Allegation")
    messages = [p.text() for p in shape.iter("p") if p.attrs.get("lang") == "en"]
    expected = {
        str(m)
        for prop in model.shapes.objects(ADVS.AllegationShape, SH.property)
        for m in model.shapes.objects(prop, SH.message)
    }
    assert expected
    assert expected <= set(messages)
    node_shapes = set(model.shapes.subjects(RDF.type, SH.NodeShape))
    assert len(root.find("article", class_="term")) == len(node_shapes)


def test_a_concept_iri_leads_to_its_scheme(client: TestClient) -> None:
    response = client.get("/vocab/violation-type/torture", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/vocab/violation-type#torture"


def test_context_document(client: TestClient) -> None:
    response = client.get("/context.jsonld", headers={"Origin": "http://elsewhere.example"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json() == load_context()
    etag = response.headers["etag"]
    assert client.get("/context.jsonld", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/context.jsonld", headers={"Accept": "text/turtle"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/vocab/no-such-scheme",
        "/vocab/no-such-scheme.ttl",
        "/vocab/violation-type.xyz",
        "/vocab/violation-type/no-such-concept",
        "/vocab/no-such-scheme/torture",
        "/ontology.xyz",
        "/shapes.docx",
        "/index.pdf",
        "/id/org/no-such-org",
        "/id/org/no-such-org.html",
    ],
)
def test_not_found_is_a_problem(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404
    assert problem["instance"] == path


@pytest.mark.parametrize("path", ["/ontology", "/vocab/actor-type", "/shapes", "/"])
def test_not_acceptable_is_a_problem(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert "text/turtle" in response.json()["available"]


def test_html_varies_with_the_language(client: TestClient) -> None:
    english = client.get("/ontology", headers={"Accept": "text/html"})
    arabic = client.get("/ontology", headers={"Accept": "text/html", "Accept-Language": "ar"})
    assert english.headers["etag"] != arabic.headers["etag"]
    assert "Accept-Language" in english.headers["vary"]
    assert 'dir="rtl"' in arabic.text
