"""The four servers, each started on 127.0.0.1 on its own port and waited for until it answers.

- advocacy-ld: `advocacy-ld serve` over the data dir, as a publisher would run it (uvicorn, one
  process; uvloop and httptools are picked because they are installed).
- the minimal apps (`bench.refapp`, FastAPI and bare ASGI): pre-rendered bytes under the same
  server and options.
- Oxigraph server (`oxigraph serve-read-only`, the `oxigraph` PyPI package, Rust) over its own
  copy of the public dataset, loaded from the N-Quads dump.
- rdflib-endpoint over an rdflib Dataset of the same dump (or a stated subset of it).

The tools that are not the project's dependencies (oxigraph, rdflib-endpoint, py-spy) live in a
bench-only virtual environment, so installing them cannot change what the project runs on.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench.processes import HOST, BenchError, Child, Processes, wait_http


@dataclass(frozen=True)
class Server:
    name: str
    base_url: str
    child: Child

    @property
    def pid(self) -> int:
        """The server's pid, which is also its process group's id (it leads its session)."""
        return self.child.process.pid


@dataclass(frozen=True)
class Tools:
    """Executables: the project's venv and the bench-only venv."""

    project_bin: Path
    bench_bin: Path

    @property
    def advocacy_ld(self) -> Path:
        return self.project_bin / "advocacy-ld"

    @property
    def oxigraph(self) -> Path:
        return self.bench_bin / "oxigraph"

    @property
    def bench_python(self) -> Path:
        return self.bench_bin / "python"

    @property
    def py_spy(self) -> Path:
        return self.bench_bin / "py-spy"

    def check(self) -> None:
        missing = [
            str(p) for p in (self.advocacy_ld, self.oxigraph, self.bench_python) if not p.exists()
        ]
        if missing:
            raise BenchError(
                f"missing {', '.join(missing)}: run `make bench`, which sets up the bench venv"
            )


def _url(port: int) -> str:
    return f"http://{HOST}:{port}"


def start_advocacy(
    processes: Processes,
    tools: Tools,
    data_dir: Path,
    base_uri: str,
    port: int,
    settings: Mapping[str, str] | None = None,
    name: str = "advocacy-ld",
) -> Server:
    """`advocacy-ld serve` over `data_dir`; `settings` adds ADVOCACY_LD_* variables (stores)."""
    child = processes.start(
        name,
        [str(tools.advocacy_ld), "serve", "--host", HOST, "--port", str(port)],
        env={
            "ADVOCACY_LD_DATA": str(data_dir),
            "ADVOCACY_LD_BASE_URI": base_uri,
            **(settings or {}),
        },
    )
    wait_http(child, f"{_url(port)}/-/health", timeout=300)
    return Server(name, _url(port), child)


def wait_sparql_replica(server: Server, timeout: float = 600.0) -> dict[str, object]:
    """Wait until advocacy-ld's SPARQL replica holds the dataset (`serve` starts loading it at
    start-up), so queries are measured as a server that has been up a while answers them."""
    end = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"{server.base_url}/-/health", timeout=30) as response:
            sparql = json.load(response).get("sparql") or {}
        if sparql.get("replica") in ("current", "off") or time.monotonic() > end:
            return dict(sparql)
        time.sleep(0.5)


def load_oxigraph(processes: Processes, tools: Tools, dump: Path, location: Path) -> float:
    """`oxigraph load` the dump into a fresh store; returns the seconds it took."""
    started = time.perf_counter()
    child = processes.start(
        "oxigraph-load",
        [str(tools.oxigraph), "load", "--location", str(location), "--file", str(dump)],
    )
    status = child.process.wait()
    processes.stop(child)
    if status != 0:
        raise BenchError(f"oxigraph load failed ({status}):\n{child.tail()}")
    return time.perf_counter() - started


def start_oxigraph(processes: Processes, tools: Tools, location: Path, port: int) -> Server:
    child = processes.start(
        "oxigraph",
        [
            str(tools.oxigraph), "serve-read-only", "--location", str(location),
            "--bind", f"{HOST}:{port}", "--union-default-graph",
        ],
    )  # fmt: skip
    wait_http(child, f"{_url(port)}/query?query={quote('ASK {}')}", timeout=120)
    return Server("oxigraph server", _url(port), child)


def start_rdflib(processes: Processes, tools: Tools, dump: Path, port: int, repo: Path) -> Child:
    """Start rdflib-endpoint; it parses the dump first, so wait with `wait_rdflib`."""
    return processes.start(
        "rdflib-endpoint",
        [str(tools.bench_python), "-m", "bench.rdflib_server", str(dump), str(port)],
        cwd=repo,
    )


def wait_rdflib(child: Child, port: int, timeout: float) -> Server:
    wait_http(child, f"{_url(port)}/sparql?query={quote('ASK {}')}", timeout=timeout)
    return Server("rdflib-endpoint", _url(port), child)


def start_refapp(
    processes: Processes, name: str, flavour: str, bodies: Path, port: int, probe: str, repo: Path
) -> Server:
    """Start `bench.refapp` in its `fastapi` or `asgi` flavour."""
    child = processes.start(
        name.replace(" ", "-"),
        [sys.executable, "-m", "bench.refapp", flavour, str(bodies), str(port)],
        cwd=repo,
    )
    wait_http(child, f"{_url(port)}{probe}", timeout=60)
    return Server(name, _url(port), child)
