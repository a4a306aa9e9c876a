"""Which record a graph is: its root IRI and kind (DESIGN.md §3, docs/model.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, URIRef

from advocacy_ld.errors import RecordError

RECORD_KINDS = ("statement", "org", "facility", "report", "place", "person")
"""Kinds whose IRIs name a record (a named graph of their own)."""

PART_KINDS = ("allegation", "demand")
"""Kinds of nodes that live inside a statement record's graph."""

_SLUG = r"[a-z0-9][a-z0-9-]*"


@dataclass(frozen=True)
class RecordId:
    """A record's IRI split into the parts the web surface and CLI use."""

    iri: str
    kind: str
    slug: str

    def __str__(self) -> str:
        return self.iri


class RecordIdentifier:
    """Recognize record IRIs under one deployment base."""

    def __init__(self, base_uri: str) -> None:
        self.base_uri = base_uri.rstrip("/")
        prefix = re.escape(f"{self.base_uri}/id/")
        self._record = re.compile(rf"^{prefix}({'|'.join(RECORD_KINDS)})/({_SLUG})$")
        self._any = re.compile(rf"^{prefix}([a-z]+)/({_SLUG})(#.*)?$")

    def parse(self, iri: str) -> RecordId | None:
        """The record named by `iri`, or None if it is not a record IRI of this deployment."""
        match = self._record.match(iri)
        return RecordId(iri, match.group(1), match.group(2)) if match else None

    def is_local(self, iri: str) -> bool:
        """Whether `iri` is an `/id/` IRI of this deployment (any kind, fragment allowed)."""
        return self._any.match(iri) is not None

    def root_of(self, graph: Graph, source: str) -> RecordId:
        """Find the one record IRI that `graph` describes as a subject."""
        roots = sorted(
            {
                record
                for s in graph.subjects()
                if isinstance(s, URIRef) and (record := self.parse(str(s))) is not None
            },
            key=str,
        )
        if not roots:
            kinds = ", ".join(RECORD_KINDS)
            raise RecordError(
                f"{source}: no record found: one subject must be an IRI "
                f"{self.base_uri}/id/{{kind}}/{{slug}} with kind in {kinds}"
            )
        if len(roots) > 1:
            listed = ", ".join(r.iri for r in roots)
            raise RecordError(f"{source}: one record per document, found {len(roots)}: {listed}")
        return roots[0]
