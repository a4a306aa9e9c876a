"""The scale figures of a run (issue "Scale"): bulk load, raw pyoxigraph, large answers, and
the store-server backend.

- Bulk load: the run's archive is exported (`advocacy-ld export --archive`) and restored into
  a fresh data dir by `advocacy-ld restore`, the bulk loader; its wall time and peak memory
  (the restoring process's maximum RSS, from wait4) are the bulk-load figures, and the server
  then serves the restored dir, so the figures are those of a working deployment.
- Raw pyoxigraph: each SPARQL query of the workload run in-process on the same public store,
  its answer serialized in the format asked; with the single-connection latency of advocacy-ld
  (every query evaluated) and of the minimal app (the HTTP floor), the endpoint's overhead is
  what advocacy-ld adds beyond both (goal: at most 2 ms a query).
- Large answer: a query whose answer is every public quad, fetched whole; the rows received,
  the row cap announced, and how much the server's peak memory rose meanwhile.
- Store server: the same archive restored into two `oxigraph serve` (archive and public
  dataset), and advocacy-ld started on them; the run then measures the same requests again.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from bench.processes import HOST, BenchError, Processes, process_tree, wait_http
from bench.servers import Server, Tools
from bench.workload import SPARQL_JSON, TURTLE

OVERHEAD_GOAL_MS = 2.0
"""Endpoint overhead a query may add beyond raw pyoxigraph and the minimal app's HTTP floor."""
LARGE_QUERY = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
"""Every quad of the public dataset: far more rows than the default row cap."""


@dataclass(frozen=True)
class Measured:
    """A command run to its end: how long it took and its peak resident memory."""

    seconds: float
    peak_rss_mib: float


def run_measured(
    processes: Processes, name: str, argv: Sequence[str], env: Mapping[str, str]
) -> Measured:
    """Run `argv` to completion; its wall time and maximum RSS (wait4's rusage, which covers
    the process and the children it waited for)."""
    started = time.perf_counter()
    child = processes.start(name, argv, env=env)
    _, status, usage = os.wait4(child.process.pid, 0)
    seconds = time.perf_counter() - started
    child.process.returncode = os.waitstatus_to_exitcode(status)
    processes.stop(child)
    if child.process.returncode != 0:
        raise BenchError(f"{name} exited {child.process.returncode}:\n{child.tail(30)}")
    return Measured(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


@dataclass(frozen=True)
class BulkLoad:
    """The archive export, and its restore by the bulk loader."""

    archive_quads: int
    archive_bytes: int
    export: Measured
    restore: Measured
    public_quads: int

    @property
    def quads_per_second(self) -> float:
        return self.archive_quads / self.restore.seconds if self.restore.seconds else 0.0

    def lines(self, label: str) -> list[str]:
        met_time = self.restore.seconds < 120
        met_memory = self.restore.peak_rss_mib < 4096
        return [
            f"  archive export: {self.archive_quads} quads, {self.archive_bytes / 2**20:.0f} MiB "
            f"of N-Quads in {self.export.seconds:.1f} s",
            f"  bulk load ({label}): {self.restore.seconds:.1f} s "
            f"({self.quads_per_second:,.0f} archive quads/s, then {self.public_quads} public "
            f"quads), peak RSS {self.restore.peak_rss_mib:,.0f} MiB   goal < 120 s: "
            f"{'met' if met_time else 'MISSED'}; < 4096 MiB: {'met' if met_memory else 'MISSED'}",
        ]

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "quads_per_second": round(self.quads_per_second, 1)}


def count_lines(path: Path) -> int:
    """Quads in an N-Quads file (one per line)."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))


def export_archive(
    processes: Processes, tools: Tools, env: Mapping[str, str], target: Path
) -> tuple[Measured, int]:
    """`advocacy-ld export --archive` of the deployment in `env`; (timing, quads)."""
    argv = [str(tools.advocacy_ld), "export", "--archive", "--output", str(target)]
    measured = run_measured(processes, "export-archive", argv, env)
    return measured, count_lines(target)


def restore_archive(
    processes: Processes, tools: Tools, archive: Path, env: Mapping[str, str], name: str
) -> Measured:
    """`advocacy-ld restore` the archive into the (empty) deployment named by `env`."""
    return run_measured(processes, name, [str(tools.advocacy_ld), "restore", str(archive)], env)


def public_quads(processes: Processes, tools: Tools, env: Mapping[str, str]) -> int:
    """The number of quads in the public dataset of the deployment in `env`."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    argv = [str(tools.advocacy_ld), "query", "--format", "csv", query]
    child = processes.start("public-count", argv, env=env)
    child.process.wait()
    processes.stop(child)
    lines = child.log.read_text(encoding="utf-8", errors="replace").split()
    if child.process.returncode != 0 or not lines or not lines[-1].isdigit():
        raise BenchError(f"cannot count the public quads:\n{child.tail()}")
    return int(lines[-1])


def bulk_load(
    processes: Processes,
    tools: Tools,
    source_env: Mapping[str, str],
    target_env: Mapping[str, str],
    work: Path,
    label: str,
) -> BulkLoad:
    """Export the archive of `source_env`'s deployment (once per run) and restore it into
    `target_env`'s, which must be empty."""
    archive = work / "archive.nq"
    export, quads = export_archive(processes, tools, source_env, archive)
    restore = restore_archive(processes, tools, archive, target_env, f"restore-{label}")
    count = public_quads(processes, tools, target_env)
    return BulkLoad(quads, archive.stat().st_size, export, restore, count)


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# -- raw pyoxigraph ----------------------------------------------------------------------------


def _serialize(result: object, accept: str) -> bytes:
    """The answer as the endpoint would send it: SPARQL JSON, or Turtle for a graph."""
    if isinstance(result, ox.QuerySolutions):
        return result.serialize(format=ox.QueryResultsFormat.JSON) or b""
    if isinstance(result, ox.QueryTriples):
        fmt = ox.RdfFormat.TURTLE if accept == TURTLE else ox.RdfFormat.N_TRIPLES
        return result.serialize(format=fmt) or b""
    return b""


def raw_query_ms(store: ox.Store, queries: Sequence[tuple[str, str]], seconds: float) -> float:
    """Mean milliseconds per query, cycling through `queries` for about `seconds` after as
    long a warm-up (a store just written or opened reads its pages from disk at first, which
    would make the raw time no floor): evaluation over the union of the named graphs, then
    serialization."""
    warm_until = time.perf_counter() + seconds
    while time.perf_counter() < warm_until:
        for query, accept in queries:
            _serialize(store.query(query, use_default_graph_as_union=True), accept)
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for query, accept in queries:
            started = time.perf_counter()
            _serialize(store.query(query, use_default_graph_as_union=True), accept)
            timings.append(time.perf_counter() - started)
            if time.perf_counter() >= deadline:
                break
    return 1000 * statistics.mean(timings)


def current_checkpoint(data_dir: Path) -> Path:
    """The newest checkpoint of the public store a running server's SPARQL workers read
    (`sparql-snapshots/{pid}-{token}/{n}`): hard links to immutable files, safe to open from
    another process while the server runs."""
    found = sorted(
        (path for path in (data_dir / "sparql-snapshots").glob("*/*") if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
    )
    if not found:
        raise RuntimeError(f"no SPARQL checkpoint under {data_dir}: has the server answered?")
    return found[-1]


def measure_raw(
    store_path: Path, workload: Mapping[str, Sequence[tuple[str, str]]], seconds: float
) -> dict[str, float]:
    """`raw_query_ms` of each SPARQL measurement, on a store opened read-only."""
    store = ox.Store.read_only(str(store_path))
    try:
        return {name: raw_query_ms(store, queries, seconds) for name, queries in workload.items()}
    finally:
        del store


@dataclass(frozen=True)
class Overhead:
    """One SPARQL measurement's single-connection latency against raw pyoxigraph."""

    measurement: str
    advocacy_ms: float
    floor_ms: float
    raw_ms: float

    @property
    def overhead_ms(self) -> float:
        return self.advocacy_ms - self.floor_ms - self.raw_ms

    @property
    def met(self) -> bool:
        return self.overhead_ms <= OVERHEAD_GOAL_MS

    def line(self) -> str:
        return (
            f"  {self.measurement:<31} advocacy-ld {self.advocacy_ms:7.2f} ms = HTTP floor "
            f"{self.floor_ms:5.2f} + raw pyoxigraph {self.raw_ms:7.2f} + overhead "
            f"{self.overhead_ms:5.2f} ms (x{self.advocacy_ms / self.raw_ms:.2f} raw)   "
            f"goal <= {OVERHEAD_GOAL_MS:g} ms: {'met' if self.met else 'MISSED'}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "overhead_ms": round(self.overhead_ms, 3),
            "goal_ms": OVERHEAD_GOAL_MS,
            "met": self.met,
        }


# -- large answers -----------------------------------------------------------------------------


def _peak_rss_kib(pid: int) -> int:
    """The sum of VmHWM (peak RSS since the last reset) over a process tree."""
    total = 0
    for proc in process_tree(pid):
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text(encoding="ascii")
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total


def _reset_peaks(pid: int) -> int:
    """Reset each process's peak RSS to its current RSS (proc(5), clear_refs "5"); the sum."""
    for proc in process_tree(pid):
        try:
            Path(f"/proc/{proc.pid}/clear_refs").write_text("5", encoding="ascii")
        except OSError:
            continue
    return _peak_rss_kib(pid)


@dataclass(frozen=True)
class LargeAnswer:
    """A query over every public quad, fetched whole."""

    public_quads: int
    rows: int
    announced_cap: str | None
    body_mib: float
    seconds: float
    rss_rise_mib: float

    def line(self) -> str:
        cap = f", X-SPARQL-MaxRows {self.announced_cap}" if self.announced_cap else ""
        return (
            f"  every quad ({self.public_quads}) asked: {self.rows} rows{cap}, "
            f"{self.body_mib:.1f} MiB in {self.seconds:.1f} s; server peak RSS rose "
            f"{self.rss_rise_mib:.0f} MiB"
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def large_answer(server: Server, public_count: int) -> LargeAnswer:
    """Fetch `LARGE_QUERY` as SPARQL JSON, streaming, and watch the server's peak memory."""
    before = _reset_peaks(server.pid)
    url = f"{server.base_url}/sparql?query={quote(LARGE_QUERY, safe='')}"
    request = urllib.request.Request(
        url, headers={"Accept": SPARQL_JSON, "Cache-Control": "no-cache"}
    )
    started = time.perf_counter()
    body = bytearray()
    with urllib.request.urlopen(request, timeout=600) as response:
        cap = response.headers.get("X-SPARQL-MaxRows")
        for chunk in iter(lambda: response.read(1 << 20), b""):
            body += chunk
    seconds = time.perf_counter() - started
    rows = len(json.loads(bytes(body))["results"]["bindings"])
    rise = (_peak_rss_kib(server.pid) - before) / 1024
    return LargeAnswer(public_count, rows, cap, len(body) / 2**20, seconds, rise)


# -- the store-server backend ------------------------------------------------------------------


def start_store_server(
    processes: Processes, tools: Tools, name: str, location: Path, port: int
) -> Server:
    """A writable `oxigraph serve` with the union default graph, as the README asks of a
    store server."""
    child = processes.start(
        name,
        [
            str(tools.oxigraph), "serve", "--location", str(location),
            "--bind", f"{HOST}:{port}", "--union-default-graph",
        ],
    )  # fmt: skip
    url = f"http://{HOST}:{port}"
    wait_http(child, f"{url}/query?query={quote('ASK {}')}", timeout=120)
    return Server(name, url, child)


def store_server_env(archive_port: int, public_port: int) -> dict[str, str]:
    """The settings of a deployment on two store servers (README "Remote store")."""
    return {
        "ADVOCACY_LD_STORE": f"sparql+http://{HOST}:{archive_port}",
        "ADVOCACY_LD_PUBLIC_STORE": f"sparql+http://{HOST}:{public_port}",
    }


def deployment_env(
    data_dir: Path, base_uri: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The ADVOCACY_LD_* settings of a deployment over `data_dir`."""
    return {"ADVOCACY_LD_DATA": str(data_dir), "ADVOCACY_LD_BASE_URI": base_uri, **(extra or {})}
