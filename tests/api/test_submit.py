"""Submitting and reviewing: 422 with the report and nothing stored, or 201 and pending until a
curator publishes; curators may publish at once and restrict."""

from __future__ import annotations

from .conftest import World, export, invalid_org, org


def _public(world: World, slug: str) -> int:
    return world.client.get(f"/id/org/{slug}", headers={"Accept": "text/turtle"}).status_code


def test_a_valid_record_is_pending_with_a_location_and_its_warnings(world: World) -> None:
    response = world.submit(org("s-pending"))
    assert response.status_code == 201
    assert response.headers["location"] == "/id/org/s-pending"
    body = response.json()
    record = body["record"]
    assert record["status"] == "pending"
    assert record["public"] is False
    assert record["version"] == 1
    assert record["modified_by"] == "contributor"
    assert response.headers["etag"] == record["etag"]
    assert body["report"]["conforms"] is True
    assert [r["severity"] for r in body["report"]["results"]] == ["Warning", "Info"]
    assert _public(world, "s-pending") == 404
    assert "s-pending" not in world.client.get("/sitemap.xml").text


def test_a_record_with_a_violation_is_422_with_the_report_and_nothing_is_stored(
    world: World,
) -> None:
    before = export(world.repository)
    response = world.submit(invalid_org("s-invalid"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/validation-failed")
    assert problem["report"]["conforms"] is False
    assert problem["report"]["violations"] >= 2
    assert export(world.repository) == before


def test_a_curator_publishes_a_pending_record(world: World) -> None:
    assert world.submit(org("s-review")).status_code == 201
    response = world.client.post("/api/records/org/s-review/publish", headers=world.auth("curator"))
    assert response.status_code == 200
    assert response.json()["record"]["status"] == "published"
    assert response.json()["changed"] is True
    assert _public(world, "s-review") == 200
    again = world.client.post("/api/records/org/s-review/publish", headers=world.auth("curator"))
    assert again.json()["changed"] is False


def test_a_curator_may_submit_straight_to_published(world: World) -> None:
    response = world.submit(org("s-direct"), "curator", "?publish=true")
    assert response.status_code == 201
    assert response.json()["record"]["status"] == "published"
    assert _public(world, "s-direct") == 200


def test_a_curator_may_submit_a_restricted_record(world: World) -> None:
    response = world.submit(org("s-restricted"), "curator", "?publish=true&restricted=true")
    assert response.status_code == 201
    record = response.json()["record"]
    assert (record["status"], record["restricted"], record["public"]) == ("published", True, False)
    assert _public(world, "s-restricted") == 404


def test_contributors_may_not_publish_or_restrict(world: World) -> None:
    for query in ("?publish=true", "?restricted=true", "?publish=false"):
        response = world.submit(org("s-flags"), "contributor", query)
        assert response.status_code == 403
    assert world.repository.state(f"{world.settings.base_uri}/id/org/s-flags") is None


def test_a_second_submission_of_the_same_iri_is_409(world: World) -> None:
    assert world.submit(org("s-twice")).status_code == 201
    again = world.submit(org("s-twice", "Another Name"), "other")
    assert again.status_code == 409
    assert again.json()["type"].endswith("/record-exists")


def test_restrict_and_unrestrict(world: World) -> None:
    assert world.submit(org("s-access"), "curator", "?publish=true").status_code == 201
    curator = world.auth("curator")
    restricted = world.client.post("/api/records/org/s-access/restrict", headers=curator)
    assert restricted.json()["record"]["restricted"] is True
    assert _public(world, "s-access") == 404
    lifted = world.client.post("/api/records/org/s-access/unrestrict", headers=curator)
    assert lifted.json()["record"]["restricted"] is False
    assert _public(world, "s-access") == 200


def test_curators_list_records_by_status(world: World) -> None:
    assert world.submit(org("s-listed")).status_code == 201
    listing = world.client.get(
        "/api/records?status=pending&restricted=false", headers=world.auth("curator")
    ).json()
    ids = [r["id"] for r in listing["records"]]
    assert "org/s-listed" in ids
    assert all(r["status"] == "pending" for r in listing["records"])
    assert listing["total"] >= len(ids)


def test_reading_records_through_the_api(world: World) -> None:
    assert world.submit(org("s-read")).status_code == 201
    path = "/api/records/org/s-read"
    # Pending: curators only, and to anyone else it does not exist.
    assert world.client.get(path, headers=world.auth("contributor")).status_code == 404
    assert world.client.get(path, headers=world.auth("other")).status_code == 404
    curator = world.client.get(path, headers=world.auth("curator"))
    assert curator.status_code == 200
    assert curator.headers["etag"] == curator.json()["etag"]
    assert curator.headers["cache-control"] == "no-store"
    world.client.post(f"{path}/publish", headers=world.auth("curator"))
    # Published: its contributor reads it; another contributor may not.
    assert world.client.get(path, headers=world.auth("contributor")).status_code == 200
    assert world.client.get(path, headers=world.auth("other")).status_code == 403
    content = world.client.get(f"{path}/versions/1", headers=world.auth("contributor"))
    assert content.headers["content-type"].startswith("text/turtle")
    assert b"Test Organization" in content.content


def test_the_audit_lists_every_write_for_admins(world: World) -> None:
    assert world.submit(org("s-audited")).status_code == 201
    world.client.post("/api/records/org/s-audited/publish", headers=world.auth("curator"))
    entries = world.client.get("/api/audit", headers=world.auth("admin")).json()["entries"]
    mine = [
        (e["action"], e["agent"], e["version"])
        for e in entries
        if e["record"].endswith("/id/org/s-audited")
    ]
    assert mine == [("submit", "contributor", 1), ("publish", "curator", 1)]


def test_unsupported_media_types_are_415_with_accept_post(world: World) -> None:
    response = world.client.post(
        "/api/records",
        content=b"name,value",
        headers={"Content-Type": "text/csv", **world.auth("contributor")},
    )
    assert response.status_code == 415
    assert "text/turtle" in response.headers["accept-post"]


def test_a_charset_parameter_is_accepted(world: World) -> None:
    response = world.submit(org("s-charset"), **{"Content-Type": "text/turtle; charset=utf-8"})
    assert response.status_code == 201, response.text
