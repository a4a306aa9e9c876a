"""The archive and the public dataset, kept physically apart (DESIGN.md §4).

The archive holds every version of every record, whatever its status, and the ledger; the
public dataset holds only the current version of each published public record, so a public
route that reads it cannot reach anything else. Every write changes the archive in one
transaction, then brings the public copy of that record in line; a write interrupted between
the two is finished when the repository is next opened (the ledger marks it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

from advocacy_ld.errors import AdvocacyLDError
from advocacy_ld.records.identity import RecordId, RecordIdentifier
from advocacy_ld.records.ledger import (
    LEDGER,
    AuditEntry,
    RecordState,
    Status,
    VersionInfo,
    audit_update,
    new_audit_entry,
    now,
    read_audit,
    read_states,
    read_sync_marks,
    read_versions,
    state_update,
    sync_mark_update,
    version_iri,
    version_update,
)
from advocacy_ld.records.loading import LoadOutcome, LoadStatus, RecordChecker
from advocacy_ld.records.reading import RecordCandidate
from advocacy_ld.settings import Settings
from advocacy_ld.store import open_store
from advocacy_ld.store.base import Snapshotting, Store, replace_graph_update
from advocacy_ld.store.terms import content_hash

__all__ = ["LEDGER", "RecordState", "Repository", "Status", "open_repository"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SYSTEM_AGENT = "loader"


class RecordNotFoundError(AdvocacyLDError):
    """No record has this IRI (or the caller may not know that it has)."""


class VersionConflictError(AdvocacyLDError):
    """The caller revised from a version that is no longer the current one."""

    def __init__(self, record: str, current_etag: str) -> None:
        self.record = record
        self.current_etag = current_etag
        super().__init__(f"{record} has changed since the version the request names")


class LifecycleError(AdvocacyLDError):
    """The operation does not apply to the record in its present status."""


@dataclass(frozen=True)
class Change:
    """What a write did: the record's state after it, and whether anything changed."""

    state: RecordState
    changed: bool


class Repository:
    """Records through their life: stored in the archive, published to the public dataset."""

    def __init__(self, archive: Store, public: Store, ids: RecordIdentifier) -> None:
        self.archive = archive
        self.public = public
        self.ids = ids
        self._states: dict[str, RecordState] | None = None
        self._writes = 0
        self._last_modified = _EPOCH
        # Writes are serialized: a write reads the ledger, then changes two stores.
        self._write_lock = threading.RLock()

    def close(self) -> None:
        self.archive.close()
        self.public.close()

    # -- reading -----------------------------------------------------------------------------

    def states(self) -> dict[str, RecordState]:
        """Every record's state, by IRI, whatever its status; read once, then kept current."""
        if self._states is None:
            self._states = read_states(self.archive, self.ids)
            self._last_modified = max(
                (s.modified for s in self._states.values() if s.is_public), default=_EPOCH
            )
        return self._states

    def state(self, iri: str) -> RecordState | None:
        """The record's state for curators (any status, restricted too)."""
        return self.states().get(iri)

    def published(self) -> list[RecordState]:
        """The records of the public dataset, newest first."""
        return sorted(
            (s for s in self.states().values() if s.is_public),
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
        """The state of a record of the public dataset; None for anything else."""
        state = self.states().get(iri)
        return state if state is not None and state.is_public else None

    def tombstone(self, iri: str) -> RecordState | None:
        """A retracted record that was public: who retracted it, when and why (410 Gone)."""
        state = self.states().get(iri)
        if state is None or state.status is not Status.RETRACTED or state.restricted:
            return None
        return state

    def versions(self, iri: str) -> list[VersionInfo]:
        return read_versions(self.archive, iri)

    def version_graph(self, iri: str, number: int) -> Graph | None:
        return self.archive.get_record(version_iri(iri, number))

    def current_graph(self, iri: str) -> Graph | None:
        """The current version's graph, from the archive (any status)."""
        state = self.state(iri)
        return self.version_graph(iri, state.version) if state is not None else None

    def audit(self, since: datetime | None = None) -> list[AuditEntry]:
        return read_audit(self.archive, since)

    # -- writing -----------------------------------------------------------------------------

    def load(
        self,
        candidates: Sequence[RecordCandidate],
        checker: RecordChecker,
        on_progress: Callable[[LoadOutcome], None] | None = None,
        agent: str = SYSTEM_AGENT,
    ) -> list[LoadOutcome]:
        """Validate each candidate; store and publish those with no violation, one by one."""
        outcomes = []
        for candidate in candidates:
            report = checker.check(candidate, candidates)
            if not report.conforms:
                status = LoadStatus.INVALID
            elif self.put(candidate.id, candidate.graph, agent):
                status = LoadStatus.STORED
            else:
                status = LoadStatus.UNCHANGED
            outcome = LoadOutcome(candidate.id.iri, candidate.source, status, report)
            outcomes.append(outcome)
            if on_progress is not None:
                on_progress(outcome)
        return outcomes

    def put(self, record: RecordId, graph: Graph, agent: str = SYSTEM_AGENT) -> bool:
        """Store and publish `graph` as the record's current version; False if it already is."""
        change = self.submit(record, graph, agent, publish=True)
        return change.changed

    def submit(
        self,
        record: RecordId,
        graph: Graph,
        agent: str,
        *,
        publish: bool = False,
        restricted: bool | None = None,
        if_match: str | None = None,
    ) -> Change:
        """Make `graph` the record's new version (pending unless `publish`).

        `if_match` is the ETag of the version the caller revised; a different current version
        raises `VersionConflictError` (the lost-update check of RFC 9110 §13.1.1).
        """
        digest = content_hash(graph)
        with self._write_lock:
            current = self.state(record.iri)
            if if_match is not None and (current is None or current.etag != if_match):
                raise VersionConflictError(record.iri, current.etag if current else "")
            status = Status.PUBLISHED if publish else Status.PENDING
            keep_restricted = current.restricted if current is not None else False
            restricted_now = keep_restricted if restricted is None else restricted
            if (
                current is not None
                and current.content_hash == digest
                and current.status is status
                and current.restricted == restricted_now
            ):
                self._sync_public(current)  # heals a public copy left behind
                return Change(current, False)
            number = current.version + 1 if current is not None else 1
            state = RecordState(
                id=record,
                version=number,
                content_hash=digest,
                modified=now(),
                status=status,
                restricted=restricted_now,
                agent=agent,
            )
            info = VersionInfo(record.iri, number, state.modified, agent, digest)
            action = "publish" if publish else "submit"
            self._commit(
                state,
                version_update(info),
                replace_graph_update(version_iri(record.iri, number), graph),
                audit_update(new_audit_entry(agent, action, record.iri, number)),
                public_graph=graph,
            )
            return Change(state, True)

    def publish(self, iri: str, agent: str) -> Change:
        """Make a pending (or retracted) record's current version public."""
        return self._transition(iri, agent, "publish", status=Status.PUBLISHED)

    def retract(self, iri: str, agent: str, reason: str) -> Change:
        """Withdraw a record from the public dataset, leaving a tombstone; history stays."""
        if not reason.strip():
            raise LifecycleError("a retraction needs a reason")
        return self._transition(iri, agent, "retract", status=Status.RETRACTED, reason=reason)

    def restrict(self, iri: str, agent: str, restricted: bool = True) -> Change:
        """Mark a record restricted (archive only) or lift the restriction."""
        action = "restrict" if restricted else "unrestrict"
        return self._transition(iri, agent, action, restricted=restricted)

    def _transition(
        self,
        iri: str,
        agent: str,
        action: str,
        *,
        status: Status | None = None,
        restricted: bool | None = None,
        reason: str | None = None,
    ) -> Change:
        with self._write_lock:
            current = self.state(iri)
            if current is None:
                raise RecordNotFoundError(f"no record {iri}")
            if status is Status.RETRACTED and current.status is Status.RETRACTED:
                raise LifecycleError(f"{iri} is already retracted")
            target = replace(
                current,
                status=status if status is not None else current.status,
                restricted=restricted if restricted is not None else current.restricted,
                reason=reason if status is Status.RETRACTED else None,
                modified=now(),
                agent=agent,
            )
            if target.status is current.status and target.restricted == current.restricted:
                return Change(current, False)
            entry = new_audit_entry(agent, action, iri, current.version, reason)
            self._commit(target, audit_update(entry), public_graph=None)
            return Change(target, True)

    def _commit(self, state: RecordState, *updates: str, public_graph: Graph | None) -> None:
        """One archive transaction (ledger + version + audit), then the public copy."""
        pending = sync_mark_update(state.id.iri, marked=True)
        self.archive.update(" ;\n".join([state_update(state), *updates, pending]))
        was_public = self.public_state(state.id.iri) is not None
        self.states()[state.id.iri] = state
        self._sync_public(state, public_graph)
        if was_public or state.is_public:
            self._writes += 1
            self._last_modified = max(self._last_modified, state.modified)

    def _sync_public(self, state: RecordState, graph: Graph | None = None) -> None:
        """Bring the public copy of one record in line with its state, then clear the mark."""
        if state.is_public:
            current = (
                graph if graph is not None else self.version_graph(state.id.iri, state.version)
            )
            if current is not None:
                self.public.put_record(state.id.iri, current)
        else:
            self.public.remove_record(state.id.iri)
        self.archive.update(sync_mark_update(state.id.iri, marked=False))

    def recover(self) -> int:
        """Finish writes that were interrupted between the archive and the public dataset."""
        marked = read_sync_marks(self.archive)
        for iri in marked:
            state = self.state(iri)
            if state is not None:
                self._sync_public(state)
        return len(marked)


def open_repository(settings: Settings) -> Repository:
    """Open the archive and the public dataset named by the settings."""
    archive = open_store(settings.store, settings.archive_path)
    try:
        public = open_store(settings.store, settings.public_path)
    except Exception:
        archive.close()
        raise
    repository = Repository(archive, public, RecordIdentifier(settings.base_uri))
    repository.recover()
    return repository
