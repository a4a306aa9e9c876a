"""Revisions (If-Match, RFC 9110 §13.1.1), versions that never change, their provenance through
the API, and the public history: only versions that were public, never who wrote them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from .conftest import TURTLE, Server, World, export, org


def _put(
    world: World, slug: str, body: bytes, who: str, etag: str | None, query: str = ""
) -> httpx.Response:
    headers = {**TURTLE, **world.auth(who)}
    if etag is not None:
        headers["If-Match"] = etag
    return world.client.put(f"/api/records/org/{slug}{query}", content=body, headers=headers)


def _published(world: World, slug: str) -> str:
    response = world.submit(org(slug, "Version One"), "curator", "?publish=true")
    assert response.status_code == 201, response.text
    return response.headers["etag"]


def _public_numbers(world: World, slug: str) -> list[int]:
    response = world.client.get(f"/id/org/{slug}/versions", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    record = URIRef(f"{world.settings.base_uri}/id/org/{slug}")
    return sorted(
        int(str(v).rsplit("/", 1)[1])
        for v in graph.objects(record, URIRef("http://purl.org/dc/terms/hasVersion"))
    )


def test_a_revision_without_if_match_is_428(world: World) -> None:
    _published(world, "r-428")
    response = _put(world, "r-428", org("r-428", "Two"), "curator", None)
    assert response.status_code == 428
    assert response.json()["type"].endswith("/precondition-required")


def test_a_stale_or_weak_etag_is_412_and_changes_nothing(world: World) -> None:
    etag = _published(world, "r-412")
    assert _put(world, "r-412", org("r-412", "Two"), "curator", etag).status_code == 200
    before = export(world.repository)
    for stale in (etag, f"W/{etag}", '"nonsense"'):
        response = _put(world, "r-412", org("r-412", "Three"), "curator", stale)
        assert response.status_code == 412
    assert export(world.repository) == before


def test_a_revision_makes_a_new_version_and_keeps_the_old_one_unchanged(world: World) -> None:
    etag = _published(world, "r-keep")
    curator = world.auth("curator")
    first = world.client.get("/api/records/org/r-keep/versions/1", headers=curator).content
    first_public = world.client.get(
        "/id/org/r-keep?version=1", headers={"Accept": "text/turtle"}
    ).content
    response = _put(world, "r-keep", org("r-keep", "Version Two"), "curator", etag)
    assert response.status_code == 200
    record = response.json()["record"]
    assert (record["version"], record["status"]) == (2, "published")
    assert response.headers["etag"] != etag
    assert world.client.get("/api/records/org/r-keep/versions/1", headers=curator).content == first
    assert (
        world.client.get("/id/org/r-keep?version=1", headers={"Accept": "text/turtle"}).content
        == first_public
    )
    current = world.client.get("/id/org/r-keep.ttl").text
    assert "Version Two" in current
    assert "Version One" not in current
    assert _public_numbers(world, "r-keep") == [1, 2]


def test_if_match_star_revises_whatever_is_current(world: World) -> None:
    _published(world, "r-star")
    assert _put(world, "r-star", org("r-star", "Two"), "curator", "*").status_code == 200


def test_a_revision_must_be_the_record_the_url_names(world: World) -> None:
    etag = _published(world, "r-mismatch")
    response = _put(world, "r-mismatch", org("r-elsewhere"), "curator", etag)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/record-mismatch")


def test_a_contributors_revision_waits_for_a_curator(world: World) -> None:
    created = world.submit(org("r-contrib"))
    world.client.post("/api/records/org/r-contrib/publish", headers=world.auth("curator"))
    etag = created.headers["etag"]
    response = _put(world, "r-contrib", org("r-contrib", "Contributed Two"), "contributor", etag)
    assert response.status_code == 200
    assert response.json()["record"]["status"] == "pending"
    assert world.client.get("/id/org/r-contrib.ttl").status_code == 404
    world.client.post("/api/records/org/r-contrib/publish", headers=world.auth("curator"))
    assert "Contributed Two" in world.client.get("/id/org/r-contrib.ttl").text


def test_contributors_revise_only_their_own_records(world: World) -> None:
    etag = world.submit(org("r-mine")).headers["etag"]
    # Pending and not theirs: as if it did not exist.
    assert _put(world, "r-mine", org("r-mine", "X"), "other", etag).status_code == 404
    world.client.post("/api/records/org/r-mine/publish", headers=world.auth("curator"))
    assert _put(world, "r-mine", org("r-mine", "X"), "other", etag).status_code == 403
    assert _put(world, "r-mine", org("r-mine", "X"), "contributor", etag).status_code == 200


def test_a_retracted_record_is_not_revised(world: World) -> None:
    etag = _published(world, "r-gone")
    world.client.delete("/api/records/org/r-gone?reason=duplicate", headers=world.auth("curator"))
    response = _put(world, "r-gone", org("r-gone", "Back"), "curator", etag)
    assert response.status_code == 409


def test_each_versions_provenance_is_readable_through_the_api(world: World) -> None:
    etag = _published(world, "r-prov")
    _put(world, "r-prov", org("r-prov", "Two"), "curator", etag)
    listing = world.client.get(
        "/api/records/org/r-prov/versions", headers=world.auth("curator")
    ).json()
    second = listing["versions"][1]
    assert second["number"] == 2
    assert second["attributed_to"] == "curator"
    assert second["revision_of"] == listing["versions"][0]["iri"]
    audit = world.client.get("/api/audit", headers=world.auth("admin")).json()["entries"]
    assert [e["action"] for e in audit if e["record"].endswith("/org/r-prov")] == [
        "publish",
        "revise",
    ]
    turtle = world.client.get(
        "/api/records/org/r-prov/versions",
        headers={**world.auth("curator"), "Accept": "text/turtle"},
    )
    graph = Graph().parse(data=turtle.text, format="turtle")
    version = URIRef(second["iri"])
    assert graph.value(version, PROV.wasRevisionOf) == URIRef(listing["versions"][0]["iri"])
    assert graph.value(version, PROV.generatedAtTime) is not None
    assert str(graph.value(version, PROV.wasAttributedTo)).endswith(":curator")


def test_the_public_history_lists_only_versions_that_were_public(world: World) -> None:
    etag = _published(world, "r-history")
    held = _put(
        world, "r-history", org("r-history", "Held Back"), "curator", etag, "?publish=false"
    )
    assert held.json()["record"]["status"] == "pending"
    third = _put(
        world,
        "r-history",
        org("r-history", "Three"),
        "curator",
        held.headers["etag"],
        "?publish=true",
    )
    assert third.json()["record"]["version"] == 3
    assert _public_numbers(world, "r-history") == [1, 3]
    assert world.client.get("/id/org/r-history?version=2").status_code == 404
    assert world.client.get("/id/org/r-history/versions/2.ttl").status_code == 404
    assert world.client.get("/id/org/r-history/versions/3.ttl").status_code == 200
    listing = world.client.get("/id/org/r-history/versions.ttl").text
    assert "curator" not in listing
    assert "attributed" not in listing.lower()


def test_restriction_takes_earlier_versions_out_of_the_public_history(world: World) -> None:
    etag = _published(world, "r-withdrawn")
    curator = world.auth("curator")
    world.client.post("/api/records/org/r-withdrawn/restrict", headers=curator)
    second = _put(world, "r-withdrawn", org("r-withdrawn", "Redacted"), "curator", etag)
    assert second.json()["record"]["restricted"] is True
    world.client.post("/api/records/org/r-withdrawn/unrestrict", headers=curator)
    assert _public_numbers(world, "r-withdrawn") == [2]
    assert world.client.get("/id/org/r-withdrawn?version=1").status_code == 404


def test_a_past_version_page_says_it_is_not_current(world: World) -> None:
    etag = _published(world, "r-page")
    _put(world, "r-page", org("r-page", "Two"), "curator", etag)
    old = world.client.get("/id/org/r-page?version=1", headers={"Accept": "text/html"})
    assert old.status_code == 200
    assert 'class="notice"' in old.text
    assert "Version One" in old.text
    assert 'rel="latest-version"' in old.headers["link"]
    current = world.client.get("/id/org/r-page/versions/2", headers={"Accept": "text/html"})
    assert 'class="notice"' not in current.text
    history = world.client.get("/id/org/r-page/versions", headers={"Accept": "text/html"})
    assert history.status_code == 200
    assert "/id/org/r-page/versions/1" in history.text
    again = world.client.get(
        "/id/org/r-page?version=1",
        headers={"Accept": "text/html", "If-None-Match": old.headers["etag"]},
    )
    assert again.status_code == 304


def test_records_link_to_their_history(world: World) -> None:
    response = world.client.get("/id/org/icrc.ttl")
    assert '</id/org/icrc/versions>; rel="version-history"' in response.headers["link"]
    assert world.client.get("/id/allegation/sednaya-2018-12-25-1?version=1").status_code == 404
    assert world.client.get("/id/org/icrc/history").status_code == 404


def test_concurrent_revisions_of_one_version_let_exactly_one_through(server: Server) -> None:
    world = server.world
    etag = _published(world, "r-race")
    headers = {**TURTLE, **world.auth("curator"), "If-Match": etag}

    def revise(n: int) -> int:
        return httpx.put(
            f"{server.url}/api/records/org/r-race",
            content=org("r-race", f"Racer {n}"),
            headers=headers,
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(revise, range(8)))
    assert statuses == [200] + [412] * 7
    assert world.repository.state(f"{world.settings.base_uri}/id/org/r-race").version == 2


def test_contributors_read_their_own_and_public_versions_only(world: World) -> None:
    created = world.submit(org("r-held", "Contributor One"))
    world.client.post("/api/records/org/r-held/publish", headers=world.auth("curator"))
    held = _put(
        world,
        "r-held",
        org("r-held", "Curator Held Back"),
        "curator",
        created.headers["etag"],
        "?publish=false",
    )
    _put(
        world,
        "r-held",
        org("r-held", "Curator Three"),
        "curator",
        held.headers["etag"],
        "?publish=true",
    )
    contributor = world.auth("contributor")
    listing = world.client.get("/api/records/org/r-held/versions", headers=contributor).json()
    assert [v["number"] for v in listing["versions"]] == [1, 3]
    assert (
        world.client.get("/api/records/org/r-held/versions/2", headers=contributor).status_code
        == 404
    )
    assert (
        world.client.get("/api/records/org/r-held/versions/1", headers=contributor).status_code
        == 200
    )
    curator = world.client.get("/api/records/org/r-held/versions/2", headers=world.auth("curator"))
    assert "Curator Held Back" in curator.text
