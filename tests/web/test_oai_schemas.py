"""The schema checks themselves: local files only, nothing fetched, and strict enough to fail."""

from __future__ import annotations

import pytest
from lxml import etree

from .oai_support import GIVEN_OAI_PMH_XSD, OAI_PMH_XSD, SCHEMAS, check, local_parser

VALID = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2020-01-01T00:00:00Z</responseDate>
<request verb="GetRecord" identifier="http://x/id/org/a" metadataPrefix="oai_dc">http://x/oai</request>
<GetRecord><record><header><identifier>http://x/id/org/a</identifier>
<datestamp>2020-01-01T00:00:00Z</datestamp><setSpec>org</setSpec></header>
<metadata>METADATA</metadata></record></GetRecord>
</OAI-PMH>"""
DC = (
    b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/">ELEMENTS</oai_dc:dc>'
)


def _document(elements: bytes) -> bytes:
    return VALID.replace(b"METADATA", DC.replace(b"ELEMENTS", elements))


def test_imports_resolve_to_the_local_catalogue() -> None:
    parser, resolver = local_parser()
    etree.XMLSchema(etree.parse(str(SCHEMAS / "oai_dc.xsd"), parser))
    assert resolver.resolved == [
        "http://dublincore.org/schemas/xmls/simpledc20021212.xsd",
        "http://www.w3.org/2001/03/xml.xsd",
    ]


def test_a_schema_importing_an_unknown_url_is_refused() -> None:
    parser, _ = local_parser()
    document = etree.fromstring(
        b'<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">'
        b'<import namespace="urn:other" schemaLocation="http://127.0.0.1:9/other.xsd"/>'
        b'<element name="t" type="string"/></schema>',
        parser,
    )
    with pytest.raises(etree.XMLSchemaParseError):
        etree.XMLSchema(document)


def test_a_valid_document_passes() -> None:
    check(_document(b'<dc:title xml:lang="en">A</dc:title><dc:identifier>x</dc:identifier>'))


@pytest.mark.parametrize(
    "document",
    [
        _document(b"<dc:unknown>A</dc:unknown>"),
        _document(b"<dc:title><b>nested</b></dc:title>"),
        _document(b'<dc:title xml:lang="not a language">A</dc:title>'),
        VALID.replace(b"METADATA", b"<other>unqualified</other>"),
        VALID.replace(b"<responseDate>2020-01-01T00:00:00Z</responseDate>\n", b""),
        VALID.replace(b"2020-01-01T00:00:00Z</datestamp>", b"2020-01-01T00:00:00</datestamp>"),
        VALID.replace(b'verb="GetRecord"', b'verb="Get"').replace(b"METADATA", DC),
        VALID.replace(b"<setSpec>org</setSpec>", b"<setSpec>a b</setSpec>"),
    ],
)
def test_an_invalid_document_fails(document: bytes) -> None:
    with pytest.raises(AssertionError):
        check(document)


def test_the_oai_pmh_schema_is_the_one_the_project_was_given() -> None:
    """The copy the tests validate against is the OAI-PMH 2.0 schema, byte for byte the file in
    `../shared/schemas/` wherever that is present (a bare checkout has only the copy)."""
    copy = OAI_PMH_XSD.read_bytes()
    schema = etree.fromstring(copy, local_parser()[0])
    assert schema.get("targetNamespace") == "http://www.openarchives.org/OAI/2.0/"
    if GIVEN_OAI_PMH_XSD.exists():
        assert copy == GIVEN_OAI_PMH_XSD.read_bytes()
