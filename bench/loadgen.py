"""The load generator: wrk, bounded in connections and time, driven by a request list.

wrk keeps 16 connections busy for a fixed time and reports throughput and latency
percentiles; its Lua hook cycles through a file of (path, Accept) pairs so requests spread over
many resources, and prints its summary as one JSON line we parse. One wrk thread is enough to
saturate any server here and leaves the other core to the server under test (the machine has 2).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.processes import BenchError, Processes, tree_cpu_seconds
from bench.workload import Request

LUA = r"""
-- Cycle through a list of requests, one "path<TAB>accept<TAB>cache-control" per line in the
-- file given after -- (an empty cache-control sends none).
local requests = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, accept, cache = line:match("^([^\t]+)\t([^\t]*)\t(.*)$")
    local headers = { ["Accept"] = accept }
    if cache ~= "" then headers["Cache-Control"] = cache end
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
  counter = math.random(#requests) - 1
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH-JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
"""


@dataclass(frozen=True)
class LoadSettings:
    connections: int = 16
    threads: int = 1
    duration: float = 10.0
    warmup: float = 2.0
    timeout: float = 30.0


@dataclass(frozen=True)
class Measurement:
    """What wrk saw in one run."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    bytes: int
    errors: dict[str, int]
    server_cores: float | None = None
    """CPU the server's processes used during the run, in cores (2 on this machine at most)."""

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def busy_cores(seconds: float = 0.5) -> float:
    """How many cores were busy over the last `seconds`, from /proc/stat (all processes)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    cores = os.cpu_count() or 1
    return round(cores * (busy1 - busy0) / max(1, total1 - total0), 2)


def wait_quiet(max_seconds: float, threshold: float = 0.15) -> float:
    """Wait until the machine is (nearly) idle, at most `max_seconds`; returns the busy cores
    last seen. Between runs our servers are idle, so what is left is a server still draining
    the previous run's queue, or someone else's work: either would skew the next figure."""
    deadline = time.monotonic() + max_seconds
    busy = busy_cores()
    while busy > threshold and time.monotonic() < deadline:
        busy = busy_cores()
    return busy


def find_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise BenchError("wrk is not installed: run `make bench` (it installs it) or apt-get wrk")
    return found


class LoadGenerator:
    """Runs wrk against one target at a time."""

    def __init__(self, processes: Processes, work_dir: Path, settings: LoadSettings) -> None:
        self.processes = processes
        self.work_dir = work_dir
        self.settings = settings
        self.wrk = find_wrk()
        self.script = work_dir / "requests.lua"
        self.script.write_text(LUA, encoding="utf-8")
        self._runs = 0

    def run(
        self,
        base_url: str,
        requests: Sequence[Request],
        duration: float,
        server_pid: int | None = None,
    ) -> Measurement:
        """One wrk run of `duration` seconds over `requests`, cycled; with `server_pid`, also
        how much CPU that server and its descendants used meanwhile."""
        self._runs += 1
        listing = self.work_dir / f"requests-{self._runs}.tsv"
        listing.write_text(
            "".join(
                f"{r.path}\t{r.accept}\t{'no-cache' if r.no_cache else ''}\n" for r in requests
            ),
            encoding="utf-8",
        )
        s = self.settings
        argv = [
            self.wrk, f"-t{s.threads}", f"-c{s.connections}", f"-d{max(1, round(duration))}s",
            f"--timeout={max(1, round(s.timeout))}s", "-s", str(self.script), base_url, "--",
            str(listing),
        ]  # fmt: skip
        cpu_before = tree_cpu_seconds(server_pid) if server_pid else 0.0
        child = self.processes.start(f"wrk-{self._runs}", argv)
        try:
            child.process.wait(duration + s.timeout + 30)
        finally:
            self.processes.stop(child)
        cpu = tree_cpu_seconds(server_pid) - cpu_before if server_pid else None
        output = child.log.read_text(encoding="utf-8", errors="replace")
        line = next((x for x in output.splitlines() if x.startswith("BENCH-JSON ")), None)
        if child.process.returncode != 0 or line is None:
            status = child.process.returncode
            raise BenchError(f"wrk failed against {base_url} ({status}):\n{output[-2000:]}")
        data = json.loads(line.removeprefix("BENCH-JSON "))
        seconds = data["duration_us"] / 1e6
        latency = data["latency_us"]
        return Measurement(
            requests=data["requests"],
            seconds=round(seconds, 3),
            rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
            p50_ms=latency["p50"] / 1000,
            p90_ms=latency["p90"] / 1000,
            p99_ms=latency["p99"] / 1000,
            mean_ms=round(latency["mean"] / 1000, 3),
            max_ms=latency["max"] / 1000,
            bytes=data["bytes"],
            errors=dict(data["errors"]),
            server_cores=round(cpu / seconds, 2) if cpu is not None and seconds else None,
        )

    def measure(
        self, base_url: str, requests: Sequence[Request], server_pid: int | None = None
    ) -> Measurement:
        """A warm-up run (discarded), a pause, then the measured run."""
        if self.settings.warmup > 0:
            self.run(base_url, requests, self.settings.warmup)
            time.sleep(0.5)
        return self.run(base_url, requests, self.settings.duration, server_pid)
