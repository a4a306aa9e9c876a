"""Accept negotiation as a table, including the headers real clients send."""

from __future__ import annotations

import pytest

from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.web.negotiation import negotiate, parse_accept, quality_of

# Server preference order for resources: RDF first (Turtle wins ties), HTML last.
AVAILABLE = [r.media_type for r in (*RDF_REPRESENTATIONS, Representation.HTML)]

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"
# SPARQLWrapper asks for RDF/XML (its default return format for CONSTRUCT) with alternatives.
SPARQLWRAPPER_RDF = "application/rdf+xml"
SPARQLWRAPPER_TURTLE = "application/turtle,text/turtle"
# rdflib's Graph.parse(url) (rdflib.parser.URLInputSource) for format=None asks for RDF/XML and
# Turtle families with q-values.
RDFLIB = (
    "application/rdf+xml,text/rdf+n3;q=0.9,application/xhtml+xml;q=0.5,"
    "text/turtle;q=0.9, application/n-triples;q=0.9"
)
# Comunica's default for link traversal.
COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
    "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,"
    "text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,text/xml;q=0.3,"
    "text/html;q=0.2,application/xhtml+xml;q=0.18,application/json;q=0.135,"
    "text/shaclc;q=0.1,text/shaclc-ext;q=0.05"
)

CASES = [
    ("firefox", FIREFOX, "text/html"),
    ("chrome", CHROME, "text/html"),
    ("safari", SAFARI, "text/html"),
    ("curl", CURL, "text/turtle"),
    ("no-accept", None, "text/turtle"),
    ("empty", "", "text/turtle"),
    ("sparqlwrapper-rdfxml", SPARQLWRAPPER_RDF, "application/rdf+xml"),
    ("sparqlwrapper-turtle", SPARQLWRAPPER_TURTLE, "text/turtle"),
    ("rdflib", RDFLIB, "application/rdf+xml"),
    ("comunica", COMUNICA, "application/ld+json"),
    ("jsonld", "application/ld+json", "application/ld+json"),
    ("jsonld-profile", 'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
     "application/ld+json"),
    ("ntriples", "application/n-triples", "application/n-triples"),
    ("text-wildcard", "text/*", "text/turtle"),
    ("text-wildcard-html-preferred", "text/*;q=0.5, text/html", "text/html"),
    ("q-order", "text/turtle;q=0.4, application/ld+json;q=0.8", "application/ld+json"),
    ("specific-beats-wildcard", "*/*;q=0.9, text/turtle;q=0", "application/ld+json"),
    ("case-insensitive", "TEXT/Turtle", "text/turtle"),
    ("whitespace", "  text/turtle ; q=1 ,  text/html ; q=0.1 ", "text/turtle"),
    ("malformed-element-skipped", "garbage, text/html", "text/html"),
    ("bad-q-is-zero", "text/html;q=abc, text/turtle;q=0.1", "text/turtle"),
    ("unavailable", "image/png", None),
    ("all-refused", "*/*;q=0", None),
    ("csv", "text/csv", None),
]  # fmt: skip


@pytest.mark.parametrize(("header", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_negotiation(header: str | None, expected: str | None) -> None:
    assert negotiate(header, AVAILABLE) == expected


def test_quality_uses_the_most_specific_range() -> None:
    ranges = parse_accept("text/*;q=0.3, text/html;q=0.7, */*;q=0.1")
    assert quality_of("text/html", ranges) == 0.7
    assert quality_of("text/turtle", ranges) == 0.3
    assert quality_of("application/ld+json", ranges) == 0.1


def test_q_values_are_clamped() -> None:
    (media_range,) = parse_accept("text/html;q=7")
    assert media_range.quality == 1.0
