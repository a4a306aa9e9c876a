"""Withdrawals in the feed: tombstone members, and the content of earlier members redacted.

A full page is immutable, except for this: when a curator retracts or restricts a record, the
content of that record's earlier members is no longer served, so the page's bytes and ETag
change (docs/feeds.md). Each test has a deployment of its own (pages of five events).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from advocacy_ld.publish.feed import AS, FeedFormat, members_of

from ..api.conftest import TURTLE, World, make_world, org
from ..conftest import BASE

SIZE = 5
FULL = "/feed/pages/1-5"
STREAM = f"{BASE}/feed"
DELETE = ox.NamedNode(f"{AS}Delete")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IS_VERSION_OF = ox.NamedNode("http://purl.org/dc/terms/isVersionOf")
REASON = ox.NamedNode("https://w3id.org/advocacy-ld/ns#retractionReason")


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from make_world(tmp_path_factory.mktemp("feed-withdrawals"), feed_page_size=SIZE)


def quads(response: httpx.Response, feed_format: FeedFormat = FeedFormat.N_QUADS) -> list[ox.Quad]:
    assert response.status_code == 200, response.text
    return list(ox.parse(response.content, format=feed_format.rdf_format))


def member(sequence: int) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}/feed/members/{sequence}")


def content_of(page: list[ox.Quad], sequence: int) -> list[ox.Quad]:
    return [q for q in page if q.graph_name == member(sequence)]


def latest_member(world: World) -> tuple[int, list[ox.Quad]]:
    """The newest event's sequence number and the quads of the page that holds it."""
    sequence = world.repository.feed_length()
    first = (sequence - 1) // SIZE * SIZE + 1
    page = quads(world.client.get(f"/feed/pages/{first}-{first + SIZE - 1}.nq"))
    assert member(sequence).value in members_of(page, STREAM)
    return sequence, page


def first_record(world: World) -> tuple[str, str]:
    """The record of event 1 (on the first full page) as an IRI and an API path."""
    record = world.repository.feed_events(1, 1)[0].record
    return record, record.removeprefix(f"{BASE}/id")


def test_a_retraction_is_a_tombstone_and_redacts_earlier_members(world: World) -> None:
    record, path = first_record(world)
    before = world.client.get(f"{FULL}.nq")
    turtle_before = world.client.get(f"{FULL}.ttl")
    assert content_of(quads(before), 1)
    response = world.client.delete(
        f"/api/records{path}?reason=duplicate+of+another", headers=world.auth("curator")
    )
    assert response.status_code == 200, response.text

    sequence, page = latest_member(world)
    assert ox.Quad(member(sequence), RDF_TYPE, DELETE) in page
    assert ox.Quad(member(sequence), IS_VERSION_OF, ox.NamedNode(record)) in page
    assert [
        q.object.value for q in page if q.subject == member(sequence) and q.predicate == REASON
    ] == ["duplicate of another"]
    assert not content_of(page, sequence)

    after = world.client.get(
        FULL, headers={"Accept": "application/n-quads", "If-None-Match": before.headers["etag"]}
    )
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.headers["cache-control"] == before.headers["cache-control"]
    redacted = quads(after)
    assert members_of(redacted, STREAM) == members_of(quads(before), STREAM)
    assert ox.Quad(member(1), IS_VERSION_OF, ox.NamedNode(record)) in redacted
    assert not content_of(redacted, 1)
    for sequence in range(2, SIZE + 1):
        assert content_of(redacted, sequence) == content_of(quads(before), sequence)
    # The metadata formats never carried content: their bytes do not change.
    assert world.client.get(f"{FULL}.ttl").content == turtle_before.content
    for feed_format in FeedFormat:
        text = world.client.get(f"{FULL}.{feed_format.suffix}").content
        assert not content_of(list(ox.parse(text, format=feed_format.rdf_format)), 1)


def test_a_restriction_redacts_and_lifting_it_publishes_again(world: World) -> None:
    record, path = first_record(world)
    curator = world.auth("curator")
    assert world.client.post(f"/api/records{path}/restrict", headers=curator).status_code == 200
    tombstone, page = latest_member(world)
    assert ox.Quad(member(tombstone), RDF_TYPE, DELETE) in page
    assert not [q for q in page if q.subject == member(tombstone) and q.predicate == REASON]
    assert not content_of(quads(world.client.get(f"{FULL}.nq")), 1)

    assert world.client.post(f"/api/records{path}/unrestrict", headers=curator).status_code == 200
    again, page = latest_member(world)
    assert again == tombstone + 1
    assert ox.Quad(member(again), IS_VERSION_OF, ox.NamedNode(record)) in page
    assert ox.Quad(member(again), RDF_TYPE, DELETE) not in page
    (event,) = world.repository.feed_events(again, again)
    assert event.version == world.repository.feed_events(1, 1)[0].version  # the same version
    assert content_of(page, again)
    # The same version is public again, so its first member shows it again too.
    assert content_of(quads(world.client.get(f"{FULL}.nq")), 1)


def test_a_pending_revision_takes_the_record_out_with_a_tombstone(world: World) -> None:
    created = world.submit(org("feed-revised", "Feed Revised"), "curator", "?publish=true")
    assert created.status_code == 201, created.text
    revised = world.client.put(
        "/api/records/org/feed-revised?publish=false",
        content=org("feed-revised", "Feed Revised Twice"),
        headers={**TURTLE, **world.auth("curator"), "If-Match": created.headers["etag"]},
    )
    assert revised.status_code == 200, revised.text
    sequence, page = latest_member(world)
    assert ox.Quad(member(sequence), RDF_TYPE, DELETE) in page
    assert (
        ox.Quad(member(sequence), IS_VERSION_OF, ox.NamedNode(f"{BASE}/id/org/feed-revised"))
        in page
    )
    text = world.client.get("/feed/pages/31-35.trig").text
    assert "Feed Revised Twice" not in text


def test_the_latest_page_grows_and_its_etag_follows(world: World) -> None:
    length = world.repository.feed_length()
    first = (length - 1) // SIZE * SIZE + 1
    path = f"/feed/pages/{first}-{first + SIZE - 1}"
    before = world.client.get(path)
    root = world.client.get("/feed")
    assert (
        world.submit(org("feed-grows", "Feed Grows"), "curator", "?publish=true").status_code == 201
    )
    after = world.client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    grown = members_of(quads(after, FeedFormat.TRIG), STREAM)
    assert grown == [*members_of(quads(before, FeedFormat.TRIG), STREAM), member(length + 1).value]
    assert (
        world.client.get("/feed", headers={"If-None-Match": root.headers["etag"]}).status_code
        == 200
    )
