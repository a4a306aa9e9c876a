"""The ontology is a documented public contract: every own term labelled in English and Arabic."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from advocacy_ld.model import Model
from advocacy_ld.model.namespaces import ADV
from advocacy_ld.model.resources import ontology_dir

ONTOLOGY = URIRef("https://w3id.org/advocacy-ld/ns")
VANN = "http://purl.org/vocab/vann/"
ARABIC = re.compile(r"[\u0600-\u06FF]")


def own_terms(graph: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
    return sorted(
        {
            s
            for kind in kinds
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(str(ADV))
        }
    )


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_dir() / "advocacy.ttl")


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionIRI, OWL.versionInfo, URIRef("http://purl.org/dc/terms/license")):
        assert ontology.value(ONTOLOGY, prop) is not None, prop
    assert ontology.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix")) == Literal("adv")


REQUIRED_TERMS = [
    "AdvocacyDocument", "SourceText", "Allegation", "Demand", "DetentionFacility", "ActorGroup",
    "documentType", "sourceText", "sha256", "makesAllegation", "makesDemand", "assertedBy",
    "violationType", "allegedPerpetrator", "atFacility", "legalCharacterization", "addressee",
    "demandType", "actorType", "facilityType", "operatedBy", "isPublicFigure",
]  # fmt: skip


@pytest.mark.parametrize("name", REQUIRED_TERMS)
def test_every_term_of_the_model_is_declared(ontology: Graph, name: str) -> None:
    assert ADV[name] in own_terms(ontology)


def test_every_own_term_has_english_and_arabic_labels_and_a_definition(ontology: Graph) -> None:
    problems = []
    for term in own_terms(ontology):
        labels = {lit.language: str(lit) for lit in ontology.objects(term, RDFS.label)}
        definitions = [d for d in ontology.objects(term, SKOS.definition) if d.language == "en"]
        if "en" not in labels:
            problems.append(f"{term}: no English label")
        arabic = labels.get("ar", "")
        # Arabic script, not a copy of the English (technical acronyms such as SHA-256 may stay).
        if not ARABIC.search(arabic) or arabic == labels.get("en"):
            problems.append(f"{term}: Arabic label {arabic!r} is not written in Arabic")
        if not definitions:
            problems.append(f"{term}: no English definition")
    assert problems == []


def test_alignments_hold_only_external_subclass_axioms(model: Model) -> None:
    alignments = Graph().parse(ontology_dir() / "alignments.ttl")
    axioms = list(alignments.subject_objects(RDFS.subClassOf))
    assert axioms
    for sub, sup in axioms:
        assert not str(sub).startswith(str(ADV)), sub
        assert not str(sup).startswith(str(ADV)), sup
    extra = {
        p for p in alignments.predicates() if p not in (RDFS.subClassOf, RDFS.comment, RDF.type)
    }
    dcterms = "http://purl.org/dc/terms/"
    # Ontology header, and owl:Axiom annotations that cite where each axiom comes from.
    header = {URIRef(dcterms + t) for t in ("license", "title", "description", "source")}
    owl = {OWL.versionInfo, OWL.imports, OWL.versionIRI, OWL.annotatedSource}
    annotations = {OWL.annotatedProperty, OWL.annotatedTarget, RDFS.label, RDFS.seeAlso}
    allowed = header | owl | annotations
    assert extra <= allowed


def test_alignments_are_used_by_the_shapes(model: Model) -> None:
    """Each aligned superclass is what some shape targets or requires (sh:class)."""
    alignments = Graph().parse(ontology_dir() / "alignments.ttl")
    sh = "http://www.w3.org/ns/shacl#"
    used = set(model.shapes.objects(None, URIRef(sh + "targetClass"))) | set(
        model.shapes.objects(None, URIRef(sh + "class"))
    )
    for sub, sup in alignments.subject_objects(RDFS.subClassOf):
        assert sup in used or sub in used, f"{sub} ⊑ {sup} is not relied on by any shape"
