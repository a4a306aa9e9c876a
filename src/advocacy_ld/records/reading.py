"""Turn files into record candidates: parse, find the root, check the IRIs belong here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from advocacy_ld.errors import RecordError
from advocacy_ld.model.namespaces import prefixed_graph
from advocacy_ld.records.blank_nodes import check_blank_nodes
from advocacy_ld.records.identity import RecordId, RecordIdentifier
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax, parse_triples
from advocacy_ld.store.terms import triples_to_graph, triples_to_ntriples

RECORD_EXTENSIONS = frozenset(ext for syntax in RDFSyntax for ext in syntax.extensions) - {
    ".json",
    ".xml",
    ".owl",
}
"""Extensions picked up when a folder is loaded (plain .json/.xml are too often not records)."""


@dataclass(frozen=True)
class RecordCandidate:
    """A parsed record, not yet validated or stored."""

    id: RecordId
    graph: Graph
    source: str
    ntriples: str | None = None
    """The graph as N-Triples when the reader has it (written by pyoxigraph as it parsed)."""


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, and record files found below folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in RECORD_EXTENSIONS)
            )
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return found


def read_record(
    data: bytes, syntax: RDFSyntax, source: str, options: ParseOptions, ids: RecordIdentifier
) -> RecordCandidate:
    """Parse one document and check that it forms exactly one record of this deployment."""
    triples = parse_triples(data, syntax, source, options)
    graph = triples_to_graph(triples, prefixed_graph())
    if len(graph) == 0:
        raise RecordError(f"{source}: the document holds no triples")
    record = ids.root_of(graph, source)
    foreign = sorted(
        str(s) for s in set(graph.subjects()) if isinstance(s, URIRef) and not ids.is_local(str(s))
    )
    if foreign:
        raise RecordError(
            f"{source}: a record may only describe IRIs under {ids.base_uri}/id/; "
            f"it describes {', '.join(foreign[:5])}"
        )
    # Before anything canonicalizes the graph: RDFC-1.0 is exponential on hostile blank nodes.
    check_blank_nodes(graph)
    return RecordCandidate(record, graph, source, triples_to_ntriples(triples))


def read_record_file(path: Path, options: ParseOptions, ids: RecordIdentifier) -> RecordCandidate:
    return read_record(path.read_bytes(), RDFSyntax.for_path(path), str(path), options, ids)


def linked_iris(graph: Graph) -> set[str]:
    """IRIs the graph points to but does not describe: whose types validation needs."""
    subjects = set(graph.subjects())
    return {str(o) for o in graph.objects() if isinstance(o, URIRef) and o not in subjects}
