"""The formats a SPARQL answer comes in, by query form (SPARQL 1.1 Protocol §2.1.6).

SELECT and ASK answer in the SPARQL result formats, CONSTRUCT and DESCRIBE in RDF syntaxes.
Each format also has the names clients put in `format=`, `output=` or `results=` (Virtuoso,
Joseki and SPARQLWrapper conventions), and the W3C format IRI a service description lists.
"""

from __future__ import annotations

from enum import Enum

import pyoxigraph as ox

_FORMATS_NS = "http://www.w3.org/ns/formats/"


class ResultFormat(Enum):
    """SPARQL 1.1 query result formats (JSON, XML, CSV, TSV) for SELECT and ASK."""

    JSON = ("application/sparql-results+json", "SPARQL_Results_JSON", ("json", "srj"))
    XML = ("application/sparql-results+xml", "SPARQL_Results_XML", ("xml", "srx"))
    CSV = ("text/csv", "SPARQL_Results_CSV", ("csv",))
    TSV = ("text/tab-separated-values", "SPARQL_Results_TSV", ("tsv",))

    @property
    def media_type(self) -> str:
        media_type: str = self.value[0]
        return media_type

    @property
    def iri(self) -> str:
        return f"{_FORMATS_NS}{self.value[1]}"

    @property
    def names(self) -> tuple[str, ...]:
        names: tuple[str, ...] = self.value[2]
        return names

    @property
    def oxigraph(self) -> ox.QueryResultsFormat:
        """pyoxigraph's name for it (it writes ASK answers; CSV/TSV as a bare `true`)."""
        return {
            "JSON": ox.QueryResultsFormat.JSON,
            "XML": ox.QueryResultsFormat.XML,
            "CSV": ox.QueryResultsFormat.CSV,
            "TSV": ox.QueryResultsFormat.TSV,
        }[self.name]

    @property
    def content_type(self) -> str:
        """CSV and TSV are text/*: say UTF-8 (Results CSV/TSV §5); XML and JSON carry it."""
        if self is ResultFormat.CSV or self is ResultFormat.TSV:
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


class GraphFormat(Enum):
    """RDF syntaxes for CONSTRUCT and DESCRIBE."""

    TURTLE = ("text/turtle", "Turtle", ("turtle", "ttl"), ox.RdfFormat.TURTLE)
    JSON_LD = (
        "application/ld+json",
        "JSON-LD",
        ("json-ld", "jsonld", "json"),
        ox.RdfFormat.JSON_LD,
    )
    N_TRIPLES = (
        "application/n-triples",
        "N-Triples",
        ("n-triples", "ntriples", "nt"),
        ox.RdfFormat.N_TRIPLES,
    )
    RDF_XML = (
        "application/rdf+xml",
        "RDF_XML",
        ("rdf+xml", "rdfxml", "rdf", "xml"),
        ox.RdfFormat.RDF_XML,
    )

    @property
    def media_type(self) -> str:
        media_type: str = self.value[0]
        return media_type

    @property
    def iri(self) -> str:
        return f"{_FORMATS_NS}{self.value[1]}"

    @property
    def names(self) -> tuple[str, ...]:
        names: tuple[str, ...] = self.value[2]
        return names

    @property
    def rdf_format(self) -> ox.RdfFormat:
        rdf_format: ox.RdfFormat = self.value[3]
        return rdf_format

    @property
    def content_type(self) -> str:
        if self is GraphFormat.TURTLE or self is GraphFormat.N_TRIPLES:
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


def result_format_named(name: str) -> ResultFormat | None:
    """`json`, `xml`, `csv`, `tsv` or a media type; None when it names none of them."""
    wanted = name.strip().lower()
    return next((f for f in ResultFormat if wanted in f.names or wanted == f.media_type), None)


def graph_format_named(name: str) -> GraphFormat | None:
    """`turtle`, `json-ld` (or `json`), `nt`, `rdf+xml` (or `xml`) or a media type; else None."""
    wanted = name.strip().lower()
    return next((f for f in GraphFormat if wanted in f.names or wanted == f.media_type), None)
