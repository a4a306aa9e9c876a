"""Reading documents: exact error locations, and nothing ever fetched from the network."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import Literal, URIRef

from advocacy_ld.errors import (
    RDFSyntaxError,
    RemoteContextRefusedError,
    UnsafeInputError,
    UnsupportedFormatError,
)
from advocacy_ld.model.namespaces import CONTEXT_IRI, SCHEMA
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax, parse_document

from ..conftest import BASE

ORG = f"{BASE}/id/org/example"


@pytest.mark.parametrize(
    ("syntax", "document", "line", "column", "reason"),
    [
        (
            RDFSyntax.TURTLE,
            b'@prefix s: <https://schema.org/> .\n<id/org/x> s:name "x .\n',
            2,
            None,
            "end of file",
        ),
        (
            RDFSyntax.TURTLE,
            b"<id/org/x> <https://schema.org/name> .\n",
            1,
            38,
            "not a valid RDF object",
        ),
        (
            RDFSyntax.TURTLE,
            b"<id/org/x> a\n  <https://schema.org/Thing> ;\n  nope:p 1 .\n",
            3,
            None,
            "prefix",
        ),
        (RDFSyntax.N_TRIPLES, b"<http://a/b> <http://a/c> <http://a/d>\n", 2, 1, "dot"),
        (RDFSyntax.JSON_LD, b'{\n  "@id": "id/org/x",\n  "name": \n}\n', 4, 1, "Expecting value"),
        (
            RDFSyntax.RDF_XML,
            b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n"
            b"<rdf:Description>\n</rdf:RDF>\n",
            3,
            3,
            "expected",
        ),
    ],
    ids=[
        "turtle-open-string",
        "turtle-missing-object",
        "turtle-unknown-prefix",
        "ntriples-no-dot",
        "jsonld-bad-json",
        "rdfxml-unclosed",
    ],
)
def test_malformed_input_names_line_column_and_reason(
    parse_options: ParseOptions,
    syntax: RDFSyntax,
    document: bytes,
    line: int,
    column: int | None,
    reason: str,
) -> None:
    with pytest.raises(RDFSyntaxError) as raised:
        parse_document(document, syntax, "input.x", parse_options)
    error = raised.value
    assert error.location.line == line
    if column is not None:
        assert error.location.column == column
    assert error.location.column is not None
    assert reason.lower() in error.reason.lower()
    assert str(error).startswith(f"input.x:{line}:{error.location.column}: ")


def test_relative_iris_resolve_against_the_base(parse_options: ParseOptions) -> None:
    graph = parse_document(
        b'<id/org/example> <https://schema.org/name> "Example"@en .',
        RDFSyntax.TURTLE,
        "x.ttl",
        parse_options,
    )
    assert (URIRef(ORG), SCHEMA.name, Literal("Example", lang="en")) in graph


def test_non_utf8_input_is_a_syntax_error(parse_options: ParseOptions) -> None:
    with pytest.raises(RDFSyntaxError, match="UTF-8"):
        parse_document(b'{"@id": "\xff"}', RDFSyntax.JSON_LD, "x.jsonld", parse_options)


class _CountingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 - shared across handler instances on purpose

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = json.dumps({"@context": {"name": "https://schema.org/name"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def context_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that serves a context and records every request."""
    _CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/context.jsonld", _CountingHandler.requests
    server.shutdown()
    thread.join()


@pytest.mark.parametrize(
    "shape",
    ["string", "list", "scoped", "import"],
)
def test_remote_json_ld_context_is_refused_without_a_request(
    parse_options: ParseOptions, context_server: tuple[str, list[str]], shape: str
) -> None:
    url, requests = context_server
    documents = {
        "string": {"@context": url, "@id": "id/org/x", "name": "x"},
        "list": {"@context": [CONTEXT_IRI, url], "@id": "id/org/x", "name": "x"},
        "scoped": {
            "@context": {"knows": {"@id": "https://schema.org/knows", "@context": url}},
            "@id": "id/org/x",
        },
        "import": {"@context": {"@version": 1.1, "@import": url}, "@id": "id/org/x"},
    }
    with pytest.raises(RemoteContextRefusedError) as raised:
        parse_document(
            json.dumps(documents[shape]).encode(), RDFSyntax.JSON_LD, "x.jsonld", parse_options
        )
    assert url in str(raised.value)
    assert requests == []


@pytest.mark.parametrize("context_iri", [CONTEXT_IRI, f"{BASE}/context.jsonld"])
def test_the_project_context_is_resolved_locally(
    parse_options: ParseOptions, context_iri: str
) -> None:
    document = {"@context": context_iri, "@id": "id/org/example", "name": {"en": "Example"}}
    graph = parse_document(
        json.dumps(document).encode(), RDFSyntax.JSON_LD, "x.jsonld", parse_options
    )
    assert (URIRef(ORG), SCHEMA.name, Literal("Example", lang="en")) in graph


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE rdf:RDF [<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">]>',
        b'<!DOCTYPE foo SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
)
def test_rdf_xml_with_doctype_or_entities_is_refused(
    parse_options: ParseOptions, declaration: bytes
) -> None:
    document = (
        b'<?xml version="1.0"?>\n' + declaration + b"\n"
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>\n"
    )
    with pytest.raises(UnsafeInputError, match="DOCTYPE"):
        parse_document(document, RDFSyntax.RDF_XML, "x.rdf", parse_options)


@pytest.mark.parametrize(
    ("media_type", "syntax"),
    [
        ("text/turtle", RDFSyntax.TURTLE),
        ("text/turtle; charset=utf-8", RDFSyntax.TURTLE),
        ("application/ld+json", RDFSyntax.JSON_LD),
        ("application/json", RDFSyntax.JSON_LD),
        ("application/n-triples", RDFSyntax.N_TRIPLES),
        ("application/rdf+xml", RDFSyntax.RDF_XML),
    ],
)
def test_media_types_select_a_syntax(media_type: str, syntax: RDFSyntax) -> None:
    assert RDFSyntax.for_media_type(media_type) is syntax


def test_unknown_media_type_is_refused() -> None:
    with pytest.raises(UnsupportedFormatError, match="text/csv"):
        RDFSyntax.for_media_type("text/csv")
