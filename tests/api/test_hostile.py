"""Hostile and broken input: every refused request leaves both stores byte-for-byte as they were
(compared as N-Quads exports), answers with a problem, and quotes no literal it was sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from .conftest import TURTLE, Server, World, export, invalid_org, make_world, org, serve

SECRET = "Witness Quillon Marker"
"""A literal in hostile bodies: no refusal may echo it (the 422 report to the submitter may)."""
LIMIT = 64 * 1024
TRIPLES = 200


class ContextServer:
    """A JSON-LD context server on 127.0.0.1 that counts the requests it gets (it must get none)."""

    def __init__(self) -> None:
        hits = self.hits = [0]

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits[0] += 1
                body = b'{"@context": {"name": "https://schema.org/name"}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/context.jsonld"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def contexts() -> Iterator[ContextServer]:
    server = ContextServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    for world in make_world(
        tmp_path_factory.mktemp("hostile"), max_body_bytes=LIMIT, max_record_triples=TRIPLES
    ):
        curator = world.auth("curator")
        assert world.submit(org("h-pending")).status_code == 201
        assert world.submit(org("h-public"), "curator", "?publish=true").status_code == 201
        assert world.submit(org("h-gone"), "curator", "?publish=true").status_code == 201
        world.client.delete("/api/records/org/h-gone?reason=duplicate", headers=curator)
        yield world


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes
    status: int
    kind: str
    method: str = "POST"
    path: str = "/api/records"
    who: str | None = "contributor"
    content_type: str | None = "text/turtle"
    headers: tuple[tuple[str, str], ...] = ()


def jsonld(context: object, **extra: object) -> bytes:
    return json.dumps(
        {"@context": context, "@id": "id/org/h-json", "https://schema.org/name": SECRET, **extra}
    ).encode()


def secret_org(slug: str) -> bytes:
    return org(slug, SECRET)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns:s="https://schema.org/"><rdf:Description rdf:about="id/org/h-xml">'
    b"<s:name>&lol2;</s:name></rdf:Description></rdf:RDF>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns:s="https://schema.org/"><rdf:Description rdf:about="id/org/h-xml">'
    b"<s:name>&x;</s:name></rdf:Description></rdf:RDF>"
)
MANY_TRIPLES = (
    b"<id/org/h-many> <https://schema.org/name> "
    + b", ".join(f'"{SECRET} {i}"'.encode() for i in range(TRIPLES + 1))
    + b" ."
)
CHAIN = b"<id/org/h-chain> <http://p> " + b"[ <http://p> " * 100 + b"1" + b" ]" * 100 + b" ."
CLIQUE = b"<id/org/h-clique> <http://p> _:n0 .\n" + b"".join(
    b"_:n%d <http://p> _:n%d .\n" % (a, b) for a in range(10) for b in range(10)
)
CLAIMING = secret_org("h-claim") + (
    b'<id/allegation/sednaya-2018-12-25-1> <https://schema.org/description> "mine"@en .\n'
)

CASES = [
    Case("no token", secret_org("h-anon"), 401, "unauthorized", who=None),
    Case(
        "contributor publishes",
        secret_org("h-x"),
        403,
        "forbidden",
        path="/api/records?publish=true",
    ),
    Case("declared body too large", b"#" * (LIMIT + 1), 413, "body-too-large"),
    Case("too many triples", MANY_TRIPLES, 413, "too-many-triples"),
    Case(
        "malformed turtle",
        f'<id/org/h-bad> <https://schema.org/name> "{SECRET}" <oops .'.encode(),
        400,
        "rdf-syntax-error",
    ),
    Case(
        "unterminated literal",
        f'<id/org/h-bad> <https://schema.org/name> "{SECRET}'.encode(),
        400,
        "rdf-syntax-error",
    ),
    Case(
        "malformed json",
        b'{"@id": "id/org/h-bad", ',
        400,
        "rdf-syntax-error",
        content_type="application/ld+json",
    ),
    Case(
        "not utf-8",
        f'<id/org/h-bad> <https://schema.org/name> "{SECRET} caf\xe9" .'.encode("latin-1"),
        400,
        "rdf-syntax-error",
    ),
    Case(
        "deeply nested json",
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
        400,
        "rdf-syntax-error",
        content_type="application/ld+json",
    ),
    Case(
        "named graph in n-triples",
        b"<http://a> <http://b> <http://c> <http://g> .",
        400,
        "rdf-syntax-error",
        content_type="application/n-triples",
    ),
    Case("billion laughs", BILLION_LAUGHS, 422, "unsafe-input", content_type="application/rdf+xml"),
    Case(
        "external entity", EXTERNAL_ENTITY, 422, "unsafe-input", content_type="application/rdf+xml"
    ),
    Case("blank node chain", CHAIN, 422, "unsupported-blank-nodes"),
    Case("blank node clique", CLIQUE, 422, "unsupported-blank-nodes"),
    Case(
        "iri outside the base",
        f'<http://elsewhere.example/id/org/x> <https://schema.org/name> "{SECRET}" .\n'.encode()
        + secret_org("h-out"),
        422,
        "not-a-record",
    ),
    Case(
        "look-alike host",
        b"<http://127.0.0.1:8000@evil.example/id/org/x> <https://schema.org/name> 1 .\n"
        + secret_org("h-host"),
        422,
        "not-a-record",
    ),
    Case(
        "@base elsewhere",
        b"@base <http://elsewhere.example/> .\n" + secret_org("h-base"),
        422,
        "not-a-record",
    ),
    Case("two records", secret_org("h-one") + secret_org("h-two"), 422, "not-a-record"),
    Case(
        "no record",
        f'<id/allegation/h-x-1> <https://schema.org/description> "{SECRET}"@en .'.encode(),
        422,
        "not-a-record",
    ),
    Case("empty body", b"", 422, "not-a-record"),
    Case("breaks the shapes", invalid_org("h-invalid"), 422, "validation-failed"),
    Case("claims another record's node", CLAIMING, 409, "claimed-by-another-record"),
    Case("existing record", secret_org("icrc"), 409, "record-exists"),
    Case(
        "unsupported media type",
        secret_org("h-csv"),
        415,
        "unsupported-media-type",
        content_type="text/csv",
    ),
    Case("no media type", secret_org("h-none"), 415, "unsupported-media-type", content_type=None),
    Case(
        "revision without if-match",
        secret_org("h-pending"),
        428,
        "precondition-required",
        "PUT",
        "/api/records/org/h-pending",
        "curator",
    ),
    Case(
        "stale if-match",
        secret_org("h-pending"),
        412,
        "precondition-failed",
        "PUT",
        "/api/records/org/h-pending",
        "curator",
        headers=(("If-Match", '"0-1"'),),
    ),
    Case(
        "revision of another record",
        secret_org("h-public"),
        422,
        "record-mismatch",
        "PUT",
        "/api/records/org/h-pending",
        "curator",
        headers=(("If-Match", "*"),),
    ),
    Case(
        "revision claiming a node",
        CLAIMING.replace(b"h-claim", b"h-public"),
        409,
        "claimed-by-another-record",
        "PUT",
        "/api/records/org/h-public",
        "curator",
        headers=(("If-Match", "*"),),
    ),
    Case(
        "revision of someone else's pending record",
        secret_org("h-pending"),
        404,
        "not-found",
        "PUT",
        "/api/records/org/h-pending",
        "other",
        headers=(("If-Match", "*"),),
    ),
    Case(
        "revision of a retracted record",
        secret_org("h-gone"),
        409,
        "lifecycle-conflict",
        "PUT",
        "/api/records/org/h-gone",
        "curator",
        headers=(("If-Match", "*"),),
    ),
    Case(
        "contributor publishes a record",
        b"",
        403,
        "forbidden",
        "POST",
        "/api/records/org/h-pending/publish",
    ),
    Case(
        "retraction without a reason",
        b"",
        400,
        "invalid-request",
        "DELETE",
        "/api/records/org/h-public",
        "curator",
    ),
    Case(
        "retraction of an unknown record",
        b"",
        404,
        "not-found",
        "DELETE",
        "/api/records/org/h-nothing?reason=x",
        "curator",
    ),
    Case(
        "second retraction",
        b"",
        409,
        "lifecycle-conflict",
        "DELETE",
        "/api/records/org/h-gone?reason=x",
        "curator",
    ),
    Case("validate only", secret_org("h-validate"), 200, "", path="/api/validate", who=None),
]


def _context_cases(contexts: ContextServer) -> list[Case]:
    remote = contexts.url
    scoped = {"knows": {"@id": "https://schema.org/knows", "@context": remote}}
    return [
        Case(
            "remote context",
            jsonld(remote),
            422,
            "remote-context-refused",
            content_type="application/ld+json",
        ),
        Case(
            "remote context in a list",
            jsonld(["https://w3id.org/advocacy-ld/context.jsonld", remote]),
            422,
            "remote-context-refused",
            content_type="application/ld+json",
        ),
        Case(
            "@import",
            jsonld({"@import": remote}),
            422,
            "remote-context-refused",
            content_type="application/ld+json",
        ),
        Case(
            "scoped remote context",
            jsonld(scoped),
            422,
            "remote-context-refused",
            content_type="application/ld+json",
        ),
        Case(
            "remote context, validate only",
            jsonld(remote),
            422,
            "remote-context-refused",
            path="/api/validate",
            who=None,
            content_type="application/ld+json",
        ),
    ]


def _send(world: World, case: Case) -> httpx.Response:
    headers = dict(case.headers)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    if case.who is not None:
        headers.update(world.auth(case.who))
    return world.client.request(case.method, case.path, content=case.body, headers=headers)


def _check(world: World, case: Case) -> None:
    before = export(world.repository)
    response = _send(world, case)
    assert response.status_code == case.status, response.text
    assert export(world.repository) == before, f"{case.name} changed a store"
    if case.status >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"].endswith(f"/{case.kind}")
        assert problem["status"] == case.status
        if case.kind != "validation-failed":
            assert SECRET not in response.text


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_refused_request_changes_nothing(hostile: World, case: Case) -> None:
    _check(hostile, case)


def test_remote_contexts_are_refused_without_a_request(
    hostile: World, contexts: ContextServer
) -> None:
    assert httpx.get(contexts.url).status_code == 200  # the server works
    contexts.hits[0] = 0
    for case in _context_cases(contexts):
        _check(hostile, case)
    assert contexts.hits[0] == 0


def test_syntax_errors_carry_line_and_column(hostile: World) -> None:
    body = (
        f'@prefix s: <https://schema.org/> .\n<id/org/h-bad> s:name "{SECRET}" ;\n  s:x s:y s:z .'
    )
    problem = hostile.submit(body.encode()).json()
    assert (problem["line"], problem["column"]) == (3, 11)
    json_problem = hostile.submit(
        b'{\n  "@id": "id/org/h-bad",\n  oops\n}', **{"Content-Type": "application/ld+json"}
    ).json()
    assert (json_problem["line"], json_problem["column"]) == (3, 3)


def test_too_many_triples_says_how_many(hostile: World) -> None:
    problem = hostile.submit(MANY_TRIPLES).json()
    assert problem["triples"] == TRIPLES + 1
    assert problem["limit"] == TRIPLES


@pytest.mark.parametrize(
    "body",
    [
        b"<id/org/h-deep> <http://p> " + b"[ <http://p> " * 1000 + b"1" + b" ]" * 1000 + b" .",
        CLIQUE,
        b"<id/org/h-ring> <http://p> _:n0 .\n"
        + b"".join(b"_:n%d <http://p> _:n%d .\n" % (a, (a + 1) % 500) for a in range(500)),
    ],
    ids=["chain of 1000", "clique of 10", "ring of 500"],
)
def test_blank_nodes_that_would_stall_or_crash_hashing_are_refused(
    world: World, body: bytes
) -> None:
    """Left to RDFC-1.0 these hang a worker for minutes, or overflow the native stack."""
    for path in ("/api/validate", "/api/records"):
        response = world.client.post(
            path, content=body, headers={**TURTLE, **world.auth("curator")}
        )
        assert response.status_code == 422
        assert response.json()["type"].endswith("/unsupported-blank-nodes")


def test_a_claim_names_only_the_submitters_own_iris(hostile: World) -> None:
    problem = hostile.submit(CLAIMING).json()
    assert problem["iris"] == [f"{hostile.settings.base_uri}/id/allegation/sednaya-2018-12-25-1"]
    assert "statement" not in json.dumps(problem)


@pytest.fixture(scope="module")
def hostile_server(hostile: World) -> Iterator[Server]:
    yield from serve(hostile)


def test_a_large_declared_body_is_refused_by_a_real_server(hostile_server: Server) -> None:
    world = hostile_server.world
    before = export(world.repository)
    response = httpx.post(
        f"{hostile_server.url}/api/records",
        content=b"#" * (LIMIT * 4),
        headers={**TURTLE, **world.auth("contributor")},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["limit"] == LIMIT
    assert export(world.repository) == before


@pytest.mark.parametrize("path", ["/api/records", "/api/validate", "/sparql"])
def test_a_chunked_body_is_cut_off_while_it_streams(hostile_server: Server, path: str) -> None:
    world = hostile_server.world
    before = export(world.repository)
    sent = [0]

    def chunks() -> Iterator[bytes]:
        for _ in range(256):  # 4 MiB in 16 KiB chunks, with no Content-Length
            sent[0] += 1
            yield b"# comment " * 1638 + b"\n\n\n\n"

    response = httpx.post(
        f"{hostile_server.url}{path}",
        content=chunks(),
        headers={**TURTLE, **world.auth("contributor")},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert export(world.repository) == before


def test_a_valid_submission_still_works_afterwards(hostile_server: Server) -> None:
    world = hostile_server.world
    response = httpx.post(
        f"{hostile_server.url}/api/records",
        content=org("h-after"),
        headers={**TURTLE, **world.auth("contributor")},
        timeout=30,
    )
    assert response.status_code == 201
