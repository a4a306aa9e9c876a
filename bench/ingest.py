"""`python -m bench.ingest`: validated parallel ingest against the store's limit, same run.

Generates N synthetic statements and the shared authority records as files, then loads the
same files twice into fresh data dirs, as `advocacy-ld load` does (read and parse every file,
then `Repository.load` in worker processes, in batches, with the CLI's derived renditions):
once validated with the shapes, once with no validation at all (for trusted data only: the
reference, the limit of parsing and the store). Prints records/s for each and their ratio, and
with `--cli`, times the `advocacy-ld load` command itself (process start and model included).
Goal: at least 200 valid records/s on the 2-core reference machine. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from advocacy_ld.model import load_context, load_model
from advocacy_ld.model.namespaces import CONTEXT_IRI
from advocacy_ld.publish.oai.facts import concept_labels, dc_facts_rendition
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.ingest import DEFAULT_BATCH_SIZE, default_processes
from advocacy_ld.records.loading import LoadStatus, RecordChecker
from advocacy_ld.records.parsing import ParseOptions
from advocacy_ld.records.reading import RecordCandidate, collect_files, read_record_file
from advocacy_ld.records.repository import open_repository
from advocacy_ld.settings import Settings
from bench.generator import StatementSize, build_authorities, statements
from bench.loadgen import busy_cores

BASE_URI = "http://127.0.0.1:8000"
GOAL = 200.0
"""Valid records per second the validated load should reach."""


@dataclass(frozen=True)
class Run:
    """One load of every file into a fresh data dir."""

    label: str
    records: int
    stored: int
    read_s: float
    load_s: float
    busy_before: float

    @property
    def total_s(self) -> float:
        return self.read_s + self.load_s

    @property
    def rate(self) -> float:
        return self.records / self.total_s

    def line(self) -> str:
        noisy = "  NOISY" if self.busy_before > 0.25 else ""
        return (
            f"{self.label:<34} {self.records:>6} records  read {self.read_s:6.1f} s  "
            f"load {self.load_s:6.1f} s  {self.rate:7.1f} records/s  "
            f"(bg {self.busy_before:.2f} cores){noisy}"
        )


def say(message: str) -> None:
    print(message, flush=True)


def write_files(folder: Path, count: int, seed: int, size: StatementSize) -> int:
    """The authorities and `count` statements as Turtle files, as a publisher keeps them."""
    authorities = build_authorities(seed)
    written = 0
    for record in [*authorities.records, *statements(count, authorities, seed, size)]:
        path = folder / record.kind / f"{record.slug}.ttl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record.turtle, encoding="utf-8")
        written += 1
    return written


def read_all(folder: Path) -> list[RecordCandidate]:
    """Every file parsed first, as the CLI's `load` does."""
    options = ParseOptions(
        base_iri=f"{BASE_URI}/",
        context=load_context(),
        context_iris=frozenset({CONTEXT_IRI, f"{BASE_URI}/context.jsonld"}),
    )
    ids = RecordIdentifier(BASE_URI)
    return [read_record_file(path, options, ids) for path in collect_files([folder])]


def load_once(
    label: str, folder: Path, data: Path, *, validate: bool, processes: int, batch_size: int
) -> Run:
    busy = busy_cores(1.0)
    started = time.perf_counter()
    candidates = read_all(folder)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    derived = (dc_facts_rendition(concept_labels(load_model().vocabularies)),)
    repository = open_repository(Settings(data=data, base_uri=BASE_URI), derived)
    try:
        checker = RecordChecker(load_model(), repository.archive) if validate else None
        outcomes = repository.load(candidates, checker, processes=processes, batch_size=batch_size)
    finally:
        repository.close()
    load_s = time.perf_counter() - started
    refused = [o for o in outcomes if o.status is LoadStatus.INVALID]
    if refused:
        first = refused[0]
        raise SystemExit(f"{len(refused)} generated record(s) refused; first:\n{first.report}")
    stored = sum(1 for o in outcomes if o.status is LoadStatus.STORED)
    return Run(label, len(candidates), stored, read_s, load_s, busy)


def load_with_cli(folder: Path, data: Path, processes: int, records: int) -> Run:
    """`advocacy-ld load` itself, in its own process: what a publisher waits for."""
    script = Path(sys.executable).with_name("advocacy-ld")
    env = {**os.environ, "ADVOCACY_LD_DATA": str(data), "ADVOCACY_LD_BASE_URI": BASE_URI}
    busy = busy_cores(1.0)
    started = time.perf_counter()
    done = subprocess.run(
        [str(script), "load", "-j", str(processes), str(folder)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"advocacy-ld load exited {done.returncode}:\n{done.stderr[-2000:]}")
    say(f"  advocacy-ld load said: {done.stdout.strip()}")
    return Run(f"advocacy-ld load -j {processes} (CLI)", records, records, 0.0, elapsed, busy)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingest", description=__doc__.split("\n")[0]
    )
    add = parser.add_argument
    add("--statements", type=int, default=2000, help="synthetic statements (default 2000)")
    add("--processes", type=int, default=default_processes(), help="worker processes")
    add("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="records per transaction")
    add("--seed", type=int, default=42)
    add(
        "--size",
        type=StatementSize,
        choices=list(StatementSize),
        default=StatementSize.COMPACT,
        help="statement size: compact (~57 triples, the goal's records) or full (~280)",
    )
    add("--cli", action="store_true", help="also time `advocacy-ld load` in its own process")
    add("--work-dir", type=Path, default=None, help="where files and data go (default: temp)")
    add("--keep", action="store_true", help="keep the work dir")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="advocacy-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        folder = work / "records"
        if folder.exists():
            shutil.rmtree(folder)
        started = time.perf_counter()
        count = write_files(folder, args.statements, args.seed, args.size)
        say(
            f"generated {count} record files ({args.statements} {args.size.value} statements "
            "+ authorities) in "
            f"{time.perf_counter() - started:.1f} s; {args.processes} process(es), "
            f"batches of {args.batch_size}"
        )
        runs = []
        for label, validate in (("validated (shapes), parallel", True), ("no validation", False)):
            data = work / ("data-validated" if validate else "data-trusted")
            if data.exists():
                shutil.rmtree(data)
            run = load_once(
                label, folder, data, validate=validate,
                processes=args.processes, batch_size=args.batch_size,
            )  # fmt: skip
            say(run.line())
            runs.append(run)
        validated, trusted = runs
        if args.cli:
            data = work / "data-cli"
            if data.exists():
                shutil.rmtree(data)
            say(load_with_cli(folder, data, args.processes, validated.records).line())
        ratio = validated.rate / trusted.rate
        verdict = "met" if validated.rate >= GOAL else "MISSED"
        say(
            f"validated / no validation: {ratio:.2f} "
            f"(validation costs {validated.total_s - trusted.total_s:.1f} s over "
            f"{validated.records} records); goal >= {GOAL:.0f} valid records/s: {verdict}"
        )
        return 0 if validated.rate >= GOAL else 1
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
