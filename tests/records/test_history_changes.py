"""The log of public-history changes: the writes after which an existing version's readability
may differ, which copies of public content (kept feed pages) check to know they are current."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, Literal, URIRef

from advocacy_ld.model.namespaces import SCHEMA
from advocacy_ld.records.identity import RecordId
from advocacy_ld.records.ledger import version_iri
from advocacy_ld.records.repository import Repository

from .conftest import record_id


def org(record: RecordId, name: str) -> Graph:
    graph = Graph()
    graph.add((URIRef(record.iri), SCHEMA.name, Literal(name, lang="en")))
    return graph


def versions(repository: Repository, records: list[RecordId]) -> list[str]:
    return [version_iri(r.iri, v.number) for r in records for v in repository.versions(r.iri)]


def readable(repository: Repository, records: list[RecordId]) -> set[str]:
    """Every version of these records that anyone may read now."""
    return repository.publicly_readable(versions(repository, records))


def test_readability_of_existing_versions_changes_only_with_a_logged_change(
    repository: Repository,
) -> None:
    a, b = record_id("a"), record_id("b")
    watched: list[str] = []
    stop = repository.watch_history(watched.append)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("publish a", lambda: repository.submit(a, org(a, "A"), "alice", publish=True)),
        ("revise a", lambda: repository.submit(a, org(a, "A2"), "alice", publish=True)),
        ("publish b", lambda: repository.submit(b, org(b, "B"), "alice", publish=True)),
        ("retract a", lambda: repository.retract(a.iri, "curator", "duplicate")),
        ("publish a again", lambda: repository.publish(a.iri, "curator")),
        ("restrict b", lambda: repository.restrict(b.iri, "curator")),
        ("lift it", lambda: repository.restrict(b.iri, "curator", restricted=False)),
        ("pending b", lambda: repository.submit(b, org(b, "B2"), "bob")),
        # No tombstone here (b is already out of the public dataset), yet version 1 of b,
        # still readable in the feed after the pending revision, is withdrawn.
        ("retract pending b", lambda: repository.retract(b.iri, "curator", "withdrawn")),
    ]
    logged, changed = [], []
    for name, step in steps:
        existing = versions(repository, [a, b])
        before, epoch = readable(repository, [a, b]), repository.history_epoch()
        length = repository.feed_length()
        step()
        after = readable(repository, [a, b])
        # Versions written by this step are new: no copy made before it can hold them.
        if any((v in before) != (v in after) for v in existing):
            changed.append(name)
        if repository.history_epoch() != epoch:
            assert repository.history_epoch() == epoch + 1, name
            logged.append(name)
        if name == "retract pending b":
            assert repository.feed_length() == length, "no event, yet content withdrawn"
    assert changed == logged
    assert logged == ["retract a", "publish a again", "restrict b", "lift it", "retract pending b"]
    changes = repository.history_changes(0)
    assert [n for n, _ in changes] == list(range(1, len(changes) + 1))
    assert [r for _, r in changes] == [a.iri, a.iri, b.iri, b.iri, b.iri]
    assert repository.history_changes(len(changes)) == []
    assert watched == [r for _, r in changes]
    stop()
    repository.restrict(a.iri, "curator")
    assert len(watched) == len(changes)
    assert repository.history_epoch() == len(changes) + 1


def test_writes_that_change_no_readability_are_not_logged(repository: Repository) -> None:
    a = record_id("a")
    repository.submit(a, org(a, "A"), "alice", publish=True)
    repository.submit(a, org(a, "A2"), "alice", publish=True)
    repository.submit(a, org(a, "A3"), "alice")  # pending revision: a tombstone, no withdrawal
    assert repository.history_epoch() == 0
    assert repository.history_changes(0) == []
