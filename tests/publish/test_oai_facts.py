"""Stored Dublin Core facts: they decode to what `dc_facts` made, their fingerprint follows
the labels and tables they depend on, and the writer escapes as the XML spec requires."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from advocacy_ld.model import Model
from advocacy_ld.model.namespaces import ADV
from advocacy_ld.publish.oai.dublin_core import DcValue, Ref, dc_facts
from advocacy_ld.publish.oai.facts import (
    DC_FACTS,
    concept_labels,
    dc_facts_rendition,
    decode_facts,
    encode_facts,
    facts_fingerprint,
    render_facts,
)
from advocacy_ld.publish.oai.writer import attribute, text

ROOT = "http://x/id/statement/s"
CONCEPT = "https://w3id.org/advocacy-ld/vocab/violation-type/torture"
NTRIPLES = f"""<{ROOT}> <https://schema.org/headline> "Zeta \\"quoted\\" <&>"@en .
<{ROOT}> <https://schema.org/headline> "عنوان"@ar .
<{ROOT}> <https://schema.org/publisher> <http://x/id/org/issuer> .
<{ROOT}> <https://w3id.org/advocacy-ld/ns#makesAllegation> _:a .
_:a <https://w3id.org/advocacy-ld/ns#violationType> <{CONCEPT}> .
_:a <https://schema.org/description> "line one\\nline two" .
"""


def test_stored_facts_decode_to_what_the_mapping_made() -> None:
    triples = [
        (q.subject, q.predicate, q.object)
        for q in ox.parse(NTRIPLES.encode(), format=ox.RdfFormat.N_TRIPLES)
    ]
    labels = {CONCEPT: "Torture"}
    facts = dc_facts(ROOT, "statement", triples, labels)
    stored = render_facts(labels, ROOT, "statement", NTRIPLES)
    assert decode_facts(stored) == list(facts)
    assert decode_facts(stored.encode("utf-8")) == list(facts)
    assert DcValue("publisher", "http://x/id/org/issuer", None, Ref.NAME) in facts
    assert DcValue("subject", "Torture", "en") in facts
    assert "عنوان" in stored  # compact: not \\u-escaped


def test_encoding_round_trips_every_kind_of_value() -> None:
    values = [
        DcValue("title", 'A "b" \\ c\n\x00', "en-GB"),
        DcValue("type", "statement"),
        DcValue("identifier", "http://x/?a=1&b=2", None, Ref.IRI),
        DcValue("coverage", "http://x/id/place/p", None, Ref.NAME),
    ]
    assert decode_facts(encode_facts(values)) == values


def test_the_fingerprint_follows_the_labels_not_their_order() -> None:
    labels = {CONCEPT: "Torture", "http://x/c": "Other"}
    assert facts_fingerprint(labels) == facts_fingerprint(dict(reversed(labels.items())))
    assert facts_fingerprint(labels) != facts_fingerprint({**labels, CONCEPT: "Torture (act)"})
    assert re.fullmatch("[0-9a-f]{64}", facts_fingerprint(labels))


def test_the_rendition_is_adv_dc_facts_over_the_vocabularies(model: Model) -> None:
    labels = concept_labels(model.vocabularies)
    assert labels  # every scheme's concepts have English labels
    rendition = dc_facts_rendition(labels)
    assert rendition.name == DC_FACTS
    assert rendition.predicate == str(ADV.dcFacts)
    assert rendition.fingerprint == facts_fingerprint(labels)
    assert rendition.render(ROOT, "statement", NTRIPLES) == render_facts(
        labels, ROOT, "statement", NTRIPLES
    )


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})  # fmt: skip


@pytest.mark.parametrize(
    "value",
    ["", "plain", "a & b < c > d", '"q" \t\n\r', "&amp; already", "\x00\x1f\ufffe\ud800",
     "عنوان & <x>", "\U0001f600 &#9;", "&<>\"\t\n\r" * 3],
)  # fmt: skip
def test_escaping_is_what_one_character_table_would_give(value: str) -> None:
    """`text` and `attribute` replace string by string, for speed: as a table would, at once."""
    assert text(value) == _NOT_XML.sub("\ufffd", value).translate(_TEXT)
    assert attribute(value) == _NOT_XML.sub("\ufffd", value).translate(_ATTRIBUTE)
