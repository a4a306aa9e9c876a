"""Checking OAI-PMH responses: the OAI-PMH schema, oai_dc and rdf:RDF, all from local files.

Schemas and their imports are read through a resolver that maps the published locations to
files under `oai_schemas/` and refuses anything else; the parser has `no_network=True`, so
nothing is ever fetched. `oai_schemas/OAI-PMH.xsd` is a copy of the schema the project was given
(`../shared/schemas/`), kept here so that a checkout alone runs the tests; a test checks that
the two are the same file wherever the original is present.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from lxml import etree

from ..api.conftest import TURTLE, World, make_world, org
from ..conftest import ROOT

SCHEMAS = Path(__file__).with_name("oai_schemas")
OAI_PMH_XSD = SCHEMAS / "OAI-PMH.xsd"
GIVEN_OAI_PMH_XSD = ROOT.parent / "shared" / "schemas" / "OAI-PMH.xsd"
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {"oai": OAI, "oai_dc": OAI_DC, "dc": DC, "rdf": RDF}

CATALOGUE = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": OAI_PMH_XSD,
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": SCHEMAS / "oai_dc.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": SCHEMAS / "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": SCHEMAS / "xml.xsd",
    "http://www.w3.org/2001/xml.xsd": SCHEMAS / "xml.xsd",
}
"""Published schema locations -> the local copies the tests use."""


class LocalOnly(etree.Resolver):
    """Resolve catalogued URLs to local files; refuse every other non-file URL."""

    def __init__(self) -> None:
        super().__init__()
        self.resolved: list[str] = []

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        local = CATALOGUE.get(system_url)
        if local is not None:
            self.resolved.append(system_url)
            return self.resolve_filename(str(local), context)
        if "://" in system_url and not system_url.startswith("file:"):
            raise ValueError(f"refusing to fetch {system_url}")
        return None


def local_parser() -> tuple[etree.XMLParser, LocalOnly]:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    resolver = LocalOnly()
    parser.resolvers.add(resolver)
    return parser, resolver


@cache
def schema(path: Path) -> etree.XMLSchema:
    parser, _ = local_parser()
    return etree.XMLSchema(etree.parse(str(path), parser))


@dataclass(frozen=True)
class Checked:
    """A response that passed every check, parsed."""

    root: Any

    def errors(self) -> list[str]:
        return [e.get("code") for e in self.root.findall("oai:error", NS)]

    def request(self) -> dict[str, str]:
        return dict(self.root.find("oai:request", NS).attrib)

    def headers(self) -> list[Any]:
        return self.root.findall(".//oai:header", NS)

    def identifiers(self) -> list[str]:
        return [h.findtext("oai:identifier", namespaces=NS) for h in self.headers()]

    def token(self) -> Any:
        return self.root.find(".//oai:resumptionToken", NS)


def check(document: bytes) -> Checked:
    """Parse without network, validate the envelope, then each metadata part by its schema."""
    parser, _ = local_parser()
    root = etree.fromstring(document, parser)
    envelope = schema(OAI_PMH_XSD)
    assert envelope.validate(root), str(envelope.error_log)
    for metadata in root.iterfind(".//oai:metadata", NS):
        (part,) = list(metadata)
        if part.tag == f"{{{OAI_DC}}}dc":
            dc = schema(SCHEMAS / "oai_dc.xsd")
            assert dc.validate(etree.ElementTree(part)), str(dc.error_log)
        else:
            assert part.tag == f"{{{RDF}}}RDF", part.tag
            rdf = schema(SCHEMAS / "rdf.xsd")
            assert rdf.validate(etree.ElementTree(part)), str(rdf.error_log)
    return Checked(root)


PUBLIC = "/id/statement/sednaya-2018-12-25"
DELETED = "/id/org/oai-retracted"
"""Published, then retracted: listed as deleted."""
WITHDRAWN = "/id/org/oai-withdrawn"
"""Published, then restricted: listed as deleted."""
OFFLINE = "/id/org/oai-offline"
"""Published, then revised into a pending version: offline, so listed as deleted."""
NEVER_PUBLIC = ("/id/org/oai-pending", "/id/org/oai-restricted", "/id/org/oai-rejected")
"""Pending, restricted from the start, retracted before publication: never listed."""


def populate(world: World) -> None:
    """Add to the examples: three records withdrawn after publication, three never public."""
    curator = world.auth("curator")

    def ok(response: httpx.Response, status: int = 201) -> None:
        assert response.status_code == status, response.text

    ok(world.submit(org("oai-retracted", "Retracted Later"), "curator", "?publish=true"))
    ok(world.client.delete("/api/records/org/oai-retracted?reason=duplicate", headers=curator), 200)
    ok(world.submit(org("oai-withdrawn", "Withdrawn Later"), "curator", "?publish=true"))
    ok(world.client.post("/api/records/org/oai-withdrawn/restrict", headers=curator), 200)
    published = world.client.post(
        "/api/records?publish=true", content=org("oai-offline", "Offline One"),
        headers={**TURTLE, **curator},
    )  # fmt: skip
    ok(published)
    revised = world.client.put(
        "/api/records/org/oai-offline?publish=false", content=org("oai-offline", "Offline Two"),
        headers={**TURTLE, **curator, "If-Match": published.headers["etag"]},
    )  # fmt: skip
    ok(revised, 200)
    ok(world.submit(org("oai-pending", "Pending")))
    ok(
        world.submit(
            org("oai-restricted", "Restricted"), "curator", "?publish=true&restricted=true"
        )
    )
    ok(world.submit(org("oai-rejected", "Rejected")))
    ok(
        world.client.delete("/api/records/org/oai-rejected?reason=out+of+scope", headers=curator),
        200,
    )


def oai_world(data: Path, **settings: object) -> Iterator[World]:
    """A deployment of the examples plus `populate`'s records."""
    for world in make_world(data, **settings):
        populate(world)
        yield world
