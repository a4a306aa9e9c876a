"""A loader killed with SIGKILL mid-load leaves every record whole or absent (10 times)."""

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


def test_sigkill_during_a_bulk_load_leaves_records_whole_or_absent(
    tmp_path: Path, parse_options: ParseOptions
) -> None:
    paths = write_records(tmp_path / "records")
    expected = {
        f"{BASE}/id/org/durable-{n}": parse_file(p, parse_options) for n, p in enumerate(paths)
    }
    data = tmp_path / "data"
    env = {**os.environ, "ADVOCACY_LD_DATA": str(data), "ADVOCACY_LD_BASE_URI": BASE}
    script = Path(sys.executable).with_name("advocacy-ld")
    chance = random.Random(20181225)
    seen_partial_loads = 0
    for _ in range(10):
        process = subprocess.Popen(
            [str(script), "load", str(tmp_path / "records")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(chance.uniform(1.5, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
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
