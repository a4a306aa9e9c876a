"""Fixtures shared by the whole suite: the model, parse options, paths to the examples."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from advocacy_ld.model import Model, load_context, load_model
from advocacy_ld.model.namespaces import CONTEXT_IRI
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.parsing import ParseOptions
from advocacy_ld.settings import DEFAULT_BASE_URI

from .cli_support import invoke
from .store_servers import (
    ServerPool,
    free_port,
    store_environment,
    store_settings,
    use_servers,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=("embedded", "server"),
        default="embedded",
        help="the stores of the deployments the web tests build: embedded Oxigraph (default) "
        "or two Oxigraph servers each (`oxigraph serve` on 127.0.0.1)",
    )


@pytest.fixture(scope="session")
def store_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    """Oxigraph servers, started as tests ask for them and stopped when the session ends."""
    pool = ServerPool(tmp_path_factory.mktemp("oxigraph-servers"))
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session", autouse=True)
def store_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """With --store=server, every deployment built by `store_settings` gets two servers."""
    backend: str = request.config.getoption("--store")
    if backend == "server":
        use_servers(request.getfixturevalue("store_servers"))
    try:
        yield backend
    finally:
        use_servers(None)


ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BASE = DEFAULT_BASE_URI


@pytest.fixture(scope="session")
def model() -> Model:
    return load_model()


@pytest.fixture(scope="session")
def parse_options() -> ParseOptions:
    return ParseOptions(
        base_iri=f"{BASE}/",
        context=load_context(),
        context_iris=frozenset({CONTEXT_IRI, f"{BASE}/context.jsonld"}),
    )


@pytest.fixture(scope="session")
def identifier() -> RecordIdentifier:
    return RecordIdentifier(BASE)


def example_files() -> list[Path]:
    """Every record file under examples/ (Turtle)."""
    return sorted(EXAMPLES.rglob("*.ttl"))


def statement_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*/statement.ttl"))


@dataclass(frozen=True)
class LiveServer:
    """A real `advocacy-ld serve` process on 127.0.0.1."""

    url: str
    data: Path


@contextmanager
def running_server(data: Path, *paths: Path) -> Iterator[LiveServer]:
    """`advocacy-ld serve PATHS` in its own process on a free port, until the block ends."""
    data.mkdir(parents=True, exist_ok=True)
    with store_settings() as stores:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "ADVOCACY_LD_DATA": str(data),
            "ADVOCACY_LD_BASE_URI": url,
            **store_environment(stores),
        }
        yield from _serve(data, url, env, paths)


def _serve(
    data: Path, url: str, env: dict[str, str], paths: tuple[Path, ...]
) -> Iterator[LiveServer]:
    script = Path(sys.executable).with_name("advocacy-ld")
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [str(script), "serve", *map(str, paths), "--port", url.rsplit(":", 1)[1]],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/-/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((data / "server.log").read_text())
            time.sleep(0.2)
        yield LiveServer(url, data)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The examples served by a real server process, shared by the whole session."""
    with running_server(tmp_path_factory.mktemp("live-data"), EXAMPLES) as server:
        yield server


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ADVOCACY_LD_DATA": str(tmp_path / "data"), "ADVOCACY_LD_STORE": "oxigraph"}


@pytest.fixture(scope="session")
def loaded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples loaded once by the CLI; tests that need them start from a copy."""
    data = tmp_path_factory.mktemp("loaded") / "data"
    code, out, err = invoke({"ADVOCACY_LD_DATA": str(data)}, "load", str(EXAMPLES))
    assert code == 0, out + err
    assert "0 refused" in out
    return data


@pytest.fixture
def loaded_env(env: dict[str, str], loaded_template: Path) -> dict[str, str]:
    shutil.copytree(loaded_template, env["ADVOCACY_LD_DATA"])
    return env
