"""Oxigraph servers (`oxigraph serve`, from the `oxigraph` package) on 127.0.0.1 for the tests.

The store contract tests always use one; with `pytest --store=server` every deployment the web
tests build (`store_settings`) gets two of them, archive and public, instead of embedded stores.
Servers are started on demand, handed out in pairs, emptied when given back and reused, and
stopped when the session ends.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
SERVER_TIMEOUT_S = 5
"""`--timeout-s`: how long the server itself lets a query run, so that the runaway queries of
the deadline tests do not go on using a core after the test has its answer."""
RESERVED_PORTS = frozenset({46339})
"""Never bound by the tests (another process on this machine uses it)."""


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


@dataclass
class OxigraphServer:
    """One `oxigraph serve` process: one dataset, on disk at `location`."""

    url: str
    location: Path
    process: subprocess.Popen[bytes]

    @property
    def setting(self) -> str:
        """The `ADVOCACY_LD_STORE` value naming this server (Oxigraph's default endpoints)."""
        return f"sparql+{self.url}"

    def clear(self) -> None:
        """Drop every graph: the next deployment starts from an empty dataset."""
        response = httpx.post(
            f"{self.url}/update",
            content=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
            timeout=30,
            trust_env=False,
        )
        response.raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(location: Path, *, union_default_graph: bool = True) -> OxigraphServer:
    """Start `oxigraph serve` on a free port of 127.0.0.1 and wait until it answers."""
    if not OXIGRAPH.exists():
        raise RuntimeError(
            f"{OXIGRAPH} is missing: install the dev extras (pip install -e '.[dev]'), "
            "which include the oxigraph server"
        )
    location.mkdir(parents=True, exist_ok=True)
    for _ in range(3):  # a free port can be taken between the probe and the bind
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [
            str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
            "--timeout-s", str(SERVER_TIMEOUT_S),
            *(["--union-default-graph"] if union_default_graph else []),
        ]  # fmt: skip
        log = (location.parent / f"{location.name}.log").open("ab")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        server = OxigraphServer(url, location, process)
        if _wait_until_ready(server):
            return server
        server.stop()
    raise RuntimeError(f"oxigraph serve did not start; see {location.parent}/{location.name}.log")


def _wait_until_ready(server: OxigraphServer, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            answer = httpx.get(
                f"{server.url}/query", params={"query": "ASK {}"}, timeout=1, trust_env=False
            )
            if answer.status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return False


class ServerPool:
    """Pairs of servers (archive, public) for deployments under test; reused once emptied."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._idle: list[OxigraphServer] = []
        self._all: list[OxigraphServer] = []

    def take(self) -> OxigraphServer:
        if self._idle:
            return self._idle.pop()
        server = start_server(self.root / f"server-{len(self._all)}")
        self._all.append(server)
        return server

    def give_back(self, server: OxigraphServer) -> None:
        if server.process.poll() is not None:
            return  # a test stopped it on purpose; not reused
        server.clear()
        self._idle.append(server)

    @contextmanager
    def pair(self) -> Iterator[tuple[OxigraphServer, OxigraphServer]]:
        archive, public = self.take(), self.take()
        try:
            yield archive, public
        finally:
            self.give_back(archive)
            self.give_back(public)

    def close(self) -> None:
        for server in self._all:
            server.stop()


_active: ServerPool | None = None
"""Set for the session by `--store=server` (tests/conftest.py)."""


def use_servers(pool: ServerPool | None) -> None:
    global _active
    _active = pool


def servers_in_use() -> bool:
    return _active is not None


@contextmanager
def store_settings(**overrides: object) -> Iterator[dict[str, str]]:
    """Settings naming the stores of one deployment under test, held for the block: none (the
    embedded store under its data directory) by default; with `--store=server`, two emptied
    Oxigraph servers. A test that names its own store keeps it."""
    if _active is None or "store" in overrides:
        yield {}
        return
    with _active.pair() as (archive, public):
        yield {"store": archive.setting, "public_store": public.setting}


def store_environment(settings: dict[str, str]) -> dict[str, str]:
    """The same as `ADVOCACY_LD_*` variables, for a server process."""
    return {f"ADVOCACY_LD_{name.upper()}": value for name, value in settings.items()}
