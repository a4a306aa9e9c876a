"""Derived renditions: computed by a layer above when a version is stored, backfilled when a
repository that keeps one opens, recomputed when their fingerprint changes, and readable through
`public_renditions` only for a record's current public version."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from advocacy_ld.model.namespaces import SCHEMA
from advocacy_ld.records.identity import RecordId
from advocacy_ld.records.ledger import DerivedRendition, read_renditions, version_iri
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.settings import Settings

from .conftest import record_id


def org(record: RecordId, name: str) -> Graph:
    graph = Graph()
    graph.add((URIRef(record.iri), SCHEMA.name, Literal(name, lang="en")))
    return graph


def lines(record: str, kind: str, graph_ntriples: str) -> str:
    """A rendition anyone can check: the record, its kind and how many triples it has."""
    return f"{record} {kind} {graph_ntriples.count(chr(10))}"


def counting(fingerprint: str = "v1", tag: str = "") -> DerivedRendition:
    return DerivedRendition(
        "testCount", fingerprint, lambda record, kind, nt: tag + lines(record, kind, nt)
    )


def stored(
    repository: Repository, versions: list[str], rendition: DerivedRendition
) -> dict[str, str]:
    return read_renditions(repository.archive, versions, rendition)


def test_the_rendition_is_written_with_each_version(settings: Settings) -> None:
    rendition = counting()
    repository = open_repository(settings, [rendition])
    try:
        a = record_id("a")
        repository.submit(a, org(a, "A"), "alice", publish=True)
        repository.submit(a, org(a, "A2") + org(a, "A3"), "alice", publish=True)
        versions = [version_iri(a.iri, 1), version_iri(a.iri, 2)]
        assert stored(repository, versions, rendition) == {
            versions[0]: f"{a.iri} org 1",
            versions[1]: f"{a.iri} org 2",
        }
        found = repository.public_renditions([(a.iri, 2)], rendition)
        assert found == {a.iri: f"{a.iri} org 2".encode()}
    finally:
        repository.close()


def test_versions_stored_without_it_get_it_when_a_repository_keeping_it_opens(
    settings: Settings,
) -> None:
    plain = open_repository(settings)  # as bench/dataset.py or an older release writes
    a, b = record_id("a"), record_id("b", "person")
    plain.submit(a, org(a, "A"), "alice", publish=True)
    plain.submit(b, org(b, "B"), "alice")  # pending: kept for when it is published
    plain.close()
    rendition = counting()
    reopened = open_repository(settings, [rendition])
    try:
        versions = [version_iri(a.iri, 1), version_iri(b.iri, 1)]
        assert stored(reopened, versions, rendition) == {
            versions[0]: f"{a.iri} org 1",
            versions[1]: f"{b.iri} person 1",
        }
    finally:
        reopened.close()


def test_backfill_runs_in_batches(repository: Repository) -> None:
    ids = [record_id(f"r{n}") for n in range(5)]
    for record in ids:
        repository.submit(record, org(record, record.iri), "alice", publish=True)
    rendition = counting()
    repository.keep_rendition(rendition, batch=2)
    versions = [version_iri(r.iri, 1) for r in ids]
    assert len(stored(repository, versions, rendition)) == 5


def test_a_new_fingerprint_recomputes_every_version(settings: Settings) -> None:
    first = open_repository(settings, [counting("v1", "old ")])
    a = record_id("a")
    first.submit(a, org(a, "A"), "alice", publish=True)
    first.close()
    version = version_iri(a.iri, 1)

    same = open_repository(settings, [counting("v1", "new ")])
    try:  # the same fingerprint: what is stored stands
        assert stored(same, [version], counting()) == {version: f"old {a.iri} org 1"}
    finally:
        same.close()

    changed = open_repository(settings, [counting("v2", "new ")])
    try:
        assert stored(changed, [version], counting()) == {version: f"new {a.iri} org 1"}
    finally:
        changed.close()


def test_an_interrupted_recomputation_starts_over_on_the_next_open(settings: Settings) -> None:
    first = open_repository(settings, [counting("v1", "old ")])
    ids = [record_id(f"r{n}") for n in range(3)]
    for record in ids:
        first.submit(record, org(record, record.iri), "alice", publish=True)
    calls = 0

    def failing(record: str, kind: str, nt: str) -> str:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise RuntimeError("interrupted")
        return "new " + lines(record, kind, nt)

    with pytest.raises(RuntimeError):
        first.keep_rendition(DerivedRendition("testCount", "v2", failing), batch=1)
    first.close()
    # The fingerprint is written last: the version rendered before the failure is redone too.
    reopened = open_repository(settings, [counting("v2", "newer ")])
    try:
        versions = [version_iri(r.iri, 1) for r in ids]
        texts = stored(reopened, versions, counting())
        assert len(texts) == 3
        assert all(text.startswith("newer ") for text in texts.values())
    finally:
        reopened.close()


@pytest.mark.parametrize("withdraw", ["retract", "restrict", "revise"])
def test_a_withdrawn_record_has_no_public_rendition(repository: Repository, withdraw: str) -> None:
    rendition = counting()
    repository.keep_rendition(rendition)
    a = record_id("a")
    repository.submit(a, org(a, "A"), "alice", publish=True)
    assert a.iri in repository.public_renditions([(a.iri, 1)], rendition)
    if withdraw == "retract":
        repository.retract(a.iri, "curator", "a witness's name")
    elif withdraw == "restrict":
        repository.restrict(a.iri, "curator")
    else:  # a pending revision takes the record offline
        repository.submit(a, org(a, "A2"), "alice")
    assert repository.public_renditions([(a.iri, 1)], rendition) == {}
    assert repository.public_renditions([(a.iri, 2)], rendition) == {}
    # The archive keeps it, for when the record is published again.
    assert version_iri(a.iri, 1) in stored(repository, [version_iri(a.iri, 1)], rendition)
