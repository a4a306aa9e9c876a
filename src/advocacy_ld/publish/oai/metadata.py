"""Metadata of a page of records, from the public store, in either format (§2.5, §3.4).

Both read what was written when each version was stored (one string per record): `oai_dc` keeps
the triples the mapping uses from the N-Triples and names the records they point to in one query
of the public store; `rdf` is the stored RDF/XML. Both are cached by version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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

_PART_PREDICATES = frozenset(f"<{iri}>".encode() for iri in (*PART_LINKS, GEOMETRY_LINK))
_NAME_PREDICATES = ("https://schema.org/name", "https://schema.org/headline")


@dataclass(frozen=True)
class MetadataSource:
    """Where metadata comes from: the public store, the static concept labels, and a cache.

    `names_version` changes whenever a record's name may have changed (the public dataset's
    generation): a cached `oai_dc` document names other records, an RDF one does not.
    """

    store: Store
    rdf_xml: Callable[[list[tuple[str, int]]], dict[str, bytes]]
    """RDF/XML of (record, version) pairs, each only while it is that record's public version
    (written when the version was stored); a record withdrawn since the list was read has none."""
    ntriples: Callable[[list[tuple[str, int]]], dict[str, bytes]]
    """The same pairs' graphs as N-Triples, on the same terms."""
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
        documents = self.rdf_xml([(e.identifier, e.version) for e in entries])
        return {iri: fragment(document) for iri, document in documents.items()}

    def _dublin_core(self, entries: Sequence[OaiEntry]) -> dict[str, bytes]:
        triples = _mapped_triples(self.ntriples([(e.identifier, e.version) for e in entries]))
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


def _mapped_triples(documents: Mapping[str, bytes]) -> dict[str, list[Triple]]:
    """The root's triples, and those of its allegations, demands and geometry, by record,
    from each record's stored N-Triples: the lines are picked by their subject as bytes (an
    N-Triples line starts with its subject and a space), and only those are parsed."""
    found: dict[str, list[Triple]] = {}
    for iri, document in documents.items():
        root = f"<{iri}>".encode()
        lines = document.split(b"\n")
        subjects = {root}
        for line in lines:
            if line.startswith(root):
                _, predicate, rest = line.split(b" ", 2)
                if predicate in _PART_PREDICATES:
                    subjects.add(rest.rsplit(b" ", 1)[0])  # "<o> ." -> "<o>"
        kept = b"\n".join(line for line in lines if line.split(b" ", 1)[0] in subjects)
        found[iri] = [
            (quad.subject, quad.predicate, quad.object)
            for quad in ox.parse(kept, format=ox.RdfFormat.N_TRIPLES)
            if not isinstance(quad.subject, ox.Triple) and not isinstance(quad.object, ox.Triple)
        ]
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
