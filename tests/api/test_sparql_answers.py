"""The kept SPARQL answers through the endpoint: a withdrawal is never answered from before it,
and `Cache-Control: no-cache` evaluates again."""

from __future__ import annotations

from urllib.parse import quote

from advocacy_ld.publish.sparql.answers import AnswerCache
from advocacy_ld.web.sparql import ANSWERS

from .conftest import BASE, World, org

JSON = {"Accept": "application/sparql-results+json"}


def _ask(world: World, slug: str, **headers: str) -> bool:
    query = quote(f"ASK {{ <{BASE}/id/org/{slug}> ?p ?o }}")
    response = world.client.get(f"/sparql?query={query}", headers={**JSON, **headers})
    assert response.status_code == 200, response.text
    answer: bool = response.json()["boolean"]
    return answer


def _cache(world: World) -> AnswerCache:
    services = world.client.app.state.services  # type: ignore[attr-defined]
    cache = services.extras[ANSWERS]
    assert isinstance(cache, AnswerCache)
    return cache


def test_a_repeated_query_is_answered_from_the_kept_answer(world: World) -> None:
    assert world.submit(org("sa-kept"), who="curator", query="?publish=true").status_code == 201
    assert _ask(world, "sa-kept")
    hits = _cache(world).hits
    assert _ask(world, "sa-kept")
    assert _cache(world).hits == hits + 1
    assert _ask(world, "sa-kept", **{"Cache-Control": "no-cache"})
    assert _cache(world).hits == hits + 1  # evaluated, not looked up


def test_a_withdrawal_is_never_answered_from_before_it(world: World) -> None:
    assert world.submit(org("sa-gone"), who="curator", query="?publish=true").status_code == 201
    assert _ask(world, "sa-gone")
    assert _ask(world, "sa-gone")  # the kept answer
    retracted = world.client.delete(
        "/api/records/org/sa-gone?reason=duplicate", headers=world.auth("curator")
    )
    assert retracted.status_code == 200
    assert not _ask(world, "sa-gone")
    assert world.submit(org("sa-hidden"), who="curator", query="?publish=true").status_code == 201
    assert _ask(world, "sa-hidden")
    restricted = world.client.post(
        "/api/records/org/sa-hidden/restrict", headers=world.auth("curator")
    )
    assert restricted.status_code == 200
    assert not _ask(world, "sa-hidden")
