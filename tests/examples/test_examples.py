"""The example records: facts of the Sednaya statement, exact anchors, and clean round trips."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from advocacy_ld.model import Model
from advocacy_ld.model.namespaces import ADV, ADVC, CITO, GEO, OA, ORG, SCHEMA, WD
from advocacy_ld.publish.jsonld import compact_graph
from advocacy_ld.records.parsing import ParseOptions, RDFSyntax, parse_document, parse_file

from ..conftest import BASE, EXAMPLES, example_files, statement_files

SEDNAYA = URIRef(f"{BASE}/id/statement/sednaya-2018-12-25")
COMMISSION = URIRef(f"{BASE}/id/org/national-commission-detainees-missing-persons")
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "sednaya-statement.txt"
CONFIRMED_QIDS = {"Q166032", "Q37470", "Q5987345", "Q858", "Q3766", "Q42970"}


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(EXAMPLES)) for p in paths]


@pytest.fixture(scope="module")
def sednaya(parse_options: ParseOptions) -> Graph:
    return parse_file(EXAMPLES / "sednaya" / "statement.ttl", parse_options)


@pytest.fixture(scope="module")
def authorities(parse_options: ParseOptions) -> Graph:
    graph = Graph()
    for path in sorted((EXAMPLES / "authorities").glob("*.ttl")):
        graph += parse_file(path, parse_options)
    return graph


def test_there_are_three_statements_about_different_facilities(parse_options: ParseOptions) -> None:
    facilities = []
    for path in statement_files():
        graph = parse_file(path, parse_options)
        facilities.append(frozenset(graph.objects(None, ADV.atFacility)))
    assert len(facilities) >= 3
    assert len(set(facilities)) == len(facilities)


def test_the_sednaya_source_text_is_the_seed(sednaya: Graph) -> None:
    seed = (EXAMPLES / "sednaya" / "source.txt").read_bytes()
    if SEED.exists():
        assert seed == SEED.read_bytes()
    text_node = sednaya.value(SEDNAYA, ADV.sourceText)
    assert str(sednaya.value(text_node, SCHEMA.text)) == seed.decode("utf-8")


@pytest.mark.parametrize("path", statement_files(), ids=ids(statement_files()))
def test_source_text_and_checksum_match_the_file(path: Path, parse_options: ParseOptions) -> None:
    graph = parse_file(path, parse_options)
    source = (path.parent / "source.txt").read_bytes()
    (text_node,) = graph.subjects(RDF.type, ADV.SourceText)
    assert str(graph.value(text_node, SCHEMA.text)).encode("utf-8") == source
    assert str(graph.value(text_node, ADV.sha256)) == hashlib.sha256(source).hexdigest()


@pytest.mark.parametrize("path", statement_files(), ids=ids(statement_files()))
def test_every_anchor_quotes_its_span_exactly(path: Path, parse_options: ParseOptions) -> None:
    graph = parse_file(path, parse_options)
    text = (path.parent / "source.txt").read_text(encoding="utf-8")
    anchors = list(graph.subjects(RDF.type, OA.Annotation))
    assert anchors
    for anchor in anchors:
        target = graph.value(anchor, OA.hasTarget)
        selectors = list(graph.objects(target, OA.hasSelector))
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        start = graph.value(position, OA.start)
        end = graph.value(position, OA.end)
        assert start.datatype == end.datatype == XSD.integer
        assert int(start) >= 0
        # Offsets count Unicode code points, end exclusive: Python string slicing.
        assert text[int(start) : int(end)] == str(graph.value(quote, OA.exact)), anchor


@pytest.mark.parametrize("path", statement_files(), ids=ids(statement_files()))
def test_every_allegation_and_demand_is_attributed_and_anchored(
    path: Path, parse_options: ParseOptions
) -> None:
    graph = parse_file(path, parse_options)
    (document,) = graph.subjects(RDF.type, ADV.AdvocacyDocument)
    publishers = set(graph.objects(document, SCHEMA.publisher))
    items = list(graph.objects(document, ADV.makesAllegation)) + list(
        graph.objects(document, ADV.makesDemand)
    )
    assert items
    for item in items:
        assert set(graph.objects(item, ADV.assertedBy)) <= publishers
        assert graph.value(item, ADV.assertedBy) is not None
        assert graph.value(None, OA.hasBody, item) is not None, f"{item} is not anchored"


def test_sednaya_document_facts(sednaya: Graph) -> None:
    assert (SEDNAYA, RDF.type, ADV.AdvocacyDocument) in sednaya
    assert sednaya.value(SEDNAYA, SCHEMA.headline) == Literal(
        "Atrocities in Notorious Sednaya Prison Continue Unabated", lang="en"
    )
    assert sednaya.value(SEDNAYA, SCHEMA.datePublished) == Literal("2018-12-25", datatype=XSD.date)
    assert sednaya.value(SEDNAYA, SCHEMA.publisher) == COMMISSION
    assert sednaya.value(SEDNAYA, ADV.documentType) == ADVC["document-type/press-release"]
    report = URIRef(f"{BASE}/id/report/washington-post-2018-12-23-sednaya-executions")
    assert (SEDNAYA, CITO.citesAsEvidence, report) in sednaya
    mentioned = {str(o).rsplit("/", 1)[-1] for o in sednaya.objects(SEDNAYA, SCHEMA.mentions)}
    assert {
        "syrian-government", "un-security-council", "icrc", "washington-post", "sednaya-prison",
    } <= mentioned  # fmt: skip


def test_sednaya_allegations(sednaya: Graph) -> None:
    allegations = list(sednaya.objects(SEDNAYA, ADV.makesAllegation))
    violation_types = {str(v).rsplit("/", 1)[-1] for a in allegations
                       for v in sednaya.objects(a, ADV.violationType)}  # fmt: skip
    assert {"death-sentence-after-unfair-trial", "arbitrary-arrest-and-detention",
            "enforced-disappearance"} <= violation_types  # fmt: skip
    assert violation_types & {"mass-execution", "extrajudicial-execution"}
    characterizations = {str(v).rsplit("/", 1)[-1] for a in allegations
                         for v in sednaya.objects(a, ADV.legalCharacterization)}  # fmt: skip
    assert {"war-crimes", "crimes-against-humanity", "genocide"} <= characterizations
    periods = {str(p) for a in allegations for p in sednaya.objects(a, SCHEMA.temporalCoverage)}
    assert any(p.startswith("2011") for p in periods)
    for allegation in allegations:
        assert sednaya.value(allegation, ADV.assertedBy) == COMMISSION


def test_sednaya_demands(sednaya: Graph) -> None:
    pairs = set()
    for demand in sednaya.objects(SEDNAYA, ADV.makesDemand):
        assert sednaya.value(demand, ADV.assertedBy) == COMMISSION
        for addressee in sednaya.objects(demand, ADV.addressee):
            for demand_type in sednaya.objects(demand, ADV.demandType):
                pairs.add((str(addressee).rsplit("/", 1)[-1], str(demand_type).rsplit("/", 1)[-1]))
    unsc = "un-security-council"
    assert (unsc, "cessation-of-violations") in pairs
    assert (unsc, "access-for-independent-monitors") in pairs
    groups = {a for a, t in pairs if t == "international-pressure"}
    assert groups
    assert unsc not in groups
    assert any(t == "protection-of-civilians" for _, t in pairs)


def test_sednaya_authorities(authorities: Graph) -> None:
    def entity(kind: str, slug: str) -> URIRef:
        return URIRef(f"{BASE}/id/{kind}/{slug}")

    same_as = {
        ("org", "washington-post"): WD.Q166032,
        ("org", "un-security-council"): WD.Q37470,
        ("org", "icrc"): WD.Q5987345,
        ("place", "syria"): WD.Q858,
    }
    for (kind, slug), qid in same_as.items():
        assert (entity(kind, slug), SCHEMA.sameAs, qid) in authorities
    prison = entity("facility", "sednaya-prison")
    assert authorities.value(prison, ADV.facilityType) == ADVC["facility-type/military-prison"]
    wkt = authorities.value(authorities.value(prison, GEO.hasGeometry), GEO.asWKT)
    assert str(wkt) == "POINT(36.32861 33.665)"
    assert wkt.datatype == GEO.wktLiteral
    commission = authorities.value(COMMISSION, ORG.unitOf)
    assert commission == entity("org", "syrian-national-coalition")
    report = entity("report", "washington-post-2018-12-23-sednaya-executions")
    assert authorities.value(report, SCHEMA.datePublished) == Literal(
        "2018-12-23", datatype=XSD.date
    )
    assert "2018-12-24" in str(authorities.value(report, SCHEMA.printEdition)) or "24" in str(
        authorities.value(report, SCHEMA.printEdition)
    )
    assert str(authorities.value(report, SCHEMA.headline)).startswith(
        "Assad's government is doubling down on the killing of political prisoners"
    )


@pytest.mark.parametrize("path", example_files(), ids=ids(example_files()))
def test_wikidata_links_are_confirmed_entity_iris(path: Path, parse_options: ParseOptions) -> None:
    graph = parse_file(path, parse_options)
    for link in graph.objects(None, SCHEMA.sameAs):
        if "wikidata" in str(link):
            assert str(link).startswith(str(WD)), link
            assert str(link).removeprefix(str(WD)) in CONFIRMED_QIDS, link


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node)
        for value in node.values():
            found |= _keys(value)
        return found
    if isinstance(node, list):
        return set().union(*(_keys(v) for v in node)) if node else set()
    return set()


@pytest.mark.parametrize("path", example_files(), ids=ids(example_files()))
def test_compaction_leaves_no_iri_as_a_key(
    path: Path, parse_options: ParseOptions, model: Model
) -> None:
    compacted = compact_graph(parse_file(path, parse_options), model.context)
    long_keys = sorted(k for k in _keys(compacted) if ":" in k or "/" in k)
    assert long_keys == []


@pytest.mark.parametrize("path", example_files(), ids=ids(example_files()))
def test_turtle_to_json_ld_and_back_is_isomorphic(
    path: Path, parse_options: ParseOptions, model: Model
) -> None:
    original = parse_file(path, parse_options)
    compacted = compact_graph(original, model.context)
    back = parse_document(
        json.dumps(compacted).encode("utf-8"), RDFSyntax.JSON_LD, f"{path}.jsonld", parse_options
    )
    assert isomorphic(original, back)
