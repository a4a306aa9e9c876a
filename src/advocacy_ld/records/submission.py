"""Records sent by people: read a body, check it, validate it, write it, and say who may see it.

Between the web layer and the repository: everything here is independent of HTTP, raises
domain errors that carry data, and validates outside the repository's write lock (pySHACL takes
tens of milliseconds; the lock is held only for the checks and the write).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advocacy_ld.errors import (
    AdvocacyLDError,
    InputError,
    RDFSyntaxError,
    RecordError,
    RecordInvalidError,
)
from advocacy_ld.model import Model, load_context
from advocacy_ld.model.namespaces import CONTEXT_IRI
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.ledger import RecordState, Status
from advocacy_ld.records.loading import RecordChecker
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax
from advocacy_ld.records.reading import RecordCandidate, read_record
from advocacy_ld.records.repository import SYSTEM_AGENT, Change, Repository
from advocacy_ld.records.tokens import Principal, Role
from advocacy_ld.settings import Settings
from advocacy_ld.validation import ValidationReport

SOURCE = "request body"
"""How errors name the document: never a file name or anything the client chose."""

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")


class TooManyTriplesError(InputError):
    """The record holds more triples than the deployment accepts in one record."""

    def __init__(self, count: int, limit: int) -> None:
        self.count = count
        self.limit = limit
        super().__init__(f"the record holds {count} triples; at most {limit} are accepted")


class RecordMismatchError(RecordError):
    """A revision's document is another record than the one the request names."""

    def __init__(self, expected: str, found: str) -> None:
        self.expected = expected
        self.found = found
        super().__init__(f"the document is the record {found}, not {expected}")


class AccessDeniedError(AdvocacyLDError):
    """The principal may not do this with the record; `hidden` when they may not even learn
    that it exists (answered 404, like a record that does not)."""

    def __init__(self, record: str, hidden: bool) -> None:
        self.record = record
        self.hidden = hidden
        super().__init__("no record here that this token may use" if hidden else "not allowed")


@dataclass(frozen=True)
class Written:
    """A write's outcome: the record's state after it and the report of its version."""

    change: Change
    report: ValidationReport


def parse_options(settings: Settings) -> ParseOptions:
    """Relative IRIs resolve against `{base}/`; the project context is inlined, never fetched."""
    return ParseOptions(
        base_iri=f"{settings.base_uri}/",
        context=load_context(),
        context_iris=frozenset({CONTEXT_IRI, f"{settings.base_uri}/context.jsonld"}),
    )


def quiet_reason(error: RDFSyntaxError) -> str:
    """The parser's reason with quoted fragments of the document left out (they can be
    anything the client sent, a witness's name included); line and column stay."""
    return _QUOTED.sub("'…'", error.reason)


class Submissions:
    """Reads, validates and writes records for the web layer."""

    def __init__(self, repository: Repository, model: Model, settings: Settings) -> None:
        self.repository = repository
        self.model = model
        self.settings = settings
        self.options = parse_options(settings)
        self.ids = RecordIdentifier(settings.base_uri)

    # -- reading a body ----------------------------------------------------------------------

    def read(self, body: bytes, media_type: str | None) -> RecordCandidate:
        """Parse one record; `InputError` or `RecordError` (with data) when it is not one."""
        syntax = RDFSyntax.for_media_type(media_type or "")
        try:
            candidate = read_record(body, syntax, SOURCE, self.options, self.ids)
        except RecursionError:
            raise RDFSyntaxError(SOURCE, "the document is nested too deeply", None, None) from None
        count = len(candidate.graph)
        if count > self.settings.max_record_triples:
            raise TooManyTriplesError(count, self.settings.max_record_triples)
        return candidate

    # -- validating --------------------------------------------------------------------------

    def validate_open(self, candidate: RecordCandidate) -> ValidationReport:
        """Validation for anyone: linked types come from the public dataset only, so the report
        cannot tell a caller what pending or restricted records say."""
        return RecordChecker(self.model, self.repository.public).check(candidate)

    def validate(self, candidate: RecordCandidate) -> ValidationReport:
        """Validation for writers: linked types come from the archive (pending records too)."""
        return RecordChecker(self.model, self.repository.archive).check(candidate)

    # -- writing -----------------------------------------------------------------------------

    def submit(
        self, candidate: RecordCandidate, principal: Principal, *, publish: bool, restricted: bool
    ) -> Written:
        """A new record: pending unless `publish`; `RecordInvalidError` on any violation."""
        report = self._conforming(candidate)
        change = self.repository.create(
            candidate.id, candidate.graph, principal.name, publish=publish, restricted=restricted
        )
        return Written(change, report)

    def revise(
        self,
        candidate: RecordCandidate,
        principal: Principal,
        *,
        record: str,
        if_match: str | None,
        publish: bool | None,
        restricted: bool | None,
    ) -> Written:
        """A new version of `record`. A contributor's revision waits for a curator (pending)."""
        if candidate.id.iri != record:
            raise RecordMismatchError(record, candidate.id.iri)
        report = self._conforming(candidate)
        if not principal.role.includes(Role.CURATOR):
            publish = False
        change = self.repository.revise(
            candidate.id,
            candidate.graph,
            principal.name,
            if_match=if_match,
            publish=publish,
            restricted=restricted,
        )
        return Written(change, report)

    def _conforming(self, candidate: RecordCandidate) -> ValidationReport:
        report = self.validate(candidate)
        if not report.conforms:
            raise RecordInvalidError(candidate.id.iri, report)
        return report

    # -- who may see what --------------------------------------------------------------------

    def contributors(self, iri: str) -> set[str]:
        """Token names that wrote a version of the record (not the bulk loader)."""
        return {v.agent for v in self.repository.versions(iri)} - {SYSTEM_AGENT}

    def may_read(self, principal: Principal, state: RecordState) -> bool:
        """Curators read every record; a contributor, the public records they wrote a version
        of. Pending and restricted records are read by curators only (DESIGN.md §4)."""
        if principal.role.includes(Role.CURATOR):
            return True
        return state.is_public and principal.name in self.contributors(state.id.iri)

    def may_revise(self, principal: Principal, state: RecordState) -> bool:
        """Curators revise every record; a contributor, the unrestricted public or pending
        records they wrote a version of (for a pending one they hold the ETag from its 201)."""
        if principal.role.includes(Role.CURATOR):
            return True
        if state.restricted or principal.name not in self.contributors(state.id.iri):
            return False
        return state.is_public or state.status is Status.PENDING

    def readable_versions(self, principal: Principal, state: RecordState) -> set[int] | None:
        """Which versions the principal may read: None for all (curators); for a contributor,
        the ones they wrote and those of the public history, not a curator's held-back or
        withdrawn ones."""
        if principal.role.includes(Role.CURATOR):
            return None
        iri = state.id.iri
        public = {v.number for v in self.repository.public_versions(iri)}
        return public | {
            v.number for v in self.repository.versions(iri) if v.agent == principal.name
        }

    def require_read(self, principal: Principal, state: RecordState) -> None:
        if not self.may_read(principal, state):
            raise AccessDeniedError(state.id.iri, hidden=not state.is_public)

    def require_revise(self, principal: Principal, state: RecordState) -> None:
        if not self.may_revise(principal, state):
            raise AccessDeniedError(state.id.iri, hidden=not state.is_public)
