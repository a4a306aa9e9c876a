"""Nothing that is not public leaks through a public route (DESIGN.md §4, issue 4 item 6).

A deployment holds, besides the examples: a pending and a restricted record of each kind used
(an organization and a statement), a retracted record, a rejected submission, a public record
with a version that was never published, one with a version withdrawn by restriction, one
restricted after publication (and left so), and public records written by a contributor whose
token name is a marker. Every public route is
requested in every format; no marker may appear in any answer (bodies decompressed, headers
included). A request that names a hidden record's IRI must get exactly the answer an IRI that
never existed gets.

To cover a new public route (the feeds: `/feed`, `/oai?verb=…`), add it to STATIC_ROUTES, or
add a per-resource pattern to RECORD_ROUTES.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from advocacy_ld.model import load_model
from advocacy_ld.publish.sparql.engine import ProcessEngine
from advocacy_ld.publish.sparql.formats import GraphFormat, ResultFormat
from advocacy_ld.publish.sparql.replica import ReplicaEngine
from advocacy_ld.web.app import create_app
from advocacy_ld.web.sparql import query_engine

from .api.conftest import BASE, TURTLE, World, make_world, org
from .conftest import EXAMPLES

PENDING = "zqpendingmarker"
RESTRICTED = "zqrestrictedmarker"
RETRACTED = "zqretractedmarker"
REJECTED = "zqrejectedmarker"
HELD = "zqheldversionmarker"
WITHDRAWN = "zqwithdrawnmarker"
RESTRICTED_LATER = "zqrestrictedlatermarker"
RESTRICTED_BY_PUT = "zqrestrictedbyputmarker"
CONTRIBUTOR = "zqcontributormarker"
MARKERS = (
    PENDING, RESTRICTED, RETRACTED, REJECTED, HELD, WITHDRAWN, RESTRICTED_LATER,
    RESTRICTED_BY_PUT, CONTRIBUTOR,
)  # fmt: skip

HIDDEN = (
    f"/id/org/{PENDING}-org",
    f"/id/org/{RESTRICTED}-org",
    f"/id/org/{REJECTED}-org",
    f"/id/statement/{PENDING}-statement",
    f"/id/statement/{RESTRICTED}-statement",
    f"/id/allegation/{RESTRICTED}-statement-1",
    f"/id/demand/{PENDING}-statement-1",
)
"""IRIs of records (and nodes in them) that were never public."""


def control_of(path: str) -> str:
    """An IRI of the same kind and length that never existed: a hidden IRI's answers must be
    indistinguishable from its answers."""
    head, _, slug = path.rpartition("/")
    return f"{head}/{'n' * len(slug)}"


ACCEPTS = ("text/html", "text/turtle", "application/ld+json", "application/n-triples",
           "application/rdf+xml", "*/*")  # fmt: skip
STATIC_ROUTES = [
    "/",
    "/?lang=ar",
    "/index.ttl",
    "/index.jsonld",
    "/index.nt",
    "/index.rdf",
    "/dataset",
    "/.well-known/void",
    "/dumps/",
    "/dumps/dataset.nq.gz",
    "/dumps/dataset.nq.gz.sha256",
    "/sitemap.xml",
    "/ontology",
    "/ontology.ttl",
    "/shapes",
    "/shapes.ttl",
    "/context.jsonld",
    "/sparql",
    "/sparql.ttl",
    "/-/health",
    "/-/version",
    "/openapi.json",
    "/feed",
    "/feed.nq",
    "/feed.trig",
    "/oai?verb=Identify",
    "/oai?verb=ListSets",
    "/oai?verb=ListMetadataFormats",
    "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc",
    "/oai?verb=ListIdentifiers&metadataPrefix=rdf&set=org",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    "/oai?verb=ListRecords&metadataPrefix=rdf",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc&set=org",
    "/oai?verb=ListRecords&metadataPrefix=rdf&set=statement",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2000-01-01&until=2999-12-31",
    "/oai?verb=ListRecords&metadataPrefix=marc21",
    "/oai?verb=Bogus",
]
"""Requested once per Accept in ACCEPTS."""
FEED_PAGE_SIZE = 5
"""Small, so that the feed has full pages and a latest page (`test_the_feed_in_every_format`)."""
RECORD_ROUTES = [
    "{path}",
    "{path}.html",
    "{path}.ttl",
    "{path}.jsonld",
    "{path}.nt",
    "{path}.rdf",
    "{path}?_format=ttl",
    "{path}?_format=jsonld",
    "{path}?_format=html",
    "{path}?lang=ar",
    "{path}?page=2",
    "{path}/versions",
    "{path}/versions.ttl",
    "{path}/versions.html",
    "{path}?version=1",
    "{path}?version=2&_format=ttl",
    "{path}/versions/1.ttl",
    "{path}/versions/2",
    "{path}/versions/3.jsonld",
]
"""Requested for every public resource, every hidden IRI and the retracted one."""
OAI_RECORD_ROUTES = [
    "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={iri}",
    "/oai?verb=GetRecord&metadataPrefix=rdf&identifier={iri}",
    "/oai?verb=GetRecord&metadataPrefix=marc21&identifier={iri}",
    "/oai?verb=ListMetadataFormats&identifier={iri}",
]
"""OAI-PMH requests naming one record (by its IRI, the OAI identifier), for every record."""
API_ROUTES = ["/api/records{record}", "/api/records{record}/versions",
              "/api/records{record}/versions/1"]  # fmt: skip
"""Requested for hidden records with no token and with a token that may not read them."""

SPARQL_SELECTS = [
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }",
]
SPARQL_CONSTRUCTS = [
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
]


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    text: str

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        body = response.content
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        return cls(
            response.status_code,
            response.headers.get("content-type", ""),
            f"{headers}\n\n{body.decode('utf-8', 'replace')}",
        )


def statement_copy(folder: str, slug: str, marker: str) -> bytes:
    """A real statement under a new slug, with the marker in its headline."""
    text = (EXAMPLES / folder / "statement.ttl").read_text(encoding="utf-8")
    old = re.search(r"<id/statement/([a-z0-9-]+)>", text)
    assert old is not None
    text = text.replace(old.group(1), slug)
    text = re.sub(r'schema:headline "', f'schema:headline "{marker} ', text, count=1)
    return text.encode("utf-8")


def marked_org(slug: str, marker: str) -> bytes:
    return org(slug, f"{marker} Witness Name")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    for world in make_world(
        tmp_path_factory.mktemp("leaks"), sparql_row_cap=1_000_000, feed_page_size=FEED_PAGE_SIZE
    ):
        _populate(world)
        yield world


def _populate(world: World) -> None:
    from advocacy_ld.records.tokens import Role, TokenStore

    world.tokens[CONTRIBUTOR] = TokenStore(world.settings.tokens_path).create(
        CONTRIBUTOR, Role.CONTRIBUTOR
    )
    curator = world.auth("curator")

    def ok(response: httpx.Response, status: int = 201) -> httpx.Response:
        assert response.status_code == status, response.text
        return response

    # Never public.
    ok(world.submit(marked_org(f"{PENDING}-org", PENDING)))
    ok(world.submit(statement_copy("harrow-ridge", f"{PENDING}-statement", PENDING)))
    ok(
        world.submit(
            marked_org(f"{RESTRICTED}-org", RESTRICTED), "curator", "?publish=true&restricted=true"
        )
    )
    ok(
        world.submit(
            statement_copy("sednaya", f"{RESTRICTED}-statement", RESTRICTED),
            "curator",
            "?publish=true&restricted=true",
        )
    )
    ok(world.submit(marked_org(f"{REJECTED}-org", REJECTED)))
    ok(
        world.client.delete(
            f"/api/records/org/{REJECTED}-org?reason=out+of+scope", headers=curator
        ),
        200,
    )
    # Public once, then retracted: its IRI has a tombstone, its content must be gone.
    ok(world.submit(marked_org("leak-retracted", RETRACTED), "curator", "?publish=true"))
    ok(
        world.client.delete("/api/records/org/leak-retracted?reason=duplicate", headers=curator),
        200,
    )
    # Public, written by a contributor whose token name is a marker.
    v1 = ok(world.submit(org("leak-history", "History One"), CONTRIBUTOR))
    ok(world.client.post("/api/records/org/leak-history/publish", headers=curator), 200)
    # ...with a version that was never published (v2), then a published one (v3).
    put = {**TURTLE, **curator}
    v2 = ok(
        world.client.put(
            "/api/records/org/leak-history?publish=false",
            content=marked_org("leak-history", HELD),
            headers={**put, "If-Match": v1.headers["etag"]},
        ),
        200,
    )
    ok(
        world.client.put(
            "/api/records/org/leak-history?publish=true",
            content=org("leak-history", "History Three"),
            headers={**put, "If-Match": v2.headers["etag"]},
        ),
        200,
    )
    # Public, then withdrawn by restriction, revised and made public again.
    w1 = ok(world.submit(marked_org("leak-withdrawn", WITHDRAWN), "curator", "?publish=true"))
    ok(world.client.post("/api/records/org/leak-withdrawn/restrict", headers=curator), 200)
    ok(
        world.client.put(
            "/api/records/org/leak-withdrawn",
            content=org("leak-withdrawn", "Redacted"),
            headers={**put, "If-Match": w1.headers["etag"]},
        ),
        200,
    )
    ok(world.client.post("/api/records/org/leak-withdrawn/unrestrict", headers=curator), 200)
    # Public, then restricted and left so: OAI-PMH lists it as deleted, with no content.
    ok(
        world.submit(
            marked_org("leak-restricted-later", RESTRICTED_LATER), "curator", "?publish=true"
        )
    )
    ok(world.client.post("/api/records/org/leak-restricted-later/restrict", headers=curator), 200)
    # Public, then restricted by a revision written with `?restricted=true`: the published
    # version goes out of the feed like the revision.
    p1 = ok(
        world.submit(
            marked_org("leak-put-restricted", RESTRICTED_BY_PUT), "curator", "?publish=true"
        )
    )
    ok(
        world.client.put(
            "/api/records/org/leak-put-restricted?restricted=true",
            content=marked_org("leak-put-restricted", f"{RESTRICTED_BY_PUT} revised"),
            headers={**put, "If-Match": p1.headers["etag"]},
        ),
        200,
    )
    ok(world.submit(org("leak-contributed", "Contributed"), CONTRIBUTOR))
    ok(world.client.post("/api/records/org/leak-contributed/publish", headers=curator), 200)


def _assert_no_marker(url: str, answer: Answer) -> None:
    found = [m for m in MARKERS if m in answer.text]
    assert not found, f"{url} ({answer.status}) shows {found}"


def _public_resources(world: World) -> list[str]:
    """Every resource page the sitemap lists (records and the nodes in them)."""
    sitemap = world.client.get("/sitemap.xml").text
    base = world.settings.base_uri
    return sorted(u.removeprefix(base) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap))


def _get(world: World, url: str, accept: str = "*/*") -> Answer:
    return Answer.of(world.client.get(url, headers={"Accept": accept}))


def test_the_deployment_holds_what_the_test_needs(deployment: World) -> None:
    states = deployment.repository.states()
    base = deployment.settings.base_uri
    assert states[f"{base}/id/org/{PENDING}-org"].status.value == "pending"
    assert states[f"{base}/id/statement/{RESTRICTED}-statement"].restricted
    assert deployment.repository.tombstone(f"{base}/id/org/leak-retracted") is not None
    assert deployment.repository.tombstone(f"{base}/id/org/{REJECTED}-org") is None
    assert [
        v.number for v in deployment.repository.public_versions(f"{base}/id/org/leak-history")
    ] == [1, 3]
    assert [
        v.number for v in deployment.repository.public_versions(f"{base}/id/org/leak-withdrawn")
    ] == [2]


def test_static_routes_in_every_format(deployment: World) -> None:
    schemes = [str(s).rsplit("/", 1)[1] for s in load_model().schemes()]
    routes = STATIC_ROUTES + [f"/vocab/{name}" for name in schemes]
    for route in routes:
        for accept in ACCEPTS:
            _assert_no_marker(f"{route} [{accept}]", _get(deployment, route, accept))


def test_the_feed_in_every_format(deployment: World) -> None:
    """Every page of `/feed` (full and latest) in every format and for every Accept, and every
    member IRI: withdrawn records keep their members' metadata, never their content."""
    size = deployment.settings.feed_page_size
    length = deployment.repository.feed_length()
    assert length > size, "the feed needs a full page"
    assert length % size, "the feed needs an incomplete latest page"
    suffixes = ["", ".trig", ".nq", ".jsonld", ".ttl", ".nt", "?_format=nq"]
    for first in range(1, length + 1, size):
        page = f"/feed/pages/{first}-{first + size - 1}"
        for suffix in suffixes:
            answer = _get(deployment, f"{page}{suffix}")
            assert answer.status == 200, page
            _assert_no_marker(f"{page}{suffix}", answer)
        for accept in ACCEPTS:
            _assert_no_marker(f"{page} [{accept}]", _get(deployment, page, accept))
    for sequence in range(1, length + 1):
        _assert_no_marker(f"member {sequence}", _get(deployment, f"/feed/members/{sequence}"))
    withdrawn = [
        e for e in deployment.repository.feed_events(1, length) if "leak-withdrawn" in e.record
    ]
    assert [e.version for e in withdrawn] == [1, 1, 2]  # published, restricted, public again


def test_every_public_resource_in_every_format(deployment: World) -> None:
    resources = _public_resources(deployment)
    assert "/id/org/leak-history" in resources
    assert "/id/allegation/sednaya-2018-12-25-1" in resources
    records = {
        s.id.iri.removeprefix(deployment.settings.base_uri)
        for s in deployment.repository.published()
    }
    for path in resources:
        patterns = RECORD_ROUTES if path in records else RECORD_ROUTES[:11]
        for pattern in patterns:
            url = pattern.format(path=path)
            _assert_no_marker(url, _get(deployment, url))
        for accept in ACCEPTS[:3]:
            _assert_no_marker(f"{path} [{accept}]", _get(deployment, path, accept))


def test_the_retracted_record_shows_only_its_tombstone(deployment: World) -> None:
    for pattern in RECORD_ROUTES:
        url = pattern.format(path="/id/org/leak-retracted")
        answer = _get(deployment, url)
        _assert_no_marker(url, answer)
        assert answer.status in (404, 410), url


@pytest.mark.parametrize("hidden", HIDDEN)
def test_a_hidden_iri_answers_like_one_that_never_existed(deployment: World, hidden: str) -> None:
    control = control_of(hidden)
    for pattern in RECORD_ROUTES:
        for accept in ("text/html", "text/turtle"):
            url, twin = pattern.format(path=hidden), pattern.format(path=control)
            answer, expected = _get(deployment, url, accept), _get(deployment, twin, accept)
            assert answer.status == expected.status, url
            assert answer.content_type == expected.content_type, url
            assert answer.text.replace(hidden, control) == expected.text, url


@pytest.mark.parametrize("hidden", [h for h in HIDDEN if "/org/" in h or "/statement/" in h])
def test_the_api_does_not_confirm_hidden_records(deployment: World, hidden: str) -> None:
    record = hidden.removeprefix("/id")
    control = control_of(hidden).removeprefix("/id")
    for pattern in API_ROUTES:
        for who in (None, "other", CONTRIBUTOR):
            headers = deployment.auth(who) if who else {}
            url, twin = pattern.format(record=record), pattern.format(record=control)
            answer = Answer.of(deployment.client.get(url, headers=headers))
            expected = Answer.of(deployment.client.get(twin, headers=headers))
            assert answer.status == expected.status, url
            assert answer.text.replace(record, control) == expected.text, url


def _sparql_requests(query: str, names: list[str]) -> Iterator[tuple[str, dict[str, object]]]:
    for name in names:
        yield "GET", {"params": {"query": query, "format": name}}
        yield "POST", {"data": {"query": query, "format": name}}
        yield "POST", {"content": query.encode(), "params": {"format": name},
                       "headers": {"Content-Type": "application/sparql-query"}}  # fmt: skip


@contextmanager
def _answering_from(deployment: World, path: str) -> Iterator[TestClient]:
    """A client whose queries the in-memory replica answers (and the checkpoint workers, as
    each query shape is tried on both), or (a second app over the same repository, replica
    off) only the checkpoint workers; checks that they did."""
    if path == "replica":
        engine = query_engine(deployment.client.app.state.services)  # type: ignore[attr-defined]
        assert isinstance(engine, ReplicaEngine)
        assert engine.wait_until_current(60)
        before = engine.answered_counts()
        yield deployment.client
        after = engine.answered_counts()
        assert after["replica"] > before["replica"]
        assert after["checkpoint"] > before["checkpoint"]
        return
    settings = deployment.settings.model_copy(update={"sparql_replica_max_quads": 0})
    with TestClient(create_app(settings, deployment.repository), base_url=BASE) as client:
        yield client
        assert isinstance(query_engine(client.app.state.services), ProcessEngine)  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["replica", "checkpoint"])
def test_sparql_over_all_graphs_in_every_format(deployment: World, path: str) -> None:
    selects = [f.names[0] for f in ResultFormat] + ["html"]
    constructs = [f.names[0] for f in GraphFormat] + ["html"]
    total = deployment.repository.public.triple_count()
    with _answering_from(deployment, path) as client:
        for queries, names in ((SPARQL_SELECTS, selects), (SPARQL_CONSTRUCTS, constructs)):
            for query in queries:
                for method, options in _sparql_requests(query, names):
                    response = client.request(method, "/sparql", **options)  # type: ignore[arg-type]
                    assert response.status_code == 200, (query, options, response.text[:300])
                    assert "x-sparql-maxrows" not in response.headers
                    _assert_no_marker(f"SPARQL {method} {query} {options}", Answer.of(response))
        everything = client.get(
            "/sparql", params={"query": SPARQL_SELECTS[0], "format": "json"}
        ).json()
        assert len(everything["results"]["bindings"]) == total


@pytest.mark.parametrize("hidden", HIDDEN[:5])
def test_sparql_naming_a_hidden_graph_finds_nothing(deployment: World, hidden: str) -> None:
    iri = f"{deployment.settings.base_uri}{hidden}"
    control = f"{deployment.settings.base_uri}{control_of(hidden)}"
    queries = [
        "SELECT * WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ <{g}> ?p ?o }}",
        "ASK {{ GRAPH ?g {{ <{g}> ?p ?o }} }}",
        "DESCRIBE <{g}>",
    ]
    for query in queries:
        asked, twin = query.format(g=iri), query.format(g=control)
        answer = Answer.of(
            deployment.client.get("/sparql", params={"query": asked, "format": "json"})
        )
        expected = Answer.of(
            deployment.client.get("/sparql", params={"query": twin, "format": "json"})
        )
        assert answer.status == expected.status == 200
        assert answer.text.replace(iri, control) == expected.text
    scoped = deployment.client.get(
        "/sparql",
        params={"query": SPARQL_SELECTS[0], "named-graph-uri": iri, "format": "json"},
    ).json()
    assert scoped["results"]["bindings"] == []


def test_the_dump_and_the_counts_are_the_public_dataset(deployment: World) -> None:
    repository = deployment.repository
    published = {s.id.iri for s in repository.published()}
    assert set(repository.public.record_iris()) == published
    assert (
        sum(len(repository.public.get_record(iri) or ()) for iri in published)
        == repository.public.triple_count()
    )
    dump = gzip.decompress(deployment.client.get("/dumps/dataset.nq.gz").content).decode()
    assert (
        len([line for line in dump.splitlines() if line.strip()])
        == repository.public.triple_count()
    )
    for marker in MARKERS:
        assert marker not in dump
    void = Graph().parse(
        data=deployment.client.get("/dataset", headers={"Accept": "text/turtle"}).text,
        format="turtle",
    )
    dataset = URIRef(f"{deployment.settings.base_uri}/dataset")
    assert int(void.value(dataset, VOID.triples)) == repository.public.triple_count()
    health = deployment.client.get("/-/health").json()
    assert health["records"] == len(published)


def test_errors_for_hidden_iris_carry_no_content(deployment: World) -> None:
    """Problems (406, 404, 400) for hidden IRIs: as for unknown ones, never their content."""
    for hidden in HIDDEN:
        for url, headers in (
            (hidden, {"Accept": "application/pdf"}),
            (f"{hidden}?page=0", {}),
            (f"{hidden}?version=abc", {}),
            (f"{hidden}.pdf", {}),
        ):
            response = deployment.client.get(url, headers=headers)
            assert response.status_code >= 400
            text = Answer.of(response).text.replace(hidden, "")
            for marker in MARKERS:
                assert marker not in text, url


def test_the_leak_check_would_see_a_marker(deployment: World, tmp_path: Path) -> None:
    """The detector itself works: the marker is visible through the API to a curator."""
    answer = Answer.of(
        deployment.client.get(
            f"/api/records/org/{PENDING}-org/versions/1", headers=deployment.auth("curator")
        )
    )
    with pytest.raises(AssertionError):
        _assert_no_marker("curator read", answer)


_RESPONSE_DATE = re.compile(r"<responseDate>[^<]*</responseDate>")
_OAI = {"oai": "http://www.openarchives.org/OAI/2.0/"}
WITHDRAWN_RECORDS = (
    "/id/org/leak-retracted",
    "/id/org/leak-restricted-later",
    "/id/org/leak-put-restricted",
)
"""Records that were public and are not now: OAI-PMH keeps their headers (deletedRecord
persistent), status="deleted", and nothing else of them."""


def _oai(world: World, pattern: str, path: str) -> Answer:
    """An OAI-PMH answer naming `path`'s IRI, its responseDate blanked (it is the clock's)."""
    url = pattern.format(iri=quote(f"{world.settings.base_uri}{path}", safe=""))
    answer = _get(world, url)
    return Answer(answer.status, answer.content_type, _RESPONSE_DATE.sub("", answer.text))


def test_oai_requests_naming_public_resources_show_no_marker(deployment: World) -> None:
    for path in [*_public_resources(deployment), *WITHDRAWN_RECORDS]:
        for pattern in OAI_RECORD_ROUTES:
            _assert_no_marker(f"{pattern} {path}", _oai(deployment, pattern, path))


@pytest.mark.parametrize("hidden", HIDDEN)
def test_oai_answers_for_a_hidden_iri_as_for_one_that_never_existed(
    deployment: World, hidden: str
) -> None:
    control = control_of(hidden)
    for pattern in OAI_RECORD_ROUTES:
        answer, expected = _oai(deployment, pattern, hidden), _oai(deployment, pattern, control)
        assert answer.status == expected.status == 200, pattern
        assert answer.content_type == expected.content_type, pattern
        assert answer.text.replace(hidden, control) == expected.text, pattern
        assert 'code="idDoesNotExist"' in answer.text, pattern


def _oai_list(world: World, prefix: str) -> list[ElementTree.Element]:
    """Every header of a full ListRecords harvest, following resumption tokens."""
    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    records = []
    while True:
        response = world.client.get("/oai", params=params)
        _assert_no_marker(f"/oai {params}", Answer.of(response))
        root = ElementTree.fromstring(response.content)
        records += root.findall(".//oai:record", _OAI)
        token = root.find(".//oai:resumptionToken", _OAI)
        if token is None or not token.text:
            return records
        params = {"verb": "ListRecords", "resumptionToken": token.text}


@pytest.mark.parametrize("prefix", ["oai_dc", "rdf"])
def test_oai_lists_public_records_and_only_the_headers_of_withdrawn_ones(
    deployment: World, prefix: str
) -> None:
    base = deployment.settings.base_uri
    live, deleted = set(), set()
    for record in _oai_list(deployment, prefix):
        header = record.find("oai:header", _OAI)
        assert header is not None
        identifier = header.findtext("oai:identifier", namespaces=_OAI)
        if header.get("status") == "deleted":
            assert record.find("oai:metadata", _OAI) is None
            deleted.add(identifier)
        else:
            live.add(identifier)
    assert live == {s.id.iri for s in deployment.repository.published()}
    assert deleted == {base + path for path in WITHDRAWN_RECORDS}
    for path in WITHDRAWN_RECORDS:
        answer = _oai(
            deployment, f"/oai?verb=GetRecord&metadataPrefix={prefix}&identifier={{iri}}", path
        )
        assert '<header status="deleted">' in answer.text
        assert "<metadata>" not in answer.text
        _assert_no_marker(path, answer)
