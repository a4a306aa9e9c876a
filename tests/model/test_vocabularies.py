"""SKOS vocabularies: every concept labelled in English and Arabic, defined, in one scheme."""

from __future__ import annotations

import re

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from advocacy_ld.model import Model
from advocacy_ld.model.namespaces import ADVC

ARABIC = re.compile(r"[\u0600-\u06FF]")
HURIDOCS = URIRef("https://w3id.org/advocacy-ld/ns#HuridocsCode")

SCHEMES = [
    "violation-type", "legal-characterization", "demand-type", "facility-type", "document-type",
    "actor-type", "review-status",
]  # fmt: skip

REQUIRED = {
    "violation-type": [
        "extrajudicial-execution", "mass-execution", "death-sentence-after-unfair-trial",
        "death-in-custody", "torture", "arbitrary-arrest-and-detention", "enforced-disappearance",
        "incommunicado-or-secret-detention", "denial-of-monitor-access",
    ],
    "legal-characterization": ["genocide", "crimes-against-humanity", "war-crimes",
                               "crimes-against-humanity-murder",
                               "crimes-against-humanity-torture",
                               "crimes-against-humanity-enforced-disappearance",
                               "crimes-against-humanity-imprisonment"],
    "demand-type": [
        "cessation-of-violations", "access-for-independent-monitors", "release-of-detainees",
        "disclosure-of-fate-and-whereabouts", "accountability-or-referral",
        "international-pressure", "protection-of-civilians",
    ],
    "facility-type": ["military-prison"],
    "document-type": ["press-release"],
    "actor-type": ["state-government", "intergovernmental-body", "group-of-actors"],
    "review-status": ["pending", "published", "retracted"],
}  # fmt: skip

MINIMUM = {"violation-type": 10, "demand-type": 7}


def concepts(model: Model) -> list[URIRef]:
    return sorted(c for c in model.vocabularies.subjects(RDF.type, SKOS.Concept)
                  if isinstance(c, URIRef))  # fmt: skip


def test_every_scheme_is_present(model: Model) -> None:
    assert {str(s) for s in model.schemes()} >= {str(ADVC[s]) for s in SCHEMES}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_required_concepts_exist_in_their_scheme(model: Model, scheme: str) -> None:
    members = set(model.vocabularies.subjects(SKOS.inScheme, ADVC[scheme]))
    for slug in REQUIRED[scheme]:
        assert ADVC[f"{scheme}/{slug}"] in members
    assert len(members) >= MINIMUM.get(scheme, 1)


def test_every_concept_is_complete(model: Model) -> None:
    vocab = model.vocabularies
    problems = []
    for concept in concepts(model):
        labels = {lit.language: str(lit) for lit in vocab.objects(concept, SKOS.prefLabel)}
        if "en" not in labels:
            problems.append(f"{concept}: no prefLabel@en")
        if not ARABIC.search(labels.get("ar", "")):
            problems.append(f"{concept}: no Arabic prefLabel@ar")
        if not any(d.language == "en" for d in vocab.objects(concept, SKOS.definition)):
            problems.append(f"{concept}: no definition@en")
        if not list(vocab.objects(concept, SKOS.notation)):
            problems.append(f"{concept}: no notation")
        schemes = list(vocab.objects(concept, SKOS.inScheme))
        if len(schemes) != 1:
            problems.append(f"{concept}: in {len(schemes)} schemes")
        elif not str(concept).startswith(f"{schemes[0]}/"):
            problems.append(f"{concept}: IRI not under its scheme {schemes[0]}")
        top = (concept, SKOS.topConceptOf, schemes[0] if schemes else None) in vocab
        if not top and vocab.value(concept, SKOS.broader) is None:
            problems.append(f"{concept}: neither a top concept nor narrower than one")
    assert problems == []


@pytest.mark.parametrize(
    ("concept", "code"),
    [
        ("violation-type/extrajudicial-execution", "010101020000"),
        ("violation-type/enforced-disappearance", "030103000000"),
        ("violation-type/torture", "020111110000"),
    ],
)
def test_huridocs_codes_are_recorded(model: Model, concept: str, code: str) -> None:
    notations = list(model.vocabularies.objects(ADVC[concept], SKOS.notation))
    assert any(str(n) == code and n.datatype == HURIDOCS for n in notations)
