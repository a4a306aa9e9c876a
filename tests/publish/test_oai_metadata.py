"""Metadata of a page from a store (OAI-PMH 2.0 §2.5): both formats, RDF cached by version,
linked records named once per dataset generation, and nothing rendered or cached for a record
no longer in the public dataset."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, URIRef

from advocacy_ld.publish.oai.cache import MetadataCache
from advocacy_ld.publish.oai.entries import OaiEntry
from advocacy_ld.publish.oai.facts import render_facts
from advocacy_ld.publish.oai.formats import OAI_DC, RDF
from advocacy_ld.publish.oai.metadata import MetadataSource
from advocacy_ld.store.oxigraph import OxigraphStore

ORG = "http://x/id/org/a"
PARENT = "http://x/id/org/parent"
GONE = "http://x/id/org/gone"
TURTLE = f"""@prefix schema: <https://schema.org/> .
<{ORG}> a <http://www.w3.org/ns/org#Organization> ; schema:name "Org A"@en, "منظمة"@ar ;
    schema:publisher <{PARENT}> .
"""


def _renditions_of(
    store: OxigraphStore, rdf_format: str
) -> Callable[[list[tuple[str, int]]], dict[str, bytes]]:
    """Stands in for the repository's renditions: the records the store holds, written out."""

    def written(records: list[tuple[str, int]]) -> dict[str, bytes]:
        documents = {}
        for iri, _ in records:
            graph = store.get_record(iri)
            if graph is not None and len(graph):
                documents[iri] = graph.serialize(format=rdf_format, encoding="utf-8")
        return documents

    return written


def _facts_of(store: OxigraphStore) -> Callable[[list[tuple[str, int]]], dict[str, bytes]]:
    """Stands in for the repository's stored Dublin Core facts of the records the store holds."""
    written = _renditions_of(store, "nt")

    def facts(records: list[tuple[str, int]]) -> dict[str, bytes]:
        return {
            iri: render_facts({}, iri, "org", ntriples.decode()).encode()
            for iri, ntriples in written(records).items()
        }

    return facts


def _named(name: str) -> Graph:
    return Graph().parse(
        data=f'<{PARENT}> <https://schema.org/name> "{name}"@en .', format="turtle"
    )


def _source(
    names: dict[str, tuple[str, str | None] | None] | None = None,
) -> tuple[MetadataSource, OxigraphStore, MetadataCache]:
    store = OxigraphStore()
    store.replace_record(ORG, Graph().parse(data=TURTLE, format="turtle"))
    store.replace_record(PARENT, _named("Parent"))
    cache = MetadataCache()
    return (
        MetadataSource(
            store,
            _renditions_of(store, "xml"),
            _facts_of(store),
            cache,
            {} if names is None else names,
        ),
        store,
        cache,
    )


def _entries() -> list[OaiEntry]:
    return [
        OaiEntry(ORG, "org", "2020-01-01T00:00:00Z", False, 1),
        OaiEntry(GONE, "org", "2020-01-01T00:00:00Z", False, 4),
        OaiEntry("http://x/id/org/deleted", "org", "2020-01-01T00:00:00Z", True, 2),
    ]


def test_both_formats_render_only_what_the_store_holds() -> None:
    source, _, cache = _source()
    for fmt in (OAI_DC, RDF):
        rendered = source.render(_entries(), fmt)
        assert list(rendered) == [ORG]
    assert len(cache) == 1  # only RDF/XML is cached
    rdf = Graph().parse(data=source.render(_entries(), RDF)[ORG], format="xml")
    assert (URIRef(ORG), URIRef("https://schema.org/name"), None) in rdf
    dc = source.render(_entries(), OAI_DC)[ORG].decode()
    assert '<dc:title xml:lang="en">Org A</dc:title>' in dc
    assert '<dc:title xml:lang="ar">منظمة</dc:title>' in dc
    assert '<dc:publisher xml:lang="en">Parent</dc:publisher>' in dc


def test_linked_names_are_looked_up_once_per_names_dict() -> None:
    names: dict[str, tuple[str, str | None] | None] = {}
    source, store, _ = _source(names)
    source.render(_entries(), OAI_DC)
    assert names == {PARENT: ("Parent", "en")}
    store.replace_record(PARENT, _named("Renamed"))
    assert b">Parent</dc:publisher>" in source.render(_entries(), OAI_DC)[ORG]
    names.clear()  # what the caller does when the public dataset changes
    assert b">Renamed</dc:publisher>" in source.render(_entries(), OAI_DC)[ORG]
    store.remove_record(PARENT)
    names.clear()
    assert f">{PARENT}</dc:publisher>".encode() in source.render(_entries(), OAI_DC)[ORG]
    assert names == {PARENT: None}  # no public name: the IRI, and not asked again


def test_a_cached_version_is_served_without_the_store() -> None:
    source, store, cache = _source()
    first = source.render(_entries(), RDF)
    store.remove_record(ORG)
    assert source.render(_entries(), RDF) == first  # same version: from the cache
    newer = [OaiEntry(ORG, "org", "2020-01-02T00:00:00Z", False, 2)]
    assert source.render(newer, RDF) == {}  # a new version misses, and the store has none
    assert len(cache) == 1


def test_the_cache_is_bounded_by_compressed_bytes() -> None:
    cache = MetadataCache(max_bytes=1000)
    for number in range(50):
        cache.put(number, bytes(range(256)) * 2)
    assert 0 < cache.size <= 1000
    assert len(cache) == 3
    assert cache.get(0) is None
    assert cache.get(49) == bytes(range(256)) * 2
