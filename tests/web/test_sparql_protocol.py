"""SPARQL 1.1 Protocol requests as data: one table of cases, one test that runs them.

https://www.w3.org/TR/sparql11-protocol/ — each case is a request (method, URL parameters,
headers, body), the status and media type it must get, and a check of the answer.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from ..conftest import BASE

ADV = "https://w3id.org/advocacy-ld/ns#"
SEDNAYA = f"{BASE}/id/statement/sednaya-2018-12-25"
HARROW = f"{BASE}/id/statement/harrow-ridge-2024-03-18"
SECURITY_COUNCIL = f"{BASE}/id/org/un-security-council"
STATEMENTS = {
    SEDNAYA,
    HARROW,
    f"{BASE}/id/statement/veldmark-branch-9-2024-09-16",
}
DOCUMENTS = f"SELECT ?d WHERE {{ ?d a <{ADV}AdvocacyDocument> }} ORDER BY ?d"
COUNT_DOCUMENTS = f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{ADV}AdvocacyDocument> }}"
ASK_SECURITY_COUNCIL = f"ASK {{ ?demand <{ADV}addressee> <{SECURITY_COUNCIL}> }}"
CONSTRUCT_DEMANDS = (
    f"CONSTRUCT {{ ?demand <{ADV}addressee> ?addressee }} "
    f"WHERE {{ ?demand a <{ADV}Demand> ; <{ADV}addressee> ?addressee }}"
)
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
STORE_ONLY_TEXT = ("Atrocities in Notorious Sednaya", "26523eeca983d59e11d43cb0964db0f4")
"""Text only the store holds: no error answer may contain it."""

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
PROBLEM = "application/problem+json"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
ALL_FORMATS = (
    "application/sparql-results+json, application/sparql-results+xml, text/csv, "
    "text/tab-separated-values, text/turtle, application/ld+json, application/n-triples, "
    "application/rdf+xml, text/html"
)


# -- checks: each reads the answer in the format it came in ----------------------------------


def solutions(response: Response) -> list[dict[str, str]]:
    """Rows as {variable: value}, read by pyoxigraph from whichever result format came back."""
    media_type = response.headers["content-type"].split(";")[0]
    if media_type == "text/csv":  # lossy (Results CSV §2), so pyoxigraph will not read it
        assert response.text.endswith("\r\n")
        return [
            {k: v for k, v in row.items() if v}
            for row in csv.DictReader(io.StringIO(response.text, newline=""))
        ]
    result_format = ox.QueryResultsFormat.from_media_type(media_type)
    assert result_format is not None, media_type
    parsed = ox.parse_query_results(response.content, result_format)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [
        {name: term.value for name, term in zip(names, row, strict=True) if term is not None}
        for row in parsed
    ]


def boolean(response: Response) -> bool:
    media_type = response.headers["content-type"].split(";")[0]
    result_format = ox.QueryResultsFormat.from_media_type(media_type)
    if result_format in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV):
        return response.text.strip() == "true"
    parsed = ox.parse_query_results(response.content, result_format)
    assert isinstance(parsed, ox.QueryBoolean)
    return bool(parsed)


def triples(response: Response) -> list[ox.Triple]:
    media_type = response.headers["content-type"].split(";")[0]
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    assert rdf_format is not None, media_type
    return [
        ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.content, rdf_format)
    ]


def values_of(name: str) -> Callable[[Response], set[str]]:
    return lambda response: {row[name] for row in solutions(response) if name in row}


def has_documents(expected: set[str]) -> Callable[[Response], bool]:
    return lambda response: values_of("d")(response) == expected


def counts(expected: int) -> Callable[[Response], bool]:
    return lambda response: [row["n"] for row in solutions(response)] == [str(expected)]


def is_true(response: Response) -> bool:
    return boolean(response)


def is_false(response: Response) -> bool:
    return not boolean(response)


def addressees_include_security_council(response: Response) -> bool:
    found = {t.object.value for t in triples(response) if t.predicate.value == f"{ADV}addressee"}
    return SECURITY_COUNCIL in found


def problem_kind(kind: str, *words: str) -> Callable[[Response], bool]:
    """An RFC 9457 problem of this kind whose detail says `words` (the reason, spelled out)."""

    def check(response: Response) -> bool:
        problem = response.json()
        assert problem["type"].endswith(f"/{kind}"), problem
        assert problem["status"] == response.status_code
        assert problem["title"]
        assert problem["instance"] == "/sparql"
        return all(word in problem["detail"] for word in words)

    return check


def syntax_error_located(response: Response) -> bool:
    problem = response.json()
    return (
        problem_kind("sparql-syntax-error", "error at 2:")(response)
        and problem["line"] == 2
        and isinstance(problem["column"], int)
    )


def service_description(response: Response) -> bool:
    text = response.text
    return "sd:Service" in text and "sd:SPARQL11Query" in text and "sd:endpoint" in text


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    status: int
    content_type: str
    check: Callable[[Response], bool] | None = None
    method: str = "GET"
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    expect_headers: dict[str, str] = field(default_factory=dict)


def form(*pairs: tuple[str, str]) -> bytes:
    return urlencode(list(pairs)).encode("ascii")


def refused(kind: str, *words: str) -> Callable[[Response], bool]:
    return problem_kind(kind, *words)


CASES = [
    # §2.1.1 query via GET; SELECT and ASK in each result format, JSON by default.
    Case("get-select-default-json", 200, JSON_RESULTS, has_documents(STATEMENTS),
         params=[("query", DOCUMENTS)]),
    Case("get-select-any-json", 200, JSON_RESULTS, has_documents(STATEMENTS),
         params=[("query", DOCUMENTS)], headers={"Accept": "*/*"}),
    Case("get-select-xml", 200, XML_RESULTS, has_documents(STATEMENTS),
         params=[("query", DOCUMENTS)], headers={"Accept": XML_RESULTS}),
    Case("get-select-csv", 200, "text/csv", has_documents(STATEMENTS),
         params=[("query", DOCUMENTS)], headers={"Accept": "text/csv"}),
    Case("get-select-tsv", 200, "text/tab-separated-values", has_documents(STATEMENTS),
         params=[("query", DOCUMENTS)], headers={"Accept": "text/tab-separated-values"}),
    Case("get-select-application-json", 200, JSON_RESULTS, has_documents(STATEMENTS),
         params=[("query", DOCUMENTS)], headers={"Accept": "application/json"}),
    Case("get-select-q-values", 200, "text/csv", has_documents(STATEMENTS),
         params=[("query", DOCUMENTS)],
         headers={"Accept": f"{JSON_RESULTS};q=0.5, text/csv;q=0.9, text/turtle"}),
    Case("get-ask-json", 200, JSON_RESULTS, is_true, params=[("query", ASK_SECURITY_COUNCIL)]),
    Case("get-ask-xml", 200, XML_RESULTS, is_true, params=[("query", ASK_SECURITY_COUNCIL)],
         headers={"Accept": XML_RESULTS}),
    Case("get-ask-csv", 200, "text/csv", is_true, params=[("query", ASK_SECURITY_COUNCIL)],
         headers={"Accept": "text/csv"}),
    Case("get-ask-false", 200, JSON_RESULTS, is_false,
         params=[("query", f"ASK {{ <{SEDNAYA}> <{ADV}addressee> ?x }}")]),
    # CONSTRUCT and DESCRIBE in each RDF syntax, Turtle by default.
    Case("get-construct-default-turtle", 200, "text/turtle",
         addressees_include_security_council, params=[("query", CONSTRUCT_DEMANDS)]),
    Case("get-construct-jsonld", 200, "application/ld+json",
         addressees_include_security_council, params=[("query", CONSTRUCT_DEMANDS)],
         headers={"Accept": "application/ld+json"}),
    Case("get-construct-ntriples", 200, "application/n-triples",
         addressees_include_security_council, params=[("query", CONSTRUCT_DEMANDS)],
         headers={"Accept": "application/n-triples"}),
    Case("get-construct-rdfxml", 200, "application/rdf+xml",
         addressees_include_security_council, params=[("query", CONSTRUCT_DEMANDS)],
         headers={"Accept": "application/rdf+xml"}),
    Case("get-construct-all-formats-turtle", 200, "text/turtle",
         addressees_include_security_council, params=[("query", CONSTRUCT_DEMANDS)],
         headers={"Accept": ALL_FORMATS}),
    Case("get-select-all-formats-json", 200, JSON_RESULTS, has_documents(STATEMENTS),
         params=[("query", DOCUMENTS)], headers={"Accept": ALL_FORMATS}),
    Case("get-describe-turtle", 200, "text/turtle",
         lambda r: any(t.subject.value == SEDNAYA for t in triples(r)),
         params=[("query", f"DESCRIBE <{SEDNAYA}>")]),
    # format= / output= / results= name a format and win over Accept; other values are ignored.
    Case("format-json-over-accept", 200, JSON_RESULTS, has_documents(STATEMENTS),
         params=[("query", DOCUMENTS), ("format", "json")], headers={"Accept": "text/csv"}),
    Case("output-csv", 200, "text/csv", has_documents(STATEMENTS),
         params=[("query", DOCUMENTS), ("output", "csv")]),
    Case("results-tsv-media-type", 200, "text/tab-separated-values", has_documents(STATEMENTS),
         params=[("query", DOCUMENTS), ("results", "text/tab-separated-values")]),
    Case("format-xml-sparqlwrapper-style", 200, XML_RESULTS, has_documents(STATEMENTS),
         params=[("query", DOCUMENTS), ("format", "xml"), ("output", "xml"), ("results", "xml")]),
    Case("format-xml-construct-is-rdfxml", 200, "application/rdf+xml",
         addressees_include_security_council,
         params=[("query", CONSTRUCT_DEMANDS), ("format", "xml")]),
    Case("format-json-construct-is-jsonld", 200, "application/ld+json",
         addressees_include_security_council,
         params=[("query", CONSTRUCT_DEMANDS), ("format", "json")]),
    Case("format-turtle-on-select-ignored", 200, JSON_RESULTS, has_documents(STATEMENTS),
         params=[("query", DOCUMENTS), ("format", "turtle")]),
    Case("format-unknown-ignored", 200, "text/csv", has_documents(STATEMENTS),
         params=[("query", DOCUMENTS), ("format", "fancy")], headers={"Accept": "text/csv"}),
    Case("format-html", 200, "text/html", lambda r: "<table" in r.text,
         params=[("query", DOCUMENTS), ("format", "html")]),
    # §2.1.2 POST of a form; §2.1.3 POST of the query itself.
    Case("post-form-select", 200, JSON_RESULTS, has_documents(STATEMENTS), method="POST",
         headers={"Content-Type": FORM}, body=form(("query", DOCUMENTS))),
    Case("post-form-charset", 200, XML_RESULTS, is_true, method="POST",
         headers={"Content-Type": f"{FORM}; charset=UTF-8", "Accept": XML_RESULTS},
         body=form(("query", ASK_SECURITY_COUNCIL))),
    Case("post-form-construct", 200, "text/turtle", addressees_include_security_council,
         method="POST", headers={"Content-Type": FORM}, body=form(("query", CONSTRUCT_DEMANDS))),
    Case("post-direct-select", 200, JSON_RESULTS, has_documents(STATEMENTS), method="POST",
         headers={"Content-Type": DIRECT}, body=DOCUMENTS.encode()),
    Case("post-direct-charset", 200, "text/csv", has_documents(STATEMENTS), method="POST",
         headers={"Content-Type": f"{DIRECT}; charset=utf-8", "Accept": "text/csv"},
         body=DOCUMENTS.encode()),
    Case("post-direct-non-ascii", 200, JSON_RESULTS, counts(0), method="POST",
         headers={"Content-Type": DIRECT},
         body='SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "سجن صيدنايا" }'.encode()),
    # §2.1.4 the dataset: default-graph-uri and named-graph-uri win over FROM / FROM NAMED.
    Case("dataset-union-by-default", 200, JSON_RESULTS, counts(3),
         params=[("query", COUNT_DOCUMENTS)]),
    Case("dataset-default-graph-uri", 200, JSON_RESULTS, has_documents({SEDNAYA}),
         params=[("query", DOCUMENTS), ("default-graph-uri", SEDNAYA)]),
    Case("dataset-two-default-graphs", 200, JSON_RESULTS, has_documents({SEDNAYA, HARROW}),
         params=[("query", DOCUMENTS), ("default-graph-uri", SEDNAYA),
                 ("default-graph-uri", HARROW)]),
    Case("dataset-named-graph-uri", 200, JSON_RESULTS,
         lambda r: values_of("g")(r) == {SEDNAYA, HARROW},
         params=[("query", GRAPHS), ("named-graph-uri", SEDNAYA), ("named-graph-uri", HARROW)]),
    Case("dataset-named-only-empty-default", 200, JSON_RESULTS, is_false,
         params=[("query", "ASK { ?s ?p ?o }"), ("named-graph-uri", SEDNAYA)]),
    Case("dataset-default-only-no-named", 200, JSON_RESULTS, lambda r: values_of("g")(r) == set(),
         params=[("query", GRAPHS), ("default-graph-uri", SEDNAYA)]),
    Case("dataset-all-record-graphs-named", 200, JSON_RESULTS,
         lambda r: STATEMENTS | {SECURITY_COUNCIL} <= values_of("g")(r),
         params=[("query", GRAPHS)]),
    Case("dataset-from-in-query", 200, JSON_RESULTS, has_documents({SEDNAYA}),
         params=[("query", f"SELECT ?d FROM <{SEDNAYA}> WHERE {{ ?d a <{ADV}AdvocacyDocument> }}")
                 ]),
    Case("dataset-from-named-in-query", 200, JSON_RESULTS, lambda r: values_of("g")(r) == {HARROW},
         params=[("query", f"SELECT DISTINCT ?g FROM NAMED <{HARROW}> "
                           "WHERE { GRAPH ?g { ?s ?p ?o } }")]),
    Case("dataset-protocol-wins-over-from", 200, JSON_RESULTS, has_documents({HARROW}),
         params=[("query", f"SELECT ?d FROM <{SEDNAYA}> WHERE {{ ?d a <{ADV}AdvocacyDocument> }}"),
                 ("default-graph-uri", HARROW)]),
    Case("dataset-post-direct-graphs-in-url", 200, JSON_RESULTS, has_documents({HARROW}),
         method="POST", params=[("default-graph-uri", HARROW)],
         headers={"Content-Type": DIRECT}, body=DOCUMENTS.encode()),
    Case("dataset-post-form-graphs-in-body", 200, JSON_RESULTS, has_documents({HARROW}),
         method="POST", headers={"Content-Type": FORM},
         body=form(("query", DOCUMENTS), ("default-graph-uri", HARROW))),
    Case("dataset-invalid-iri", 400, PROBLEM,
         refused("sparql-invalid-request", "default-graph-uri", "absolute IRI"),
         params=[("query", DOCUMENTS), ("default-graph-uri", "not an iri")]),
    # The service description on GET without a query (Service Description §2).
    Case("service-description-turtle", 200, "text/turtle", service_description),
    Case("service-description-html", 200, "text/html", lambda r: "<form" in r.text,
         headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}),
    Case("service-description-jsonld", 200, "application/ld+json",
         lambda r: "sparql-service-description#" in r.text,
         headers={"Accept": "application/ld+json"}),
    # Refusals: 400 (or 405, 406, 415) as RFC 9457 problem details saying why.
    Case("update-insert-get", 400, PROBLEM, refused("sparql-update-refused", "INSERT", "read-only"),
         params=[("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }")]),
    Case("update-delete-where", 400, PROBLEM, refused("sparql-update-refused", "DELETE"),
         params=[("query", "PREFIX a: <urn:a#> DELETE WHERE { ?s ?p ?o }")]),
    Case("update-load-post-direct", 400, PROBLEM, refused("sparql-update-refused", "LOAD"),
         method="POST", headers={"Content-Type": DIRECT},
         body=b"LOAD <http://127.0.0.1:9/data.ttl>"),
    Case("update-clear-post-form", 400, PROBLEM, refused("sparql-update-refused", "CLEAR"),
         method="POST", headers={"Content-Type": FORM}, body=form(("query", "clear all"))),
    Case("update-drop", 400, PROBLEM, refused("sparql-update-refused", "DROP"),
         params=[("query", "# comment\nDROP GRAPH <urn:g>")]),
    Case("update-with", 400, PROBLEM, refused("sparql-update-refused", "WITH"),
         params=[("query", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")]),
    Case("update-parameter", 400, PROBLEM, refused("sparql-update-refused", "read-only"),
         method="POST", headers={"Content-Type": FORM},
         body=form(("update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"))),
    Case("method-put", 405, PROBLEM, refused("method-not-allowed", "PUT"), method="PUT",
         params=[("query", DOCUMENTS)], expect_headers={"Allow": "GET, HEAD, POST, OPTIONS"}),
    Case("method-delete", 405, PROBLEM, refused("method-not-allowed", "DELETE"), method="DELETE",
         expect_headers={"Allow": "GET, HEAD, POST, OPTIONS"}),
    Case("method-options", 204, "", None, method="OPTIONS",
         expect_headers={"Allow": "GET, HEAD, POST, OPTIONS"}),
    Case("post-text-plain", 415, PROBLEM, refused("unsupported-media-type", "text/plain"),
         method="POST", headers={"Content-Type": "text/plain"}, body=DOCUMENTS.encode(),
         expect_headers={"Accept-Post": f"{FORM}, {DIRECT}"}),
    Case("post-json", 415, PROBLEM, refused("unsupported-media-type", "application/json"),
         method="POST", headers={"Content-Type": "application/json"},
         body=json.dumps({"query": DOCUMENTS}).encode()),
    Case("post-no-content-type", 415, PROBLEM, refused("unsupported-media-type", "no Content-Type"),
         method="POST", body=DOCUMENTS.encode()),
    Case("post-direct-latin1", 415, PROBLEM, refused("unsupported-media-type", "UTF-8"),
         method="POST", headers={"Content-Type": f"{DIRECT}; charset=iso-8859-1"},
         body=DOCUMENTS.encode()),
    Case("several-query-parameters", 400, PROBLEM, refused("sparql-invalid-request", "2 `query`"),
         params=[("query", DOCUMENTS), ("query", ASK_SECURITY_COUNCIL)]),
    Case("several-query-in-form", 400, PROBLEM, refused("sparql-invalid-request", "2 `query`"),
         method="POST", headers={"Content-Type": FORM},
         body=form(("query", DOCUMENTS), ("query", DOCUMENTS))),
    Case("body-and-url-query-direct", 400, PROBLEM, refused("sparql-invalid-request", "body"),
         method="POST", params=[("query", DOCUMENTS)], headers={"Content-Type": DIRECT},
         body=DOCUMENTS.encode()),
    Case("body-and-url-query-form", 400, PROBLEM, refused("sparql-invalid-request", "body"),
         method="POST", params=[("query", DOCUMENTS)], headers={"Content-Type": FORM},
         body=form(("query", DOCUMENTS))),
    Case("post-without-query", 400, PROBLEM, refused("sparql-invalid-request", "no query"),
         method="POST", headers={"Content-Type": FORM}, body=form(("format", "json"))),
    Case("empty-query", 400, PROBLEM, refused("sparql-invalid-request", "empty"),
         params=[("query", "  \n ")]),
    Case("non-utf8-direct-body", 400, PROBLEM, refused("sparql-invalid-request", "UTF-8"),
         method="POST", headers={"Content-Type": DIRECT},
         body=b'SELECT * WHERE { ?s ?p "caf\xe9" }'),
    Case("non-utf8-form-body", 400, PROBLEM, refused("sparql-invalid-request", "UTF-8"),
         method="POST", headers={"Content-Type": FORM}, body=b"query=SELECT%20%FF"),
    Case("syntax-error-with-position", 400, PROBLEM, syntax_error_located,
         params=[("query", "SELECT ?s\nWHERE { ?s ?p }")]),
    Case("syntax-error-post", 400, PROBLEM, refused("sparql-syntax-error", "does not parse"),
         method="POST", headers={"Content-Type": DIRECT}, body=b"SELECT WHERE"),
    Case("not-a-query", 400, PROBLEM, refused("sparql-syntax-error", "error at 1:"),
         params=[("query", "hello")]),
    Case("service-refused", 400, PROBLEM, refused("sparql-service-refused", "SERVICE"),
         params=[("query", SERVICE)]),
    Case("not-acceptable-select-as-turtle", 406, PROBLEM,
         refused("not-acceptable", JSON_RESULTS), params=[("query", DOCUMENTS)],
         headers={"Accept": "text/turtle"}),
    Case("not-acceptable-construct-as-json-results", 406, PROBLEM,
         refused("not-acceptable", "text/turtle"), params=[("query", CONSTRUCT_DEMANDS)],
         headers={"Accept": JSON_RESULTS}),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_protocol_case(client: TestClient, case: Case) -> None:
    url = "/sparql" + (f"?{urlencode(case.params)}" if case.params else "")
    response = client.request(case.method, url, headers=case.headers, content=case.body)
    assert response.status_code == case.status, response.text
    assert response.headers.get("content-type", "").startswith(case.content_type)
    for name, value in case.expect_headers.items():
        assert response.headers.get(name) == value
    if case.status >= 400:
        assert response.headers["content-type"] == PROBLEM
        for text in STORE_ONLY_TEXT:
            assert text not in response.text
    if case.check is not None:
        assert case.check(response), response.text[:2000]


def test_cases_have_unique_ids() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def test_results_vary_on_accept(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": DOCUMENTS})
    assert "Accept" in response.headers["vary"]
