"""Metadata of a page of records, from the public store, in either format (§2.5, §3.4).

`oai_dc` reads only the triples the mapping uses, for the whole page in one query, and names
the records it points to in a second; `rdf` serializes each record's graph in Rust (a CONSTRUCT
per record, far cheaper than moving every triple through Python). Both are cached by version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from advocacy_ld.publish.oai.cache import MetadataCache
from advocacy_ld.publish.oai.dublin_core import (
    GEOMETRY_LINK,
    PART_LINKS,
    Triple,
    dc_facts,
    references,
    resolve,
)
from advocacy_ld.publish.oai.entries import OaiEntry
from advocacy_ld.publish.oai.formats import OAI_DC, RDF, MetadataFormat
from advocacy_ld.publish.oai.writer import dublin_core, fragment
from advocacy_ld.store.base import Store

_NAME_PREDICATES = ("https://schema.org/name", "https://schema.org/headline")
_EMPTY_RDF = re.compile(rb"<rdf:RDF[^>]*(/>|>\s*</rdf:RDF>)")
"""RDF/XML of no triple: the record left the public dataset after the list was read (a race
with a write), so there is nothing to show, and nothing to cache under its version."""


@dataclass(frozen=True)
class MetadataSource:
    """Where metadata comes from: the public store, the static concept labels, and a cache.

    `names_version` changes whenever a record's name may have changed (the public dataset's
    generation): a cached `oai_dc` document names other records, an RDF one does not.
    """

    store: Store
    concept_labels: Mapping[str, str]
    cache: MetadataCache
    names_version: str

    def render(self, entries: Sequence[OaiEntry], fmt: MetadataFormat) -> dict[str, bytes]:
        """Identifier -> metadata element, for the entries that are not deleted (and still in
        the public dataset)."""
        live = [e for e in entries if not e.deleted]
        rendered: dict[str, bytes] = {}
        missing: list[OaiEntry] = []
        for entry in live:
            cached = self.cache.get(self._key(entry, fmt))
            if cached is None:
                missing.append(entry)
            else:
                rendered[entry.identifier] = cached
        if missing:
            fresh = self._rdf(missing) if fmt is RDF else self._dublin_core(missing)
            for entry in missing:
                body = fresh.get(entry.identifier)
                if body is not None:
                    self.cache.put(self._key(entry, fmt), body)
                    rendered[entry.identifier] = body
        return rendered

    def _key(self, entry: OaiEntry, fmt: MetadataFormat) -> tuple[str, ...]:
        version = str(entry.version)
        if fmt is OAI_DC:
            return (fmt.prefix, entry.identifier, version, self.names_version)
        return (fmt.prefix, entry.identifier, version)

    def _rdf(self, entries: Sequence[OaiEntry]) -> dict[str, bytes]:
        rendered = {}
        for entry in entries:
            result = self.store.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{entry.identifier}> {{ ?s ?p ?o }} }}"
            )
            assert isinstance(result, ox.QueryTriples)
            document = result.serialize(format=ox.RdfFormat.RDF_XML)
            assert document is not None
            if _EMPTY_RDF.search(document) is None:
                rendered[entry.identifier] = fragment(document)
        return rendered

    def _dublin_core(self, entries: Sequence[OaiEntry]) -> dict[str, bytes]:
        triples = _mapped_triples(self.store, [e.identifier for e in entries])
        facts = {
            e.identifier: dc_facts(e.identifier, e.kind, triples[e.identifier], self.concept_labels)
            for e in entries
            if e.identifier in triples
        }
        linked = set().union(*(references(f) for f in facts.values()))
        names = _names(self.store, sorted(linked))
        return {iri: dublin_core(resolve(values, names)) for iri, values in facts.items()}


def _solutions(result: object) -> ox.QuerySolutions:
    assert isinstance(result, ox.QuerySolutions)
    return result


def _values(iris: Sequence[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _mapped_triples(store: Store, graphs: Sequence[str]) -> dict[str, list[Triple]]:
    """The root's triples, and those of its allegations, demands and geometry, by record."""
    links = _values([*PART_LINKS, GEOMETRY_LINK])
    query = (
        f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {_values(graphs)} }} GRAPH ?g {{ "
        f"{{ ?g ?p ?o BIND(?g AS ?s) }} UNION "
        f"{{ VALUES ?link {{ {links} }} ?g ?link ?s . ?s ?p ?o }} }} }}"
    )
    found: dict[str, list[Triple]] = {}
    for row in _solutions(store.query(query)):
        found.setdefault(row[0].value, []).append((row[1], row[2], row[3]))
    return found


def _names(store: Store, iris: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """The English name (or headline) of each record, from the public dataset only."""
    if not iris:
        return {}
    name, headline = (f"<{p}>" for p in _NAME_PREDICATES)
    query = (
        f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {_values(iris)} }} GRAPH ?s {{ "
        f"{{ ?s {name} ?label }} UNION {{ ?s {headline} ?label }} }} }}"
    )
    best: dict[str, tuple[int, str, str | None]] = {}
    for row in _solutions(store.query(query)):
        label = row[1]
        if not isinstance(label, ox.Literal):
            continue
        rank = 0 if label.language == "en" else 1 if label.language is None else 2
        candidate = (rank, label.value, label.language)
        current = best.get(row[0].value)
        if current is None or candidate < current:
            best[row[0].value] = candidate
    return {iri: (label, lang) for iri, (_, label, lang) in best.items()}
