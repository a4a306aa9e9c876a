"""Several server processes over one store server (DESIGN.md §8): a write through any of them
is what every one of them serves from then on, and versions stay numbered in order."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from advocacy_ld.records.identity import RecordId, RecordIdentifier
from advocacy_ld.records.ledger import sync_mark_update
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.records.tokens import Role, TokenStore
from advocacy_ld.settings import Settings

from ..api.conftest import TURTLE, org
from ..conftest import BASE, EXAMPLES
from ..store_servers import OxigraphServer, free_port, start_server

SLUG = "shared-store-org"


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[OxigraphServer, OxigraphServer]]:
    archive = start_server(tmp_path / "archive-server")
    public = start_server(tmp_path / "public-server")
    yield archive, public
    archive.stop()
    public.stop()


@contextmanager
def serving(
    env: dict[str, str], port: int, log: Path, *arguments: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`advocacy-ld serve ARGUMENTS` on `port` until the block ends (its output in `log`)."""
    command = [str(Path(sys.executable).with_name("advocacy-ld")), "serve", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, *arguments], env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not _answers(f"http://127.0.0.1:{port}/-/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield process
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _deployment(
    tmp_path: Path, stores: tuple[OxigraphServer, OxigraphServer], base: str
) -> tuple[dict[str, str], str]:
    """The environment of every process of one deployment, and a curator's token."""
    data = tmp_path / "data"
    data.mkdir()
    token = TokenStore(Settings(data=data).tokens_path).create("curator", Role.CURATOR)
    env = {
        **os.environ,
        "ADVOCACY_LD_DATA": str(data),
        "ADVOCACY_LD_BASE_URI": base,
        "ADVOCACY_LD_STORE": stores[0].setting,
        "ADVOCACY_LD_PUBLIC_STORE": stores[1].setting,
    }
    return env, token


def _get(url: str, accept: str = "text/turtle") -> httpx.Response:
    """On a new connection each time: with several workers, any of them may answer."""
    with httpx.Client(timeout=30) as client:
        return client.get(url, headers={"Accept": accept})


def test_a_write_through_one_process_is_served_by_the_other_at_once(
    tmp_path: Path, stores: tuple[OxigraphServer, OxigraphServer]
) -> None:
    first_port, second_port = free_port(), free_port()
    base = f"http://127.0.0.1:{first_port}"
    env, token = _deployment(tmp_path, stores, base)
    auth = {"Authorization": f"Bearer {token}"}
    first, second = base, f"http://127.0.0.1:{second_port}"
    resource = f"/id/org/{SLUG}.ttl"
    with (
        serving(env, first_port, tmp_path / "first.log", str(EXAMPLES)),
        serving(env, second_port, tmp_path / "second.log"),
    ):
        # Both have answered for the dataset as it was: the second caches its state.
        assert _get(second + resource).status_code == 404
        created = httpx.post(
            f"{first}/api/records?publish=true", content=org(SLUG, "First Name"),
            headers={**TURTLE, **auth}, timeout=30,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        seen = _get(second + resource)
        assert seen.status_code == 200
        assert "First Name" in seen.text

        # Revised through the second, from the version the first wrote: numbered 2, not 1.
        current = httpx.get(f"{second}/api/records/org/{SLUG}", headers=auth, timeout=30)
        revised = httpx.put(
            f"{second}/api/records/org/{SLUG}", content=org(SLUG, "Second Name"),
            headers={**TURTLE, **auth, "If-Match": current.headers["ETag"]}, timeout=30,
        )  # fmt: skip
        assert revised.status_code == 200, revised.text
        assert revised.json()["record"]["version"] == 2
        from_first, from_second = _get(first + resource), _get(second + resource)
        assert "Second Name" in from_first.text
        assert "First Name" not in from_first.text
        assert from_first.headers["ETag"] == from_second.headers["ETag"] != seen.headers["ETag"]
        assert (
            _get(f"{first}/-/health").json()["generation"]
            == (_get(f"{second}/-/health").json()["generation"])
        )

        # Retracted through the first: gone from the second's pages, feed and SPARQL.
        retracted = httpx.request(
            "DELETE", f"{first}/api/records/org/{SLUG}", headers=auth,
            params={"reason": "test"}, timeout=30,
        )  # fmt: skip
        assert retracted.status_code == 200, retracted.text
        assert _get(second + resource).status_code == 410
        ask = f"ASK {{ <{base}/id/org/{SLUG}> ?p ?o }}"
        answer = _get(f"{second}/sparql?query={ask}", "application/sparql-results+json")
        assert answer.json()["boolean"] is False


def test_serve_with_two_workers_shares_the_store(
    tmp_path: Path, stores: tuple[OxigraphServer, OxigraphServer]
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env, token = _deployment(tmp_path, stores, base)
    auth = {"Authorization": f"Bearer {token}"}
    with serving(env, port, tmp_path / "workers.log", str(EXAMPLES), "--workers", "2"):
        processes = {_get(f"{base}/-/health").json()["process"] for _ in range(40)}
        assert len(processes) == 2  # both workers answer
        created = httpx.post(
            f"{base}/api/records?publish=true", content=org(SLUG, "Worker Name"),
            headers={**TURTLE, **auth}, timeout=30,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        answers = [_get(f"{base}/id/org/{SLUG}.ttl") for _ in range(20)]
        assert {a.status_code for a in answers} == {200}
        assert all("Worker Name" in a.text for a in answers)
        assert len({a.headers["ETag"] for a in answers}) == 1


def test_workers_need_a_store_server(tmp_path: Path) -> None:
    env = {**os.environ, "ADVOCACY_LD_DATA": str(tmp_path / "data")}
    env.pop("ADVOCACY_LD_STORE", None)
    command = [str(Path(sys.executable).with_name("advocacy-ld")), "serve", "--workers", "2"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "needs a store server" in done.stderr


@pytest.fixture
def two_repositories(
    tmp_path: Path, stores: tuple[OxigraphServer, OxigraphServer]
) -> Iterator[tuple[Repository, Repository]]:
    """Two repositories over the same store servers and data directory, as two processes."""
    settings = Settings(
        data=tmp_path / "data", base_uri=BASE,
        store=stores[0].setting, public_store=stores[1].setting,
    )  # fmt: skip
    first, second = open_repository(settings), open_repository(settings)
    yield first, second
    first.close()
    second.close()


def _org(name: str) -> tuple[RecordId, Graph]:
    record = RecordIdentifier(BASE).parse(f"{BASE}/id/org/{SLUG}")
    assert record is not None
    return record, Graph().parse(data=org(SLUG, name), format="turtle", publicID=f"{BASE}/")


def test_writes_of_two_repositories_are_numbered_from_each_others(
    two_repositories: tuple[Repository, Repository],
) -> None:
    """No request in between: a write waits for the lock file, then applies the other's."""
    first, second = two_repositories
    record, one = _org("One")
    assert first.put(record, one)
    assert second.put(record, _org("Two")[1])
    second_state = second.state(record.iri)
    assert second_state is not None
    assert second_state.version == 2
    assert first.catch_up()
    assert first.state(record.iri) == second_state
    assert first.generation == second.generation
    assert not first.catch_up()  # nothing new


def test_a_write_is_applied_only_once_its_writer_has_synced_the_public_copy(
    two_repositories: tuple[Repository, Repository],
) -> None:
    """Between the archive transaction and the public copy, another process would render the
    new version from the old copy, and cache it under the new version's validator."""
    writer, reader = two_repositories
    record, graph = _org("Synced")
    reader.states()
    assert writer.put(record, graph)
    # As if the writer were between its two steps: its mark is still in the ledger.
    writer.archive.update(sync_mark_update(record.iri, marked=True))
    assert not reader.catch_up()
    assert reader.public_state(record.iri) is None
    writer.archive.update(sync_mark_update(record.iri, marked=False))
    assert reader.catch_up()
    assert reader.public_state(record.iri) == writer.public_state(record.iri)
