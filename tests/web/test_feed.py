"""`/feed`: the LDES change feed over HTTP — paging, caching headers, negotiation, errors.

The examples are seeded in sequence, one version event each, on pages of five: full pages
1-5 … 26-30 and a latest page 31-35 holding one event.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib.namespace import DCAT, RDF

from advocacy_ld.publish.feed import LDES, TREE, FeedFormat, members_of
from advocacy_ld.store.terms import content_hash, triples_to_graph

from ..api.conftest import World, make_world, org
from ..conftest import BASE
from .test_negotiation import COMUNICA, FIREFOX

SIZE = 5
FULL = "/feed/pages/1-5"
STREAM = f"{BASE}/feed"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from make_world(tmp_path_factory.mktemp("feed"), feed_page_size=SIZE)


@pytest.fixture(scope="module")
def client(world: World) -> TestClient:
    return world.client


@pytest.fixture(scope="module")
def latest(world: World) -> str:
    length = world.repository.feed_length()
    assert length % SIZE != 0, "the latest page must be incomplete for these tests"
    first = length - length % SIZE + 1
    return f"/feed/pages/{first}-{first + SIZE - 1}"


def parse(response: object, feed_format: FeedFormat = FeedFormat.N_QUADS) -> list[ox.Quad]:
    content: bytes = response.content  # type: ignore[attr-defined]
    return list(ox.parse(content, format=feed_format.rdf_format))


def relation_targets(client: TestClient) -> list[str]:
    root = parse(client.get("/feed.nq"))
    return sorted(
        {q.object.value for q in root if q.predicate == ox.NamedNode(f"{TREE}node")},
        key=lambda iri: int(iri.rpartition("/")[2].split("-")[0]),
    )


def test_the_root_links_every_page_and_the_pages_hold_every_event(
    client: TestClient, world: World
) -> None:
    length = world.repository.feed_length()
    pages = relation_targets(client)
    assert pages == [f"{BASE}/feed/pages/{n}-{n + SIZE - 1}" for n in range(1, length + 1, SIZE)]
    members = []
    for page in pages:
        found = members_of(parse(client.get(page.removeprefix(BASE) + ".nq")), STREAM)
        assert 1 <= len(found) <= SIZE
        members += found
    assert members == [f"{BASE}/feed/members/{n}" for n in range(1, length + 1)]


def test_each_member_holds_its_version_graph(client: TestClient, world: World) -> None:
    repository = world.repository
    page = parse(client.get(f"{FULL}.nq"))
    for event in repository.feed_events(1, SIZE):
        member = ox.NamedNode(f"{BASE}/feed/members/{event.sequence}")
        graph = triples_to_graph(q for q in page if q.graph_name == member)
        (version,) = [v for v in repository.versions(event.record) if v.number == event.version]
        assert len(graph) > 0
        assert content_hash(graph) == version.content_hash


def test_a_full_page_is_immutable_and_the_latest_short_lived(
    client: TestClient, latest: str
) -> None:
    full = client.get(FULL)
    assert full.status_code == 200
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    for path in (latest, "/feed"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=5"
    immutable = ox.NamedNode(f"{LDES}immutable")
    assert [q for q in parse(client.get(f"{FULL}.nq")) if q.predicate == immutable]
    assert not [q for q in parse(client.get(f"{latest}.nq")) if q.predicate == immutable]


@pytest.mark.parametrize("path", ["/feed", FULL, "/feed/pages/31-35"])
def test_etags_answer_conditional_requests(client: TestClient, path: str) -> None:
    first = client.get(path, headers={"Accept": "application/n-quads"})
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert "Accept" in first.headers["vary"]
    again = client.get(path, headers={"Accept": "application/n-quads", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get(path, headers={"Accept": "application/n-quads", "If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    other = client.get(path, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert other.status_code == 200
    assert other.headers["etag"] != etag
    since = client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304


NEGOTIATION = [
    ("", {}, FeedFormat.TRIG),
    ("", {"Accept": "*/*"}, FeedFormat.TRIG),
    ("", {"Accept": FIREFOX}, FeedFormat.TRIG),
    ("", {"Accept": COMUNICA}, FeedFormat.N_QUADS),  # what ldes-client sends
    ("", {"Accept": "application/n-quads"}, FeedFormat.N_QUADS),
    ("", {"Accept": "application/trig"}, FeedFormat.TRIG),
    ("", {"Accept": "application/ld+json"}, FeedFormat.JSON_LD),
    ("", {"Accept": "text/turtle"}, FeedFormat.TURTLE),
    ("", {"Accept": "application/n-triples"}, FeedFormat.N_TRIPLES),
    ("", {"Accept": "text/turtle;q=0.5, application/ld+json"}, FeedFormat.JSON_LD),
    ("", {"Accept": "text/*"}, FeedFormat.TURTLE),
    (".ttl", {"Accept": "application/n-quads"}, FeedFormat.TURTLE),
    (".nq", {}, FeedFormat.N_QUADS),
    (".trig", {}, FeedFormat.TRIG),
    (".jsonld", {}, FeedFormat.JSON_LD),
    (".nt", {}, FeedFormat.N_TRIPLES),
    ("?_format=nq", {"Accept": "text/turtle"}, FeedFormat.N_QUADS),
    ("?_format=n-triples", {}, FeedFormat.N_TRIPLES),
    ("?_format=application/ld%2Bjson", {}, FeedFormat.JSON_LD),
]


@pytest.mark.parametrize("path", ["/feed", FULL])
@pytest.mark.parametrize(("tail", "headers", "expected"), NEGOTIATION)
def test_negotiation(
    client: TestClient, path: str, tail: str, headers: dict[str, str], expected: FeedFormat
) -> None:
    response = client.get(f"{path}{tail}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == expected.content_type
    assert response.headers["vary"].startswith("Accept")
    assert f'rel="alternate"; type="{expected.media_type}"' in response.headers["link"]
    assert parse(response, expected)


def test_every_format_of_a_page_says_the_same(client: TestClient) -> None:
    def canonical(quads: list[ox.Quad]) -> set[str]:
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return {str(q) for q in dataset}

    dataset = parse(client.get(f"{FULL}.nq"))
    default_graph = [q for q in dataset if q.graph_name == ox.DefaultGraph()]
    assert len(dataset) > len(default_graph)
    for feed_format in FeedFormat:
        found = parse(client.get(f"{FULL}.{feed_format.suffix}"), feed_format)
        expected = dataset if feed_format.carries_content else default_graph
        assert canonical(found) == canonical(expected), feed_format


PROBLEMS = [
    ("/feed", {"Accept": "text/html"}, 406),
    ("/feed", {"Accept": "application/pdf"}, 406),
    ("/feed?_format=rdf", {}, 406),
    (f"{FULL}?_format=pdf", {}, 406),
    (FULL, {"Accept": "application/rdf+xml"}, 406),
    ("/feed.pdf", {}, 404),
    ("/feed.rdf", {}, 404),
    ("/feed/pages/0-4", {}, 404),
    ("/feed/pages/2-6", {}, 404),
    ("/feed/pages/1-10", {}, 404),
    ("/feed/pages/1-5.pdf", {}, 404),
    ("/feed/pages/996-1000", {}, 404),
    ("/feed/pages/x", {}, 404),
    ("/feed/members/0", {}, 404),
    ("/feed/members/abc", {}, 404),
    ("/feed/members/99999", {}, 404),
]


@pytest.mark.parametrize(("path", "headers", "status"), PROBLEMS)
def test_errors_are_problem_details(
    client: TestClient, path: str, headers: dict[str, str], status: int
) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["instance"] == path.split("?")[0]
    if status == 406:
        assert problem["available"] == [f.media_type for f in FeedFormat]


def test_a_member_iri_leads_to_the_page_describing_it(client: TestClient) -> None:
    response = client.get("/feed/members/7", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}/feed/pages/6-10"
    page = parse(client.get("/feed/pages/6-10.nq"))
    assert f"{BASE}/feed/members/7" in members_of(page, STREAM)


def test_pages_link_their_neighbours(client: TestClient) -> None:
    links = client.get("/feed/pages/6-10").headers["link"]
    assert '</feed/pages/1-5>; rel="prev"' in links
    assert '</feed/pages/11-15>; rel="next"' in links
    assert 'rel="prev"' not in client.get(FULL).headers["link"]


def test_never_public_records_are_not_in_the_feed(world: World) -> None:
    before = world.repository.feed_length()
    world.submit(org("feed-pending", "Feed Pending"))
    world.submit(
        org("feed-restricted", "Feed Restricted"), "curator", "?publish=true&restricted=true"
    )
    assert world.repository.feed_length() == before
    for page in relation_targets(world.client):
        text = world.client.get(page.removeprefix(BASE) + ".trig").text
        assert "feed-pending" not in text
        assert "Feed Pending" not in text
        assert "feed-restricted" not in text
        assert "Feed Restricted" not in text


def test_the_dataset_lists_the_feed_as_a_distribution(client: TestClient) -> None:
    void = parse(
        client.get("/dataset", headers={"Accept": "application/n-triples"}), FeedFormat.N_TRIPLES
    )
    feed = ox.NamedNode(STREAM)
    found = {(q.subject, q.predicate, q.object) for q in void}
    dataset = ox.NamedNode(f"{BASE}/dataset")
    assert (dataset, ox.NamedNode(str(DCAT.distribution)), feed) in found
    assert (feed, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(DCAT.Distribution))) in found
    assert (feed, ox.NamedNode(str(RDF.type)), ox.NamedNode(f"{LDES}EventStream")) in found
    assert (feed, ox.NamedNode(str(RDF.type)), ox.NamedNode(f"{TREE}Collection")) in found
    assert (feed, ox.NamedNode(str(DCAT.accessURL)), feed) in found


def test_head_is_answered_like_get_without_a_body(client: TestClient) -> None:
    get = client.get(f"{FULL}.nq")
    head = client.head(f"{FULL}.nq")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["cache-control"] == get.headers["cache-control"]


def remaining_items(client: TestClient) -> dict[str, list[int]]:
    """Page IRI -> the remainingItems of its relations on the root (one or two of them)."""
    root = parse(client.get("/feed.nq"))
    node, remaining = ox.NamedNode(f"{TREE}node"), ox.NamedNode(f"{TREE}remainingItems")
    counts = {q.subject: int(q.object.value) for q in root if q.predicate == remaining}
    found: dict[str, list[int]] = {}
    for quad in root:
        if quad.predicate == node:
            found.setdefault(quad.object.value, []).append(counts[quad.subject])
    return found


def test_the_root_follows_the_feed_as_it_grows(tmp_path_factory: pytest.TempPathFactory) -> None:
    for grown in make_world(tmp_path_factory.mktemp("feed-grows"), feed_page_size=SIZE):
        length = grown.repository.feed_length()
        first = length - length % SIZE + 1
        latest = f"{BASE}/feed/pages/{first}-{first + SIZE - 1}"
        before = remaining_items(grown.client)
        assert before[latest] == [length % SIZE]  # one relation: the page is still open
        for n in range(SIZE - length % SIZE):  # fills the latest page
            grown.submit(org(f"feed-grows-{n}", f"Feed Grows {n}"), "curator", "?publish=true")
        assert remaining_items(grown.client)[latest] == [SIZE, SIZE]  # full: both bounds
        grown.submit(org("feed-grows-next", "Feed Grows Next"), "curator", "?publish=true")
        after = remaining_items(grown.client)
        following = f"{BASE}/feed/pages/{first + SIZE}-{first + 2 * SIZE - 1}"
        assert after[following] == [1]
        assert {page: after[page] for page in before if page != latest} == {
            page: counts for page, counts in before.items() if page != latest
        }
