"""Harvesting through resumption tokens (OAI-PMH 2.0 §3.5): every page valid, the whole list
exactly the records that are or were public, in both formats, and tokens that outlive the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from rdflib import Graph
from rdflib.compare import isomorphic

from advocacy_ld.web.app import create_app

from ..api.conftest import World
from .oai_support import (
    DC,
    DELETED,
    NEVER_PUBLIC,
    NS,
    OFFLINE,
    PUBLIC,
    RDF,
    WITHDRAWN,
    Checked,
    check,
    oai_world,
)

PAGE = 7


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from oai_world(tmp_path_factory.mktemp("oai-harvest"), oai_page_size=PAGE)


def harvest(client: TestClient, **arguments: str) -> list[Checked]:
    """Every page of one list, following resumption tokens."""
    pages = [check(client.get("/oai", params=arguments).content)]
    while (token := pages[-1].token()) is not None and token.text:
        verb = arguments["verb"]
        pages.append(
            check(client.get("/oai", params={"verb": verb, "resumptionToken": token.text}).content)
        )
    return pages


def _headers(pages: list[Checked]) -> list[Any]:
    return [h for page in pages for h in page.headers()]


def _expected(world: World) -> tuple[set[str], set[str]]:
    base = world.settings.base_uri
    public = {s.id.iri for s in world.repository.published()}
    return public, {base + DELETED, base + WITHDRAWN, base + OFFLINE}


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
@pytest.mark.parametrize("prefix", ["oai_dc", "rdf"])
def test_a_full_harvest_is_every_public_record_and_the_withdrawn(
    world: World, verb: str, prefix: str
) -> None:
    pages = harvest(world.client, verb=verb, metadataPrefix=prefix)
    headers = _headers(pages)
    public, deleted = _expected(world)
    identifiers = [h.findtext("oai:identifier", namespaces=NS) for h in headers]
    assert len(identifiers) == len(set(identifiers)) == len(public) + len(deleted)
    assert {
        i for i, h in zip(identifiers, headers, strict=True) if h.get("status") != "deleted"
    } == public
    assert {
        i for i, h in zip(identifiers, headers, strict=True) if h.get("status") == "deleted"
    } == deleted
    base = world.settings.base_uri
    assert not {base + p for p in NEVER_PUBLIC} & set(identifiers)
    keys = [
        (h.findtext("oai:datestamp", namespaces=NS), i)
        for h, i in zip(headers, identifiers, strict=True)
    ]
    assert keys == sorted(keys)
    # §3.5.1: pages of PAGE, the size of the whole list on each token, the cursor at the page.
    assert len(pages) == -(-len(identifiers) // PAGE)
    for number, page in enumerate(pages):
        token = page.token()
        assert token.get("completeListSize") == str(len(identifiers))
        assert token.get("cursor") == str(number * PAGE)
    assert pages[-1].token().text is None
    if verb == "ListRecords":
        records = [r for page in pages for r in page.root.iterfind(".//oai:record", NS)]
        for record in records:
            deleted_header = record.find("oai:header", NS).get("status") == "deleted"
            assert (record.find("oai:metadata", NS) is None) == deleted_header


def test_sets_partition_the_list_by_record_kind(world: World) -> None:
    everything = _headers(harvest(world.client, verb="ListIdentifiers", metadataPrefix="oai_dc"))
    seen = []
    for kind in ("statement", "org", "facility", "report", "place", "person"):
        headers = _headers(
            harvest(world.client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=kind)
        )
        assert headers, kind
        for header in headers:
            assert [s.text for s in header.findall("oai:setSpec", NS)] == [kind]
            assert f"/id/{kind}/" in header.findtext("oai:identifier", namespaces=NS)
        seen += [h.findtext("oai:identifier", namespaces=NS) for h in headers]
    assert sorted(seen) == sorted(h.findtext("oai:identifier", namespaces=NS) for h in everything)


def test_from_and_until_are_inclusive(world: World) -> None:
    headers = _headers(harvest(world.client, verb="ListIdentifiers", metadataPrefix="oai_dc"))
    stamps = sorted(h.findtext("oai:datestamp", namespaces=NS) for h in headers)
    latest, earliest = stamps[-1], stamps[0]
    since = _headers(
        harvest(world.client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": latest})
    )
    assert len(since) == stamps.count(latest)
    until = _headers(
        harvest(world.client, verb="ListIdentifiers", metadataPrefix="oai_dc", until=earliest)
    )
    assert len(until) == stamps.count(earliest)
    day = _headers(
        harvest(
            world.client, verb="ListIdentifiers", metadataPrefix="oai_dc",
            **{"from": earliest[:10], "until": latest[:10]},
        )
    )  # fmt: skip
    assert len(day) == len(stamps)


def _metadata(world: World, path: str, prefix: str) -> Any:
    page = check(
        world.client.get(
            "/oai",
            params={"verb": "GetRecord", "metadataPrefix": prefix,
                    "identifier": world.settings.base_uri + path},
        ).content
    )  # fmt: skip
    return page.root.find(".//oai:metadata", NS)


def test_the_dublin_core_of_a_statement(world: World) -> None:
    dc = _metadata(world, PUBLIC, "oai_dc")[0]
    values: dict[str, list[str]] = {}
    for element in dc:
        values.setdefault(element.tag.removeprefix(f"{{{DC}}}"), []).append(element.text)
    base = world.settings.base_uri
    assert values["title"] == ["Atrocities in Notorious Sednaya Prison Continue Unabated"]
    assert values["date"] == ["2018-12-25"]
    assert values["language"] == ["en"]
    assert values["publisher"] == [
        "National Commission on the Affairs of Detainees and Missing Persons"
    ]
    assert values["creator"] == values["publisher"]
    subjects = {"Mass execution", "War crimes", "Access for independent monitors"}
    assert subjects <= set(values["subject"])
    assert {"Sednaya Prison"} <= set(values["coverage"])
    assert base + PUBLIC in values["identifier"]
    assert {
        "statement",
        "Text",
        "Press release",
        "https://w3id.org/advocacy-ld/ns#AdvocacyDocument",
    } <= set(values["type"])
    assert base + "/id/report/washington-post-2018-12-23-sednaya-executions" in values["relation"]
    assert len(values["description"]) >= 7
    assert dc.find("dc:title", NS).get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_the_dublin_core_of_a_facility_names_its_place_and_geometry(world: World) -> None:
    dc = _metadata(world, "/id/facility/sednaya-prison", "oai_dc")[0]
    texts = {(e.tag.removeprefix(f"{{{DC}}}"), e.text) for e in dc}
    assert ("title", "سجن صيدنايا") in texts
    assert ("coverage", "Syria") in texts
    assert ("coverage", "POINT(36.32861 33.665)") in texts
    assert ("type", "Military prison") in texts


def test_rdf_metadata_is_the_public_graph(world: World) -> None:
    for path in (PUBLIC, "/id/facility/sednaya-prison", "/id/org/icrc"):
        rdf = _metadata(world, path, "rdf")[0]
        assert rdf.tag == f"{{{RDF}}}RDF"
        graph = Graph().parse(data=etree.tostring(rdf), format="xml")
        public = world.repository.public.get_record(world.settings.base_uri + path)
        assert public is not None
        assert len(graph) == len(public) > 0
        assert isomorphic(graph, public)


def test_a_token_outlives_the_app_that_wrote_it(world: World) -> None:
    first = check(world.client.get("/oai?verb=ListRecords&metadataPrefix=rdf").content)
    token = first.token().text
    with TestClient(
        create_app(world.settings, world.repository), base_url=world.settings.base_uri
    ) as fresh:
        again = check(
            fresh.get("/oai", params={"verb": "ListRecords", "resumptionToken": token}).content
        )
        expected = check(
            world.client.get(
                "/oai", params={"verb": "ListRecords", "resumptionToken": token}
            ).content
        )
    assert again.identifiers() == expected.identifiers()
    assert len(again.identifiers()) == PAGE
    assert not set(again.identifiers()) & set(first.identifiers())
