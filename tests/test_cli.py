"""The command line, run as a user runs it: exit codes, reports, and an untouched store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from advocacy_ld.cli import app

from .cli_support import invoke, runner
from .conftest import EXAMPLES

SEDNAYA = EXAMPLES / "sednaya" / "statement.ttl"
AUTHORITIES = EXAMPLES / "authorities"


def export(env: dict[str, str]) -> str:
    """The public dataset and the archive (with its ledger), as N-Quads."""
    code, public, _ = invoke(env, "export", "--format", "nquads")
    assert code == 0
    code, archive, _ = invoke(env, "export", "--format", "nquads", "--archive")
    assert code == 0
    assert "urn:advocacy-ld:ledger" in archive
    assert "urn:advocacy-ld:ledger" not in public
    return public + archive


def test_help_is_there_for_every_command() -> None:
    for command in ([], ["validate"], ["load"], ["export"], ["restore"], ["query"], ["stats"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.stdout


def test_validate_examples_exits_zero(env: dict[str, str]) -> None:
    code, out, err = invoke(env, "validate", str(EXAMPLES))
    assert code == 0, out + err
    assert "does not conform" not in out


@pytest.mark.parametrize("fmt", ["text", "json", "turtle"])
def test_validate_reports_violations_and_exits_one(
    env: dict[str, str], tmp_path: Path, fmt: str
) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        SEDNAYA.read_text(encoding="utf-8").replace(
            'schema:datePublished "2018-12-25"^^xsd:date', 'schema:datePublished "25/12/2018"'
        ),
        encoding="utf-8",
    )
    assert "25/12/2018" in broken.read_text(encoding="utf-8")
    code, out, _ = invoke(env, "validate", "--format", fmt, str(broken), str(AUTHORITIES))
    assert code == 1
    if fmt == "json":
        reports = json.loads(out)
        (bad,) = [r for r in reports if not r["conforms"]]
        assert any(r["path"] == "https://schema.org/datePublished" for r in bad["results"])
    elif fmt == "turtle":
        assert "sh:ValidationReport" in out
        assert "sh:conforms false" in out
    else:
        assert "datePublished" in out
        assert "Violation" in out


def test_load_examples_then_again_changes_nothing(loaded_env: dict[str, str]) -> None:
    env = loaded_env
    first = export(env)
    code, out, _ = invoke(env, "load", str(EXAMPLES))
    assert code == 0
    assert out.startswith("0 stored")
    assert export(env) == first


def test_stats_and_query_after_loading(loaded_env: dict[str, str]) -> None:
    env = loaded_env
    code, out, _ = invoke(env, "stats")
    assert code == 0
    assert "statement" in out
    assert "records" in out
    sparql = (
        "PREFIX adv: <https://w3id.org/advocacy-ld/ns#> "
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a adv:AdvocacyDocument }"
    )
    code, out, _ = invoke(env, "query", sparql, "--format", "csv")
    assert code == 0
    assert out.splitlines() == ["n", str(len(list(EXAMPLES.glob("*/statement.ttl"))))]
    code, out, _ = invoke(env, "query", sparql, "--format", "json")
    assert json.loads(out)["head"]["vars"] == ["n"]
    code, out, err = invoke(env, "query", "SELECT WHERE {")
    assert code == 2
    assert "syntax" in err.lower()


@pytest.mark.parametrize(
    ("name", "content", "location"),
    [
        (
            "bad.ttl",
            '@prefix s: <https://schema.org/> .\n<id/org/x> s:name "x" ;\n  s:y .\n',
            ":3:",
        ),
        ("bad.jsonld", '{\n  "@id": "id/org/x",\n  "name": {"en": "x"},\n}\n', ":4:1:"),
    ],
)
def test_malformed_file_gives_location_exit_two_and_store_unchanged(
    loaded_env: dict[str, str], tmp_path: Path, name: str, content: str, location: str
) -> None:
    env = loaded_env
    before = export(env)
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    code, _, err = invoke(env, "load", str(SEDNAYA), str(bad))
    assert code == 2
    assert f"{bad}{location}" in err
    assert export(env) == before


def test_invalid_record_is_refused_and_the_rest_loaded(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    invalid = SEDNAYA.read_text(encoding="utf-8").replace(
        'schema:headline "Atrocities', 'schema:alternativeHeadline "Atrocities'
    )
    assert "alternativeHeadline" in invalid
    (folder / "statement.ttl").write_text(invalid, encoding="utf-8")
    code, out, err = invoke(env, "load", str(folder), str(AUTHORITIES))
    assert code == 1
    assert "1 refused" in out
    assert "headline" in err
    _, out, _ = invoke(env, "stats")
    assert "statement" not in out


def test_export_to_a_file_in_every_format(loaded_env: dict[str, str], tmp_path: Path) -> None:
    env = loaded_env
    for fmt in ("nquads", "trig", "turtle"):
        target = tmp_path / f"dump.{fmt}"
        code, _, _ = invoke(env, "export", "--format", fmt, "--output", str(target))
        assert code == 0
        assert "sednaya" in target.read_text(encoding="utf-8")


def test_console_script_maps_library_errors_to_exit_two(tmp_path: Path) -> None:
    """The installed entry point, in its own process, as a user runs it."""
    script = Path(sys.executable).with_name("advocacy-ld")
    environment = {**os.environ, "ADVOCACY_LD_DATA": str(tmp_path), "ADVOCACY_LD_STORE": "nope"}
    result = subprocess.run(
        [str(script), "stats"], capture_output=True, text=True, env=environment, check=False
    )
    assert result.returncode == 2
    assert "unknown store 'nope'" in result.stderr


def test_a_root_without_its_class_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    untyped = tmp_path / "org.ttl"
    untyped.write_text('<id/org/untyped> <https://schema.org/name> "No type"@en .\n', "utf-8")
    code, out, _ = invoke(env, "validate", str(untyped))
    assert code == 1
    assert "must be typed" in out
    assert "http://www.w3.org/ns/org#Organization" in out


def test_hostile_blank_nodes_are_refused_before_hashing(
    env: dict[str, str], tmp_path: Path
) -> None:
    # A ring of blank nodes: canonicalizing it (RDFC-1.0) would take exponential time.
    ring = "\n".join(f"_:b{i} <https://schema.org/knows> _:b{(i + 1) % 300} ." for i in range(300))
    hostile = tmp_path / "ring.ttl"
    root = (
        "<id/org/ring> a <http://www.w3.org/ns/org#Organization> ; <https://schema.org/knows> _:b0"
    )
    hostile.write_text(f"{root} .\n{ring}\n", "utf-8")
    code, _, err = invoke(env, "load", str(hostile))
    assert code == 2
    assert "blank node" in err


PARALLEL_ORG = """@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix adv: <https://w3id.org/advocacy-ld/ns#> .
<id/org/parallel-{n}> a org:FormalOrganization ;
    schema:name "Parallel organization {n}"@en , "منظمة {n}"@ar ;
    adv:actorType <https://w3id.org/advocacy-ld/vocab/actor-type/non-governmental-organization> .
"""


def test_a_load_in_worker_processes_prints_and_exits_as_one_in_one_process(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-j 2` validates in workers; refused records still name their file and print their
    report, and the counts and exit codes are those of a `-j 1` load."""
    from advocacy_ld.records import ingest

    folder = tmp_path / "records"
    folder.mkdir()
    total = 40
    for n in range(total):
        (folder / f"org-{n:03d}.ttl").write_text(PARALLEL_ORG.format(n=n), encoding="utf-8")
    broken = folder / "org-017.ttl"
    broken.write_text(
        PARALLEL_ORG.format(n=17).replace("a org:FormalOrganization", "a schema:Thing"), "utf-8"
    )
    results = {}
    for processes in ("2", "1"):
        data = tmp_path / f"data-{processes}"
        run_env = {**env, "ADVOCACY_LD_DATA": str(data)}
        with monkeypatch.context() as patch:
            if processes == "2":  # the records must not be checked in this process
                patch.setattr(ingest, "_check_here", None)
            code, out, err = invoke(run_env, "load", "-j", processes, str(folder))
            assert code == 1, out + err
            assert out.strip().splitlines()[-1] == f"{total - 1} stored, 0 unchanged, 1 refused"
            assert f"refused {broken}:" in err
            assert "must be typed" in err
            code, again, _ = invoke(run_env, "load", "--processes", processes, str(folder))
        assert code == 1
        assert again.strip().splitlines()[-1] == f"0 stored, {total - 1} unchanged, 1 refused"
        code, stats, _ = invoke(run_env, "stats")
        assert f"{total - 1} records" in stats
        results[processes] = (out, err)
    assert results["2"] == results["1"]


def test_load_starts_workers_by_default_only_for_enough_validation_work() -> None:
    """Starting workers takes a second or so: a hundred small records, or a hundred
    statement-sized ones, stay in one process; three hundred statements go to one per CPU."""
    from rdflib import Graph, Literal, URIRef

    from advocacy_ld.cli import _default_workers
    from advocacy_ld.records.identity import RecordId
    from advocacy_ld.records.ingest import default_processes
    from advocacy_ld.records.reading import RecordCandidate

    def candidates(triples: int, count: int = 100) -> list[RecordCandidate]:
        graph = Graph()
        for n in range(triples):
            graph.add((URIRef("http://127.0.0.1:8000/id/org/x"), URIRef(f"urn:p:{n}"), Literal(n)))
        record = RecordId("http://127.0.0.1:8000/id/org/x", "org", "x")
        return [RecordCandidate(record, graph, "x.ttl")] * count

    assert _default_workers(candidates(5)) == 1
    assert _default_workers(candidates(275)) == 1
    assert _default_workers(candidates(275, 300)) == default_processes()


def _canonical(nquads: str) -> list[str]:
    dataset = ox.Dataset(ox.parse(nquads.encode(), ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) for quad in dataset)


def test_restore_brings_back_an_exported_archive_once(
    loaded_env: dict[str, str], tmp_path: Path
) -> None:
    backup = tmp_path / "backup.nq"
    code, _, _ = invoke(loaded_env, "export", "--archive", "--output", str(backup))
    assert code == 0
    _, public, _ = invoke(loaded_env, "export")
    restored_env = {**loaded_env, "ADVOCACY_LD_DATA": str(tmp_path / "restored")}
    code, out, err = invoke(restored_env, "restore", str(backup))
    assert code == 0, out + err
    assert out.startswith("restored ")
    assert f"{len(backup.read_bytes().splitlines())} archive quads" in out
    _, archive_again, _ = invoke(restored_env, "export", "--archive")
    assert sorted(archive_again.splitlines()) == sorted(backup.read_text("utf-8").splitlines())
    _, public_again, _ = invoke(restored_env, "export")
    assert _canonical(public_again) == _canonical(public)
    code, _, err = invoke(restored_env, "restore", str(backup))
    assert code == 2
    assert "not empty" in err


def test_restore_reads_stdin_and_names_the_line_of_an_error(
    loaded_env: dict[str, str], tmp_path: Path
) -> None:
    backup = tmp_path / "backup.nq"
    invoke(loaded_env, "export", "--archive", "--output", str(backup))
    lines = backup.read_bytes().splitlines(keepends=True)
    broken = tmp_path / "broken.nq"
    broken.write_bytes(b"".join([*lines[:9], b"<urn:a> <urn:b> .\n", *lines[9:]]))
    env = {**loaded_env, "ADVOCACY_LD_DATA": str(tmp_path / "restored")}
    code, _, err = invoke(env, "restore", str(broken))
    assert code == 2
    assert f"{broken}:10:" in err
    result = runner.invoke(app, ["restore", "-"], input=backup.read_bytes(), env=env)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "restored " in result.stdout
    code, out, _ = invoke(env, "stats")
    assert code == 0
    assert "statement" in out
