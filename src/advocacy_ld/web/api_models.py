"""The JSON shapes of `/api`: what `/openapi.json` documents and responses are checked against."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from advocacy_ld.records.ledger import AuditEntry, RecordState, VersionInfo
from advocacy_ld.validation import ValidationReport, ValidationResult

StatusName = Literal["pending", "published", "retracted"]


class ResultModel(BaseModel):
    """One SHACL result, readable: severity, focus node, path, value, message."""

    severity: Literal["Violation", "Warning", "Info"]
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str | None
    constraint: str | None

    @classmethod
    def of(cls, result: ValidationResult) -> ResultModel:
        return cls.model_validate(result.to_json())


class ReportModel(BaseModel):
    """A SHACL validation report: `conforms` is false when any result is a Violation."""

    record: str
    conforms: bool
    violations: int
    warnings: int
    infos: int
    results: list[ResultModel]

    @classmethod
    def of(cls, report: ValidationReport) -> ReportModel:
        return cls.model_validate(report.to_json())


class RecordLinks(BaseModel):
    api: str = Field(description="This record in the API (curators and its contributors).")
    versions: str = Field(description="Its versions with their provenance, in the API.")
    public: str = Field(description="Where the public reads it once it is published.")


class RecordInfo(BaseModel):
    """A record's current state. `etag` is what `If-Match` names to revise this version."""

    id: str = Field(description="`{kind}/{slug}`, as used in API paths.")
    iri: str
    kind: str
    slug: str
    version: int
    status: StatusName
    restricted: bool
    public: bool = Field(description="In the public dataset: published and not restricted.")
    modified: datetime
    modified_by: str = Field(description="Token name of the last writer.")
    etag: str = Field(description="The current version's entity tag, quoted as sent in ETag.")
    retraction_reason: str | None = None
    issued: datetime | None = Field(None, description="When the record first became public.")
    links: RecordLinks

    @classmethod
    def of(cls, state: RecordState) -> RecordInfo:
        record = state.id
        path = f"{record.kind}/{record.slug}"
        return cls(
            id=path,
            iri=record.iri,
            kind=record.kind,
            slug=record.slug,
            version=state.version,
            status=state.status.value,
            restricted=state.restricted,
            public=state.is_public,
            modified=state.modified,
            modified_by=state.agent,
            etag=f'"{state.etag}"',
            retraction_reason=state.reason,
            issued=state.issued,
            links=RecordLinks(
                api=f"/api/records/{path}",
                versions=f"/api/records/{path}/versions",
                public=f"/id/{path}",
            ),
        )


class RecordList(BaseModel):
    records: list[RecordInfo]
    total: int = Field(description="How many records match, before limit and offset.")


class WriteResult(BaseModel):
    """What a write did; `report` holds the warnings and infos of the version written."""

    record: RecordInfo
    changed: bool = Field(description="False when the request changed nothing.")
    report: ReportModel | None = None


class VersionModel(BaseModel):
    """One version and its provenance (PROV-O)."""

    number: int
    iri: str
    generated_at: datetime = Field(description="prov:generatedAtTime")
    attributed_to: str = Field(description="prov:wasAttributedTo: the writer's token name.")
    revision_of: str | None = Field(description="prov:wasRevisionOf: the version it revises.")
    content_hash: str
    etag: str
    public_since: datetime | None = Field(
        description="When it became public, if it is in the record's public history."
    )

    @classmethod
    def of(cls, info: VersionInfo, public_since: datetime | None) -> VersionModel:
        return cls(
            number=info.number,
            iri=info.iri,
            generated_at=info.generated,
            attributed_to=info.agent,
            revision_of=f"{info.record}/versions/{info.number - 1}" if info.number > 1 else None,
            content_hash=info.content_hash,
            etag=f'"{info.content_hash[:32]}-{info.number}"',
            public_since=public_since,
        )


class VersionList(BaseModel):
    record: str
    versions: list[VersionModel]


class AuditModel(BaseModel):
    """One write: who did what to which version, when."""

    id: str
    time: datetime
    agent: str
    action: str
    record: str
    version: int
    detail: str | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditModel:
        return cls(
            id=entry.id,
            time=entry.time,
            agent=entry.agent,
            action=entry.action,
            record=entry.record,
            version=entry.version,
            detail=entry.detail,
        )


class AuditList(BaseModel):
    entries: list[AuditModel]


class RetractRequest(BaseModel):
    """Why the record is withdrawn; shown on its public tombstone."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class ProblemModel(BaseModel):
    """RFC 9457 problem details; extension members vary by `type`."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str


class ValidationProblemModel(ProblemModel):
    """422: the record breaks the shapes (`report`), or the body is not a record (no report)."""

    report: ReportModel | None = None
