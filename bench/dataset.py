"""Build the benchmark's data dir: generate, verify a sample, load through Repository, dump.

Records are read with the project's own reader (pyoxigraph parse, literal canonicalization,
root and IRI checks) and stored with `Repository.put`, so the archive, the public dataset and
the ledger are exactly what `advocacy-ld load` would leave and the server sees a normal data
dir. Validating every record with pySHACL would take about 0.3 s each (50 minutes for 10,000),
so a random sample is validated with `RecordChecker` first, and any violation stops the run
before anything is loaded. The public dataset is then dumped as N-Quads for the other servers.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from advocacy_ld.model import load_context, load_model
from advocacy_ld.model.namespaces import CONTEXT_IRI
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.loading import RecordChecker
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax
from advocacy_ld.records.reading import RecordCandidate, read_record
from advocacy_ld.records.repository import open_repository
from advocacy_ld.settings import Settings
from advocacy_ld.store import ExportFormat
from advocacy_ld.validation.report import Severity
from bench.generator import Authorities, GeneratedRecord, build_authorities, build_statement
from bench.processes import BenchError


@dataclass
class BuiltDataset:
    """What was loaded, where, and how long each step took."""

    data_dir: Path
    base_uri: str
    dump: Path
    statement_count: int
    statement_iris: list[str]
    place_iris: list[str]
    authority_count: int
    quads: int
    timings: dict[str, float] = field(default_factory=dict)
    sample: dict[str, int] = field(default_factory=dict)
    seed: int = 0

    def save(self, path: Path) -> None:
        """Write a manifest, so a later run can reuse this data dir (`--reuse`)."""
        document = asdict(self)
        document["data_dir"], document["dump"] = str(self.data_dir), str(self.dump)
        path.write_text(json.dumps(document), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> BuiltDataset:
        document = json.loads(path.read_text(encoding="utf-8"))
        document["data_dir"], document["dump"] = Path(document["data_dir"]), Path(document["dump"])
        return cls(**document)


class Reader:
    """Turns generated Turtle into record candidates exactly as `advocacy-ld load` does."""

    def __init__(self, base_uri: str) -> None:
        self.options = ParseOptions(
            base_iri=f"{base_uri}/",
            context=load_context(),
            context_iris=frozenset({CONTEXT_IRI, f"{base_uri}/context.jsonld"}),
        )
        self.ids = RecordIdentifier(base_uri)

    def read(self, record: GeneratedRecord) -> RecordCandidate:
        return read_record(
            record.turtle.encode("utf-8"), RDFSyntax.TURTLE, record.path, self.options, self.ids
        )


def verify_sample(
    authorities: Authorities, count: int, size: int, seed: int, reader: Reader,
    say: Callable[[str], None],
) -> dict[str, int]:  # fmt: skip
    """Validate `size` random statements and a few authorities; raise on any violation."""
    rng = random.Random(seed + 1)
    batch = [reader.read(r) for r in authorities.records]
    checker = RecordChecker(load_model(), None)
    indices = sorted(rng.sample(range(count), min(size, count)))
    chosen = [reader.read(build_statement(i, authorities, seed)) for i in indices]
    by_kind: dict[str, list[RecordCandidate]] = {}
    for candidate in batch:
        by_kind.setdefault(candidate.id.kind, []).append(candidate)
    chosen += [rng.choice(group) for group in by_kind.values()]
    totals = {"records": 0, "violations": 0, "warnings": 0, "infos": 0}
    failures = []
    for candidate in chosen:
        report = checker.check(candidate, batch)
        totals["records"] += 1
        totals["violations"] += report.count(Severity.VIOLATION)
        totals["warnings"] += report.count(Severity.WARNING)
        totals["infos"] += report.count(Severity.INFO)
        if not report.conforms:
            failures.append(report.to_text())
    if failures:
        raise BenchError(
            f"{len(failures)} generated record(s) break the shapes; first report:\n{failures[0]}"
        )
    say(
        f"validated a sample of {totals['records']} records with RecordChecker: "
        f"{totals['violations']} violations, {totals['warnings']} warnings, "
        f"{totals['infos']} infos"
    )
    return totals


def build(
    data_dir: Path,
    base_uri: str,
    count: int,
    seed: int,
    sample_size: int,
    say: Callable[[str], None],
) -> BuiltDataset:
    """Generate `count` statements and the authorities, verify a sample, load, dump."""
    timings: dict[str, float] = {}
    reader = Reader(base_uri)
    authorities = build_authorities(seed)
    paths = [r.path for r in authorities.records]
    if len(set(paths)) != len(paths):
        raise BenchError("the generator produced two authority records with the same IRI")
    say(
        f"authorities: {authorities.count('place')} places, {authorities.count('org')} orgs "
        f"(of which {len(authorities.addressees)} addressees), "
        f"{authorities.count('facility')} facilities, {authorities.count('report')} reports"
    )
    started = time.perf_counter()
    sample = verify_sample(authorities, count, sample_size, seed, reader, say)
    timings["verify_sample_s"] = time.perf_counter() - started

    repository = open_repository(Settings(data=data_dir, base_uri=base_uri))
    statement_iris: list[str] = []
    parse_seconds = 0.0
    try:
        started = time.perf_counter()
        for record in authorities.records:
            candidate = reader.read(record)
            repository.put(candidate.id, candidate.graph)
        report_every = max(1, count // 10)
        for index in range(count):
            t0 = time.perf_counter()
            candidate = reader.read(build_statement(index, authorities, seed))
            parse_seconds += time.perf_counter() - t0
            if not repository.put(candidate.id, candidate.graph):
                raise BenchError(f"{candidate.id.iri} was generated twice")
            statement_iris.append(candidate.id.iri)
            if (index + 1) % report_every == 0:
                elapsed = time.perf_counter() - started
                say(f"  loaded {index + 1}/{count} statements ({elapsed:.0f} s)")
        timings["load_s"] = time.perf_counter() - started
        timings["generate_and_parse_s"] = parse_seconds
        quads = repository.public.triple_count()
        started = time.perf_counter()
        dump = data_dir.parent / "public.nq"
        with dump.open("wb") as handle:
            repository.public.export(handle, ExportFormat.NQUADS)
        timings["dump_s"] = time.perf_counter() - started
    finally:
        repository.close()
    records = len(authorities.records) + count
    say(
        f"loaded {records} records ({quads} quads) through Repository.put in "
        f"{timings['load_s']:.1f} s ({records / timings['load_s']:.0f} records/s; "
        f"of which generate+parse {parse_seconds:.1f} s); N-Quads dump {timings['dump_s']:.1f} s"
    )
    place_iris = [f"{base_uri}{r.path}" for r in authorities.records if r.kind == "place"]
    return BuiltDataset(
        data_dir=data_dir,
        base_uri=base_uri,
        dump=dump,
        statement_count=count,
        statement_iris=statement_iris,
        place_iris=place_iris,
        authority_count=len(authorities.records),
        quads=quads,
        timings=timings,
        sample=sample,
        seed=seed,
    )


def subset_dump(source: Path, target: Path, drop_graphs: set[str]) -> int:
    """Copy the dump without the named graphs in `drop_graphs` (for rdflib); returns the count."""
    kept = 0

    def quads() -> Iterator[ox.Quad]:
        nonlocal kept
        with source.open("rb") as handle:
            for quad in ox.parse(handle, format=ox.RdfFormat.N_QUADS):
                graph = quad.graph_name
                if not (isinstance(graph, ox.NamedNode) and graph.value in drop_graphs):
                    kept += 1
                    yield quad

    with target.open("wb") as handle:
        ox.serialize(quads(), handle, format=ox.RdfFormat.N_QUADS)
    return kept
