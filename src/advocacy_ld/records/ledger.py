"""The ledger: what the archive knows about each record, its versions and every write.

Three kinds of bookkeeping live in archive graphs that are never copied to the public dataset:
the current state of each record, PROV metadata of each version (who, when, what it revises),
and an append-only audit trail of writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from advocacy_ld.model.namespaces import ADV, ADVC, PREFIXES
from advocacy_ld.records.identity import RecordId, RecordIdentifier
from advocacy_ld.store.base import Store

LEDGER = "urn:advocacy-ld:ledger"
"""Current state of every record."""
VERSIONS = "urn:advocacy-ld:versions"
"""PROV description of every version."""
AUDIT = "urn:advocacy-ld:audit"
"""One PROV activity per write."""
RENDITIONS = "urn:advocacy-ld:renditions"
"""Each version's graph written out once, as N-Triples and RDF/XML (and any `DerivedRendition`),
when the version is stored: copying records out (feed pages, harvests) reads one string per
record, not every triple."""
FEED = "urn:advocacy-ld:feed"
"""The public change feed: one event per version made public and per withdrawal, numbered."""
EVENT_BASE = "urn:advocacy-ld:feed:event:"
HISTORY_CHANGE_BASE = "urn:advocacy-ld:ledger:history-change:"
"""Numbered entries (in the ledger graph) naming each record whose public history a curator
changed: what lets a copy of public content made earlier (a feed page) know it may be stale."""
AGENT_BASE = "urn:advocacy-ld:agent:"
WRITES = "urn:advocacy-ld:writes"
"""Every write, numbered, naming its record: how a server process sharing the store with
others learns what they changed since it last looked (`Repository.catch_up`)."""
WRITE_BASE = "urn:advocacy-ld:write:"


class Status(StrEnum):
    """Review status (the review-status vocabulary)."""

    PENDING = "pending"
    PUBLISHED = "published"
    RETRACTED = "retracted"

    @property
    def concept(self) -> URIRef:
        return ADVC[f"review-status/{self.value}"]


@dataclass(frozen=True)
class RecordState:
    """What the ledger knows of one record's current version."""

    id: RecordId
    version: int
    content_hash: str
    modified: datetime
    status: Status
    restricted: bool
    agent: str
    reason: str | None = None
    issued: datetime | None = None
    """When the record first became public; only such a record leaves a public tombstone."""

    @property
    def etag(self) -> str:
        """A strong validator for every representation of this version (RFC 9110 §8.8.3)."""
        return f"{self.content_hash[:32]}-{self.version}"

    @property
    def is_public(self) -> bool:
        return self.status is Status.PUBLISHED and not self.restricted


@dataclass(frozen=True)
class VersionInfo:
    """One version of a record: `{record}/versions/{number}`."""

    record: str
    number: int
    generated: datetime
    agent: str
    content_hash: str

    @property
    def iri(self) -> str:
        return version_iri(self.record, self.number)


@dataclass(frozen=True)
class PublicVersion:
    """What anyone may know of a version in a record's public history: not who wrote it
    (token names identify contributors), only its number, times and content hash."""

    record: str
    number: int
    generated: datetime
    issued: datetime | None
    content_hash: str

    @property
    def iri(self) -> str:
        return version_iri(self.record, self.number)


@dataclass(frozen=True)
class AuditEntry:
    """One write: who did what to which version, when."""

    id: str
    time: datetime
    agent: str
    action: str
    record: str
    version: int
    detail: str | None


class EventKind(StrEnum):
    """What a change-feed event says about a record."""

    VERSION = "version"
    """This version of the record became public."""
    TOMBSTONE = "tombstone"
    """The record left the public dataset (retracted, restricted or under review again)."""


@dataclass(frozen=True)
class FeedEvent:
    """One event of the public change feed, in the order the public dataset changed.

    Nothing here is private: a record only has events once it has been public, a tombstone
    carries only the reason of a retraction (which its 410 page shows too), never who wrote.
    """

    sequence: int
    kind: EventKind
    record: str
    version: int
    time: datetime
    reason: str | None = None

    @property
    def version_iri(self) -> str:
        return version_iri(self.record, self.version)


def event_iri(sequence: int) -> str:
    return f"{EVENT_BASE}{sequence}"


def version_iri(record: str, number: int) -> str:
    return f"{record}/versions/{number}"


def agent_iri(name: str) -> str:
    return f"{AGENT_BASE}{name}"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _dt(value: datetime) -> str:
    return Literal(value.isoformat(), datatype=XSD.dateTime).n3()


def _text(value: str) -> str:
    return Literal(value).n3()


def state_update(state: RecordState) -> str:
    """Replace the record's ledger entry (SPARQL 1.1 Update §3.1.3 DELETE WHERE)."""
    subject = f"<{state.id.iri}>"
    extra = f" ; <{ADV.retractionReason}> {_text(state.reason)}" if state.reason else ""
    if state.issued is not None:
        extra += f" ; <{DCTERMS.issued}> {_dt(state.issued)}"
    return (
        f"DELETE WHERE {{ GRAPH <{LEDGER}> {{ {subject} ?p ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{LEDGER}> {{ {subject} <{ADV.version}> {state.version} ; "
        f"<{ADV.contentHash}> {_text(state.content_hash)} ; <{DCTERMS.modified}> "
        f"{_dt(state.modified)} ; <{ADV.reviewStatus}> <{state.status.concept}> ; "
        f"<{ADV.restricted}> {'true' if state.restricted else 'false'} ; "
        f"<{PROV.wasAttributedTo}> <{agent_iri(state.agent)}>{extra} }} }}"
    )


def sync_mark_update(record: str, *, marked: bool) -> str:
    """Set or clear the mark of a write whose public copy is not yet in line."""
    triple = f"<{record}> <{ADV.publicSyncPending}>"
    if marked:
        return f"INSERT DATA {{ GRAPH <{LEDGER}> {{ {triple} true }} }}"
    return f"DELETE WHERE {{ GRAPH <{LEDGER}> {{ {triple} ?mark }} }}"


def read_sync_marks(archive: Store) -> list[str]:
    rows = _solutions(
        archive.query(
            f"SELECT ?r WHERE {{ GRAPH <{LEDGER}> {{ ?r <{ADV.publicSyncPending}> true }} }}"
        )
    )
    return [str(row["r"].value) for row in rows]


def version_update(info: VersionInfo) -> str:
    """PROV-O metadata of a new version (prov:wasRevisionOf its predecessor)."""
    subject = f"<{info.iri}>"
    revises = (
        f" ; <{PROV.wasRevisionOf}> <{version_iri(info.record, info.number - 1)}>"
        if info.number > 1
        else ""
    )
    return (
        f"INSERT DATA {{ GRAPH <{VERSIONS}> {{ {subject} a <{PROV.Entity}> ; "
        f"<{DCTERMS.isVersionOf}> <{info.record}> ; <{ADV.versionNumber}> {info.number} ; "
        f"<{PROV.generatedAtTime}> {_dt(info.generated)} ; "
        f"<{PROV.wasAttributedTo}> <{agent_iri(info.agent)}> ; "
        f"<{ADV.contentHash}> {_text(info.content_hash)}{revises} }} }}"
    )


def public_history_update(record: str, number: int, time: datetime, *, new: bool) -> str:
    """Mark a version as public since the record was last withdrawn (first time only; a `new`
    version written in this update has no mark yet, so none is looked for).

    The mark (`dcterms:issued` on the version, in the ledger graph) is what lets the public
    version history show a version: versions that were never public stay out of it.
    """
    mark = f"<{version_iri(record, number)}> <{DCTERMS.issued}>"
    if new:
        return f"INSERT DATA {{ GRAPH <{LEDGER}> {{ {mark} {_dt(time)} }} }}"
    return (
        f"INSERT {{ GRAPH <{LEDGER}> {{ {mark} {_dt(time)} }} }} "
        f"WHERE {{ FILTER NOT EXISTS {{ GRAPH <{LEDGER}> {{ {mark} ?t }} }} }}"
    )


def withdraw_history_update(record: str) -> str:
    """Clear every public-history mark of a record that a curator restricts or retracts.

    Withdrawal is how a curator takes content out of public view (a witness's name, say); the
    earlier versions must not stay readable through the version history. The change is logged
    in the same update (`history_change_update`), so copies of public content learn of it.
    """
    return (
        f"DELETE {{ GRAPH <{LEDGER}> {{ ?v <{DCTERMS.issued}> ?t }} }} WHERE {{ "
        f"GRAPH <{VERSIONS}> {{ ?v <{DCTERMS.isVersionOf}> <{record}> }} "
        f"GRAPH <{LEDGER}> {{ ?v <{DCTERMS.issued}> ?t }} }} ;\n"
        f"{history_change_update(record)}"
    )


def history_change_update(record: str) -> str:
    """Log that the public-history marks of a record's existing versions change in this write.

    Marks are cleared only by a curator's withdrawal, and put back on a version that was public
    before only when a curator makes the record public again; both go through here, numbered
    like feed events (a counter read and advanced inside the update), so whoever keeps a copy
    of public content knows which records to look at again since it made its copy.
    """
    return numbered_entries_update(
        LEDGER, ADV.lastHistoryChange, HISTORY_CHANGE_BASE, [f"<{ADV.record}> <{record}>"]
    )


def read_history_epoch(archive: Store) -> int:
    """The number of the latest public-history change (0 when there is none)."""
    rows = _solutions(
        archive.query(
            f"SELECT ?last WHERE {{ GRAPH <{LEDGER}> {{ "
            f"<{LEDGER}> <{ADV.lastHistoryChange}> ?last }} }}"
        )
    )
    return max((int(row["last"].value) for row in rows), default=0)


def read_history_changes(archive: Store, after: int) -> list[tuple[int, str]]:
    """(number, record IRI) of each public-history change numbered above `after`, in order."""
    rows = _solutions(
        archive.query(
            f"SELECT ?n ?record WHERE {{ GRAPH <{LEDGER}> {{ ?change <{ADV.sequence}> ?n ; "
            f"<{ADV.record}> ?record }} FILTER(?n > {int(after)}) }} ORDER BY ?n"
        )
    )
    return [(int(row["n"].value), str(row["record"].value)) for row in rows]


def read_public_history(archive: Store, record: str) -> dict[int, datetime]:
    """Version number -> when it became public, for the versions marked public."""
    rows = _solutions(
        archive.query(
            f"SELECT ?n ?issued WHERE {{ GRAPH <{VERSIONS}> {{ ?v <{DCTERMS.isVersionOf}> "
            f"<{record}> ; <{ADV.versionNumber}> ?n }} "
            f"GRAPH <{LEDGER}> {{ ?v <{DCTERMS.issued}> ?issued }} }}"
        )
    )
    return {int(row["n"].value): datetime.fromisoformat(row["issued"].value) for row in rows}


class Rendition(StrEnum):
    """The serializations kept of every version (bookkeeping properties of the version)."""

    N_TRIPLES = "nTriples"
    RDF_XML = "rdfXml"

    @property
    def predicate(self) -> str:
        return str(ADV[self.value])


def render_version(graph_ntriples: str) -> dict[Rendition, str]:
    """A version's renditions, from the N-Triples the archive is written with."""
    triples = ox.parse(graph_ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    rdf_xml = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""
    return {Rendition.N_TRIPLES: graph_ntriples, Rendition.RDF_XML: rdf_xml.decode("utf-8")}


@dataclass(frozen=True)
class DerivedRendition:
    """A rendition that a layer above this one computes from a version's graph (this layer does
    not know its format), kept beside the built-in ones and read the same way."""

    name: str
    """The local name of its `adv:` property, e.g. `dcFacts`."""
    fingerprint: str
    """Of whatever else than the graph the rendition depends on (tables, vocabularies): when it
    changes, every version's rendition is computed again."""
    render: Callable[[str, str, str], str]
    """(record IRI, record kind, the version's graph as N-Triples) -> the rendition."""

    @property
    def predicate(self) -> str:
        return str(ADV[self.name])


def rendition_update(version: str, renditions: dict[Rendition, str]) -> str:
    """Store a version's renditions (replacing any), as literals in the renditions graph."""
    values = " ; ".join(
        f"<{kind.predicate}> {ox.Literal(text)}" for kind, text in renditions.items()
    )
    return (
        f"DELETE WHERE {{ GRAPH <{RENDITIONS}> {{ <{version}> ?p ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{RENDITIONS}> {{ <{version}> {values} }} }}"
    )


def derived_update(version: str, rendition: DerivedRendition, text: str) -> str:
    """Store one derived rendition of a version, replacing that one only."""
    stored = f"<{version}> <{rendition.predicate}>"
    return (
        f"DELETE WHERE {{ GRAPH <{RENDITIONS}> {{ {stored} ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{RENDITIONS}> {{ {stored} {ox.Literal(text)} }} }}"
    )


def clear_derived_update(rendition: DerivedRendition) -> str:
    """Drop every version's copy of a derived rendition (its fingerprint changed)."""
    return f"DELETE WHERE {{ GRAPH <{RENDITIONS}> {{ ?v <{rendition.predicate}> ?text }} }}"


def fingerprint_update(rendition: DerivedRendition) -> str:
    """Record what the stored copies of a derived rendition were computed with; the property
    IRI is the subject, in the renditions graph."""
    stored = f"<{rendition.predicate}> <{ADV.renditionFingerprint}>"
    return (
        f"DELETE WHERE {{ GRAPH <{RENDITIONS}> {{ {stored} ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{RENDITIONS}> {{ {stored} {_text(rendition.fingerprint)} }} }}"
    )


def read_fingerprint(archive: Store, rendition: DerivedRendition) -> str | None:
    rows = _solutions(
        archive.query(
            f"SELECT ?f WHERE {{ GRAPH <{RENDITIONS}> {{ "
            f"<{rendition.predicate}> <{ADV.renditionFingerprint}> ?f }} }}"
        )
    )
    return next((str(row["f"].value) for row in rows), None)


def read_underived(archive: Store, rendition: DerivedRendition) -> list[tuple[str, str]]:
    """(version IRI, record IRI) of the versions that lack this derived rendition."""
    rows = _solutions(
        archive.query(
            f"SELECT ?v ?r WHERE {{ GRAPH <{VERSIONS}> {{ ?v <{DCTERMS.isVersionOf}> ?r }} "
            f"FILTER NOT EXISTS {{ GRAPH <{RENDITIONS}> {{ ?v <{rendition.predicate}> ?t }} }} }}"
        )
    )
    return [(str(row["v"].value), str(row["r"].value)) for row in rows]


def read_renditions(
    archive: Store, versions: list[str], kind: Rendition | DerivedRendition
) -> dict[str, str]:
    """Version IRI -> its rendition, for the versions that have one; one lookup each."""
    if not versions:
        return {}
    values = " ".join(f"<{v}>" for v in versions)
    rows = _solutions(
        archive.query(
            f"SELECT ?v ?text WHERE {{ GRAPH <{RENDITIONS}> {{ VALUES ?v {{ {values} }} "
            f"?v <{kind.predicate}> ?text }} }}"
        )
    )
    return {str(row["v"].value): str(row["text"].value) for row in rows}


def read_unrendered(archive: Store) -> list[str]:
    """Versions stored before renditions were kept."""
    rows = _solutions(
        archive.query(
            f"SELECT ?v WHERE {{ GRAPH <{VERSIONS}> {{ ?v <{DCTERMS.isVersionOf}> ?r }} "
            f"FILTER NOT EXISTS {{ GRAPH <{RENDITIONS}> {{ ?v <{ADV.nTriples}> ?t }} }} }}"
        )
    )
    return [str(row["v"].value) for row in rows]


def feed_event(
    kind: EventKind, record: str, version: int, time: datetime, reason: str | None = None
) -> str:
    """One change-feed event's description, to be numbered by `numbered_entries_update`."""
    said = f" ; <{ADV.retractionReason}> {_text(reason)}" if reason else ""
    return (
        f"<{ADV.action}> {_text(kind.value)} ; <{ADV.record}> <{record}> ; "
        f"<{ADV.versionNumber}> {version} ; <{PROV.generatedAtTime}> {_dt(time)}{said}"
    )


def feed_events_update(events: Sequence[str]) -> str:
    """Append `events` (`feed_event`) to the change feed, numbered in the transaction of the
    write: no gaps and no repeats whatever else writes to the archive."""
    return numbered_entries_update(FEED, ADV.lastSequence, EVENT_BASE, events)


def numbered_entries_update(
    graph: str, counter: str, base: str, descriptions: Sequence[str]
) -> str:
    """Add entries `{base}{n}` (with `adv:sequence n` and a description each, in order) to
    `graph`, n counting on from `<graph> <counter>`, read and advanced inside the update
    (SPARQL 1.1 Update §3.1.3). One pattern is evaluated for all of a batch's entries."""
    if not descriptions:
        raise ValueError("no entries to number")
    held = f"<{graph}> <{counter}>"
    last = len(descriptions)
    entries = " ".join(
        f"?entry{k} <{ADV.sequence}> ?n{k} ; {d} ." for k, d in enumerate(descriptions, start=1)
    )
    numbers = " ".join(
        f'BIND(?base + {k} AS ?n{k}) BIND(IRI(CONCAT("{base}", STR(?n{k}))) AS ?entry{k})'
        for k in range(1, last + 1)
    )
    return (
        f"DELETE {{ GRAPH <{graph}> {{ {held} ?last }} }} "
        f"INSERT {{ GRAPH <{graph}> {{ {held} ?n{last} . {entries} }} }} "
        f"WHERE {{ OPTIONAL {{ GRAPH <{graph}> {{ {held} ?last }} }} "
        f"BIND(COALESCE(?last, 0) AS ?base) {numbers} }}"
    )


def read_feed_length(archive: Store) -> int:
    """The number of the latest change-feed event (0 when there is none)."""
    rows = _solutions(
        archive.query(
            f"SELECT ?last WHERE {{ GRAPH <{FEED}> {{ <{FEED}> <{ADV.lastSequence}> ?last }} }}"
        )
    )
    return max((int(row["last"].value) for row in rows), default=0)


@dataclass(frozen=True)
class FeedPageTimes:
    """One page of the change feed as its root describes it: how many events it holds and
    the range of their timestamps."""

    number: int
    earliest: datetime
    latest: datetime
    events: int


def read_feed_page_times(
    archive: Store, page_size: int, first_page: int, last: int
) -> list[FeedPageTimes]:
    """Pages from `first_page` on, over events up to `last`, counted in the store: one
    aggregate over the events' numbers and times, which never decodes an event IRI (reading
    every event is ~25x slower)."""
    first = (first_page - 1) * page_size + 1
    rows = _solutions(
        archive.query(
            f"SELECT ?page (MIN(?t) AS ?earliest) (MAX(?t) AS ?latest) (COUNT(*) AS ?events) "
            f"WHERE {{ GRAPH <{FEED}> {{ ?e <{ADV.sequence}> ?n ; "
            f"<{PROV.generatedAtTime}> ?t }} FILTER(?n >= {first} && ?n <= {last}) "
            f"BIND(FLOOR((?n - 1) / {page_size}) + 1 AS ?page) }} GROUP BY ?page"
        )
    )
    pages = [
        FeedPageTimes(
            number=int(float(row["page"].value)),
            earliest=datetime.fromisoformat(row["earliest"].value),
            latest=datetime.fromisoformat(row["latest"].value),
            events=int(row["events"].value),
        )
        for row in rows
    ]
    return sorted(pages, key=lambda page: page.number)


def read_feed_sequences(archive: Store, record: str) -> list[int]:
    """The numbers of the change-feed events about one record, in order."""
    rows = _solutions(
        archive.query(
            f"SELECT ?n WHERE {{ GRAPH <{FEED}> {{ ?e <{ADV.record}> <{record}> ; "
            f"<{ADV.sequence}> ?n }} }} ORDER BY ?n"
        )
    )
    return [int(row["n"].value) for row in rows]


def read_feed_events(archive: Store, first: int, last: int) -> list[FeedEvent]:
    """Events `first` to `last` (inclusive), in order; looked up by IRI, not scanned."""
    if last < first:
        return []
    values = " ".join(f"<{event_iri(n)}>" for n in range(max(first, 1), last + 1))
    rows = _solutions(
        archive.query(
            # VALUES inside the GRAPH block: outside it, Oxigraph scans the whole feed graph.
            f"SELECT ?n ?action ?record ?version ?time ?reason WHERE {{ "
            f"GRAPH <{FEED}> {{ VALUES ?e {{ {values} }} "
            f"?e <{ADV.sequence}> ?n ; <{ADV.action}> ?action ; "
            f"<{ADV.record}> ?record ; <{ADV.versionNumber}> ?version ; "
            f"<{PROV.generatedAtTime}> ?time . OPTIONAL {{ ?e <{ADV.retractionReason}> ?reason }} "
            f"}} }} ORDER BY ?n"
        )
    )
    return [
        FeedEvent(
            sequence=int(row["n"].value),
            kind=EventKind(row["action"].value),
            record=str(row["record"].value),
            version=int(row["version"].value),
            time=datetime.fromisoformat(row["time"].value),
            reason=_optional(row, "reason"),
        )
        for row in rows
    ]


def read_public_marks(archive: Store, versions: list[str]) -> set[str]:
    """Which of these version IRIs are in their record's public history now (see
    `public_history_update`); a withdrawal clears the marks of all of a record's versions."""
    if not versions:
        return set()
    values = " ".join(f"<{v}>" for v in versions)
    rows = _solutions(
        archive.query(
            f"SELECT ?v WHERE {{ VALUES ?v {{ {values} }} "
            f"GRAPH <{LEDGER}> {{ ?v <{DCTERMS.issued}> ?t }} }}"
        )
    )
    return {str(row["v"].value) for row in rows}


def audit_update(entry: AuditEntry) -> str:
    """Append one audit entry (a prov:Activity)."""
    subject = f"<{entry.id}>"
    detail = f" ; <{RDF.value}> {_text(entry.detail)}" if entry.detail else ""
    return (
        f"INSERT DATA {{ GRAPH <{AUDIT}> {{ {subject} a <{PROV.Activity}> ; "
        f"<{ADV.action}> {_text(entry.action)} ; <{PROV.endedAtTime}> {_dt(entry.time)} ; "
        f"<{PROV.wasAssociatedWith}> <{agent_iri(entry.agent)}> ; "
        f"<{PROV.used}> <{version_iri(entry.record, entry.version)}> ; "
        f"<{ADV.record}> <{entry.record}> ; <{ADV.versionNumber}> {entry.version}{detail} }} }}"
    )


def new_audit_entry(
    agent: str, action: str, record: str, version: int, detail: str | None = None
) -> AuditEntry:
    # Microseconds keep the audit trail in the order writes happened (writes are serialized).
    moment = datetime.now(UTC)
    return AuditEntry(f"urn:uuid:{uuid.uuid4()}", moment, agent, action, record, version, detail)


def _agent_name(iri: str) -> str:
    return iri.removeprefix(AGENT_BASE)


def _solutions(result: object) -> ox.QuerySolutions:
    assert isinstance(result, ox.QuerySolutions)
    return result


def _optional(row: ox.QuerySolution, name: str) -> str | None:
    term = row[name]
    return None if term is None else str(term.value)


def _optional_time(row: ox.QuerySolution, name: str) -> datetime | None:
    text = _optional(row, name)
    return None if text is None else datetime.fromisoformat(text)


def logged_write(record: str, *, public: bool) -> str:
    """A write's entry in the write log (`public`: it changed the public dataset)."""
    return f"<{ADV.record}> <{record}> ; <{ADV.public}> {'true' if public else 'false'}"


def logged_writes_update(writes: Sequence[str]) -> str:
    """Log `writes` (`logged_write`) under the next write numbers, in the transaction of the
    writes themselves."""
    return numbered_entries_update(WRITES, ADV.lastSequence, WRITE_BASE, writes)


@dataclass(frozen=True)
class LoggedWrite:
    number: int
    record: str
    public: bool


def read_write_count(archive: Store) -> int:
    """The number of the latest write (0 when none was logged)."""
    rows = _solutions(
        archive.query(
            f"SELECT ?last WHERE {{ GRAPH <{WRITES}> {{ <{WRITES}> <{ADV.lastSequence}> ?last }} }}"
        )
    )
    return max((int(row["last"].value) for row in rows), default=0)


def read_last_public_write(archive: Store) -> int:
    """The number of the latest write that changed the public dataset (0 when none)."""
    rows = _solutions(
        archive.query(
            f"SELECT (MAX(?n) AS ?last) WHERE {{ GRAPH <{WRITES}> {{ "
            f"?write <{ADV.sequence}> ?n ; <{ADV.public}> true }} }}"
        )
    )
    return max((int(row["last"].value) for row in rows if row["last"] is not None), default=0)


def read_writes(archive: Store, after: int) -> list[LoggedWrite]:
    """The writes numbered above `after`, in order."""
    rows = _solutions(
        archive.query(
            f"SELECT ?n ?record ?public WHERE {{ GRAPH <{WRITES}> {{ ?write <{ADV.sequence}> ?n ; "
            f"<{ADV.record}> ?record ; <{ADV.public}> ?public }} FILTER(?n > {int(after)}) }} "
            f"ORDER BY ?n"
        )
    )
    return [
        LoggedWrite(int(row["n"].value), str(row["record"].value), row["public"].value == "true")
        for row in rows
    ]


def read_states(
    archive: Store, ids: RecordIdentifier, records: Sequence[str] | None = None
) -> dict[str, RecordState]:
    """Every record's state, or only those of `records`."""
    only = (
        f"VALUES ?r {{ {' '.join(f'<{iri}>' for iri in records)} }} " if records is not None else ""
    )
    rows = _solutions(
        archive.query(
            f"SELECT ?r ?version ?hash ?modified ?status ?restricted ?agent ?reason ?issued "
            f"WHERE {{ {only}"
            f"GRAPH <{LEDGER}> {{ ?r <{ADV.version}> ?version ; <{ADV.contentHash}> ?hash ; "
            f"<{DCTERMS.modified}> ?modified ; <{ADV.reviewStatus}> ?status ; "
            f"<{ADV.restricted}> ?restricted ; <{PROV.wasAttributedTo}> ?agent . "
            f"OPTIONAL {{ ?r <{ADV.retractionReason}> ?reason }} "
            f"OPTIONAL {{ ?r <{DCTERMS.issued}> ?issued }} }} }}"
        )
    )
    statuses = {s.concept.toPython(): s for s in Status}
    states = {}
    for row in rows:
        record = ids.parse(str(row["r"].value))
        status = statuses.get(str(row["status"].value))
        if record is None or status is None:
            continue
        states[record.iri] = RecordState(
            id=record,
            version=int(row["version"].value),
            content_hash=str(row["hash"].value),
            modified=datetime.fromisoformat(row["modified"].value),
            status=status,
            restricted=row["restricted"].value == "true",
            agent=_agent_name(str(row["agent"].value)),
            reason=_optional(row, "reason"),
            issued=_optional_time(row, "issued"),
        )
    return states


def read_versions(archive: Store, record: str) -> list[VersionInfo]:
    rows = _solutions(
        archive.query(
            f"SELECT ?n ?generated ?agent ?hash WHERE {{ GRAPH <{VERSIONS}> {{ "
            f"?v <{DCTERMS.isVersionOf}> <{record}> ; <{ADV.versionNumber}> ?n ; "
            f"<{PROV.generatedAtTime}> ?generated ; <{PROV.wasAttributedTo}> ?agent ; "
            f"<{ADV.contentHash}> ?hash }} }} ORDER BY ?n"
        )
    )
    return [
        VersionInfo(
            record=record,
            number=int(row["n"].value),
            generated=datetime.fromisoformat(row["generated"].value),
            agent=_agent_name(str(row["agent"].value)),
            content_hash=str(row["hash"].value),
        )
        for row in rows
    ]


def read_audit(archive: Store, since: datetime | None = None) -> list[AuditEntry]:
    bound = f"FILTER(?t >= {_dt(since)})" if since is not None else ""
    rows = _solutions(
        archive.query(
            f"SELECT ?e ?t ?agent ?action ?record ?n ?detail WHERE {{ GRAPH <{AUDIT}> {{ "
            f"?e <{ADV.action}> ?action ; <{PROV.endedAtTime}> ?t ; "
            f"<{PROV.wasAssociatedWith}> ?agent ; <{ADV.record}> ?record ; "
            f"<{ADV.versionNumber}> ?n . OPTIONAL {{ ?e <{RDF.value}> ?detail }} }} {bound} }} "
            f"ORDER BY ?t ?e"
        )
    )
    return [
        AuditEntry(
            id=str(row["e"].value),
            time=datetime.fromisoformat(row["t"].value),
            agent=_agent_name(str(row["agent"].value)),
            action=str(row["action"].value),
            record=str(row["record"].value),
            version=int(row["n"].value),
            detail=_optional(row, "detail"),
        )
        for row in rows
    ]
