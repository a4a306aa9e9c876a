"""`python -m bench` (`make bench`): build a dataset, start four servers, load them, report.

One run does everything so that every ratio compares figures taken on the same machine, minutes
apart, under the same conditions (DESIGN.md §7): generate and load N synthetic statements,
start advocacy-ld and its references on 127.0.0.1, measure each with wrk, print the figures and
the ratios against the goals, write bench/results/latest.json, and stop every process it
started, also on Ctrl-C or failure.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import dataset as data
from bench import scale, servers
from bench.generator import StatementSize
from bench.harvest import measure_harvests
from bench.loadgen import LoadGenerator, LoadSettings, Measurement, wait_quiet
from bench.processes import BenchError, Processes, free_port, install_signal_handlers
from bench.profile import profile_server
from bench.report import (
    ADVOCACY,
    ADVOCACY_EVALUATED,
    ADVOCACY_REMOTE,
    ADVOCACY_REMOTE_EVALUATED,
    BARE_ASGI,
    MINIMAL,
    OXIGRAPH,
    RDFLIB,
    Goal,
    Row,
    format_row,
    print_summary,
    ratios,
    write_json,
)
from bench.workload import (
    JSON_LD,
    TURTLE,
    Endpoints,
    Request,
    Target,
    construct_requests,
    resource_requests,
    sparql_get,
    sparql_queries,
)

REPO = Path(__file__).resolve().parent.parent
NOISY_CORES = 0.25
"""Cores busy with other work, just before a run, above which its figures are marked noisy."""
GET_TURTLE = "resource GET Turtle"
GET_JSONLD = "resource GET JSON-LD"
GOALS = [
    Goal(GET_TURTLE, MINIMAL, 0.8),
    Goal(GET_JSONLD, MINIMAL, 0.8),
    Goal(GET_TURTLE, BARE_ASGI, None),
    Goal(GET_JSONLD, BARE_ASGI, None),
    Goal(GET_TURTLE, OXIGRAPH, None),
    Goal(GET_JSONLD, OXIGRAPH, None),
]
SPARQL_MEASUREMENTS = list(sparql_queries([], []))
for _name in SPARQL_MEASUREMENTS:
    GOALS += [Goal(_name, OXIGRAPH, 0.7), Goal(_name, RDFLIB, 10.0)]
    GOALS += [
        Goal(_name, OXIGRAPH, 0.7, ADVOCACY_EVALUATED),
        Goal(_name, RDFLIB, 10.0, ADVOCACY_EVALUATED),
    ]


GOALS += [
    Goal(GET_TURTLE, MINIMAL, None, ADVOCACY_REMOTE),
    Goal(GET_JSONLD, MINIMAL, None, ADVOCACY_REMOTE),
]
for _name in SPARQL_MEASUREMENTS:
    GOALS += [
        Goal(_name, OXIGRAPH, None, ADVOCACY_REMOTE),
        Goal(_name, OXIGRAPH, None, ADVOCACY_REMOTE_EVALUATED),
    ]


def say(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    add = parser.add_argument
    add("--statements", type=int, default=100_000, help="synthetic statements (default 100000)")
    add("--duration", type=float, default=10.0, help="seconds per measurement (default 10)")
    add("--warmup", type=float, default=2.0, help="seconds of discarded load before each")
    add("--connections", type=int, default=16, help="concurrent connections (default 16)")
    add("--threads", type=int, default=1, help="wrk threads (default 1: the machine has 2 cores)")
    add("--timeout", type=float, default=30.0, help="wrk request timeout in seconds")
    add("--resources", type=int, default=1000, help="distinct statements requested")
    add("--sample", type=int, default=20, help="statements validated with the shapes")
    add("--seed", type=int, default=42)
    add(
        "--statement-size",
        type=StatementSize,
        choices=list(StatementSize),
        default=StatementSize.COMPACT,
        help="compact (~57 triples, the scale goals' size; default) or full (~280, as examples)",
    )
    add(
        "--rdflib-statements",
        type=int,
        default=10_000,
        help="statements rdflib-endpoint loads (default 10000; 0: all); a subset is said",
    )
    add("--rdflib-wait", type=float, default=1800.0, help="seconds to wait for rdflib to load")
    add("--repeat", type=int, default=1, help="measure each target N times, keep the median")
    add(
        "--quiet-wait",
        type=float,
        default=30.0,
        help="seconds to wait, before each run, for the machine to go idle (default 30)",
    )
    add(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="py-spy advocacy-ld under resource-GET load (default: if a GET goal is missed)",
    )
    add("--results", type=Path, default=REPO / "bench" / "results" / "latest.json")
    add("--work-dir", type=Path, default=None, help="data dir and logs (default: a temp dir)")
    add("--keep", action="store_true", help="keep the work dir")
    add(
        "--reuse",
        action="store_true",
        help="reuse the data dir and Oxigraph store a previous run left in --work-dir",
    )
    add(
        "--store-servers",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also restore the archive into two Oxigraph servers and measure advocacy-ld on them",
    )
    add("--bench-venv", type=Path, default=REPO / "bench" / ".venv")
    return parser.parse_args(argv)


def fetch(url: str, accept: str, timeout: float = 60.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def describe_body(accept: str, body: bytes) -> str:
    if accept.endswith("sparql-results+json"):
        try:
            rows = len(json.loads(body)["results"]["bindings"])
        except (ValueError, KeyError, TypeError):
            return f"{len(body)} bytes, not SPARQL JSON"
        return f"{rows} rows"
    return f"{len(body)} bytes"


Bodies = dict[tuple[str, str], bytes]


def prefetch(base_url: str, paths: Sequence[str]) -> tuple[Bodies, dict[str, float]]:
    """GET every working-set resource once in each format: the minimal app's bodies, and the
    first-render cost (these GETs also fill advocacy-ld's render cache)."""
    bodies: Bodies = {}
    seconds: dict[str, list[float]] = {TURTLE: [], JSON_LD: []}
    for path in paths:
        for accept in (TURTLE, JSON_LD):
            started = time.perf_counter()
            status, body = fetch(base_url + path, accept)
            seconds[accept].append(time.perf_counter() - started)
            if status != 200:
                raise BenchError(f"advocacy-ld answered {status} to GET {path} ({accept})")
            bodies[(path, accept)] = body
    means = {
        "turtle_ms": 1000 * statistics.mean(seconds[TURTLE]),
        "jsonld_ms": 1000 * statistics.mean(seconds[JSON_LD]),
    }
    return bodies, means


class Bench:
    """One run: its options, its processes and what it has measured so far."""

    def __init__(self, args: argparse.Namespace, work: Path, processes: Processes) -> None:
        self.args = args
        self.work = work
        self.processes = processes
        self.rows: list[Row] = []
        self.drain = 0.0
        self.tools = servers.Tools(Path(sys.executable).parent, args.bench_venv / "bin")
        self.loadgen = LoadGenerator(
            processes,
            work,
            LoadSettings(args.connections, args.threads, args.duration, args.warmup, args.timeout),
        )

    def measure(self, target: Target) -> Row:
        """Probe the first request (status, size), then measure `--repeat` times."""
        first = target.requests[0]
        status, body = fetch(target.base_url + first.path, first.accept)
        row = Row(target.measurement, target.system, len(set(target.requests)), None)
        if status != 200:
            row.note = f"not measured: GET answered {status} {body[:120]!r}"
            say(f"  {target.system}: {row.note}")
            self.rows.append(row)
            return row
        row.note = describe_body(first.accept, body)
        runs: list[Measurement] = []
        backgrounds: list[float] = []
        for _ in range(max(1, self.args.repeat)):
            # Let the previous target drain its queue, and see whether others are busy.
            backgrounds.append(wait_quiet(max(self.args.quiet_wait, self.drain)))
            run = self.loadgen.measure(target.base_url, target.requests, target.server_pid)
            runs.append(run)
            # A server that queues requests (rdflib-endpoint) goes on answering them after wrk
            # has stopped: the next run waits, up to this long, for it to finish.
            self.drain = min(600.0, self.args.connections * run.max_ms / 1000 + 5)
        runs.sort(key=lambda m: m.rps)
        row.result = runs[len(runs) // 2]
        row.runs = runs
        row.background_cores = max(backgrounds)
        if row.result.error_count:
            row.note += f"; {row.result.error_count} errors"
        if row.background_cores > NOISY_CORES:
            row.note += f"; NOISY: {row.background_cores} cores busy elsewhere before the run"
        say(format_row(row))
        self.rows.append(row)
        return row

    def overheads(
        self,
        advocacy: servers.Server,
        minimal: servers.Server,
        paths: Sequence[str],
        workload: dict[str, tuple[tuple[str, str], ...]],
        raw: dict[str, float],
    ) -> list[scale.Overhead]:
        """Single-connection latency of each evaluated query and of the minimal app (the HTTP
        floor); what advocacy-ld adds beyond them and raw pyoxigraph."""
        args = self.args
        settings = LoadSettings(1, 1, args.duration, args.warmup, args.timeout)
        latency = LoadGenerator(self.processes, scale.fresh_dir(self.work / "latency"), settings)
        wait_quiet(args.quiet_wait)
        floor = latency.measure(minimal.base_url, resource_requests(paths, TURTLE))
        say(f"  HTTP floor (minimal app, Turtle GET): {floor.mean_ms:.2f} ms")
        overheads = []
        endpoint = Endpoints().advocacy
        for name, queries in workload.items():
            requests = tuple(Request(sparql_get(endpoint, q), a, no_cache=True) for q, a in queries)
            wait_quiet(args.quiet_wait)
            measured = latency.measure(advocacy.base_url, requests, advocacy.pid)
            overhead = scale.Overhead(name, measured.mean_ms, floor.mean_ms, raw[name])
            say(overhead.line())
            overheads.append(overhead)
        return overheads

    def store_server_pass(
        self,
        base_uri: str,
        port: int,
        paths: Sequence[str],
        workload: dict[str, tuple[tuple[str, str], ...]],
    ) -> scale.BulkLoad:
        """The archive restored into two Oxigraph servers, advocacy-ld started on them (in
        place of the embedded-store deployment), and the same requests measured again."""
        say("== 7. the same deployment on two Oxigraph servers (remote store)")
        work = self.work
        archive_port, public_port = free_port(), free_port()
        scale.start_store_server(
            self.processes, self.tools, "store-archive", scale.fresh_dir(work / "store-archive"),
            archive_port,
        )  # fmt: skip
        scale.start_store_server(
            self.processes, self.tools, "store-public", scale.fresh_dir(work / "store-public"),
            public_port,
        )  # fmt: skip
        stores = scale.store_server_env(archive_port, public_port)
        data_dir = scale.fresh_dir(work / "store-server-data")
        env = scale.deployment_env(data_dir, base_uri, stores)
        archive = work / "archive.nq"
        restore = scale.restore_archive(
            self.processes, self.tools, archive, env, "restore-store-servers"
        )
        bulk = scale.BulkLoad(
            scale.count_lines(archive), archive.stat().st_size, scale.Measured(0.0, 0.0), restore,
            scale.public_quads(self.processes, self.tools, env),
        )  # fmt: skip
        for line in bulk.lines("two Oxigraph servers")[1:]:
            say(line)
        remote = servers.start_advocacy(
            self.processes, self.tools, data_dir, base_uri, port, stores, "advocacy-ld-remote"
        )
        prefetch(remote.base_url, paths)
        for name, accept in ((GET_TURTLE, TURTLE), (GET_JSONLD, JSON_LD)):
            say(name)
            requests = resource_requests(paths, accept)
            self.measure(Target(name, ADVOCACY_REMOTE, remote.base_url, requests, remote.pid))
        endpoint = Endpoints().advocacy
        for name, queries in workload.items():
            say(name)
            for system, evaluated in ((ADVOCACY_REMOTE, False), (ADVOCACY_REMOTE_EVALUATED, True)):
                requests = tuple(
                    Request(sparql_get(endpoint, q), a, no_cache=evaluated) for q, a in queries
                )
                self.measure(Target(name, system, remote.base_url, requests, remote.pid))
        return bulk

    def run(self) -> dict[str, Any]:
        args = self.args
        self.tools.check()
        names = ("advocacy", "minimal", "asgi", "oxigraph", "rdflib")
        ports = {name: free_port() for name in names}
        manifest = self.work / "dataset.json"
        if args.reuse and manifest.exists():
            built = data.BuiltDataset.load(manifest)
            asked = (args.statements, args.seed, args.statement_size.value)
            if (built.statement_count, built.seed, built.size) != asked:
                held = f"{built.statement_count} {built.size} statements with seed {built.seed}"
                raise BenchError(f"{manifest} holds {held}: use those options or a new dir")
            base_uri = built.base_uri
            ports["advocacy"] = int(base_uri.rpartition(":")[2])
            say(f"== 1. dataset: REUSING {built.statement_count} statements in {self.work} "
                f"(loaded in {built.timings['load_s']:.1f} s when it was built)")  # fmt: skip
        else:
            base_uri = f"http://127.0.0.1:{ports['advocacy']}"
            say(f"== 1. dataset: {args.statements} {args.statement_size.value} statements "
                f"(seed {args.seed}) in {self.work}")  # fmt: skip
            built = data.build(
                self.work / "data", base_uri, args.statements, args.seed, args.sample, say,
                args.statement_size,
            )  # fmt: skip
            built.save(manifest)
        rng = random.Random(args.seed + 2)
        working = rng.sample(built.statement_iris, min(args.resources, args.statements))
        paths = [iri.removeprefix(base_uri) for iri in working]

        rdflib_dump = built.dump
        rdflib_count = args.statements
        if 0 < args.rdflib_statements < args.statements:
            keep = set(working)
            others = [iri for iri in built.statement_iris if iri not in keep]
            rng.shuffle(others)
            keep.update(others[: max(0, args.rdflib_statements - len(keep))])
            rdflib_count = len(keep)
            rdflib_dump = self.work / "rdflib-subset.nq"
            quads = data.subset_dump(built.dump, rdflib_dump, set(built.statement_iris) - keep)
            say(f"rdflib-endpoint gets a SUBSET: {rdflib_count} of {args.statements} statements "
                f"(all authorities, every statement requested), {quads} quads")  # fmt: skip
        say("== 2. bulk load: the archive exported, then restored into a fresh data dir")
        serve_dir = scale.fresh_dir(self.work / "restored")
        bulk = scale.bulk_load(
            self.processes,
            self.tools,
            scale.deployment_env(built.data_dir, base_uri),
            scale.deployment_env(serve_dir, base_uri),
            self.work,
            "data-dir",
        )
        for line in bulk.lines("embedded store"):
            say(line)
        workload = sparql_queries(working, built.place_iris)
        say("== 3. servers on 127.0.0.1")
        rdflib_child = servers.start_rdflib(
            self.processes, self.tools, rdflib_dump, ports["rdflib"], REPO
        )
        if not (args.reuse and (self.work / "oxigraph").exists()):
            seconds = servers.load_oxigraph(
                self.processes, self.tools, built.dump, self.work / "oxigraph"
            )
            say(f"oxigraph load of the dump: {seconds:.1f} s")
            built.timings["oxigraph_load_s"] = seconds
            built.save(manifest)
        oxigraph = servers.start_oxigraph(
            self.processes, self.tools, self.work / "oxigraph", ports["oxigraph"]
        )
        advocacy = servers.start_advocacy(
            self.processes, self.tools, serve_dir, base_uri, ports["advocacy"]
        )
        say(f"advocacy-ld at {advocacy.base_url}, oxigraph server at {oxigraph.base_url}")
        started = time.perf_counter()
        bodies, first = prefetch(advocacy.base_url, paths)
        say(f"pre-rendered {len(bodies)} representations from advocacy-ld in "
            f"{time.perf_counter() - started:.1f} s (first GET, mean: Turtle "
            f"{first['turtle_ms']:.1f} ms, JSON-LD {first['jsonld_ms']:.1f} ms)")  # fmt: skip
        bodies_path = self.work / "bodies.pickle"
        with bodies_path.open("wb") as handle:
            pickle.dump(bodies, handle)
        minimal = servers.start_refapp(
            self.processes, MINIMAL, "fastapi", bodies_path, ports["minimal"], paths[0], REPO
        )
        bare = servers.start_refapp(
            self.processes, BARE_ASGI, "asgi", bodies_path, ports["asgi"], paths[0], REPO
        )
        started = time.perf_counter()
        say(f"waiting for rdflib-endpoint to parse {rdflib_count} statements …")
        rdflib = servers.wait_rdflib(rdflib_child, ports["rdflib"], args.rdflib_wait)
        parsed = next((x for x in rdflib_child.tail(50).splitlines() if "parsed" in x), "")
        say(f"{parsed} (ready {time.perf_counter() - started:.0f} s after we started waiting)")

        sparql = servers.wait_sparql_replica(advocacy)
        say(f"advocacy-ld SPARQL replica: {sparql.get('replica')}, {sparql.get('quads')} quads "
            f"loaded in {sparql.get('last_load_seconds')} s")  # fmt: skip
        say(f"== 4. measurements: wrk, {args.connections} connections, {args.duration:g} s each "
            f"after {args.warmup:g} s warm-up, {args.threads} thread(s)")  # fmt: skip
        endpoints = Endpoints()
        for name, accept in ((GET_TURTLE, TURTLE), (GET_JSONLD, JSON_LD)):
            say(name)
            requests = resource_requests(paths, accept)
            self.measure(Target(name, ADVOCACY, advocacy.base_url, requests, advocacy.pid))
            self.measure(Target(name, MINIMAL, minimal.base_url, requests, minimal.pid))
            self.measure(Target(name, BARE_ASGI, bare.base_url, requests, bare.pid))
            constructs = construct_requests(endpoints.oxigraph, working, accept)
            self.measure(Target(name, OXIGRAPH, oxigraph.base_url, constructs, oxigraph.pid))
        say("harvest (records per second, beside the resource GET figures above)")
        harvests = measure_harvests(advocacy.base_url, say)
        for name, queries in workload.items():
            say(name)
            for system, server, endpoint in (
                (ADVOCACY, advocacy, endpoints.advocacy),
                (ADVOCACY_EVALUATED, advocacy, endpoints.advocacy),
                (OXIGRAPH, oxigraph, endpoints.oxigraph),
                (RDFLIB, rdflib, endpoints.rdflib),
            ):
                evaluated = system == ADVOCACY_EVALUATED
                requests = tuple(
                    Request(sparql_get(endpoint, q), a, no_cache=evaluated) for q, a in queries
                )
                row = self.measure(Target(name, system, server.base_url, requests, server.pid))
                if system == RDFLIB and rdflib_count < args.statements:
                    row.note += f"; SUBSET: {rdflib_count} of {args.statements} statements"

        say("== 5. endpoint overhead: one connection, against raw pyoxigraph and the HTTP floor")
        # Raw pyoxigraph reads the checkpoint advocacy-ld's workers read: the files the server
        # left after compacting the restored store (read just after the restore, before any
        # compaction, the same queries took up to 1.6x as long).
        wait_quiet(args.quiet_wait)
        raw = scale.measure_raw(scale.current_checkpoint(serve_dir), workload, args.duration / 2)
        say("  raw pyoxigraph on that store, in process (mean ms a query): "
            + ", ".join(f"{name} {ms:.2f}" for name, ms in raw.items()))  # fmt: skip
        overheads = self.overheads(advocacy, minimal, paths, workload, raw)
        say("== 6. a query over every public quad")
        large = scale.large_answer(advocacy, bulk.public_quads)
        say(large.line())
        store_servers = None
        if args.store_servers:
            self.processes.stop(advocacy.child)
            store_servers = self.store_server_pass(base_uri, ports["advocacy"], paths, workload)

        ratio_entries = ratios(self.rows, GOALS)
        print_summary(self.rows, ratio_entries, say)
        say("harvest:")
        for harvest in harvests:
            say(harvest.line())
        say("bulk load (archive restore):")
        for line in bulk.lines("embedded store"):
            say(line)
        if store_servers is not None:
            say(store_servers.lines("two Oxigraph servers")[1])  # the export is the one above
        say("endpoint overhead (single connection, evaluated queries):")
        for overhead in overheads:
            say(overhead.line())
        say("large answer:")
        say(large.line())
        profile: dict[str, list[str]] = {}
        missed = any(
            e["met"] is False for e in ratio_entries if e["measurement"].startswith("resource")
        )
        if args.profile or (args.profile is None and missed):
            say("")
            say("=== profile: py-spy on advocacy-ld under resource-GET load (not measured) ===")
            for name, accept in ((GET_TURTLE, TURTLE), (GET_JSONLD, JSON_LD)):
                out = args.results.parent / f"profile-{accept.split('/')[1].replace('+', '-')}.txt"
                out.parent.mkdir(parents=True, exist_ok=True)
                measured, lines = profile_server(
                    self.processes, self.tools.py_spy, advocacy.child.process.pid, self.loadgen,
                    advocacy.base_url, resource_requests(paths, accept), args.duration, out,
                )  # fmt: skip
                say(f"{name} ({measured.rps:.0f} req/s while sampled); raw stacks in {out}")
                for line in lines:
                    say(line)
                profile[name] = lines
        return {
            "dataset": {
                "statements": args.statements,
                "authority_records": built.authority_count,
                "quads": built.quads,
                "working_set_statements": len(working),
                "rdflib_statements": rdflib_count,
                "sample_validation": built.sample,
                "timings_s": {k: round(v, 2) for k, v in built.timings.items()},
                "first_get_ms": {k: round(v, 2) for k, v in first.items()},
                "rdflib_parse": parsed,
            },
            "scale": {
                "bulk_load": bulk.to_json(),
                "bulk_load_store_servers": store_servers.to_json() if store_servers else None,
                "raw_pyoxigraph_ms": {k: round(v, 3) for k, v in raw.items()},
                "overhead": [o.to_json() for o in overheads],
                "large_answer": large.to_json(),
            },
            "measurements": [r.to_json() for r in self.rows],
            "harvest": [h.to_json() for h in harvests],
            "ratios": ratio_entries,
            "profile": profile,
        }


def _plain(value: object) -> object:
    """An option's value as JSON holds it."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, StatementSize):
        return value.value
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.reuse and args.work_dir is None:
        say("--reuse needs --work-dir (the dir a previous run was given)")
        return 2
    install_signal_handlers()
    started = time.perf_counter()
    started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="advocacy-ld-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir(exist_ok=True)
    status = 0
    try:
        with Processes(work / "logs") as processes:
            bench = Bench(args, work, processes)
            document = bench.run()
        total = time.perf_counter() - started
        document = {
            "started": started_at,
            "total_seconds": round(total, 1),
            "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
            "options": {k: _plain(v) for k, v in vars(args).items()},
            **document,
        }
        write_json(args.results, document)
        say(f"\nwhole run: {total:.0f} s; results in {args.results}")
    except BenchError as error:
        say(f"\nbench FAILED: {error}")
        status = 1
    except KeyboardInterrupt:
        say("\nbench interrupted; every process it started has been stopped")
        status = 130
    except SystemExit as stop:
        say("\nbench stopped by a signal; every process it started has been stopped")
        status = int(stop.code) if isinstance(stop.code, int) else 1
    finally:
        if args.keep or args.work_dir is not None:
            say(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
