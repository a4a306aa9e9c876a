"""Restoring an archive export: the same repository comes back, or nothing is written.

The round trip runs on the embedded stores and on Oxigraph servers (only on those with
`--store=server`): a repository with records in every state is exported, restored into an
empty one, and read back through the `Repository` API.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from advocacy_ld.errors import (
    NotAnArchiveError,
    RDFSyntaxError,
    RepositoryNotEmptyError,
    RestoreFailedError,
)
from advocacy_ld.model.namespaces import ADV, SCHEMA
from advocacy_ld.records.ledger import read_write_count
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.records.restore import ArchiveFile, restore_into
from advocacy_ld.settings import Settings
from advocacy_ld.store import ExportFormat, Store, open_store

from ..conftest import BASE
from ..store_servers import ServerPool
from .conftest import record_id

PUBLISHED = record_id("published")
PENDING = record_id("pending")
RESTRICTED = record_id("restricted")
RETRACTED = record_id("retracted")
REVISED = record_id("revised", kind="facility")
RECORDS = [PUBLISHED, PENDING, RESTRICTED, RETRACTED, REVISED]
NOT_PUBLIC = {"Pending name", "Restricted name", "Retracted name"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames:
        server_only = metafunc.config.getoption("--store") == "server"
        metafunc.parametrize("store_kind", ["server"] if server_only else ["embedded", "server"])


Deployment = Callable[[str], Settings]


@pytest.fixture
def deployment(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Deployment]:
    """Makes the settings of a new, empty deployment: embedded stores under its own data
    directory, or two emptied Oxigraph servers."""
    with ExitStack() as stack:

        def make(name: str) -> Settings:
            data = tmp_path / name
            if store_kind == "embedded":
                return Settings(data=data, base_uri=BASE)
            pool: ServerPool = request.getfixturevalue("store_servers")
            archive, public = stack.enter_context(pool.pair())
            return Settings(
                data=data, base_uri=BASE, store=archive.setting, public_store=public.setting
            )

        yield make


def org(iri: str, name: str) -> Graph:
    """A record with an anchor-like blank node, as statements have."""
    graph = Graph()
    subject = URIRef(iri)
    note = BNode()
    graph.add((subject, SCHEMA.name, Literal(name, lang="en")))
    graph.add((subject, ADV.note, note))
    graph.add((note, SCHEMA.text, Literal(f"about {name}", lang="en")))
    return graph


def fill(repository: Repository) -> None:
    """Records in every state, through the API a curator uses."""
    for n in (1, 2, 3):
        repository.submit(PUBLISHED, org(PUBLISHED.iri, f"Published v{n}"), "amal", publish=True)
    repository.submit(PENDING, org(PENDING.iri, "Pending name"), "badr")
    repository.submit(
        RESTRICTED, org(RESTRICTED.iri, "Restricted name"), "amal", publish=True, restricted=True
    )
    repository.submit(RETRACTED, org(RETRACTED.iri, "Retracted name"), "amal", publish=True)
    repository.retract(RETRACTED.iri, "curator", "Published by mistake")
    first = repository.submit(REVISED, org(REVISED.iri, "Revised v1"), "amal", publish=True)
    repository.restrict(REVISED.iri, "curator")
    repository.restrict(REVISED.iri, "curator", restricted=False)
    repository.revise(REVISED, org(REVISED.iri, "Revised v2"), "badr", if_match=None, publish=None)
    assert first.state.version == 1


def dump(store: Store) -> bytes:
    buffer = io.BytesIO()
    store.export(buffer, ExportFormat.NQUADS)
    return buffer.getvalue()


def canonical(nquads: bytes) -> list[str]:
    """The quads with blank nodes labelled canonically (RDFC-1.0): equal for equal datasets,
    whatever labels the stores gave them."""
    dataset = ox.Dataset(ox.parse(nquads, ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) for quad in dataset)


def export_archive(repository: Repository, target: Path) -> ArchiveFile:
    target.write_bytes(dump(repository.archive))
    return ArchiveFile(target, str(target))


def assert_empty(settings: Settings) -> None:
    for setting, path in (
        (settings.store, settings.archive_path),
        (settings.public_store_setting, settings.public_path),
    ):
        store = open_store(setting, path)
        try:
            assert store.record_iris() == []
            assert store.triple_count() == 0
        finally:
            store.close()


@dataclass
class Source:
    """A filled repository (open until the test closes it) and its archive export."""

    settings: Settings
    repository: Repository
    archive: ArchiveFile


@pytest.fixture
def source(deployment: Deployment, tmp_path: Path) -> Iterator[Source]:
    settings = deployment("source")
    repository = open_repository(settings)
    fill(repository)
    made = Source(settings, repository, export_archive(repository, tmp_path / "archive.nq"))
    yield made
    made.repository.close()  # a test may have closed and reopened it


def test_a_restored_repository_is_the_exported_one(
    source: Source, deployment: Deployment, store_kind: str
) -> None:
    original, archive = source.repository, source.archive
    target = deployment("restored")
    summary = restore_into(target, archive)
    assert summary.records == len(RECORDS)
    assert summary.public_records == 2  # published, revised
    assert summary.archive_quads == len(canonical(archive.path.read_bytes()))

    restored = open_repository(target)
    try:
        exported = dump(restored.archive)
        if store_kind == "embedded":  # the bulk loader keeps blank node labels
            assert sorted(exported.splitlines()) == sorted(archive.path.read_bytes().splitlines())
        assert canonical(exported) == canonical(archive.path.read_bytes())
        public = dump(restored.public)
        assert canonical(public) == canonical(dump(original.public))
        assert summary.public_quads == len(canonical(public))
        assert restored.public.record_iris() == sorted([PUBLISHED.iri, REVISED.iri])
        assert not any(name.encode() in public for name in NOT_PUBLIC)

        assert restored.states() == original.states()
        for record in RECORDS:
            assert restored.versions(record.iri) == original.versions(record.iri)
            assert restored.public_history(record.iri) == original.public_history(record.iri)
            assert restored.feed_sequences(record.iri) == original.feed_sequences(record.iri)
            versions = [v.iri for v in original.versions(record.iri)]
            assert restored.version_ntriples(versions) == original.version_ntriples(versions)
        length = original.feed_length()
        assert restored.feed_length() == length
        assert restored.feed_events(1, length) == original.feed_events(1, length)
        assert restored.audit() == original.audit()
        assert restored.history_epoch() == original.history_epoch()
        assert restored.tombstone(RETRACTED.iri) == original.tombstone(RETRACTED.iri)
        assert restored.generation == original.generation

        writes = read_write_count(original.archive)
        assert read_write_count(restored.archive) == writes
        change = restored.submit(PUBLISHED, org(PUBLISHED.iri, "After"), "amal", publish=True)
        assert change.state.version == 4
        assert restored.feed_length() == length + 1
        (event,) = restored.feed_events(length + 1, length + 1)
        assert (event.record, event.version) == (PUBLISHED.iri, 4)
        assert read_write_count(restored.archive) == writes + 1
        assert b"After" in dump(restored.public)
    finally:
        restored.close()


def test_a_gzip_archive_restores_the_same(
    source: Source, deployment: Deployment, tmp_path: Path
) -> None:
    archive = source.archive
    packed = tmp_path / "archive.nq.gz"
    packed.write_bytes(gzip.compress(archive.path.read_bytes()))
    target = deployment("restored")
    summary = restore_into(target, ArchiveFile(packed, str(packed)))
    assert summary.records == len(RECORDS)
    restored = open_repository(target)
    try:
        assert canonical(dump(restored.archive)) == canonical(archive.path.read_bytes())
    finally:
        restored.close()


def other_spellings(nquads: bytes, comment_graph: str) -> bytes:
    """The same quads written as N-Quads allows but the export does not: comments (one
    ending in a graph IRI), a tab before the graph, CRLF line ends, no space before the `.`,
    an escaped character in the graph IRI, and blank lines."""
    spelled = [b"# an archive export, written by hand\n", b"\n"]
    for number, line in enumerate(nquads.splitlines()):
        start = line.rfind(b"<")
        statement, graph = line[:start], line[start:-2]
        match number % 5:
            case 0:
                spelled.append(line + f" # see <{comment_graph}> .\n".encode())
            case 1:
                spelled.append(statement[:-1] + b"\t" + graph + b" .\n")
            case 2:
                spelled.append(line + b"\r\n")
            case 3:
                spelled.append(statement + graph + b".\n")
            case _:
                spelled.append(statement + graph.replace(b"<h", b"<\\u0068", 1) + b" .\n")
        spelled.append(b"   \n" if number % 7 == 0 else b"")
    return b"".join(spelled)


def test_an_archive_spelled_otherwise_restores_the_same_public_dataset(
    source: Source, deployment: Deployment, tmp_path: Path
) -> None:
    """The public rebuild renames the lines the export writes as bytes, and parses any other."""
    respelled = tmp_path / "respelled.nq"
    written = source.archive.path.read_bytes()
    respelled.write_bytes(other_spellings(written, f"{PUBLISHED.iri}/versions/3"))
    target = deployment("restored")
    summary = restore_into(target, ArchiveFile(respelled, str(respelled)))
    restored = open_repository(target)
    try:
        assert canonical(dump(restored.archive)) == canonical(written)
        public = dump(restored.public)
        assert canonical(public) == canonical(dump(source.repository.public))
        assert summary.public_quads == len(canonical(public))
    finally:
        restored.close()


def test_a_repository_that_holds_anything_is_refused(source: Source) -> None:
    before = dump(source.repository.archive), dump(source.repository.public)
    source.repository.close()  # the embedded stores are opened by one process at a time
    with pytest.raises(RepositoryNotEmptyError) as refused:
        restore_into(source.settings, source.archive)
    assert refused.value.held["records in the ledger"] == len(RECORDS)
    assert "not empty" in str(refused.value)
    source.repository = open_repository(source.settings)
    assert (dump(source.repository.archive), dump(source.repository.public)) == before


def test_malformed_nquads_are_refused_by_line_and_nothing_is_written(
    source: Source, deployment: Deployment, tmp_path: Path
) -> None:
    lines = source.archive.path.read_bytes().splitlines(keepends=True)
    lines[-3] = b'<urn:a> <urn:b> "no end <urn:advocacy-ld:ledger> .\n'
    broken = tmp_path / "broken.nq"
    broken.write_bytes(b"".join(lines))
    target = deployment("restored")
    with pytest.raises(RDFSyntaxError) as refused:
        restore_into(target, ArchiveFile(broken, str(broken)))
    assert refused.value.location.line == len(lines) - 2
    assert str(refused.value).startswith(f"{broken}:{len(lines) - 2}:")
    assert_empty(target)


def test_a_file_that_is_not_an_archive_is_refused(
    source: Source, deployment: Deployment, tmp_path: Path
) -> None:
    public = tmp_path / "public.nq"
    public.write_bytes(dump(source.repository.public))  # records, but no ledger
    target = deployment("restored")
    with pytest.raises(NotAnArchiveError, match="no record in a ledger graph"):
        restore_into(target, ArchiveFile(public, str(public)))
    assert_empty(target)


def test_an_archive_of_another_base_uri_is_refused(source: Source, deployment: Deployment) -> None:
    target = deployment("restored").model_copy(update={"base_uri": "https://example.org"})
    with pytest.raises(NotAnArchiveError, match="ADVOCACY_LD_BASE_URI"):
        restore_into(target, source.archive)
    assert_empty(target)


def test_a_load_that_fails_part_way_leaves_both_stores_empty(
    source: Source, deployment: Deployment, tmp_path: Path
) -> None:
    """The ledger names a public version the file lacks: found once the archive is loaded,
    while the public dataset is rebuilt."""
    missing = f"<{PUBLISHED.iri}/versions/3> .\n".encode()
    lines = source.archive.path.read_bytes().splitlines(keepends=True)
    damaged = tmp_path / "damaged.nq"
    damaged.write_bytes(b"".join(line for line in lines if not line.endswith(missing)))
    target = deployment("restored")
    with pytest.raises(RestoreFailedError) as failed:
        restore_into(target, ArchiveFile(damaged, str(damaged)))
    assert failed.value.stage == "rebuilding the public dataset"
    assert failed.value.emptied
    assert "emptied again" in str(failed.value)
    assert_empty(target)


def test_feed_pages_of_an_earlier_repository_are_refused(
    source: Source, deployment: Deployment
) -> None:
    target = deployment("restored")
    pages = target.data / "feed-pages" / "layout"
    pages.mkdir(parents=True)
    (pages / "1.ttl").write_text("stale", encoding="utf-8")
    with pytest.raises(RepositoryNotEmptyError, match="feed page"):
        restore_into(target, source.archive)
    assert_empty(target)
