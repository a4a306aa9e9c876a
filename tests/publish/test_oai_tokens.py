"""Resumption tokens (OAI-PMH 2.0 §3.5): stateless, round-trip, and refused when damaged."""

from __future__ import annotations

import base64
import json

import pytest

from advocacy_ld.publish.oai.tokens import ListQuery, ResumptionToken, decode_token, encode_token

TOKENS = [
    ResumptionToken(ListQuery("ListRecords", "oai_dc"), ("2018-12-25T10:00:00Z", "http://x/id/a")),
    ResumptionToken(
        ListQuery("ListIdentifiers", "rdf", "org", "2018-01-01", "2019-01-01"),
        ("2018-06-01T00:00:00Z", 'http://127.0.0.1:8000/id/org/ü?&="<x>'),
    ),
    ResumptionToken(
        ListQuery("ListRecords", "rdf", None, "2018-01-01T00:00:00Z", None),
        ("2018-06-01T00:00:00Z", "http://x/id/b"),
    ),
]


@pytest.mark.parametrize("token", TOKENS)
def test_a_token_round_trips(token: ResumptionToken) -> None:
    text = encode_token(token)
    assert text.isascii()
    assert all(c.isalnum() or c in "-_." for c in text)
    assert decode_token(text) == token


def _forge(document: object) -> str:
    """A token with a correct checksum over a payload this server would never write."""
    from advocacy_ld.publish.oai.tokens import _check

    payload = base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")
    return f"1.{payload}.{_check(payload)}"


GOOD = encode_token(TOKENS[0])
BAD = [
    "",
    "garbage",
    "1..",
    "1.e30.AAAAAAAAAAAA",
    GOOD + "x",
    GOOD[:-1],
    "2" + GOOD[1:],
    GOOD.replace(".", "", 1),
    GOOD[:5] + ("A" if GOOD[5] != "A" else "B") + GOOD[6:],
    GOOD + ".more",
    "1.ü." + GOOD.rsplit(".", 1)[1],
    _forge(["GetRecord", "oai_dc", None, None, None, "2018-12-25T10:00:00Z", "x"]),
    _forge(["ListRecords", "oai_dc", None, None, None, "2018-12-25", "x"]),
    _forge(["ListRecords", "oai_dc", None, "yesterday", None, "2018-12-25T10:00:00Z", "x"]),
    _forge(["ListRecords", 5, None, None, None, "2018-12-25T10:00:00Z", "x"]),
    _forge(["ListRecords", "oai_dc", None, None, None, "2018-12-25T10:00:00Z"]),
    _forge({"verb": "ListRecords"}),
    _forge("ListRecords"),
]


@pytest.mark.parametrize("text", BAD)
def test_a_damaged_or_foreign_token_is_refused(text: str) -> None:
    assert decode_token(text) is None
