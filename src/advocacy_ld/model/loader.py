"""Load the ontology, vocabularies, shapes and context once per process, on first use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from advocacy_ld.model.namespaces import ADVC, bind_prefixes
from advocacy_ld.model.resources import ontology_dir, shapes_dir


@dataclass(frozen=True)
class Model:
    """The project's public contract, as graphs: what the shapes and serializers need."""

    ontology: Graph
    """`advocacy.ttl` + `alignments.ttl`: passed to pySHACL as `ont_graph`."""
    vocabularies: Graph
    """Every SKOS scheme; part of each validation's data graph."""
    shapes: Graph
    """`core.ttl` + `recommended.ttl`."""
    context: dict[str, Any]
    """The JSON-LD context document (`{"@context": {...}}`)."""

    def schemes(self) -> list[URIRef]:
        """The IRIs of the concept schemes, in IRI order."""
        return sorted(
            s
            for s in self.vocabularies.subjects(RDF.type, SKOS.ConceptScheme)
            if isinstance(s, URIRef)
        )

    def scheme(self, name: str) -> Graph:
        """One scheme and its concepts (`name` as in `ontology/vocab/{name}.ttl`)."""
        return _parse_files([ontology_dir() / "vocab" / f"{name}.ttl"])

    @staticmethod
    def scheme_iri(name: str) -> URIRef:
        return ADVC[name]


def _parse_files(paths: list[Path]) -> Graph:
    graph = bind_prefixes(Graph())
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@cache
def load_context() -> dict[str, Any]:
    """The JSON-LD context document; all that reading JSON-LD input needs."""
    context: dict[str, Any] = json.loads(
        (ontology_dir() / "context.jsonld").read_text(encoding="utf-8")
    )
    return context


@cache
def load_model() -> Model:
    """Parse the model files; cached so every record's validation reuses the same graphs."""
    onto = ontology_dir()
    shapes = shapes_dir()
    return Model(
        ontology=_parse_files([onto / "advocacy.ttl", onto / "alignments.ttl"]),
        vocabularies=_parse_files(sorted((onto / "vocab").glob("*.ttl"))),
        shapes=_parse_files([shapes / "core.ttl", shapes / "recommended.ttl"]),
        context=load_context(),
    )
