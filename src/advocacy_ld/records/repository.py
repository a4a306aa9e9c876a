"""The archive and the public dataset, kept physically apart (DESIGN.md §4).

The archive holds every version of every record, whatever its status, and the ledger; the
public dataset holds only the current version of each published public record, so a public
route that reads it cannot reach anything else. Every write changes the archive in one
transaction, then brings the public copy of that record in line; a write interrupted between
the two is finished when the repository is next opened (the ledger marks it).
"""

from __future__ import annotations

import fcntl
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from advocacy_ld.errors import AdvocacyLDError, BatchNotStoredError
from advocacy_ld.records.identity import RecordId, RecordIdentifier
from advocacy_ld.records.ingest import DEFAULT_BATCH_SIZE, load_records
from advocacy_ld.records.ledger import (
    LEDGER,
    AuditEntry,
    DerivedRendition,
    EventKind,
    FeedEvent,
    FeedPageTimes,
    LoggedWrite,
    PublicVersion,
    RecordState,
    Rendition,
    Status,
    VersionInfo,
    audit_update,
    clear_derived_update,
    derived_update,
    feed_event,
    feed_events_update,
    fingerprint_update,
    history_change_update,
    logged_write,
    logged_writes_update,
    new_audit_entry,
    now,
    public_history_update,
    read_audit,
    read_feed_events,
    read_feed_length,
    read_feed_page_times,
    read_feed_sequences,
    read_fingerprint,
    read_history_changes,
    read_history_epoch,
    read_last_public_write,
    read_public_history,
    read_public_marks,
    read_renditions,
    read_states,
    read_sync_marks,
    read_underived,
    read_unrendered,
    read_versions,
    read_write_count,
    read_writes,
    render_version,
    rendition_update,
    state_update,
    sync_mark_update,
    version_iri,
    version_update,
    withdraw_history_update,
)
from advocacy_ld.records.loading import LoadOutcome, RecordChecker
from advocacy_ld.records.reading import RecordCandidate
from advocacy_ld.records.versions import PreparedVersion, prepare_version
from advocacy_ld.settings import Settings
from advocacy_ld.store import open_store
from advocacy_ld.store.base import Snapshotting, Store, replace_graph_ntriples_update
from advocacy_ld.store.endpoints import is_remote

__all__ = ["LEDGER", "RecordState", "Repository", "Status", "open_repository"]

log = logging.getLogger(__name__)
STALE_SYNC_MARK_SECONDS = 30.0
"""How long another process may take to bring a public copy in line before `catch_up` stops
waiting for it (a write takes milliseconds; a mark this old is a writer that died)."""

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


class RecordExistsError(LifecycleError):
    """A new record was submitted under an IRI that another record already has."""

    def __init__(self, record: str) -> None:
        self.record = record
        super().__init__(f"{record} exists; revise it instead")


class ClaimConflictError(AdvocacyLDError):
    """The record describes nodes that the current version of another record describes.

    `iris` are the submitter's own subjects; the other records are not named, since the
    submitter may not be allowed to know them.
    """

    def __init__(self, record: str, iris: list[str]) -> None:
        self.record = record
        self.iris = iris
        super().__init__(f"{record} describes {len(iris)} node(s) another record describes")


@dataclass(frozen=True)
class Change:
    """What a write did: the record's state after it, and whether anything changed."""

    state: RecordState
    changed: bool


@dataclass(frozen=True)
class _WriteRules:
    """What a write of record content checks and records: the status it gives (from the
    current state), the restriction (None keeps it), the version revised (`if_match`),
    whether the record must be `new`, whether its nodes must be `exclusive` to it, and the
    audited action (None: "publish" or "submit" by status)."""

    status_of: Callable[[RecordState | None], Status]
    restricted: bool | None = None
    if_match: str | None = None
    new: bool = False
    exclusive: bool = False
    action: str | None = None


@dataclass(frozen=True)
class _PlannedVersion:
    """A write that passed its checks: the new state and the archive updates it takes."""

    state: RecordState
    updates: tuple[str, ...]
    ntriples: str
    withdrawn: bool


@dataclass(frozen=True)
class _LedgerEntry:
    """One write's archive update, its numbered entries (numbered with the other writes of
    its transaction: `_ledger_update`), and whether the record was public before it."""

    state: RecordState
    update: str
    was_public: bool
    event: str | None
    """Its change-feed event (`feed_event`), if it makes one."""
    logged: str
    """Its write-log entry (`logged_write`)."""


def _ledger_update(entries: Sequence[_LedgerEntry]) -> str:
    """One archive transaction for `entries`, in order: their updates, then their feed events
    and write-log entries, numbered in that order."""
    events = [e.event for e in entries if e.event is not None]
    return " ;\n".join(
        [
            *(e.update for e in entries),
            *([feed_events_update(events)] if events else []),
            logged_writes_update([e.logged for e in entries]),
        ]
    )


@dataclass(frozen=True)
class PublicChanges:
    """Which record graphs of the public dataset changed after a write mark: what a copy of
    the dataset (the SPARQL replica) has to reload to catch up."""

    generation: str
    mark: int
    """The write count now; pass it back next time."""
    records: tuple[str, ...] | None
    """Changed since the given mark; None when the log no longer reaches back that far."""


_LOGGED_CHANGES = 50_000
"""Public writes remembered for `public_changes_since` (older marks reload everything)."""


class Repository:
    """Records through their life: stored in the archive, published to the public dataset."""

    def __init__(
        self,
        archive: Store,
        public: Store,
        ids: RecordIdentifier,
        shared_lock: Path | None = None,
    ) -> None:
        """`shared_lock` names the lock file of every process writing to the same stores
        (a store server): writes then wait for it and apply the others' writes first."""
        self.archive = archive
        self.public = public
        self.ids = ids
        self.shared_lock = shared_lock
        self._states: dict[str, RecordState] | None = None
        self._seen_writes = 0
        """The number of the latest logged write applied to `_states` (ledger `WRITES`)."""
        self._public_mark = 0
        """The number of the latest logged write that changed the public dataset."""
        self._exclusive_depth = 0
        self._held_back: tuple[int, float] | None = None
        """(write number, since when) of the write `catch_up` is waiting on."""
        self._writes = 0
        self._changed: deque[tuple[int, str]] = deque(maxlen=_LOGGED_CHANGES)
        self._last_modified = _EPOCH
        self._derived: tuple[DerivedRendition, ...] = ()
        # Writes are serialized: a write reads the ledger, then changes two stores.
        self._write_lock = threading.RLock()
        self._history_watchers: list[Callable[[str], None]] = []

    def close(self) -> None:
        self.archive.close()
        self.public.close()

    @property
    def location(self) -> Path | None:
        """The archive's directory; None in memory. Copies derived from it go beside it."""
        path = getattr(self.archive, "path", None)
        return path if isinstance(path, Path) else None

    # -- reading -----------------------------------------------------------------------------

    def states(self) -> dict[str, RecordState]:
        """Every record's state, by IRI, whatever its status; read once, then kept current."""
        if self._states is None:
            # The log first: a write logged in between is applied again by `catch_up`.
            self._seen_writes = read_write_count(self.archive)
            self._public_mark = read_last_public_write(self.archive)
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
        return f"{self._last_modified.isoformat()}-{self._public_mark}"

    @property
    def last_modified(self) -> datetime:
        """When the public dataset last changed."""
        self.states()
        return self._last_modified

    def public_changes_since(self, mark: int | None) -> PublicChanges:
        """The records whose public copy changed after write `mark` (None: all of them)."""
        with self._write_lock:
            generation = self.generation
            reaches = mark is not None and (
                mark == self._writes or (bool(self._changed) and self._changed[0][0] <= mark + 1)
            )
            if mark is None or not reaches:
                return PublicChanges(generation, self._writes, None)
            changed = {iri: None for number, iri in self._changed if number > mark}
            return PublicChanges(generation, self._writes, tuple(changed))

    def catch_up(self) -> bool:
        """Apply the writes other processes logged since this one last looked (a store server
        shared by several); True when there were any. One query when there were none."""
        with self._write_lock:
            if self._states is None:
                return False  # nothing read yet: the first read reads everything
            if read_write_count(self.archive) <= self._seen_writes:
                return False
            writes = self._writes_in_line(read_writes(self.archive, self._seen_writes))
            if not writes:
                return False
            records = list(dict.fromkeys(write.record for write in writes))
            fresh = read_states(self.archive, self.ids, records)
            for iri in records:
                if iri in fresh:
                    self._states[iri] = fresh[iri]
                else:
                    self._states.pop(iri, None)
            for write in writes:
                self._seen_writes = max(self._seen_writes, write.number)
                state = fresh.get(write.record)
                if write.public and state is not None:
                    self._public_mark = write.number
                    self._writes += 1
                    self._changed.append((self._writes, write.record))
                    self._last_modified = max(self._last_modified, state.modified)
            for iri in dict.fromkeys(write.record for write in writes if write.public):
                self._history_changed(iri)  # at worst a kept copy is made again
            return True

    def _writes_in_line(self, writes: list[LoggedWrite]) -> list[LoggedWrite]:
        """The writes up to the first whose writer has not yet brought the public copy in line
        (its sync mark is still in the ledger): applied now, its new state would be rendered
        from the old public copy, and cached as the new version. A mark older than
        `STALE_SYNC_MARK_SECONDS` is a writer that died; `recover` finishes its write."""
        marked = set(read_sync_marks(self.archive))
        ready = list(itertools.takewhile(lambda write: write.record not in marked, writes))
        if len(ready) == len(writes):
            self._held_back = None
            return ready
        first = writes[len(ready)].number
        now_seconds = time.monotonic()
        if self._held_back is None or self._held_back[0] != first:
            self._held_back = (first, now_seconds)
        elif now_seconds - self._held_back[1] > STALE_SYNC_MARK_SECONDS:
            log.warning(
                "write %d is still marked unsynced: applying it; recover() will sync", first
            )
            self._held_back = None
            return writes
        return ready

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the write lock: this process's, and with a shared store the lock file too,
        after which the writes other processes made are applied (so that a new version is
        numbered from the current one)."""
        with self._write_lock:
            if self.shared_lock is None or self._exclusive_depth > 0:
                self._exclusive_depth += 1
                try:
                    yield
                finally:
                    self._exclusive_depth -= 1
                return
            with self.shared_lock.open("ab") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
                self._exclusive_depth += 1
                try:
                    self.catch_up()
                    yield
                finally:
                    self._exclusive_depth -= 1

    def snapshot_public(self, target: Path) -> bool:
        """Checkpoint the public dataset into `target` for the SPARQL workers, which read it
        from other processes; False when its store cannot (in memory)."""
        return isinstance(self.public, Snapshotting) and self.public.snapshot(target)

    def public_state(self, iri: str) -> RecordState | None:
        """The state of a record of the public dataset; None for anything else."""
        state = self.states().get(iri)
        return state if state is not None and state.is_public else None

    def tombstone(self, iri: str) -> RecordState | None:
        """A retracted record that was public: who retracted it, when and why (410 Gone).

        A submission retracted before it was ever public leaves none: its IRI was never out.
        """
        state = self.states().get(iri)
        if state is None or state.status is not Status.RETRACTED or state.restricted:
            return None
        return state if state.issued is not None else None

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

    def public_history(self, iri: str) -> dict[int, datetime]:
        """Version number -> when it became public, for the versions published since the
        record was last withdrawn (whatever the record's status now); for curators."""
        return read_public_history(self.archive, iri)

    def public_versions(self, iri: str) -> list[PublicVersion]:
        """The versions of a public record that anyone may read: those made public since the
        record was last withdrawn, and always the current one. Nothing for other records."""
        state = self.public_state(iri)
        if state is None:
            return []
        marked = self.public_history(iri)
        return [
            PublicVersion(iri, v.number, v.generated, marked.get(v.number), v.content_hash)
            for v in self.versions(iri)
            if v.number in marked or v.number == state.version
        ]

    def public_version_graph(self, iri: str, number: int) -> Graph | None:
        """One version of the public history (`public_versions`), or None."""
        if not any(v.number == number for v in self.public_versions(iri)):
            return None
        return self.version_graph(iri, number)

    def feed_length(self) -> int:
        """How many events the public change feed holds."""
        return read_feed_length(self.archive)

    def feed_events(self, first: int, last: int) -> list[FeedEvent]:
        """Change-feed events `first` to `last` (inclusive, numbered from 1), in order."""
        return read_feed_events(self.archive, first, last)

    def feed_page_times(self, page_size: int, first_page: int, last: int) -> list[FeedPageTimes]:
        """Each page of the change feed from `first_page` on, over events up to `last`, with
        the range of its events' times."""
        return read_feed_page_times(self.archive, page_size, first_page, last)

    def publicly_readable(self, version_iris: list[str]) -> set[str]:
        """Which of these versions anyone may read now: those in their record's public
        history. A curator's withdrawal (retract, restrict) takes all of a record's out."""
        return read_public_marks(self.archive, version_iris)

    def feed_sequences(self, record: str) -> list[int]:
        """The numbers of the change-feed events about `record`."""
        return read_feed_sequences(self.archive, record)

    def history_epoch(self) -> int:
        """How many times a curator has changed which existing versions are publicly readable
        (`history_changes`); a copy of public content stamped with it can tell if it is stale."""
        return read_history_epoch(self.archive)

    def history_changes(self, after: int) -> list[tuple[int, str]]:
        """(number, record IRI) of each change counted by `history_epoch` after `after`: the
        only writes that change `publicly_readable` for a version already in the feed."""
        return read_history_changes(self.archive, after)

    def watch_history(self, watcher: Callable[[str], None]) -> Callable[[], None]:
        """Call `watcher(record)` after each such change is committed (in the writing thread,
        under the write lock); returns what stops the calls."""
        with self._write_lock:
            self._history_watchers.append(watcher)

        def stop() -> None:
            with self._write_lock:
                if watcher in self._history_watchers:
                    self._history_watchers.remove(watcher)

        return stop

    def version_ntriples(self, version_iris: list[str]) -> dict[str, bytes]:
        """Each version's graph as N-Triples, by version IRI, from its stored rendition.

        For curators and for callers that have checked `publicly_readable` (the feed).
        """
        texts = read_renditions(self.archive, version_iris, Rendition.N_TRIPLES)
        return {iri: texts[iri].encode("utf-8") for iri in version_iris if iri in texts}

    def public_renditions(
        self, records: list[tuple[str, int]], kind: Rendition | DerivedRendition
    ) -> dict[str, bytes]:
        """A rendition of each (record, version) that is the record's current public version
        now, by record IRI; nothing for any other, so a list read before a withdrawal cannot
        leak it."""
        with self._write_lock:  # no withdrawal between the check and the read
            wanted = {}
            for iri, number in records:
                state = self.public_state(iri)
                if state is not None and state.version == number:
                    wanted[version_iri(iri, number)] = iri
            texts = read_renditions(self.archive, sorted(wanted), kind)
        return {wanted[v]: text.encode("utf-8") for v, text in texts.items()}

    def claimed_elsewhere(self, record: str, subjects: Sequence[str]) -> list[str]:
        """Which of `subjects` the current version of another record describes."""
        if not subjects:
            return []
        values = " ".join(f"<{s}>" for s in subjects)
        rows = self.archive.query(
            f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        assert isinstance(rows, ox.QuerySolutions)
        states = self.states()
        claimed = set()
        for row in rows:
            owner, _, number = str(row["g"].value).rpartition("/versions/")
            state = states.get(owner)
            if owner != record and state is not None and str(state.version) == number:
                claimed.add(str(row["s"].value))
        return sorted(claimed)

    # -- writing -----------------------------------------------------------------------------

    def load(
        self,
        candidates: Sequence[RecordCandidate],
        checker: RecordChecker | None,
        on_progress: Callable[[LoadOutcome], None] | None = None,
        agent: str = SYSTEM_AGENT,
        *,
        processes: int = 1,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> list[LoadOutcome]:
        """Validate each candidate; store and publish those with no violation, in order.

        Each record is stored whole or not at all; several go in one archive transaction
        (`batch_size`). `processes` > 1 validates in that many worker processes (spawned: the
        caller's main module must be safe to import). `checker` None stores without
        validating: for trusted data only (the benchmark's reference).
        """
        return load_records(
            self,
            candidates,
            checker,
            on_progress,
            agent,
            processes=processes,
            batch_size=batch_size,
        )

    @property
    def derived(self) -> tuple[DerivedRendition, ...]:
        """The derived renditions kept of every version (`keep_rendition`)."""
        return self._derived

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
        status = Status.PUBLISHED if publish else Status.PENDING
        rules = _WriteRules(lambda _: status, restricted=restricted, if_match=if_match)
        return self._write_version(record, graph, agent, rules)

    def create(
        self, record: RecordId, graph: Graph, agent: str, *, publish: bool, restricted: bool
    ) -> Change:
        """Store a new record, refusing an IRI in use or nodes another record describes.

        Both checks run under the write lock, so two submissions cannot both pass them.
        """
        status = Status.PUBLISHED if publish else Status.PENDING
        rules = _WriteRules(lambda _: status, restricted=restricted, new=True, exclusive=True)
        return self._write_version(record, graph, agent, rules)

    def revise(
        self,
        record: RecordId,
        graph: Graph,
        agent: str,
        *,
        if_match: str | None,
        publish: bool | None,
        restricted: bool | None = None,
    ) -> Change:
        """A new version of an existing record; `publish=None` keeps a published one published.

        `if_match=None` (If-Match: *) revises whatever version is current. A retracted record
        is not revised (publish it again first): its tombstone stands. Audited as "revise".
        """

        def status_of(current: RecordState | None) -> Status:
            if current is not None and current.status is Status.RETRACTED:
                raise LifecycleError(f"{record.iri} is retracted; publish it again to revise it")
            if publish is None:
                keep = current is not None and current.status is Status.PUBLISHED
                return Status.PUBLISHED if keep else Status.PENDING
            return Status.PUBLISHED if publish else Status.PENDING

        rules = _WriteRules(
            status_of, restricted=restricted, if_match=if_match, exclusive=True, action="revise"
        )
        return self._write_version(record, graph, agent, rules)

    def _write_version(
        self, record: RecordId, graph: Graph, agent: str, rules: _WriteRules
    ) -> Change:
        """The one write path of record content: checks, then one archive transaction."""
        prepared = prepare_version(record, graph, self._derived)
        with self._exclusive():
            planned = self._plan_version(record, prepared, agent, rules)
            if isinstance(planned, Change):
                return planned
            state = self._commit(planned.state, *planned.updates, public_graph=graph)
            if planned.withdrawn:
                self._history_changed(record.iri)
            return Change(state, True)

    def write_prepared(
        self, writes: Sequence[tuple[RecordId, PreparedVersion]], agent: str = SYSTEM_AGENT
    ) -> list[Change]:
        """Store and publish several records as `put` does each, in one archive transaction.

        Every record is in that transaction whole, so when it fails none is stored and
        `BatchNotStoredError` says so; their public copies follow, marked in the ledger until
        done (as for one record). Changes come back in the order of `writes`.
        """
        iris = [record.iri for record, _ in writes]
        if len(set(iris)) != len(iris):
            raise ValueError("a batch names a record twice; write the later version after it")
        with self._exclusive():
            publish = _WriteRules(lambda _: Status.PUBLISHED)
            planned = [
                self._plan_version(record, prepared, agent, publish) for record, prepared in writes
            ]
            plans = [p for p in planned if isinstance(p, _PlannedVersion)]
            committed = iter(self._commit_many(plans))
            return [p if isinstance(p, Change) else Change(next(committed), True) for p in planned]

    def _commit_many(self, plans: Sequence[_PlannedVersion]) -> list[RecordState]:
        """`_commit` for several new versions: one archive transaction, then public copies."""
        if not plans:
            return []
        entries = [self._ledger_entry(p.state, p.updates) for p in plans]
        try:
            self.archive.update(_ledger_update(entries))
        except Exception as error:
            raise BatchNotStoredError([p.state.id.iri for p in plans], error) from error
        for entry in entries:
            self.states()[entry.state.id.iri] = entry.state
        self._sync_public_many([(e.state, p.ntriples) for e, p in zip(entries, plans, strict=True)])
        for entry in entries:
            self._count_public_write(entry)
        for planned in plans:
            if planned.withdrawn:
                self._history_changed(planned.state.id.iri)
        return [entry.state for entry in entries]

    def _plan_version(
        self, record: RecordId, prepared: PreparedVersion, agent: str, rules: _WriteRules
    ) -> _PlannedVersion | Change:
        """The checks of a write and what it will change, under the write lock; a `Change`
        (nothing changed) when the record's current version already is this one."""
        current = self.state(record.iri)
        if rules.new and current is not None:
            raise RecordExistsError(record.iri)
        if rules.if_match is not None and (current is None or current.etag != rules.if_match):
            raise VersionConflictError(record.iri, current.etag if current else "")
        if rules.exclusive and (claimed := self.claimed_elsewhere(record.iri, prepared.subjects)):
            raise ClaimConflictError(record.iri, claimed)
        status = rules.status_of(current)
        keep_restricted = current.restricted if current is not None else False
        restricted_now = keep_restricted if rules.restricted is None else rules.restricted
        if (
            current is not None
            and current.content_hash == prepared.digest
            and current.status is status
            and current.restricted == restricted_now
        ):
            # Nothing to write; a public copy left behind by a crash was marked in the
            # ledger and is brought in line by `recover` when the repository opens.
            return Change(current, False)
        number = current.version + 1 if current is not None else 1
        state = RecordState(
            id=record,
            version=number,
            content_hash=prepared.digest,
            modified=now(),
            status=status,
            restricted=restricted_now,
            agent=agent,
        )
        info = VersionInfo(record.iri, number, state.modified, agent, prepared.digest)
        action = rules.action or ("publish" if status is Status.PUBLISHED else "submit")
        version = version_iri(record.iri, number)
        # A revision written restricted withdraws the record as `restrict` does: none of
        # its versions stays publicly readable (the change feed's older members included).
        withdrawn = current is not None and restricted_now and not current.restricted
        updates = (
            version_update(info),
            replace_graph_ntriples_update(version, prepared.ntriples),
            rendition_update(version, prepared.renditions),
            *self._derived_updates(version, record, prepared),
            audit_update(new_audit_entry(agent, action, record.iri, number)),
            *([withdraw_history_update(record.iri)] if withdrawn else []),
        )
        return _PlannedVersion(state, updates, prepared.ntriples, withdrawn)

    def _derived_updates(
        self, version: str, record: RecordId, prepared: PreparedVersion
    ) -> list[str]:
        """Store a new version's derived renditions: those rendered before the lock was taken,
        and any kept since (rendered now, so that no version is stored without one)."""
        updates = []
        for r in self._derived:
            text = prepared.derived_text(r)
            if text is None:
                text = r.render(record.iri, record.kind, prepared.ntriples)
            updates.append(derived_update(version, r, text))
        return updates

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
        with self._exclusive():
            current = self.state(iri)
            if current is None:
                raise RecordNotFoundError(f"no record {iri}")
            if status is Status.RETRACTED and current.status is Status.RETRACTED:
                raise LifecycleError(f"{iri} is already retracted")
            target = replace(
                current,
                status=status if status is not None else current.status,
                restricted=restricted if restricted is not None else current.restricted,
                # A retraction's reason stays through a later restriction; publishing clears it.
                reason=reason
                if status is Status.RETRACTED
                else (None if status else current.reason),
                modified=now(),
                agent=agent,
            )
            if target.status is current.status and target.restricted == current.restricted:
                return Change(current, False)
            entry = new_audit_entry(agent, action, iri, current.version, reason)
            withdrawn = target.status is Status.RETRACTED or (
                target.restricted and not current.restricted
            )
            updates = [audit_update(entry)]
            # Which existing versions anyone may read changes exactly here, and is logged: marks
            # cleared by a withdrawal, or put back on the current version by `_commit` (a
            # version written by `_write_version` is new: no copy made before can hold it).
            history_changed = withdrawn or target.is_public
            if withdrawn:
                updates.append(withdraw_history_update(iri))  # logs the change itself
            elif target.is_public:
                updates.append(history_change_update(iri))
            target = self._commit(target, *updates, public_graph=None)
            if history_changed:
                self._history_changed(iri)
            return Change(target, True)

    def _history_changed(self, iri: str) -> None:
        """Tell the watchers (`watch_history`) once the change is committed."""
        for watcher in list(self._history_watchers):
            watcher(iri)

    def _commit(self, state: RecordState, *updates: str, public_graph: Graph | None) -> RecordState:
        """One archive transaction (ledger + version + audit), then the public copy.

        Returns the state as committed: with `issued` set once the record has been public.
        """
        entry = self._ledger_entry(state, updates)
        self.archive.update(_ledger_update([entry]))
        self.states()[state.id.iri] = entry.state
        self._sync_public(entry.state, public_graph)
        self._count_public_write(entry)
        return entry.state

    def _ledger_entry(self, state: RecordState, updates: Sequence[str]) -> _LedgerEntry:
        """The archive update of one write: the ledger entry, `updates`, the public-history
        mark, the feed event, and the mark that the public copy is not yet in line."""
        previous = self.state(state.id.iri)
        was_public = previous is not None and previous.is_public
        issued = previous.issued if previous is not None else None
        if issued is None and was_public:
            assert previous is not None
            issued = previous.modified  # written before `issued` existed; public since then
        if issued is None and state.is_public:
            issued = state.modified
        state = replace(state, issued=issued)
        new_version = previous is None or previous.version != state.version
        history = (
            [public_history_update(state.id.iri, state.version, state.modified, new=new_version)]
            if state.is_public
            else []
        )
        event = None
        if state.is_public and (not was_public or new_version):
            event = feed_event(EventKind.VERSION, state.id.iri, state.version, state.modified)
        elif was_public and not state.is_public:
            reason = state.reason if state.status is Status.RETRACTED else None
            event = feed_event(
                EventKind.TOMBSTONE, state.id.iri, state.version, state.modified, reason
            )
        pending = sync_mark_update(state.id.iri, marked=True)
        logged = logged_write(state.id.iri, public=was_public or state.is_public)
        update = " ;\n".join([state_update(state), *updates, *history, pending])
        return _LedgerEntry(state, update, was_public, event, logged)

    def _count_public_write(self, entry: _LedgerEntry) -> None:
        """Count a committed write (numbered in the log as the next after those this process
        has seen: writes hold `_exclusive`) and log it if it changed the public dataset
        (`public_changes_since`)."""
        self._seen_writes += 1
        if entry.was_public or entry.state.is_public:
            self._public_mark = self._seen_writes
            self._writes += 1
            self._changed.append((self._writes, entry.state.id.iri))
            self._last_modified = max(self._last_modified, entry.state.modified)

    def _sync_public_many(self, written: Sequence[tuple[RecordState, str]]) -> None:
        """`_sync_public` for several new versions (state, N-Triples) at once: one update of
        the public dataset, then one that clears their marks."""
        self.public.update(
            " ;\n".join(
                replace_graph_ntriples_update(state.id.iri, ntriples)
                if state.is_public
                else f"DROP SILENT GRAPH <{state.id.iri}>"
                for state, ntriples in written
            )
        )
        self.archive.update(
            " ;\n".join(sync_mark_update(state.id.iri, marked=False) for state, _ in written)
        )

    def _sync_public(self, state: RecordState, graph: Graph | None = None) -> None:
        """Bring the public copy of one record in line with its state, then clear the mark."""
        if state.is_public:
            current = (
                graph if graph is not None else self.version_graph(state.id.iri, state.version)
            )
            if current is not None:
                # The ledger already knows this version differs: no need to compare again.
                self.public.replace_record(state.id.iri, current)
        else:
            self.public.remove_record(state.id.iri)
        self.archive.update(sync_mark_update(state.id.iri, marked=False))

    def recover(self) -> int:
        """Finish writes that were interrupted between the archive and the public dataset."""
        with self._exclusive():
            marked = read_sync_marks(self.archive)
            for iri in marked:
                state = self.state(iri)
                if state is not None:
                    self._sync_public(state)
            self._start_feed()
            self._render_missing()
            return len(marked)

    def _render_missing(self, batch: int = 200) -> None:
        """Give versions stored before renditions were kept their renditions (once)."""
        missing = read_unrendered(self.archive)
        for start in range(0, len(missing), batch):
            updates = []
            for version in missing[start : start + batch]:
                (ntriples,) = self.archive.graphs_as_ntriples([version])
                rendered = render_version(ntriples.decode("utf-8"))
                updates.append(rendition_update(version, rendered))
            self.archive.update(" ;\n".join(updates))

    def keep_rendition(self, rendition: DerivedRendition, batch: int = 200) -> None:
        """Keep `rendition` of every version from now on: the versions stored without it get it
        now, and all of them again when it was computed with another fingerprint."""
        with self._exclusive():
            others = tuple(r for r in self._derived if r.name != rendition.name)
            self._derived = (*others, rendition)
            changed = read_fingerprint(self.archive, rendition) != rendition.fingerprint
            if changed:
                self.archive.update(clear_derived_update(rendition))
            self._derive_missing(rendition, batch)
            if changed:
                # Last: an interrupted recomputation still sees the old fingerprint and starts
                # over.
                self.archive.update(fingerprint_update(rendition))

    def _derive_missing(self, rendition: DerivedRendition, batch: int) -> None:
        """Compute `rendition` for the versions that lack it, from their stored N-Triples."""
        missing = read_underived(self.archive, rendition)
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            graphs = read_renditions(self.archive, [v for v, _ in chunk], Rendition.N_TRIPLES)
            updates = [
                derived_update(v, rendition, rendition.render(record.iri, record.kind, graphs[v]))
                for v, iri in chunk
                if v in graphs and (record := self.ids.parse(iri)) is not None
            ]
            if updates:
                self.archive.update(" ;\n".join(updates))

    def _start_feed(self) -> None:
        """Give an archive written before the change feed existed one version event per public
        record, oldest change first, so that a harvester replaying the feed gets everything."""
        if read_feed_length(self.archive) > 0:
            return
        public = sorted(self.published(), key=lambda s: (s.modified, s.id.iri))
        if public:
            self.archive.update(
                feed_events_update(
                    [feed_event(EventKind.VERSION, s.id.iri, s.version, s.modified) for s in public]
                )
            )


def open_repository(settings: Settings, derived: Sequence[DerivedRendition] = ()) -> Repository:
    """Open the archive and the public dataset named by the settings, keeping the `derived`
    renditions of every version (see `Repository.keep_rendition`)."""
    archive = open_store(settings.store, settings.archive_path)
    try:
        public = open_store(settings.public_store_setting, settings.public_path)
    except Exception:
        archive.close()
        raise
    # A store server may be shared by several server processes; they share the data directory.
    shared = settings.data / "write.lock" if is_remote(settings.store) else None
    if shared is not None:
        settings.data.mkdir(parents=True, exist_ok=True)
    repository = Repository(archive, public, RecordIdentifier(settings.base_uri), shared)
    repository.recover()
    for rendition in derived:
        repository.keep_rendition(rendition)
    return repository
