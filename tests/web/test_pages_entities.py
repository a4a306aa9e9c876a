"""Entity pages: names in the page language, type, Wikidata, coordinates, where mentioned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from advocacy_ld.records.repository import Repository
from advocacy_ld.settings import Settings
from advocacy_ld.web.app import create_app

from ..conftest import BASE
from .test_pages import Element, page

SEDNAYA = "/id/statement/sednaya-2018-12-25"
HARROW = "/id/statement/harrow-ridge-2024-03-18"


def heading(root: Element) -> str:
    return root.one("h1").text()


@pytest.mark.parametrize(
    ("path", "english", "arabic", "kind"),
    [
        ("/id/org/icrc", "International Committee of the Red Cross",
         "اللجنة الدولية للصليب الأحمر", "Formal organization"),
        ("/id/facility/sednaya-prison", "Sednaya Prison", "سجن صيدنايا", "Detention facility"),
        ("/id/place/syria", "Syria", "سوريا", "Country"),
        ("/id/report/washington-post-2018-12-23-sednaya-executions",
         "Assad's government is doubling down on the killing of political prisoners as the "
         "civil war heads toward its conclusion", None, "News article"),
        ("/id/allegation/sednaya-2018-12-25-1", "Allegation 1", "ادعاء 1", "Allegation"),
        ("/id/demand/sednaya-2018-12-25-2", "Demand 2", "مطالبة 2", "Demand"),
    ],
)  # fmt: skip
def test_heading_and_type_in_each_language(
    client: TestClient, path: str, english: str, arabic: str | None, kind: str
) -> None:
    root = page(client, path)
    assert heading(root) == english
    assert kind in root.one("p", class_="kind").text()
    arabic_root = page(client, f"{path}?lang=ar")
    html = arabic_root.one("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("ar", "rtl")
    assert heading(arabic_root) == (arabic or english)
    if arabic is None:  # an English-only name is marked as English on an Arabic page
        assert arabic_root.one("h1").attrs["lang"] == "en"
    assert arabic_root.one("section", class_="details").one("h2").text() == "التفاصيل"


@pytest.mark.parametrize(
    ("path", "qid"),
    [("/id/org/icrc", "Q5987345"), ("/id/place/syria", "Q858"),
     ("/id/org/un-security-council", "Q37470"), ("/id/org/washington-post", "Q166032")],
)  # fmt: skip
def test_wikidata_links(client: TestClient, path: str, qid: str) -> None:
    root = page(client, path)
    [link] = root.one("p", class_="same-as").find("a")
    assert link.attrs["href"] == f"http://www.wikidata.org/entity/{qid}"
    assert qid in link.text()


def test_facility_coordinates_without_a_map(client: TestClient) -> None:
    root = page(client, "/id/facility/sednaya-prison")
    section = root.one("section", class_="coordinates")
    text = section.text()
    assert "33.66500° N" in text
    assert "36.32861° E" in text
    assert section.one("code", class_="wkt").text() == "POINT(36.32861 33.665)"
    assert not list(root.iter("iframe"))
    assert not list(root.iter("img"))
    details = root.one("section", class_="details")
    assert details.find("a", href="/id/place/syria")
    assert details.find("a", href="/id/org/syrian-government")
    assert "Military prison" in details.text()


def test_person_without_public_name(client: TestClient) -> None:
    root = page(client, "/id/person/harrow-ridge-detainee-1")
    assert heading(root) == "Person (name withheld)"
    assert page(client, "/id/person/harrow-ridge-detainee-1?lang=ar").one("h1").text() == (
        "شخص (الاسم محجوب)"
    )


def test_where_an_entity_is_mentioned_links_to_the_passages(client: TestClient) -> None:
    root = page(client, "/id/facility/sednaya-prison")
    mentioned = root.one("section", class_="mentioned")
    assert mentioned.find("a", href=SEDNAYA)
    quotes = {a.attrs["href"]: a.text() for a in mentioned.one("ul", class_="quotes").find("a")}
    assert quotes == {
        f"{SEDNAYA}#anchor-mention-sednaya-prison-title": "Sednaya Prison",
        f"{SEDNAYA}#anchor-mention-sednaya-prison": "Sednaya Prison",
    }


def test_allegation_page_links_to_its_statement_and_spans(client: TestClient) -> None:
    root = page(client, "/id/allegation/sednaya-2018-12-25-4")
    container = root.one("p", class_="container")
    assert container.find("a", href=SEDNAYA)
    assert "Atrocities in Notorious Sednaya Prison" in container.text()
    anchored = root.one("section", class_="anchored")
    hrefs = [a.attrs["href"] for a in anchored.find("a")]
    assert hrefs == [
        f"{SEDNAYA}#anchor-allegation-4-since-2011",
        f"{SEDNAYA}#anchor-allegation-4-testimonies",
    ]
    details = root.one("section", class_="details").text()
    assert "Unspecified violation" in details
    assert "2011/.." in details
    assert "reported" in root.one("p", class_="note").text()
    mentioned = root.one("section", class_="mentioned").text()
    assert "No other published record mentions it." in mentioned


@pytest.fixture(scope="module")
def one_per_page(
    tmp_path_factory: pytest.TempPathFactory, repository: Repository
) -> Iterator[TestClient]:
    """The same records, one mentioning record per page, to reach the pager."""
    data: Path = tmp_path_factory.mktemp("one-per-page")
    settings = Settings(data=data, base_uri=BASE, mentions_page_size=1)
    with TestClient(create_app(settings, repository), base_url=BASE) as test_client:
        yield test_client


def test_mentions_are_paged(one_per_page: TestClient) -> None:
    first = page(one_per_page, "/id/org/icrc")
    pager = first.one("nav", class_="pager")
    assert pager.one("a", rel="next").attrs["href"] == "/id/org/icrc?page=2"
    assert not pager.find("a", rel="prev")
    [listed] = first.one("ol", class_="mentions").children_of("li")
    second = page(one_per_page, "/id/org/icrc?page=2")
    pager = second.one("nav", class_="pager")
    assert pager.one("a", rel="prev").attrs["href"] == "/id/org/icrc"
    assert not pager.find("a", rel="next")
    [other] = second.one("ol", class_="mentions").children_of("li")
    assert {listed.find("a")[0].attrs["href"], other.find("a")[0].attrs["href"]} == {
        SEDNAYA,
        HARROW,
    }
    arabic = page(one_per_page, "/id/org/icrc?lang=ar")
    assert arabic.one("a", rel="next").attrs["href"] == "/id/org/icrc?lang=ar&page=2"
