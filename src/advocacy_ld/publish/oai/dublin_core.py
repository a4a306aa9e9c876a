"""Our terms mapped to unqualified Dublin Core for `oai_dc` (OAI-PMH 2.0 §3.4; docs/oai.md).

Two steps: `dc_facts` reads one record's graph (cacheable by version: it depends on nothing
else but the static concept labels); `resolve` names the other records it points to (a
publisher, a facility), whose names may change without this record changing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pyoxigraph as ox

_SCHEMA = "https://schema.org/"
_ADV = "https://w3id.org/advocacy-ld/ns#"
_ORG = "http://www.w3.org/ns/org#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_GEO = "http://www.opengis.net/ont/geosparql#"

DC_ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
)  # fmt: skip
"""The fifteen elements, in the order of the DCMES (and of the output)."""

TEXT_KINDS = frozenset({"statement", "report"})
"""Kinds whose records describe texts: DCMI Type `Text`."""


class Ref:
    """How a value is rendered: as the literal, a concept label, a record name or the IRI."""

    LITERAL = "literal"
    CONCEPT = "concept"
    NAME = "name"
    IRI = "iri"


# (predicate, DC element, how its object becomes a value), for the record's root node...
ROOT_MAP: tuple[tuple[str, str, str], ...] = (
    (f"{_SCHEMA}headline", "title", Ref.LITERAL),
    (f"{_SCHEMA}name", "title", Ref.LITERAL),
    ("http://xmlns.com/foaf/0.1/name", "title", Ref.LITERAL),
    ("http://www.w3.org/2004/02/skos/core#altLabel", "title", Ref.LITERAL),
    (f"{_SCHEMA}publisher", "publisher", Ref.NAME),
    (f"{_SCHEMA}description", "description", Ref.LITERAL),
    (f"{_SCHEMA}datePublished", "date", Ref.LITERAL),
    (_RDF_TYPE, "type", Ref.IRI),
    (f"{_ADV}documentType", "type", Ref.CONCEPT),
    (f"{_ADV}actorType", "type", Ref.CONCEPT),
    (f"{_ADV}facilityType", "type", Ref.CONCEPT),
    (f"{_SCHEMA}url", "identifier", Ref.LITERAL),
    (f"{_SCHEMA}printEdition", "source", Ref.LITERAL),
    (f"{_SCHEMA}inLanguage", "language", Ref.LITERAL),
    ("http://purl.org/spar/cito/citesAsEvidence", "relation", Ref.IRI),
    (f"{_SCHEMA}mentions", "relation", Ref.IRI),
    (f"{_SCHEMA}sameAs", "relation", Ref.IRI),
    (f"{_ORG}subOrganizationOf", "relation", Ref.IRI),
    (f"{_ORG}unitOf", "relation", Ref.IRI),
    (f"{_ADV}operatedBy", "relation", Ref.IRI),
    (f"{_SCHEMA}containedInPlace", "coverage", Ref.NAME),
)
# ...for the allegations and demands a statement makes (reported speech: what the issuer says)...
PART_MAP: tuple[tuple[str, str, str], ...] = (
    (f"{_ADV}assertedBy", "creator", Ref.NAME),
    (f"{_ADV}violationType", "subject", Ref.CONCEPT),
    (f"{_ADV}legalCharacterization", "subject", Ref.CONCEPT),
    (f"{_ADV}demandType", "subject", Ref.CONCEPT),
    (f"{_SCHEMA}description", "description", Ref.LITERAL),
    (f"{_ADV}atFacility", "coverage", Ref.NAME),
    (f"{_SCHEMA}temporalCoverage", "coverage", Ref.LITERAL),
)
PART_LINKS = (f"{_ADV}makesAllegation", f"{_ADV}makesDemand")
# ...and for a facility's geometry node.
GEOMETRY_LINK = f"{_GEO}hasGeometry"
GEOMETRY_MAP: tuple[tuple[str, str, str], ...] = ((f"{_GEO}asWKT", "coverage", Ref.LITERAL),)

MAPPED_PREDICATES = frozenset(
    [p for p, _, _ in (*ROOT_MAP, *PART_MAP, *GEOMETRY_MAP)] + [*PART_LINKS, GEOMETRY_LINK]
)
"""Every predicate the mapping reads: a record's other triples need not be fetched for it."""


class DcValue(NamedTuple):
    """One element value; for `Ref.NAME` the text is an IRI to be named by `resolve`."""

    element: str
    text: str
    lang: str | None = None
    ref: str = Ref.LITERAL


Name = tuple[str, str | None]
"""A record's name and its language."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, Term]


def dc_facts(
    root: str, kind: str, triples: Iterable[Triple], concept_labels: Mapping[str, str]
) -> tuple[DcValue, ...]:
    """The Dublin Core values of one record, from its graph (only MAPPED_PREDICATES matter)."""
    by_subject: dict[str, dict[str, list[Term]]] = {}
    for subject, predicate, value in triples:
        properties = by_subject.setdefault(subject.value, {})
        properties.setdefault(predicate.value, []).append(value)
    root_properties = by_subject.get(root, {})
    values = [DcValue("identifier", root, None, Ref.IRI), DcValue("type", kind)]
    if kind in TEXT_KINDS:
        values.append(DcValue("type", "Text"))
    values += _map(root_properties, ROOT_MAP, concept_labels)
    for link, mapping in _NESTED:
        for node in sorted(root_properties.get(link, ()), key=lambda n: n.value):
            values += _map(by_subject.get(node.value, {}), mapping, concept_labels)
    return tuple(_ordered(values))


_NESTED = (*((link, PART_MAP) for link in PART_LINKS), (GEOMETRY_LINK, GEOMETRY_MAP))
_RANK = {name: number for number, name in enumerate(DC_ELEMENTS)}


def _english_first(value: Term) -> tuple[bool, str]:
    # English first, then by text: the same graph always gives the same document.
    return (getattr(value, "language", None) != "en", value.value)


def _map(
    properties: dict[str, list[Term]],
    mapping: tuple[tuple[str, str, str], ...],
    concept_labels: Mapping[str, str],
) -> list[DcValue]:
    found = []
    for predicate, element, ref in mapping:
        matches = properties.get(predicate)
        if not matches:
            continue
        for value in sorted(matches, key=_english_first):
            if isinstance(value, ox.Literal):
                found.append(DcValue(element, value.value, value.language))
            elif isinstance(value, ox.BlankNode):
                continue
            elif ref == Ref.CONCEPT:
                label = concept_labels.get(value.value)
                found.append(
                    DcValue(element, label, "en") if label else DcValue(element, value.value)
                )
            else:
                found.append(DcValue(element, value.value, None, ref))
    return found


def _ordered(values: list[DcValue]) -> list[DcValue]:
    """DCMES element order; within an element, first seen first; no value twice."""
    return sorted(dict.fromkeys(values), key=lambda v: _RANK[v.element])


def references(facts: Iterable[DcValue]) -> set[str]:
    """IRIs whose names `resolve` needs."""
    return {v.text for v in facts if v.ref == Ref.NAME}


def resolve(facts: Iterable[DcValue], names: Mapping[str, Name]) -> list[DcValue]:
    """Replace record IRIs by their names (text, language) where the public dataset has one;
    a record that is not public keeps its IRI, which the citing record shows anyway."""
    resolved = []
    for value in facts:
        if value.ref == Ref.NAME and value.text in names:
            name, lang = names[value.text]
            value = DcValue(value.element, name, lang)
        resolved.append(value)
    return list(dict.fromkeys(resolved))
