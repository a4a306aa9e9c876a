"""Eight writers, fifty submissions each, against a real server: every accepted record is
stored exactly once and whole."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from rdflib import Graph
from rdflib.compare import isomorphic

from advocacy_ld.records.repository import open_repository
from advocacy_ld.records.tokens import Role, TokenStore
from advocacy_ld.settings import Settings

from .conftest import running_server

WRITERS = 8
SUBMISSIONS = 50
ORG = """@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix adv: <https://w3id.org/advocacy-ld/ns#> .
<id/org/writer-{w}-{n}> a org:FormalOrganization ;
    schema:name "Organization {n} of writer {w}"@en ;
    adv:actorType <https://w3id.org/advocacy-ld/vocab/actor-type/non-governmental-organization> .
"""


def submit_all(url: str, token: str, writer: int) -> list[tuple[str, int]]:
    outcomes = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    with httpx.Client(base_url=url, timeout=60) as client:
        for n in range(SUBMISSIONS):
            body = ORG.format(w=writer, n=n)
            response = client.post("/api/records?publish=true", content=body, headers=headers)
            outcomes.append((body, response.status_code))
    return outcomes


def test_concurrent_writers_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    tokens = TokenStore(Settings(data=data).tokens_path)
    secrets = [tokens.create(f"writer-{w}", Role.CURATOR) for w in range(WRITERS)]
    with running_server(data) as server:
        with ThreadPoolExecutor(WRITERS) as pool:
            results = list(
                pool.map(lambda w: submit_all(server.url, secrets[w], w), range(WRITERS))
            )
        base = server.url
    outcomes = [item for batch in results for item in batch]
    assert len(outcomes) == WRITERS * SUBMISSIONS
    statuses = {status for _, status in outcomes}
    assert statuses == {201}, statuses
    accepted = [body for body, status in outcomes if status == 201]
    repository = open_repository(Settings(data=data, base_uri=base))
    try:
        states = repository.states()
        assert len(states) == len(accepted)
        for body in accepted:
            expected = Graph().parse(data=body, format="turtle", publicID=f"{base}/")
            (subject,) = set(expected.subjects())
            state = states[str(subject)]
            assert state.version == 1
            public = repository.public.get_record(str(subject))
            archived = repository.version_graph(str(subject), 1)
            assert public is not None
            assert archived is not None
            assert isomorphic(public, expected)
            assert isomorphic(archived, expected)
        assert len(repository.public.record_iris()) == len(accepted)
        assert len(repository.audit()) == len(accepted)
    finally:
        repository.close()
