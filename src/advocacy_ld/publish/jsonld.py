"""JSON-LD output compacted with the project context (JSON-LD 1.1 Processing, §6 Compaction)."""

from __future__ import annotations

from typing import Any

from pyld import jsonld
from rdflib import Graph

from advocacy_ld.errors import RemoteContextRefusedError
from advocacy_ld.model.namespaces import CONTEXT_IRI
from advocacy_ld.store.terms import graph_to_ntriples


def _refuse_loading(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    # pyld calls this for any context given by URL; we only ever pass inline contexts.
    raise RemoteContextRefusedError("compaction", url)


def compact_graph(
    graph: Graph, context: dict[str, Any], context_url: str = CONTEXT_IRI
) -> dict[str, Any]:
    """Compact `graph`; the output references the context by `context_url`."""
    nquads = graph_to_ntriples(graph)
    options = {"documentLoader": _refuse_loading}
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads", **options})
    compacted: dict[str, Any] = jsonld.compact(expanded, context, options)
    compacted["@context"] = context_url
    return compacted
