"""A real LDES harvester, ldes-client (npm, pinned in tests/ldes/), against a real server.

`advocacy-ld serve examples` runs in its own process on 127.0.0.1 with pages of seven events;
tests/ldes/replay.mjs runs the client's library with a state folder and prints each member.
The first replay must give one member per public version, each carrying a graph isomorphic to
that version; after one publication and one retraction, a replay from the saved state must give
exactly the new version and the tombstone, without fetching the pages it already holds.
Every request the client makes is reported: all must go to the server under test.

`make ldes` (run by `make test`) installs Node.js and the client when they are missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.parsing import RDFSyntax
from advocacy_ld.records.reading import collect_files, read_record, read_record_file
from advocacy_ld.records.submission import parse_options
from advocacy_ld.records.tokens import Role, TokenStore
from advocacy_ld.settings import Settings
from advocacy_ld.store.terms import content_hash, triples_to_graph

from ..api.conftest import TURTLE, org
from ..conftest import EXAMPLES, ROOT, LiveServer, running_server

HARVESTER = ROOT / "tests" / "ldes"
SIZE = 7
DELETE = "https://www.w3.org/ns/activitystreams#Delete"


@dataclass(frozen=True)
class Replay:
    members: dict[str, dict[str, object]]
    fetched: list[str]


def replay(server: LiveServer, state: Path) -> Replay:
    """Run ldes-client over the server's feed, resuming from (and saving to) `state`."""
    node = shutil.which("node")
    assert node is not None, "Node.js is missing: run `make ldes`"
    assert (HARVESTER / "node_modules" / "ldes-client").is_dir(), "run `make ldes` first"
    done = subprocess.run(
        [node, str(HARVESTER / "replay.mjs"), f"{server.url}/feed", str(state)],
        capture_output=True, text=True, timeout=300, check=False, cwd=HARVESTER,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    members = {line["member"]: line for line in lines if "member" in line}
    assert len(members) == len([line for line in lines if "member" in line]), "a member twice"
    return Replay(members, [line["fetched"] for line in lines if "fetched" in line])


def content_of(line: dict[str, object]) -> ox.Dataset:
    return ox.Dataset(ox.parse(str(line["nquads"]).encode(), format=ox.RdfFormat.N_QUADS))


def graph_hash(line: dict[str, object]) -> str:
    """The content hash of the member's named graph (its record content)."""
    member = ox.NamedNode(str(line["member"]))
    return content_hash(triples_to_graph(q for q in content_of(line) if q.graph_name == member))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    data = tmp_path_factory.mktemp("harvest") / "data"
    data.mkdir()
    token = TokenStore(data / "tokens.json").create("harvest-curator", Role.CURATOR)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ADVOCACY_LD_FEED_PAGE_SIZE", str(SIZE))
        with running_server(data, EXAMPLES) as live:
            yield live, token


def expected_hashes(url: str) -> dict[str, str]:
    """Record IRI -> content hash of each example, read as the server read it."""
    options = parse_options(Settings(data=Path("unused"), base_uri=url))
    ids = RecordIdentifier(url)
    found = {}
    for path in collect_files([EXAMPLES]):
        candidate = read_record_file(path, options, ids)
        found[candidate.id.iri] = content_hash(candidate.graph)
    return found


def test_ldes_client_replays_and_then_follows_the_feed(
    server: tuple[LiveServer, str], tmp_path: Path
) -> None:
    live, token = server
    state = tmp_path / "ldes-state"
    first = replay(live, state)

    expected = expected_hashes(live.url)
    assert len(first.members) == len(expected)
    assert {m["isVersionOf"] for m in first.members.values()} == set(expected)
    for line in first.members.values():
        assert line["type"] is None
        assert graph_hash(line) == expected[str(line["isVersionOf"])], line["member"]
        assert str(line["member"]).startswith(f"{live.url}/feed/members/")
    assert first.fetched
    assert all(url.startswith(f"{live.url}/") for url in first.fetched), first.fetched
    pages = {url for url in first.fetched if "/feed/pages/" in url}
    assert len(pages) == -(-len(expected) // SIZE)

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live.url, headers=headers) as api:
        created = api.post(
            "/api/records?publish=true", content=org("harvested-later", "Harvested Later"),
            headers=TURTLE,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        retracted = api.delete("/api/records/org/washington-post?reason=test+of+the+feed")
        assert retracted.status_code == 200, retracted.text

    second = replay(live, state)
    assert len(second.members) == 2
    new, tombstone = sorted(
        second.members.values(), key=lambda m: int(str(m["member"]).rpartition("/")[2])
    )
    assert new["isVersionOf"] == f"{live.url}/id/org/harvested-later"
    submitted = read_record(
        org("harvested-later", "Harvested Later"), RDFSyntax.TURTLE, "submitted",
        parse_options(Settings(data=Path("unused"), base_uri=live.url)), RecordIdentifier(live.url),
    )  # fmt: skip
    assert graph_hash(new) == content_hash(submitted.graph)
    assert tombstone["type"] == DELETE
    assert tombstone["isVersionOf"] == f"{live.url}/id/org/washington-post"
    assert not [q for q in content_of(tombstone) if q.graph_name != ox.DefaultGraph()]
    # The resumed client fetched less than the whole feed again. Which full pages it skips is
    # its own scheduling (under load it sometimes revisits one); what the server promises about
    # them, the immutable Cache-Control and a stable ETag, is tested in test_feed.py.
    full = {p for p in pages if int(p.rpartition("-")[2]) <= len(expected)}
    assert len(full) >= 3
    assert len(full & set(second.fetched)) < len(full), second.fetched
    assert all(url.startswith(f"{live.url}/") for url in second.fetched)
