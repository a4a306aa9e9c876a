"""Metadata of a page of records, from the public store, in either format (§2.5, §3.4).

Both read what was written when each version was stored (one string per record): `oai_dc` its
Dublin Core facts (see `facts`), naming the records they point to from the public store; `rdf`
the RDF/XML, cached by version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from advocacy_ld.publish.oai.cache import MetadataCache
from advocacy_ld.publish.oai.dublin_core import Name, references, resolve
from advocacy_ld.publish.oai.entries import OaiEntry
from advocacy_ld.publish.oai.facts import decode_facts
from advocacy_ld.publish.oai.formats import OAI_DC, MetadataFormat
from advocacy_ld.publish.oai.writer import dublin_core, fragment
from advocacy_ld.store.base import Store

_NAME_PREDICATES = ("https://schema.org/name", "https://schema.org/headline")


@dataclass(frozen=True)
class MetadataSource:
    """Where metadata comes from: the renditions of public versions, the public store, caches.

    Only RDF/XML documents are cached (each is ~40 KB to read); an `oai_dc` element is made
    anew from its stored facts (~2.5 KB) for little more than compressing it for a cache costs,
    and any public write (which may rename a linked record) would void it.
    """

    store: Store
    rdf_xml: Callable[[list[tuple[str, int]]], dict[str, bytes]]
    """RDF/XML of (record, version) pairs, each only while it is that record's public version
    (written when the version was stored); a record withdrawn since the list was read has none."""
    dc_facts: Callable[[list[tuple[str, int]]], dict[str, bytes]]
    """The same pairs' Dublin Core facts (`facts.encode_facts`), on the same terms."""
    cache: MetadataCache
    names: dict[str, Name | None]
    """Linked records' names looked up so far (None: it has none), in the public dataset as it
    is now: the caller starts a new dict whenever the dataset changes. A harvest's pages link
    the same publishers, facilities and places again and again."""

    def render(self, entries: Sequence[OaiEntry], fmt: MetadataFormat) -> dict[str, bytes]:
        """Identifier -> metadata element, for the entries that are not deleted (and still in
        the public dataset)."""
        live = [e for e in entries if not e.deleted]
        return self._dublin_core(live) if fmt is OAI_DC else self._cached_rdf(live)

    def _cached_rdf(self, entries: Sequence[OaiEntry]) -> dict[str, bytes]:
        rendered: dict[str, bytes] = {}
        missing: list[OaiEntry] = []
        for entry in entries:
            cached = self.cache.get((entry.identifier, entry.version))
            if cached is None:
                missing.append(entry)
            else:
                rendered[entry.identifier] = cached
        if missing:
            documents = self.rdf_xml([(e.identifier, e.version) for e in missing])
            for entry in missing:
                document = documents.get(entry.identifier)
                if document is not None:
                    body = fragment(document)
                    self.cache.put((entry.identifier, entry.version), body)
                    rendered[entry.identifier] = body
        return rendered

    def _dublin_core(self, entries: Sequence[OaiEntry]) -> dict[str, bytes]:
        stored = self.dc_facts([(e.identifier, e.version) for e in entries])
        facts = {iri: decode_facts(text) for iri, text in stored.items()}
        names = self._linked_names(set().union(*(references(f) for f in facts.values())))
        return {iri: dublin_core(resolve(values, names)) for iri, values in facts.items()}

    def _linked_names(self, iris: set[str]) -> dict[str, Name]:
        unknown = sorted(iris.difference(self.names))
        if unknown:
            found = _names(self.store, unknown)
            self.names.update({iri: found.get(iri) for iri in unknown})
        return {iri: name for iri in iris if (name := self.names[iri]) is not None}


def _solutions(result: object) -> ox.QuerySolutions:
    assert isinstance(result, ox.QuerySolutions)
    return result


def _values(iris: Sequence[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


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
