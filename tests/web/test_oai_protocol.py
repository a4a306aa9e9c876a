"""OAI-PMH 2.0 requests as data (oai_cases/requests.toml): verb or error code, the echo of
the `request` element, schema validity, and GET and POST answering alike (§3.1.1, §3.6)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest

from ..api.conftest import World
from .oai_support import DELETED, NEVER_PUBLIC, NS, PUBLIC, WITHDRAWN, check, oai_world

CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "oai_cases" / "requests.toml").read_text(encoding="utf-8")
)["case"]
_DATE = re.compile(rb"<responseDate>[^<]*</responseDate>")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from oai_world(tmp_path_factory.mktemp("oai-protocol"), oai_page_size=10)


@pytest.fixture(scope="module")
def values(world: World) -> dict[str, str]:
    base = world.settings.base_uri
    first = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    token = check(world.client.get("/oai", params=first).content).token().text
    ids = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    ids_token = check(world.client.get("/oai", params=ids).content).token().text
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    return {
        "public": base + PUBLIC,
        "deleted": base + DELETED,
        "withdrawn": base + WITHDRAWN,
        "hidden": base + NEVER_PUBLIC[0],
        "never": f"{base}/id/org/never-existed",
        "token": token,
        "ids_token": ids_token,
        "tampered": tampered,
    }


def _fill(query: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: quote(values[m.group(1)], safe=""), query)


def _count(checked: Any, verb: str) -> int:
    child = {"ListSets": "oai:set", "ListMetadataFormats": "oai:metadataFormat"}.get(verb)
    return len(checked.root.findall(f".//{child}", NS)) if child else len(checked.headers())


@pytest.mark.parametrize("case", CASES, ids=[c["query"] or "(empty)" for c in CASES])
def test_a_request_gets_its_answer(
    world: World, values: dict[str, str], case: dict[str, Any]
) -> None:
    query = _fill(case["query"], values)
    got = world.client.get(f"/oai?{query}")
    posted = world.client.post(
        "/oai", content=query, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    for response in (got, posted):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert _DATE.sub(b"", got.content) == _DATE.sub(b"", posted.content)
    checked = check(got.content)
    expected = case["expect"].split()
    if expected[0][0].isupper():  # a verb
        assert checked.errors() == [], got.text[:500]
        assert checked.root.find(f"oai:{expected[0]}", NS) is not None
    else:
        assert sorted(checked.errors()) == expected, got.text[:500]
    arguments = dict(parse_qsl(query, keep_blank_values=True))
    if set(expected) & {"badVerb", "badArgument"}:
        assert checked.request() == {}  # §3.6: no attributes after badVerb or badArgument
    else:
        assert checked.request() == arguments
    assert checked.root.findtext("oai:request", namespaces=NS) == f"{world.settings.base_uri}/oai"
    if "count" in case:
        assert _count(checked, expected[0]) == case["count"]


def test_every_verb_and_error_code_is_covered() -> None:
    expected = {code for case in CASES for code in case["expect"].split()}
    assert expected == {
        "Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers",
        "ListRecords", "badVerb", "badArgument", "badResumptionToken",
        "cannotDisseminateFormat", "idDoesNotExist", "noRecordsMatch",
    }  # fmt: skip


def test_a_post_that_is_not_a_form_is_an_http_error(world: World) -> None:
    response = world.client.post(
        "/oai", content=b"verb=Identify", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


def test_a_repeated_argument_split_between_query_and_body_is_refused(world: World) -> None:
    response = world.client.post(
        "/oai?verb=Identify",
        content=b"verb=Identify",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert check(response.content).errors() == ["badVerb"]


def test_identify_describes_the_repository(world: World) -> None:
    identify = check(world.client.get("/oai?verb=Identify").content).root.find("oai:Identify", NS)
    stamps = [
        h.findtext("oai:datestamp", namespaces=NS)
        for h in check(
            world.client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").content
        ).headers()
    ]
    assert identify.findtext("oai:baseURL", namespaces=NS) == f"{world.settings.base_uri}/oai"
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("oai:earliestDatestamp", namespaces=NS) == min(stamps)


def test_an_oai_error_message_never_carries_control_characters(world: World) -> None:
    """Argument names are echoed in messages: one that XML cannot carry must not break it."""
    response = world.client.get("/oai?verb=Identify&%01bad=1")
    assert check(response.content).errors() == ["badArgument"]
