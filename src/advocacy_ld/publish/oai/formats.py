"""The metadata formats this repository disseminates (OAI-PMH 2.0 §3.4, §4.4)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


OAI_DC = MetadataFormat(
    "oai_dc",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc/",
)
"""Unqualified Dublin Core, which every repository must support (§3.4)."""
RDF = MetadataFormat(
    "rdf",
    "http://www.openarchives.org/OAI/2.0/rdf.xsd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
)
"""The record's whole graph as RDF/XML (root `rdf:RDF`)."""

FORMATS: dict[str, MetadataFormat] = {f.prefix: f for f in (OAI_DC, RDF)}
