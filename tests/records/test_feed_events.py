"""The public change feed: one numbered event per version made public and per withdrawal."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from advocacy_ld.model.namespaces import SCHEMA
from advocacy_ld.records.identity import RecordId
from advocacy_ld.records.ledger import FEED, EventKind
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.settings import Settings

from .conftest import record_id


def org(record: RecordId, name: str) -> Graph:
    graph = Graph()
    graph.add((URIRef(record.iri), SCHEMA.name, Literal(name, lang="en")))
    return graph


def events(repository: Repository) -> list[tuple[int, EventKind, str, int, str | None]]:
    return [
        (e.sequence, e.kind, e.record.rpartition("/")[2], e.version, e.reason)
        for e in repository.feed_events(1, repository.feed_length())
    ]


def test_every_public_change_is_one_numbered_event(repository: Repository) -> None:
    a, b, c = record_id("a"), record_id("b"), record_id("c")
    repository.submit(a, org(a, "A"), "alice", publish=True)
    repository.submit(b, org(b, "B"), "alice")  # pending: no event
    repository.submit(a, org(a, "A2"), "alice", publish=True)
    repository.publish(b.iri, "curator")
    repository.retract(a.iri, "curator", "duplicate of another record")
    repository.submit(c, org(c, "C"), "alice", publish=True, restricted=True)  # never public
    repository.restrict(b.iri, "curator")
    repository.restrict(b.iri, "curator", restricted=False)
    repository.submit(b, org(b, "B2"), "bob")  # a pending revision takes it offline
    version, tombstone = EventKind.VERSION, EventKind.TOMBSTONE
    assert events(repository) == [
        (1, version, "a", 1, None),
        (2, version, "a", 2, None),
        (3, version, "b", 1, None),
        (4, tombstone, "a", 2, "duplicate of another record"),
        (5, tombstone, "b", 1, None),
        (6, version, "b", 1, None),
        (7, tombstone, "b", 2, None),
    ]
    assert repository.feed_length() == 7
    assert [e.sequence for e in repository.feed_events(3, 4)] == [3, 4]
    assert repository.feed_events(8, 20) == []


def test_an_unchanged_write_adds_no_event(repository: Repository) -> None:
    a = record_id("a")
    repository.submit(a, org(a, "A"), "alice", publish=True)
    repository.submit(a, org(a, "A"), "alice", publish=True)
    repository.publish(a.iri, "curator")
    assert repository.feed_length() == 1


def test_withdrawal_takes_every_version_out_of_public_reading(repository: Repository) -> None:
    a = record_id("a")
    repository.submit(a, org(a, "A"), "alice", publish=True)
    repository.submit(a, org(a, "A2"), "alice", publish=True)
    versions = [e.version_iri for e in repository.feed_events(1, 2)]
    assert repository.publicly_readable(versions) == set(versions)
    repository.restrict(a.iri, "curator")
    assert repository.publicly_readable(versions) == set()
    repository.restrict(a.iri, "curator", restricted=False)
    assert repository.publicly_readable(versions) == {versions[1]}


def test_an_archive_from_before_the_feed_gets_one_event_per_public_record(
    settings: Settings,
) -> None:
    first = open_repository(settings)
    a, b, c = record_id("a"), record_id("b"), record_id("c")
    first.submit(b, org(b, "B"), "alice", publish=True)
    first.submit(a, org(a, "A"), "alice", publish=True)
    first.submit(c, org(c, "C"), "alice")
    first.archive.update(f"DROP SILENT GRAPH <{FEED}>")
    assert first.feed_length() == 0
    first.close()
    reopened = open_repository(settings)
    try:
        found = [(e.record.rpartition("/")[2], e.kind) for e in reopened.feed_events(1, 10)]
        assert sorted(found) == [("a", EventKind.VERSION), ("b", EventKind.VERSION)]
        assert reopened.feed_length() == 2
    finally:
        reopened.close()


def test_page_times_count_each_page_in_the_store(repository: Repository) -> None:
    for name in "abcdefg":
        record = record_id(name)
        repository.submit(record, org(record, name.upper()), "alice", publish=True)
    every = repository.feed_events(1, repository.feed_length())
    pages = repository.feed_page_times(3, 1, 7)
    assert [(p.number, p.events) for p in pages] == [(1, 3), (2, 3), (3, 1)]
    for page in pages:
        times = [e.time for e in every[(page.number - 1) * 3 : page.number * 3]]
        assert (page.earliest, page.latest) == (min(times), max(times))
    # From a later page on, and never past the feed's length as the caller read it.
    assert [(p.number, p.events) for p in repository.feed_page_times(3, 2, 5)] == [(2, 2)]
    assert repository.feed_page_times(3, 4, 7) == []
