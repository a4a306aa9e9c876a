"""The page store: full feed pages rendered once, kept on disk beside the archive, read back
while current, and gone as soon as a withdrawal makes them stale (docs/feeds.md).

Each test has a deployment of its own on disk, pages of five: the examples fill pages 1-5 …
26-30, and the latest page 31-35 holds one event until a test adds more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from advocacy_ld.publish.feed_pages import PageHeader
from advocacy_ld.web.app import create_app

from ..api.conftest import TURTLE, World, make_world, org
from ..conftest import BASE

SIZE = 5
FULL = "/feed/pages/1-5"
LATEST = "/feed/pages/31-35"
FULL_PAGES = [f"{first}-{first + SIZE - 1}" for first in range(1, 31, SIZE)]
MARKER = "zqkeptpagemarker"
STORE_READS = ("feed_events", "publicly_readable", "version_ntriples")


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from make_world(tmp_path_factory.mktemp("feed-pages"), feed_page_size=SIZE)


def kept(world: World) -> dict[str, Path]:
    """The page files of the deployment by name (`1-5.trig`), temporary files left out."""
    root = world.settings.data / "feed-pages"
    return {p.name: p for p in root.glob("*/*") if not p.name.startswith(".")}


def holding_marker(world: World) -> list[str]:
    return sorted(
        name for name, path in kept(world).items() if MARKER.encode() in path.read_bytes()
    )


def count_store_reads(world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the repository reads a page is rendered from (events, the public check, content)."""
    counts = dict.fromkeys(STORE_READS, 0)
    for name in STORE_READS:
        original = getattr(world.repository, name)

        def counted(*args: object, _name: str = name, _original: Callable[..., object] = original):
            counts[_name] += 1
            return _original(*args)

        monkeypatch.setattr(world.repository, name, counted)
    return counts


def fill_latest_page(world: World) -> str:
    """Publish a record with the marker in its content, and enough others to fill the latest
    page (31-35); returns the marked record's API path."""
    for slug, name in [("kept-marked", f"{MARKER} Witness Name"), ("kept-2", "Two"),
                       ("kept-3", "Three"), ("kept-4", "Four")]:  # fmt: skip
        response = world.submit(org(slug, name), "curator", "?publish=true")
        assert response.status_code == 201, response.text
    assert world.repository.feed_length() == 35
    return "/api/records/org/kept-marked"


def content_of_first_member(response: httpx.Response) -> list[ox.Quad]:
    member = ox.NamedNode(f"{BASE}/feed/members/1")
    quads = ox.parse(response.content, format=ox.RdfFormat.N_QUADS)
    return [q for q in quads if q.graph_name == member]


def without_date(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k != "date"}


def test_start_up_keeps_every_full_page_in_the_formats_harvesters_ask_for(world: World) -> None:
    assert sorted(kept(world)) == sorted(f"{p}.{s}" for p in FULL_PAGES for s in ("trig", "nq"))


def test_a_kept_page_is_served_from_its_file_without_reading_the_store(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = kept(world)["1-5.trig"]
    magic, header, body = path.read_bytes().split(b"\n", 2)
    # What the file holds is what is served: change its bytes (and the size its header states).
    marked = body + b"# read from the file\n"
    stated = replace(PageHeader.from_json(header), size=len(marked))
    path.write_bytes(magic + b"\n" + stated.to_json() + marked)
    reads = count_store_reads(world, monkeypatch)
    response = world.client.get(FULL, headers={"Accept": "application/trig"})
    assert response.status_code == 200
    assert response.content == marked
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert reads == dict.fromkeys(STORE_READS, 0)


def test_a_page_first_asked_for_is_kept_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "1-5.jsonld" not in kept(world)
    first = world.client.get(f"{FULL}.jsonld")
    assert first.status_code == 200
    written = kept(world)["1-5.jsonld"].stat()
    reads = count_store_reads(world, monkeypatch)
    again = world.client.get(f"{FULL}.jsonld")
    assert reads == dict.fromkeys(STORE_READS, 0)
    assert again.content == first.content
    assert without_date(again) == without_date(first)
    now = kept(world)["1-5.jsonld"].stat()
    assert (now.st_ino, now.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    conditional = {"If-None-Match": first.headers["etag"], "Accept": "application/ld+json"}
    assert world.client.get(FULL, headers=conditional).status_code == 304


def test_the_latest_page_is_never_kept(world: World) -> None:
    for suffix in ("trig", "nq", "jsonld", "ttl", "nt"):
        response = world.client.get(f"{LATEST}.{suffix}")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=5"
    assert not [name for name in kept(world) if name.startswith("31-35.")]


def test_a_withdrawal_removes_the_kept_page_and_redacts_it(world: World) -> None:
    record = fill_latest_page(world)
    before = world.client.get(f"{LATEST}.trig")
    assert MARKER in before.text
    assert holding_marker(world) == ["31-35.trig"]
    untouched = kept(world)["1-5.trig"].stat()

    retracted = world.client.delete(
        f"{record}?reason=a+witness+name", headers=world.auth("curator")
    )
    assert retracted.status_code == 200, retracted.text
    # Gone at once, before anybody asks for the page again.
    assert holding_marker(world) == []
    assert "31-35.trig" not in kept(world)

    after = world.client.get(f"{LATEST}.trig", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert MARKER not in after.text
    assert "31-35.trig" in kept(world)
    assert holding_marker(world) == []
    now = kept(world)["1-5.trig"].stat()
    assert (now.st_ino, now.st_mtime_ns) == (untouched.st_ino, untouched.st_mtime_ns)


def test_withdrawing_a_record_under_review_redacts_without_a_tombstone(world: World) -> None:
    """A pending revision leaves the earlier content public; retracting the record then takes it
    out without any new event: a page cannot be kept by the number of tombstones."""
    record = fill_latest_page(world)
    etag = world.client.get(record, headers=world.auth("curator")).headers["etag"]
    pending = world.client.put(
        f"{record}?publish=false",
        content=org("kept-marked", "Renamed"),
        headers={**TURTLE, **world.auth("curator"), "If-Match": etag},
    )
    assert pending.status_code == 200, pending.text
    before = world.client.get(f"{LATEST}.nq")
    assert MARKER in before.text
    assert holding_marker(world) == ["31-35.nq"]
    length = world.repository.feed_length()

    retracted = world.client.delete(
        f"{record}?reason=a+witness+name", headers=world.auth("curator")
    )
    assert retracted.status_code == 200, retracted.text
    assert world.repository.feed_length() == length
    assert holding_marker(world) == []
    after = world.client.get(f"{LATEST}.nq")
    assert after.headers["etag"] != before.headers["etag"]
    assert MARKER not in after.text


def test_a_stale_page_left_behind_is_never_served(world: World) -> None:
    """As if another process sharing the directory had written the page before the withdrawal
    and this one had not removed it: the stamp tells, on the next request and at start-up."""
    record = fill_latest_page(world)
    stale = {}
    for suffix in ("trig", "nq", "jsonld"):
        assert MARKER in world.client.get(f"{LATEST}.{suffix}").text
        stale[suffix] = kept(world)[f"31-35.{suffix}"].read_bytes()
    directory = kept(world)["1-5.trig"].parent
    retracted = world.client.delete(
        f"{record}?reason=a+witness+name", headers=world.auth("curator")
    )
    assert retracted.status_code == 200, retracted.text
    for suffix, data in stale.items():
        (directory / f"31-35.{suffix}").write_bytes(data)

    assert MARKER not in world.client.get(f"{LATEST}.trig").text
    assert holding_marker(world) == ["31-35.jsonld", "31-35.nq"]  # not asked for yet
    with TestClient(create_app(world.settings, world.repository), base_url=BASE) as restarted:
        assert holding_marker(world) == []
        assert MARKER not in restarted.get(f"{LATEST}.nq").text
    assert sorted(n for n in kept(world) if n.startswith("31-35.")) == ["31-35.nq", "31-35.trig"]


def test_pages_of_another_layout_are_removed_at_start_up(world: World) -> None:
    before = {path.parent for path in kept(world).values()}
    wider = world.settings.model_copy(update={"feed_page_size": 10})
    with TestClient(create_app(wider, world.repository), base_url=BASE) as client:
        assert client.get("/feed/pages/1-10.trig").status_code == 200
    directories = {path.parent for path in kept(world).values()}
    assert len(directories) == 1
    assert directories.isdisjoint(before)
    assert sorted(kept(world)) == sorted(
        f"{first}-{first + 9}.{s}" for first in (1, 11, 21) for s in ("trig", "nq")
    )


def test_a_torn_page_is_rendered_again(world: World) -> None:
    path = kept(world)["1-5.nq"]
    whole = path.read_bytes()
    expected = world.client.get(f"{FULL}.nq")
    for broken in (whole[: len(whole) // 2], whole[:10], b"", b"not a page\n{}\n"):
        path.write_bytes(broken)
        response = world.client.get(f"{FULL}.nq")
        assert response.status_code == 200
        assert response.content == expected.content
        assert response.headers["etag"] == expected.headers["etag"]
        assert path.read_bytes() == whole


def test_start_up_keeps_the_full_pages_missing_on_disk(world: World) -> None:
    fill_latest_page(world)
    for path in kept(world).values():
        path.unlink()
    with TestClient(create_app(world.settings, world.repository), base_url=BASE):
        names = sorted(kept(world))
    pages = [*FULL_PAGES, "31-35"]
    assert names == sorted(f"{p}.{s}" for p in pages for s in ("trig", "nq"))


def test_an_in_memory_store_keeps_pages_in_memory(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data = tmp_path_factory.mktemp("feed-pages-memory")
    for world in make_world(data, feed_page_size=SIZE, store="memory"):
        first = world.client.get(f"{FULL}.nq")
        assert first.status_code == 200
        assert world.client.get(f"{FULL}.nq").content == first.content
        record = world.repository.feed_events(1, 1)[0].record
        path = record.removeprefix(f"{BASE}/id")
        response = world.client.delete(
            f"/api/records{path}?reason=x", headers=world.auth("curator")
        )
        assert response.status_code == 200, response.text
        after = world.client.get(f"{FULL}.nq")
        assert after.headers["etag"] != first.headers["etag"]
        assert content_of_first_member(first)
        assert not content_of_first_member(after)
    assert not (data / "feed-pages").exists()
