"""Deployment settings: one class, read from `ADVOCACY_LD_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from advocacy_ld.store.endpoints import check_store_setting, is_remote, parse_remote

DEFAULT_BASE_URI = "http://127.0.0.1:8000"


class Settings(BaseSettings):
    """Where the data lives, which IRIs the deployment answers for, and which store it uses."""

    model_config = SettingsConfigDict(env_prefix="ADVOCACY_LD_", extra="ignore")

    data: Path = Path("data")
    base_uri: str = DEFAULT_BASE_URI
    store: str = "oxigraph"
    """The archive's store: "oxigraph" (embedded, on disk under `data`), "memory" (embedded,
    nothing on disk), or a remote SPARQL 1.1 server, `sparql+http(s)://host:port[/path]…`
    (`store/endpoints.py`, README "Remote store")."""
    public_store: str | None = None
    """The public dataset's store; by default the same kind as `store` when that is embedded.
    Required with a remote `store`, and a different dataset from it: public SPARQL queries are
    forwarded to it as they are, so it must hold nothing else."""

    sparql_timeout: float = 10.0
    """Seconds a SPARQL query may run before the caller gets an error and it is stopped."""
    sparql_row_cap: int = 10_000
    """At most this many solutions (or triples) in one SPARQL result."""
    sparql_cache_bytes: int = Field(default=67_108_864, ge=0)
    """Bytes of SPARQL answers kept for the current dataset generation (0 turns it off): a
    repeated query is answered without evaluating it again; any public write starts afresh.
    A request with `Cache-Control: no-cache` is always evaluated."""
    sparql_workers: int = 4
    """Processes that evaluate SPARQL queries (each can be stopped at the deadline). More than
    the cores: while one worker's answer travels the pipe, another evaluates (measured on two
    cores: one-statement CONSTRUCTs ~450 req/s with 2 workers, ~580 with 4). With a remote
    public store: how many queries are forwarded to its server at a time."""
    sparql_replica_max_quads: int = Field(default=4_000_000, ge=0)
    """Largest public dataset, in quads, that SPARQL queries may be answered from an in-memory
    replica of (0 turns it off). About 500 bytes a quad for the replica, and about 300 more for
    each of the `sparql_workers` forked from it, which read it whole before they answer (reads
    copy pages: docs/sparql.md). Measured on two cores: joins and lookups twice as fast as on
    disk, scans 1.5x slower."""
    sparql_warm_start: bool = False
    """Start the query workers (and load the replica) with the app, not on the first query;
    `advocacy-ld serve` turns it on."""
    mentions_page_size: int = 50
    """How many mentioning records an entity's representation lists per page."""
    render_cache_entries: int = 4096
    """Rendered representations kept in memory."""
    max_body_bytes: int = 1_048_576
    """Largest request body accepted, in bytes; a larger one gets 413 (RFC 9110 §15.5.14)."""
    max_record_triples: int = 50_000
    """Most triples one submitted record may hold; more gets 413 before validation."""
    validate_rate_per_minute: int = 30
    """`POST /api/validate` requests one client address may make per minute (then 429)."""
    feed_page_size: int = Field(default=100, ge=1, le=10_000)
    """Events on one page of the LDES change feed (`/feed`); a full page never changes again."""
    feed_cache_bytes: int = Field(default=67_108_864, ge=0)
    """Bytes of rendered feed pages kept in memory: the root and the latest page. Full pages
    are kept on disk (`data/feed-pages/`); with the in-memory store, in memory up to as many
    bytes again."""
    oai_page_size: int = Field(default=100, ge=1)
    """Records (or headers) in one OAI-PMH list response; more follow a resumption token."""
    oai_admin_email: str = Field(default="admin@example.org", pattern=r"^\S+@(\S+\.)+\S+$")
    """The contact OAI-PMH Identify must name (`adminEmail`, OAI-PMH 2.0 §4.2)."""

    @field_validator("base_uri")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_uri must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("store", "public_store")
    @classmethod
    def _known_store(cls, value: str | None) -> str | None:
        if value is not None:
            check_store_setting(value)
        return value

    @model_validator(mode="after")
    def _two_datasets(self) -> Settings:
        public = self.public_store_setting
        if is_remote(self.store) and self.public_store is None:
            raise ValueError(
                "store names a remote SPARQL server: set public_store "
                "(ADVOCACY_LD_PUBLIC_STORE) to the public dataset's, a different dataset"
            )
        if is_remote(self.store) and is_remote(public):
            shared = parse_remote(self.store).same_dataset_as(parse_remote(public))
            if shared is not None:
                raise ValueError(
                    f"store and public_store both use {shared}: the archive and the public "
                    "dataset must be two datasets (public SPARQL would see the archive)"
                )
        return self

    @property
    def public_store_setting(self) -> str:
        """What the public dataset's store is: `public_store`, else the archive's kind."""
        return self.public_store if self.public_store is not None else self.store

    @property
    def id_prefix(self) -> str:
        """Every record IRI of this deployment starts with this."""
        return f"{self.base_uri}/id/"

    @property
    def tokens_path(self) -> Path:
        """Hashes of the write tokens."""
        return self.data / "tokens.json"

    @property
    def archive_path(self) -> Path:
        """The embedded archive store: every record, every version, the ledger (for a remote
        one, the directory derived copies go beside: `data/feed-pages/`)."""
        return self.data / "archive"

    @property
    def public_path(self) -> Path:
        """The embedded public dataset: current published public records only."""
        return self.data / "public"
