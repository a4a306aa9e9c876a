"""API fixtures: a repository of the examples of its own (the API writes to it), tokens for each
role, an in-process client, and a real server on 127.0.0.1 where a real client matters."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.reading import RecordCandidate, collect_files, read_record_file
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.records.submission import parse_options
from advocacy_ld.records.tokens import Role, TokenStore
from advocacy_ld.settings import Settings
from advocacy_ld.store import ExportFormat
from advocacy_ld.web.app import create_app

from ..conftest import BASE, EXAMPLES, free_port
from ..store_servers import store_settings

TURTLE = {"Content-Type": "text/turtle"}

ORG = """@prefix adv: <https://w3id.org/advocacy-ld/ns#> .
@prefix advc: <https://w3id.org/advocacy-ld/vocab/> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .

<id/org/{slug}> a org:FormalOrganization ;
    schema:name "{name}"@en ;
    org:subOrganizationOf <id/org/icrc> ;
    adv:actorType advc:actor-type\\/non-governmental-organization .
"""
"""A small valid record (one warning: no Arabic name; one info: no Wikidata link)."""


def org(slug: str, name: str = "Test Organization") -> bytes:
    return ORG.format(slug=slug, name=name).encode("utf-8")


def invalid_org(slug: str) -> bytes:
    """Breaks the shapes: no language tag on the name, no actor type."""
    return (
        f"@prefix schema: <https://schema.org/> .\n@prefix org: <http://www.w3.org/ns/org#> .\n"
        f'<id/org/{slug}> a org:FormalOrganization ; schema:name "Untagged Name" .\n'
    ).encode()


@cache
def example_candidates() -> tuple[RecordCandidate, ...]:
    settings = Settings(data=Path("unused"), base_uri=BASE)
    ids = RecordIdentifier(BASE)
    options = parse_options(settings)
    return tuple(read_record_file(p, options, ids) for p in collect_files([EXAMPLES]))


def seeded_repository(settings: Settings) -> Repository:
    """The examples, stored and published without validating (tests/web validates them)."""
    repository = open_repository(settings)
    for candidate in example_candidates():
        repository.put(candidate.id, candidate.graph)
    return repository


def export(repository: Repository) -> tuple[bytes, bytes]:
    """Both stores as N-Quads: equal bytes mean nothing was written."""
    archive, public = io.BytesIO(), io.BytesIO()
    repository.archive.export(archive, ExportFormat.NQUADS)
    repository.public.export(public, ExportFormat.NQUADS)
    return archive.getvalue(), public.getvalue()


@dataclass
class World:
    """One deployment under test: settings, repository, app client and a token per role."""

    settings: Settings
    repository: Repository
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def submit(
        self, body: bytes, who: str = "contributor", query: str = "", **headers: str
    ) -> httpx.Response:
        return self.client.post(
            f"/api/records{query}", content=body, headers={**TURTLE, **self.auth(who), **headers}
        )


ROLES = {
    "contributor": Role.CONTRIBUTOR,
    "other": Role.CONTRIBUTOR,
    "curator": Role.CURATOR,
    "admin": Role.ADMIN,
}


def make_world(data: Path, **overrides: object) -> Iterator[World]:
    with store_settings(**overrides) as stores:
        settings = Settings(data=data, base_uri=BASE, **stores, **overrides)  # type: ignore[arg-type]
        repository = seeded_repository(settings)
        store = TokenStore(settings.tokens_path)
        tokens = {name: store.create(name, role) for name, role in ROLES.items()}
        try:
            with TestClient(create_app(settings, repository), base_url=BASE) as client:
                yield World(settings, repository, client, tokens)
        finally:
            repository.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Shared by the tests of one module: each uses records of its own (unique slugs)."""
    yield from make_world(tmp_path_factory.mktemp("api"))


@dataclass(frozen=True)
class Server:
    """A real uvicorn server on 127.0.0.1 over a world's repository."""

    url: str
    world: World


def serve(world: World) -> Iterator[Server]:
    port = free_port()
    config = uvicorn.Config(
        create_app(world.settings, world.repository),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", world)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[Server]:
    yield from serve(world)
