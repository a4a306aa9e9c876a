"""The record lifecycle: versions kept, statuses, restriction, tombstones, audit, recovery."""

from __future__ import annotations

import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from advocacy_ld.model.namespaces import SCHEMA
from advocacy_ld.records.identity import RecordId, RecordIdentifier
from advocacy_ld.records.ledger import Status
from advocacy_ld.records.repository import (
    LifecycleError,
    RecordNotFoundError,
    Repository,
    VersionConflictError,
    open_repository,
)
from advocacy_ld.settings import Settings
from advocacy_ld.store import ExportFormat

from ..conftest import BASE

IRI = f"{BASE}/id/org/example"


def org(name: str) -> Graph:
    graph = Graph()
    graph.add((URIRef(IRI), SCHEMA.name, Literal(name, lang="en")))
    return graph


@pytest.fixture
def record() -> RecordId:
    parsed = RecordIdentifier(BASE).parse(IRI)
    assert parsed is not None
    return parsed


def public_dump(repository: Repository) -> str:
    buffer = io.BytesIO()
    repository.public.export(buffer, ExportFormat.NQUADS)
    return buffer.getvalue().decode("utf-8")


def test_a_submission_is_pending_and_not_public(repository: Repository, record: RecordId) -> None:
    change = repository.submit(record, org("Pending name"), "amal")
    assert change.changed
    assert change.state.status is Status.PENDING
    assert repository.public_state(IRI) is None
    assert "Pending name" not in public_dump(repository)
    repository.publish(IRI, "curator")
    assert repository.public_state(IRI) is not None
    assert "Pending name" in public_dump(repository)


def test_versions_are_kept_and_never_change(repository: Repository, record: RecordId) -> None:
    repository.submit(record, org("One"), "amal", publish=True)
    first = repository.version_graph(IRI, 1)
    repository.submit(record, org("Two"), "badr", publish=True)
    repository.submit(record, org("Three"), "amal", publish=True)
    versions = repository.versions(IRI)
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.agent for v in versions] == ["amal", "badr", "amal"]
    assert first is not None
    again = repository.version_graph(IRI, 1)
    assert again is not None
    assert isomorphic(first, again)
    assert isomorphic(again, org("One"))
    current = repository.current_graph(IRI)
    assert current is not None
    assert isomorphic(current, org("Three"))
    assert "Three" in public_dump(repository)
    assert "One" not in public_dump(repository)


def test_the_same_graph_makes_no_new_version(repository: Repository, record: RecordId) -> None:
    assert repository.put(record, org("Same")) is True
    assert repository.put(record, org("Same")) is False
    assert len(repository.versions(IRI)) == 1


def test_a_stale_if_match_is_a_conflict(repository: Repository, record: RecordId) -> None:
    first = repository.submit(record, org("One"), "amal", publish=True).state
    repository.submit(record, org("Two"), "badr", publish=True, if_match=first.etag)
    with pytest.raises(VersionConflictError):
        repository.submit(record, org("Three"), "amal", if_match=first.etag)
    assert len(repository.versions(IRI)) == 2


def test_retraction_leaves_a_tombstone_and_the_history(
    repository: Repository, record: RecordId
) -> None:
    repository.submit(record, org("Retract me"), "amal", publish=True)
    repository.retract(IRI, "curator", "Published by mistake")
    tombstone = repository.tombstone(IRI)
    assert tombstone is not None
    assert tombstone.agent == "curator"
    assert tombstone.reason == "Published by mistake"
    assert repository.public_state(IRI) is None
    assert "Retract me" not in public_dump(repository)
    assert repository.version_graph(IRI, 1) is not None
    with pytest.raises(LifecycleError, match="already"):
        repository.retract(IRI, "curator", "again")
    with pytest.raises(LifecycleError, match="reason"):
        repository.retract(IRI, "curator", " ")


def test_restricted_records_stay_in_the_archive(repository: Repository, record: RecordId) -> None:
    repository.submit(record, org("Secret name"), "amal", publish=True, restricted=True)
    assert repository.public_state(IRI) is None
    assert repository.tombstone(IRI) is None
    assert "Secret name" not in public_dump(repository)
    repository.restrict(IRI, "curator", restricted=False)
    assert "Secret name" in public_dump(repository)
    repository.restrict(IRI, "curator")
    assert "Secret name" not in public_dump(repository)
    repository.retract(IRI, "curator", "withdrawn")
    assert repository.tombstone(IRI) is None  # a restricted record leaves no public trace


def test_unknown_records_are_refused(repository: Repository) -> None:
    with pytest.raises(RecordNotFoundError):
        repository.publish(f"{BASE}/id/org/none", "curator")


def test_every_write_is_audited(repository: Repository, record: RecordId) -> None:
    repository.submit(record, org("A"), "amal")
    repository.publish(IRI, "badr")
    repository.submit(record, org("B"), "amal", publish=True)
    repository.restrict(IRI, "badr")
    repository.retract(IRI, "badr", "why not")
    actions = [(e.action, e.agent, e.version) for e in repository.audit()]
    assert actions == [
        ("submit", "amal", 1),
        ("publish", "badr", 1),
        ("publish", "amal", 2),
        ("restrict", "badr", 2),
        ("retract", "badr", 2),
    ]


def test_the_ledger_survives_reopening(settings: Settings, record: RecordId) -> None:
    repository = open_repository(settings)
    repository.submit(record, org("Kept"), "amal", publish=True)
    repository.retract(IRI, "curator", "reason kept")
    repository.close()
    reopened = open_repository(settings)
    state = reopened.state(IRI)
    assert state is not None
    assert state.status is Status.RETRACTED
    assert state.reason == "reason kept"
    assert len(reopened.versions(IRI)) == 1
    reopened.close()


def test_an_interrupted_public_sync_is_finished_on_open(
    settings: Settings, record: RecordId
) -> None:
    repository = open_repository(settings)
    repository.submit(record, org("Before"), "amal", publish=True)

    # Interrupt the next write after its archive transaction: the public copy is left behind.
    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    repository._sync_public = crash  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        repository.submit(record, org("After"), "amal", publish=True)
    assert "Before" in public_dump(repository)
    repository.close()
    reopened = open_repository(settings)
    assert "After" in public_dump(reopened)
    assert "Before" not in public_dump(reopened)
    assert reopened.recover() == 0
    reopened.close()


def test_public_changes_name_the_records_whose_public_copy_changed(
    repository: Repository, record: RecordId
) -> None:
    start = repository.public_changes_since(None)
    assert start.records is None  # no mark: a copy must load everything
    other = RecordIdentifier(BASE).parse(f"{BASE}/id/org/other")
    assert other is not None

    repository.submit(record, org("Pending name"), "amal")  # not public: no change
    assert repository.public_changes_since(start.mark).records == ()
    repository.publish(IRI, "curator")
    repository.submit(other, org("Other"), "amal", publish=True)
    repository.restrict(IRI, "curator")
    changes = repository.public_changes_since(start.mark)
    assert changes.records == (IRI, other.iri)
    assert changes.generation == repository.generation
    assert changes.generation != start.generation
    assert repository.public_changes_since(changes.mark).records == ()
    assert repository.public_changes_since(changes.mark - 1).records == (IRI,)
