"""A real OAI-PMH harvester (Sickle) against a real server process on 127.0.0.1 (DESIGN.md §9).

`advocacy-ld serve examples` runs in its own process (pages of 6, so the harvester follows
resumption tokens). A full harvest in both formats is exactly the published records (the
public dataset's graphs, asked of the server's SPARQL endpoint); after one publication and one
retraction through the API, an incremental harvest from a datestamp after the first is exactly
those two: the new record with its metadata, the retracted one as a deleted header.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sickle import Sickle
from sickle.models import Record

from advocacy_ld.publish.oai.dates import datestamp
from advocacy_ld.records.tokens import Role, TokenStore
from advocacy_ld.settings import Settings

from ..api.conftest import TURTLE, org
from ..conftest import EXAMPLES, LiveServer, example_files, running_server

NEW = "/id/org/oai-harvested-later"
RETRACTED = "/id/place/port-elstow"


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """The examples served by `advocacy-ld serve`, and a curator's token for its API."""
    data = tmp_path_factory.mktemp("oai-sickle") / "data"
    data.mkdir()
    token = TokenStore(Settings(data=data).tokens_path).create("harvest-curator", Role.CURATOR)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ADVOCACY_LD_OAI_PAGE_SIZE", "6")
        with running_server(data, EXAMPLES) as server:
            yield server, token


def _published(server: LiveServer) -> set[str]:
    """The record graphs of the public dataset: exactly the published records."""
    answer = httpx.get(
        f"{server.url}/sparql",
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "format": "json"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {row["g"]["value"] for row in answer.json()["results"]["bindings"]}


def _records(server: LiveServer, method: str, prefix: str, **arguments: str) -> list[Record]:
    harvester = Sickle(f"{server.url}/oai", http_method=method, timeout=30)
    return list(harvester.ListRecords(metadataPrefix=prefix, ignore_deleted=False, **arguments))


def test_a_full_then_an_incremental_harvest(curated: tuple[LiveServer, str]) -> None:
    server, token = curated
    base = server.url
    published = _published(server)
    assert len(published) == len(example_files())
    first = httpx.get(f"{server.url}/oai?verb=ListIdentifiers&metadataPrefix=oai_dc", timeout=30)
    assert first.text.count("<header>") == 6  # so the harvester has tokens to follow
    assert f'completeListSize="{len(published)}"' in first.text
    for method, prefix in (("GET", "oai_dc"), ("POST", "rdf")):
        records = _records(server, method, prefix)
        identifiers = [r.header.identifier for r in records]
        assert len(identifiers) == len(published), (method, prefix)
        assert set(identifiers) == published
        assert not any(r.deleted for r in records)
        assert all(r.metadata for r in records)
    dc = {r.header.identifier: r.metadata for r in _records(server, "GET", "oai_dc")}
    assert dc[f"{base}/id/org/icrc"]["title"][0] == "International Committee of the Red Cross"

    time.sleep(1.1)  # datestamps have second granularity: the changes must fall after `since`
    since = datestamp(datetime.now(UTC))
    curator = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=curator, timeout=30) as client:
        created = client.post(
            "/api/records?publish=true", content=org(NEW.rsplit("/", 1)[1], "Harvested Later"),
            headers=TURTLE,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        retracted = client.delete(f"/api/records{RETRACTED.removeprefix('/id')}?reason=duplicate")
        assert retracted.status_code == 200, retracted.text

    for method, prefix in (("GET", "oai_dc"), ("POST", "rdf")):
        changes = _records(server, method, prefix, **{"from": since})
        by_id = {r.header.identifier: r for r in changes}
        assert sorted(by_id) == sorted([base + NEW, base + RETRACTED]), (method, prefix)
        assert by_id[base + RETRACTED].deleted
        assert not by_id[base + NEW].deleted
        assert by_id[base + NEW].metadata
    fresh = _records(server, "GET", "oai_dc", **{"from": since})
    new = next(r for r in fresh if r.header.identifier == base + NEW)
    assert new.metadata["title"] == ["Harvested Later"]
    assert new.header.setSpecs == ["org"]
    assert len(_records(server, "GET", "rdf")) == len(published) + 1  # the retracted, deleted
