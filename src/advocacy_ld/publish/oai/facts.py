"""Each version's Dublin Core facts, kept in the archive as a rendition (`adv:dcFacts`).

`dc_facts` depends on nothing but the version's graph, the mapping tables and the concept labels,
so it runs once, when the version is stored; an `oai_dc` page then only decodes the stored JSON
and names the records the facts point to (`resolve`), whose names may change at any time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import partial

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from advocacy_ld.publish.oai.dublin_core import (
    GEOMETRY_LINK,
    GEOMETRY_MAP,
    PART_LINKS,
    PART_MAP,
    ROOT_MAP,
    TEXT_KINDS,
    DcValue,
    Triple,
    dc_facts,
)
from advocacy_ld.records.ledger import DerivedRendition

DC_FACTS = "dcFacts"
"""The rendition's name: its property is `adv:dcFacts`."""
FACTS_FORMAT = 1
"""Bump when `dc_facts` or the encoding changes in a way the tables below do not show: the new
fingerprint makes every version's facts be computed again."""


def concept_labels(vocabularies: Graph) -> dict[str, str]:
    """Concept IRI -> its English `skos:prefLabel`: what a concept becomes in `oai_dc`."""
    return {
        str(concept): str(label)
        for concept, label in vocabularies.subject_objects(SKOS.prefLabel)
        if isinstance(label, Literal) and label.language == "en"
    }


def dc_facts_rendition(labels: Mapping[str, str]) -> DerivedRendition:
    """The rendition the repository keeps of every version for `oai_dc`."""
    return DerivedRendition(DC_FACTS, facts_fingerprint(labels), partial(render_facts, labels))


def facts_fingerprint(labels: Mapping[str, str]) -> str:
    """SHA-256 of everything but the graph that the facts depend on."""
    tables = (FACTS_FORMAT, ROOT_MAP, PART_MAP, PART_LINKS, GEOMETRY_LINK, GEOMETRY_MAP,
              sorted(TEXT_KINDS), sorted(labels.items()))  # fmt: skip
    return hashlib.sha256(repr(tables).encode("utf-8")).hexdigest()


def render_facts(labels: Mapping[str, str], record: str, kind: str, graph_ntriples: str) -> str:
    """One version's facts, from its N-Triples, as stored."""
    quads = ox.parse(graph_ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    triples: list[Triple] = [
        (quad.subject, quad.predicate, quad.object)
        for quad in quads
        if not isinstance(quad.subject, ox.Triple) and not isinstance(quad.object, ox.Triple)
    ]
    return encode_facts(dc_facts(record, kind, triples, labels))


def encode_facts(facts: Iterable[DcValue]) -> str:
    """Compact JSON: one [element, text, lang, ref] array per value, in order."""
    return json.dumps(list(facts), ensure_ascii=False, separators=(",", ":"))


def decode_facts(stored: str | bytes) -> list[DcValue]:
    return list(map(DcValue._make, json.loads(stored)))
