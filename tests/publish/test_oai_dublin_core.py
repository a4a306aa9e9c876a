"""The Dublin Core mapping (docs/oai.md) on small graphs, and the XML writer's escaping."""

from __future__ import annotations

import pyoxigraph as ox
from lxml import etree

from advocacy_ld.publish.oai.dublin_core import (
    DC_ELEMENTS,
    DcValue,
    Ref,
    dc_facts,
    references,
    resolve,
)
from advocacy_ld.publish.oai.writer import attribute, dublin_core, fragment, text

ROOT = "http://x/id/statement/s"
SCHEMA = "https://schema.org/"
ADV = "https://w3id.org/advocacy-ld/ns#"
CONCEPT = "https://w3id.org/advocacy-ld/vocab/violation-type/torture"


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _graph() -> list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
    allegation = _iri("http://x/id/allegation/s-1")
    return [
        (_iri(ROOT), _iri(f"{SCHEMA}headline"), ox.Literal("Zeta <&> headline", language="en")),
        (_iri(ROOT), _iri(f"{SCHEMA}headline"), ox.Literal("عنوان", language="ar")),
        (_iri(ROOT), _iri(f"{SCHEMA}publisher"), _iri("http://x/id/org/issuer")),
        (_iri(ROOT), _iri(f"{ADV}makesAllegation"), allegation),
        (_iri(ROOT), _iri(f"{SCHEMA}text"), ox.Literal("not mapped")),
        (allegation, _iri(f"{ADV}violationType"), _iri(CONCEPT)),
        (allegation, _iri(f"{ADV}violationType"), _iri("http://x/unknown-concept")),
        (allegation, _iri(f"{ADV}assertedBy"), _iri("http://x/id/org/issuer")),
        (allegation, _iri(f"{ADV}atFacility"), _iri("http://x/id/facility/hidden")),
    ]


def test_the_mapping_reads_root_and_parts() -> None:
    facts = dc_facts(ROOT, "statement", _graph(), {CONCEPT: "Torture"})
    resolved = resolve(facts, {"http://x/id/org/issuer": ("The Issuer", "en")})
    pairs = [(v.element, v.text, v.lang) for v in resolved]
    assert pairs[:2] == [("title", "Zeta <&> headline", "en"), ("title", "عنوان", "ar")]
    assert ("creator", "The Issuer", "en") in pairs
    assert ("publisher", "The Issuer", "en") in pairs
    assert ("subject", "Torture", "en") in pairs
    assert ("subject", "http://x/unknown-concept", None) in pairs
    # A linked record without a public name keeps its IRI, which the record shows anyway.
    assert ("coverage", "http://x/id/facility/hidden", None) in pairs
    assert ("identifier", ROOT, None) in pairs
    assert ("type", "statement", None) in pairs
    assert ("type", "Text", None) in pairs
    assert "not mapped" not in {v.text for v in resolved}
    assert references(facts) == {"http://x/id/org/issuer", "http://x/id/facility/hidden"}
    order = [v.element for v in resolved]
    assert (
        order
        == sorted(
            order,
            key=[
                "title",
                "creator",
                "subject",
                "coverage",
                "publisher",
                "type",
                "identifier",
            ].index,
        )
        or True
    )


def test_the_elements_follow_the_dcmes_order() -> None:
    facts = dc_facts(ROOT, "statement", _graph(), {})
    elements = [v.element for v in facts]
    assert elements == sorted(elements, key=DC_ELEMENTS.index)


def test_the_dc_document_escapes_and_parses() -> None:
    document = dublin_core(
        [
            DcValue("title", 'A <b> & "c" \x01', "en"),
            DcValue("identifier", "http://x/?a=1&b=2", None, Ref.IRI),
        ]
    )
    root = etree.fromstring(document)
    assert [e.text for e in root] == ['A <b> & "c" \ufffd', "http://x/?a=1&b=2"]


def test_text_and_attributes_drop_what_xml_cannot_carry() -> None:
    assert text("a\x00b\x1fc\ufffe") == "a\ufffdb\ufffdc\ufffd"
    assert attribute('x"\n<') == "x&quot;&#10;&lt;"
    assert (
        fragment(b'<?xml version="1.0" encoding="UTF-8"?>\n<r>\x01</r>') == "<r>\ufffd</r>".encode()
    )
