"""The stores under the contract tests: embedded Oxigraph and an Oxigraph server.

Both by default; with `--store=server` only the server (the embedded store ran already).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advocacy_ld.store import OxigraphStore, SparqlStore, Store, open_store

from ..store_servers import OxigraphServer, ServerPool


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames:
        server_only = metafunc.config.getoption("--store") == "server"
        kinds = ["server"] if server_only else ["embedded", "server"]
        metafunc.parametrize("store_kind", kinds)


@pytest.fixture
def server(store_servers: ServerPool) -> Iterator[OxigraphServer]:
    """An empty Oxigraph server of the session's pool, emptied again afterwards."""
    taken = store_servers.take()
    try:
        yield taken
    finally:
        store_servers.give_back(taken)


@pytest.fixture
def remote(server: OxigraphServer, tmp_path: Path) -> Iterator[SparqlStore]:
    opened = open_store(server.setting, tmp_path / "archive")
    assert isinstance(opened, SparqlStore)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def store(store_kind: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store of each kind: every contract test runs against both."""
    if store_kind == "server":
        yield request.getfixturevalue("remote")
        return
    embedded = OxigraphStore()
    try:
        yield embedded
    finally:
        embedded.close()
