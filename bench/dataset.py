"""Build the benchmark's data dir: generate, verify a sample, load through Repository, dump.

Records are read with the project's own reader (pyoxigraph parse, literal canonicalization,
root and IRI checks) and stored with `Repository.load` in worker processes and batches, with
the CLI's derived renditions, so the archive, the public dataset and the ledger are exactly
what `advocacy-ld load` would leave and the server sees a normal data dir. Validation is what
`bench.ingest` measures; here a random sample is validated with `RecordChecker` first, and any
violation stops the run before anything is loaded. The public dataset is then dumped as
N-Quads for the other servers.
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
from advocacy_ld.publish.oai.facts import concept_labels, dc_facts_rendition
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.ingest import DEFAULT_BATCH_SIZE, default_processes
from advocacy_ld.records.loading import LoadStatus, RecordChecker
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax
from advocacy_ld.records.reading import RecordCandidate, read_record
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.settings import Settings
from advocacy_ld.store import ExportFormat
from advocacy_ld.validation.report import Severity
from bench.generator import (
    Authorities,
    GeneratedRecord,
    StatementSize,
    build_authorities,
    build_statement,
)
from bench.processes import BenchError

LOAD_CHUNK = 5000
"""Statements parsed and handed to `Repository.load` at a time: bounds the parent's memory
(parsed graphs) whatever the dataset size."""


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
    size: str = StatementSize.FULL.value

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
    authorities: Authorities, count: int, sample_size: int, seed: int, reader: Reader,
    say: Callable[[str], None], size: StatementSize,
) -> dict[str, int]:  # fmt: skip
    """Validate `sample_size` random statements and a few authorities; raise on violations."""
    rng = random.Random(seed + 1)
    batch = [reader.read(r) for r in authorities.records]
    checker = RecordChecker(load_model(), None)
    indices = sorted(rng.sample(range(count), min(sample_size, count)))
    chosen = [reader.read(build_statement(i, authorities, seed, size)) for i in indices]
    by_kind: dict[str, list[RecordCandidate]] = {}
    for candidate in batch:
        by_kind.setdefault(candidate.id.kind, []).append(candidate)
    chosen += [rng.choice(group) for group in by_kind.values()]
    totals = {"records": 0, "violations": 0, "warnings": 0, "infos": 0}
    failures = []
    linked = checker.linked_types([*batch, *chosen])
    for candidate in chosen:
        report = checker.check_with(candidate, linked)
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
    size: StatementSize = StatementSize.FULL,
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
    sample = verify_sample(authorities, count, sample_size, seed, reader, say, size)
    timings["verify_sample_s"] = time.perf_counter() - started

    derived = (dc_facts_rendition(concept_labels(load_model().vocabularies)),)
    repository = open_repository(Settings(data=data_dir, base_uri=base_uri), derived)
    statement_iris: list[str] = []
    parse_seconds = 0.0
    try:
        started = time.perf_counter()
        _store([reader.read(r) for r in authorities.records], repository)
        for first in range(0, count, LOAD_CHUNK):
            t0 = time.perf_counter()
            chunk = [
                reader.read(build_statement(index, authorities, seed, size))
                for index in range(first, min(count, first + LOAD_CHUNK))
            ]
            parse_seconds += time.perf_counter() - t0
            _store(chunk, repository)
            statement_iris += [candidate.id.iri for candidate in chunk]
            elapsed = time.perf_counter() - started
            say(f"  loaded {len(statement_iris)}/{count} statements ({elapsed:.0f} s)")
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
        f"loaded {records} records ({quads} public quads) with Repository.load (no validation, "
        f"{default_processes()} processes, batches of {DEFAULT_BATCH_SIZE}) in "
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
        size=size.value,
    )


def _store(candidates: list[RecordCandidate], repository: Repository) -> None:
    """Store and publish new records as `advocacy-ld load` does, without validating them (a
    sample was validated): worker processes prepare them, the parent writes them in batches."""
    outcomes = repository.load(candidates, None, processes=default_processes())
    duplicates = [o.record for o in outcomes if o.status is not LoadStatus.STORED]
    if duplicates:
        raise BenchError(f"{duplicates[0]} was generated twice")


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
