"""Loading many records: in worker processes and in batches, with the outcomes, the stored data
and the feed of a one-by-one load, each record whole or absent when the store fails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from advocacy_ld.errors import BatchNotStoredError, StoreError
from advocacy_ld.model import Model
from advocacy_ld.publish.oai.facts import concept_labels, dc_facts_rendition
from advocacy_ld.records import ingest
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.ledger import read_sync_marks, version_iri
from advocacy_ld.records.loading import LinkedTypes, LoadOutcome, LoadStatus, RecordChecker
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax
from advocacy_ld.records.reading import RecordCandidate, read_record, read_record_file
from advocacy_ld.records.repository import Repository
from advocacy_ld.store import OxigraphStore
from advocacy_ld.store.terms import content_hash

from ..conftest import BASE, example_files

ORG = """@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix adv: <https://w3id.org/advocacy-ld/ns#> .
<id/org/ingest-{n}> a org:FormalOrganization ;
    schema:name "Ingest organization {n}"@en , "منظمة {n}"@ar ;
    adv:actorType <https://w3id.org/advocacy-ld/vocab/actor-type/non-governmental-organization> .
"""
REPORT = """@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<id/report/ingest-{n}> a schema:Report ;
    {headline}schema:datePublished "2024-01-{day:02d}"^^xsd:date ;
    schema:publisher <id/org/ingest-{publisher}> .
"""


def org(n: int) -> str:
    return ORG.format(n=n)


def report(n: int, publisher: int, *, valid: bool = True) -> str:
    headline = f'schema:headline "Report {n}"@en ;\n    ' if valid else ""
    return REPORT.format(n=n, headline=headline, day=n % 28 + 1, publisher=publisher)


class Reader:
    def __init__(self, parse_options: ParseOptions, identifier: RecordIdentifier) -> None:
        self.options = parse_options
        self.ids = identifier

    def __call__(self, turtle: str, source: str) -> RecordCandidate:
        return read_record(turtle.encode("utf-8"), RDFSyntax.TURTLE, source, self.options, self.ids)


@pytest.fixture
def reader(parse_options: ParseOptions, identifier: RecordIdentifier) -> Reader:
    return Reader(parse_options, identifier)


def mixed_load(reader: Reader, parse_options: ParseOptions) -> list[RecordCandidate]:
    """The examples, then organizations and the reports they publish (linked across records,
    publishers after some of their reports), with invalid reports in between."""
    ids = RecordIdentifier(BASE)
    candidates = [read_record_file(p, parse_options, ids) for p in example_files()]
    for n in range(24):
        candidates.append(reader(report(n, publisher=n % 12, valid=n % 7 != 3), f"report-{n}.ttl"))
        if n % 2 == 0:
            candidates.append(reader(org(n // 2), f"org-{n // 2}.ttl"))
    return candidates


def snapshot(repository: Repository) -> dict[str, Any]:
    """Everything a load leaves behind that a reader can see, in comparable form."""
    states = repository.states()
    length = repository.feed_length()
    versions = [version_iri(iri, s.version) for iri, s in sorted(states.items())]
    return {
        "states": {
            iri: (s.version, s.content_hash, s.status, s.restricted, s.agent)
            for iri, s in states.items()
        },
        "versions": {
            iri: [(v.number, v.agent, v.content_hash) for v in repository.versions(iri)]
            for iri in states
        },
        "renditions": repository.version_ntriples(versions),
        "derived": {
            r.name: repository.public_renditions([(i, s.version) for i, s in states.items()], r)
            for r in repository.derived
        },
        # Blank nodes written by a SPARQL update get new labels: compare graphs by their hash.
        "public": {
            iri: content_hash(graph)
            for iri in repository.public.record_iris()
            if (graph := repository.public.get_record(iri)) is not None
        },
        "feed": [(e.kind, e.record, e.version) for e in repository.feed_events(1, length)],
        "audit": [(a.action, a.record, a.version, a.agent) for a in repository.audit()],
        "history": {iri: sorted(repository.public_history(iri)) for iri in states},
        "sync_marks": read_sync_marks(repository.archive),
    }


def memory_repository(model: Model | None = None) -> Repository:
    """In memory; keeping the Dublin Core facts of every version when given the model."""
    repository = Repository(OxigraphStore(), OxigraphStore(), RecordIdentifier(BASE))
    if model is not None:
        repository.keep_rendition(dc_facts_rendition(concept_labels(model.vocabularies)))
    return repository


def load(
    repository: Repository,
    candidates: list[RecordCandidate],
    model: Model,
    *,
    processes: int,
    batch_size: int,
) -> tuple[list[LoadOutcome], list[LoadOutcome]]:
    """Load; returns the outcomes and those the progress callback saw."""
    seen: list[LoadOutcome] = []
    outcomes = repository.load(
        candidates,
        RecordChecker(model, repository.archive),
        seen.append,
        processes=processes,
        batch_size=batch_size,
    )
    return outcomes, seen


@pytest.fixture
def no_local_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the records are checked in this process: the workers must do it."""

    def refuse(*_: object) -> Iterator[ingest.Checked]:
        raise AssertionError("checked in the parent process, not in workers")

    monkeypatch.setattr(ingest, "_check_here", refuse)


def reference_load(
    repository: Repository, candidates: list[RecordCandidate], model: Model
) -> list[LoadOutcome]:
    """One record after the other, each checked then `put` on its own: the load as it was."""
    checker = RecordChecker(model, repository.archive)
    outcomes = []
    for candidate in candidates:
        report = checker.check(candidate, candidates)
        if not report.conforms:
            status = LoadStatus.INVALID
        elif repository.put(candidate.id, candidate.graph):
            status = LoadStatus.STORED
        else:
            status = LoadStatus.UNCHANGED
        outcomes.append(LoadOutcome(candidate.id.iri, candidate.source, status, report))
    return outcomes


def test_a_parallel_batched_load_stores_what_a_one_by_one_load_stores(
    reader: Reader, parse_options: ParseOptions, model: Model, no_local_checks: None
) -> None:
    candidates = mixed_load(reader, parse_options)
    reference = memory_repository(model)
    expected = reference_load(reference, candidates, model)
    repository = memory_repository(model)
    outcomes, seen = load(repository, candidates, model, processes=2, batch_size=16)
    assert outcomes == expected
    assert seen == outcomes
    assert {o.status for o in outcomes} == {LoadStatus.STORED, LoadStatus.INVALID}
    assert snapshot(repository) == snapshot(reference)
    assert snapshot(repository)["derived"]["dcFacts"]
    # The same records again: nothing changes.
    again, _ = load(repository, candidates, model, processes=2, batch_size=16)
    assert again == reference_load(reference, candidates, model)
    assert {o.status for o in again} == {LoadStatus.UNCHANGED, LoadStatus.INVALID}
    assert snapshot(repository) == snapshot(reference)


@pytest.mark.parametrize("processes", [1, 2])
def test_invalid_records_are_refused_with_their_reports_and_their_batch_mates_stored(
    reader: Reader, model: Model, processes: int
) -> None:
    candidates = []
    for n in range(12):
        candidates.append(reader(org(n), f"org-{n}.ttl"))
        candidates.append(reader(report(n, publisher=n, valid=n % 4 != 1), f"report-{n}.ttl"))
    repository = memory_repository()
    outcomes, _ = load(repository, candidates, model, processes=processes, batch_size=64)
    refused = [o for o in outcomes if o.status is LoadStatus.INVALID]
    assert [o.source for o in refused] == ["report-1.ttl", "report-5.ttl", "report-9.ttl"]
    for outcome in refused:
        assert not outcome.report.conforms
        assert any("headline" in (r.path or "") for r in outcome.report.results)
        assert repository.state(outcome.record) is None
        assert repository.public.get_record(outcome.record) is None
    stored = [o for o in outcomes if o.status is LoadStatus.STORED]
    assert len(stored) == len(candidates) - 3
    for outcome in stored:
        assert outcome.report.conforms
        assert repository.public.get_record(outcome.record) is not None
    # One feed event per stored record, in the order they were given.
    events = repository.feed_events(1, repository.feed_length())
    assert [e.record for e in events] == [o.record for o in stored]


def test_linked_types_come_from_other_files_of_the_same_load_then_from_the_store(
    reader: Reader, model: Model
) -> None:
    """A report's publisher must be typed: by another record of the load, or a stored one."""
    linking = reader(report(1, publisher=7), "report-1.ttl")
    publisher = reader(org(7), "org-7.ttl")
    alone = memory_repository()
    (outcome,), _ = load(alone, [linking], model, processes=1, batch_size=8)
    assert outcome.status is LoadStatus.INVALID
    assert any("publisher" in (r.path or "") for r in outcome.report.results)
    # The publisher later in the same load: its type is known when the report is checked.
    together = memory_repository()
    fillers = [reader(org(100 + n), f"org-{100 + n}.ttl") for n in range(10)]
    outcomes, _ = load(together, [linking, *fillers, publisher], model, processes=2, batch_size=4)
    assert {o.status for o in outcomes} == {LoadStatus.STORED}
    # The publisher stored by an earlier load: its type comes from the archive.
    load(alone, [publisher], model, processes=1, batch_size=8)
    (outcome,), _ = load(alone, [linking], model, processes=1, batch_size=8)
    assert outcome.status is LoadStatus.STORED


def test_types_stated_in_the_load_win_over_stored_ones(reader: Reader, model: Model) -> None:
    repository = memory_repository()
    repository.put(reader(org(7), "org-7.ttl").id, reader(org(7), "org-7.ttl").graph)
    linking = reader(report(1, publisher=7), "report-1.ttl")
    as_report = reader(report(7, publisher=1).replace("report/ingest-7", "org/ingest-7"), "x.ttl")
    from_store = LinkedTypes.gather([linking], repository.archive).of(linking.graph)
    from_load = LinkedTypes.gather([linking, as_report], repository.archive).of(linking.graph)
    assert {str(o) for _, _, o in from_store} == {"http://www.w3.org/ns/org#FormalOrganization"}
    assert {str(o) for _, _, o in from_load} == {"https://schema.org/Report"}


class FailingStore:
    """A store that fails every update whose text names `poison` (a disk that fills up)."""

    def __init__(self, inner: OxigraphStore, poison: str) -> None:
        self.inner = inner
        self.poison = poison
        self.path = inner.path

    def update(self, sparql: str) -> None:
        if self.poison and self.poison in sparql:
            raise StoreError("No space left on device (simulated)")
        self.inner.update(sparql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def assert_whole_or_absent(repository: Repository, candidates: list[RecordCandidate]) -> set[str]:
    """Every record is stored whole (ledger, version, public copy) or not at all; returns the
    stored ones."""
    stored = set()
    for candidate in candidates:
        iri = candidate.id.iri
        state = repository.state(iri)
        public = repository.public.get_record(iri)
        if state is None:
            assert public is None, iri
            assert repository.archive.get_record(version_iri(iri, 1)) is None, iri
            assert repository.versions(iri) == [], iri
            continue
        archived = repository.version_graph(iri, state.version)
        assert archived is not None, iri
        assert isomorphic(archived, candidate.graph), iri
        assert public is not None, iri
        assert isomorphic(public, candidate.graph), iri
        stored.add(iri)
    return stored


@pytest.mark.parametrize("processes", [1, 2])
def test_a_failed_batch_transaction_leaves_no_record_half_written(
    reader: Reader, model: Model, processes: int
) -> None:
    candidates = [reader(org(n), f"org-{n}.ttl") for n in range(20)]
    poison = f"<{candidates[5].id.iri}>"
    repository = Repository(
        FailingStore(OxigraphStore(), poison),  # type: ignore[arg-type]
        OxigraphStore(),
        RecordIdentifier(BASE),
    )
    seen: list[LoadOutcome] = []
    with pytest.raises(BatchNotStoredError) as raised:
        repository.load(
            candidates,
            RecordChecker(model, repository.archive),
            seen.append,
            processes=processes,
            batch_size=8,
        )
    assert raised.value.records == [candidates[5].id.iri]
    # The batch (records 0-7) failed as a whole; written one by one, 0-4 are stored, and the
    # load stops at 5 as it would have one record at a time.
    stored = assert_whole_or_absent(repository, candidates)
    assert stored == {c.id.iri for c in candidates[:5]}
    assert [(o.record, o.status) for o in seen] == [
        (c.id.iri, LoadStatus.STORED) for c in candidates[:5]
    ]
    events = repository.feed_events(1, repository.feed_length())
    assert [e.record for e in events] == [c.id.iri for c in candidates[:5]]
    assert read_sync_marks(repository.archive) == []
    assert {c.id.iri for c in candidates} - stored == {
        c.id.iri for c in candidates if repository.state(c.id.iri) is None
    }


def test_a_failed_public_copy_is_finished_when_the_repository_opens(
    reader: Reader, model: Model, tmp_path: Path
) -> None:
    candidates = [reader(org(n), f"org-{n}.ttl") for n in range(20)]
    archive_path, public_path = tmp_path / "archive", tmp_path / "public"
    repository = Repository(
        OxigraphStore(archive_path),
        FailingStore(OxigraphStore(public_path), f"<{candidates[10].id.iri}>"),  # type: ignore[arg-type]
        RecordIdentifier(BASE),
    )
    with pytest.raises(StoreError):
        repository.load(candidates, RecordChecker(model, repository.archive), batch_size=8)
    # The second batch (8-15) is in the archive, marked: its public copies are not done.
    assert len(read_sync_marks(repository.archive)) == 8
    repository.close()
    reopened = Repository(
        OxigraphStore(archive_path), OxigraphStore(public_path), RecordIdentifier(BASE)
    )
    try:
        assert reopened.recover() == 8
        stored = assert_whole_or_absent(reopened, candidates)
        assert stored == {c.id.iri for c in candidates[:16]}
        assert read_sync_marks(reopened.archive) == []
    finally:
        reopened.close()


def test_a_record_given_twice_gets_its_versions_in_order(reader: Reader, model: Model) -> None:
    first = reader(org(1), "org-1.ttl")
    renamed = reader(org(1).replace("Ingest organization 1", "Renamed organization"), "again.ttl")
    repository = memory_repository()
    outcomes, _ = load(repository, [first, renamed, first], model, processes=1, batch_size=8)
    assert [o.status for o in outcomes] == [LoadStatus.STORED] * 3
    assert [v.number for v in repository.versions(first.id.iri)] == [1, 2, 3]
    current = repository.current_graph(first.id.iri)
    assert isinstance(current, Graph)
    assert isomorphic(current, first.graph)


def test_a_load_without_a_checker_stores_without_validating(reader: Reader) -> None:
    """For trusted data only (the benchmark's reference): an invalid record is stored too."""
    candidates = [reader(report(n, publisher=n, valid=False), f"r-{n}.ttl") for n in range(12)]
    repository = memory_repository()
    outcomes = repository.load(candidates, None, processes=2, batch_size=5)
    assert [o.status for o in outcomes] == [LoadStatus.STORED] * 12
    assert all(o.report.results == () for o in outcomes)
    assert_whole_or_absent(repository, candidates)
