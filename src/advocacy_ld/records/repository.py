"""The archive and the public dataset, kept physically apart (DESIGN.md §4).

The archive holds every record and the bookkeeping about it; the public dataset holds only the
current published public record graphs, so a public route that reads it cannot reach anything
else. Every write goes to the archive first, then the public dataset is brought in line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from advocacy_ld.model.namespaces import ADV, ADVC
from advocacy_ld.records.identity import RecordId, RecordIdentifier
from advocacy_ld.records.loading import LoadOutcome, LoadStatus, RecordChecker
from advocacy_ld.records.reading import RecordCandidate
from advocacy_ld.settings import Settings
from advocacy_ld.store import open_store
from advocacy_ld.store.base import Snapshotting, Store, replace_graph_update
from advocacy_ld.store.terms import content_hash

LEDGER = "urn:advocacy-ld:ledger"
"""The archive graph that records each record's state; never copied to the public dataset."""

PUBLISHED = ADVC["review-status/published"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RecordState:
    """What the ledger knows of one record's current version."""

    id: RecordId
    version: int
    content_hash: str
    modified: datetime
    status: URIRef

    @property
    def etag(self) -> str:
        """A strong validator for every representation of this version (RFC 9110 §8.8.3)."""
        return f"{self.content_hash[:32]}-{self.version}"


class Repository:
    """Records through their life: stored in the archive, published to the public dataset."""

    def __init__(self, archive: Store, public: Store, ids: RecordIdentifier) -> None:
        self.archive = archive
        self.public = public
        self.ids = ids
        self._states: dict[str, RecordState] | None = None
        self._writes = 0
        self._last_modified = _EPOCH

    def close(self) -> None:
        self.archive.close()
        self.public.close()

    # -- reading -----------------------------------------------------------------------------

    def states(self) -> dict[str, RecordState]:
        """Every record's state, by IRI; read from the ledger once, then kept current."""
        if self._states is None:
            self._states = self._read_ledger()
            self._last_modified = max((s.modified for s in self._states.values()), default=_EPOCH)
        return self._states

    def published(self) -> list[RecordState]:
        """The records of the public dataset, newest first."""
        return sorted(
            (s for s in self.states().values() if s.status == PUBLISHED),
            key=lambda s: (s.modified, s.id.iri),
            reverse=True,
        )

    @property
    def generation(self) -> str:
        """Changes with every write to the public dataset; part of every validator."""
        self.states()
        return f"{self._last_modified.isoformat()}-{self._writes}"

    @property
    def last_modified(self) -> datetime:
        """When the public dataset last changed."""
        self.states()
        return self._last_modified

    def snapshot_public(self, target: Path) -> bool:
        """Checkpoint the public dataset into `target` for the SPARQL workers, which read it
        from other processes; False when its store cannot (in memory)."""
        return isinstance(self.public, Snapshotting) and self.public.snapshot(target)

    def public_state(self, iri: str) -> RecordState | None:
        state = self.states().get(iri)
        return state if state is not None and state.status == PUBLISHED else None

    # -- writing -----------------------------------------------------------------------------

    def load(
        self,
        candidates: Sequence[RecordCandidate],
        checker: RecordChecker,
        on_progress: Callable[[LoadOutcome], None] | None = None,
    ) -> list[LoadOutcome]:
        """Validate each candidate; store and publish those with no violation, one by one."""
        outcomes = []
        for candidate in candidates:
            report = checker.check(candidate, candidates)
            if not report.conforms:
                status = LoadStatus.INVALID
            elif self.put(candidate.id, candidate.graph):
                status = LoadStatus.STORED
            else:
                status = LoadStatus.UNCHANGED
            outcome = LoadOutcome(candidate.id.iri, candidate.source, status, report)
            outcomes.append(outcome)
            if on_progress is not None:
                on_progress(outcome)
        return outcomes

    def put(self, record: RecordId, graph: Graph) -> bool:
        """Store a published version of `record`; False when it is the current one already."""
        digest = content_hash(graph)
        current = self.states().get(record.iri)
        if current is not None and current.content_hash == digest:
            self.public.put_record(record.iri, graph)  # heals a public copy left behind
            return False
        state = RecordState(
            id=record,
            version=(current.version + 1) if current else 1,
            content_hash=digest,
            modified=datetime.now(UTC).replace(microsecond=0),
            status=PUBLISHED,
        )
        # The record and its ledger entry change in one archive transaction.
        self.archive.update(f"{replace_graph_update(record.iri, graph)} ;\n{_ledger_update(state)}")
        self.states()[record.iri] = state
        self.public.put_record(record.iri, graph)
        self._writes += 1
        self._last_modified = max(self._last_modified, state.modified)
        return True

    # -- the ledger ----------------------------------------------------------------------------

    def _read_ledger(self) -> dict[str, RecordState]:
        solutions = self.archive.query(
            f"SELECT ?r ?version ?hash ?modified ?status WHERE {{ GRAPH <{LEDGER}> {{ "
            f"?r <{ADV.version}> ?version ; <{ADV.contentHash}> ?hash ; "
            f"<{DCTERMS.modified}> ?modified ; <{ADV.reviewStatus}> ?status }} }}"
        )
        states = {}
        for row in solutions:  # type: ignore[union-attr]
            record = self.ids.parse(row["r"].value)
            if record is None:
                continue
            states[record.iri] = RecordState(
                id=record,
                version=int(row["version"].value),
                content_hash=row["hash"].value,
                modified=datetime.fromisoformat(row["modified"].value),
                status=URIRef(row["status"].value),
            )
        return states


def open_repository(settings: Settings) -> Repository:
    """Open the archive and the public dataset named by the settings."""
    archive = open_store(settings.store, settings.archive_path)
    try:
        public = open_store(settings.store, settings.public_path)
    except Exception:
        archive.close()
        raise
    return Repository(archive, public, RecordIdentifier(settings.base_uri))


def _ledger_update(state: RecordState) -> str:
    """Replace the record's ledger entry (SPARQL 1.1 Update §3.1.3 DELETE WHERE)."""
    ledger = f"<{LEDGER}>"
    subject = f"<{state.id.iri}>"
    modified = Literal(state.modified.isoformat(), datatype=XSD.dateTime).n3()
    return (
        f"DELETE WHERE {{ GRAPH {ledger} {{ {subject} ?p ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH {ledger} {{ {subject} <{ADV.version}> {state.version} ; "
        f'<{ADV.contentHash}> "{state.content_hash}" ; <{DCTERMS.modified}> {modified} ; '
        f"<{ADV.reviewStatus}> <{state.status}> }} }}"
    )
