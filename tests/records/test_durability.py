"""A loader killed with SIGKILL mid-load leaves every record whole or absent (10 times), and
its worker processes do not outlive it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from rdflib.compare import isomorphic

from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.parsing import ParseOptions, parse_file
from advocacy_ld.records.repository import open_repository
from advocacy_ld.settings import Settings

from ..conftest import BASE

RECORDS = 120
ORG = """@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix adv: <https://w3id.org/advocacy-ld/ns#> .
<id/org/durable-{n}> a org:FormalOrganization ;
    schema:name "Durable organization {n}"@en , "منظمة {n}"@ar ;
    schema:description "{padding}"@en ;
    adv:actorType <https://w3id.org/advocacy-ld/vocab/actor-type/non-governmental-organization> .
"""


def write_records(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for n in range(RECORDS):
        path = folder / f"org-{n:03d}.ttl"
        path.write_text(ORG.format(n=n, padding="x" * (n * 37 % 2000)), encoding="utf-8")
        paths.append(path)
    return paths


def load_command(folder: Path, processes: int) -> list[str]:
    """`advocacy-ld load` in small batches, so that a kill lands between many commits."""
    script = Path(sys.executable).with_name("advocacy-ld")
    return [str(script), "load", "-j", str(processes), "--batch-size", "8", str(folder)]


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for its new parent to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (running := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running


def test_sigkill_during_a_bulk_load_leaves_records_whole_or_absent(
    tmp_path: Path, parse_options: ParseOptions
) -> None:
    paths = write_records(tmp_path / "records")
    expected = {
        f"{BASE}/id/org/durable-{n}": parse_file(p, parse_options) for n, p in enumerate(paths)
    }
    # How long a whole load takes, in one process and in two: kills land within it.
    durations = {}
    for processes in (1, 2):
        env = {**os.environ, "ADVOCACY_LD_DATA": str(tmp_path / f"timed-{processes}")}
        started = time.monotonic()
        subprocess.run(
            load_command(tmp_path / "records", processes), env=env, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        durations[processes] = time.monotonic() - started
    chance = random.Random(20181225)
    seen_partial_loads = 0
    for attempt in range(10):
        processes = 1 + attempt % 2
        data = tmp_path / f"data-{attempt}"
        env = {**os.environ, "ADVOCACY_LD_DATA": str(data), "ADVOCACY_LD_BASE_URI": BASE}
        process = subprocess.Popen(
            load_command(tmp_path / "records", processes),
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(chance.uniform(0.4, 1.0) * durations[processes])
        workers = children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert wait_gone(workers, 15) == [], "worker processes outlived their killed loader"
        if not data.exists():
            continue  # killed before it opened the store
        repository = open_repository(Settings(data=data, base_uri=BASE))
        try:
            stored = 0
            for iri, graph in expected.items():
                public = repository.public.get_record(iri)
                state = repository.state(iri)
                if state is None:
                    assert public is None, f"{iri} is public without a ledger entry"
                    continue
                stored += 1
                archived = repository.version_graph(iri, state.version)
                assert archived is not None
                assert isomorphic(archived, graph), f"{iri} archived partially"
                assert public is not None, f"{iri} published but absent after recovery"
                assert isomorphic(public, graph), f"{iri} public copy partial"
            ids = RecordIdentifier(BASE)
            strays = [g for g in repository.public.record_iris() if ids.parse(g) is None]
            assert strays == []
            if 0 < stored < RECORDS:
                seen_partial_loads += 1
        finally:
            repository.close()
    # The kills must have landed mid-load at least some of the time for the test to mean much.
    assert seen_partial_loads >= 1


def test_workers_exit_when_their_loader_is_killed(tmp_path: Path) -> None:
    write_records(tmp_path / "records")
    env = {**os.environ, "ADVOCACY_LD_DATA": str(tmp_path / "data")}
    process = subprocess.Popen(
        load_command(tmp_path / "records", 2),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(workers := children(process.pid)) < 2 and process.poll() is None:
            assert time.monotonic() < deadline, "the loader started no workers"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert len(workers) >= 2, "the load ended before its workers were seen"
    assert wait_gone(workers, 15) == []
