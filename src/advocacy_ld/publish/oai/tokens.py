"""Stateless resumption tokens (OAI-PMH 2.0 §3.5): the query and the last key returned.

A token carries the list request's arguments and the (datestamp, identifier) of the last item
it returned, so it survives restarts and needs no server memory. A checksum makes a damaged or
edited token a badResumptionToken; it is not a secret (the token holds nothing that is not
public), only a guard against harvesting the wrong list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass

from advocacy_ld.publish.oai.dates import parse_bound

_VERSION = "1"
_CHECK_KEY = b"advocacy-ld OAI-PMH resumption token"
_STAMP = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
_LIST_VERBS = ("ListIdentifiers", "ListRecords")


@dataclass(frozen=True)
class ListQuery:
    """The arguments of a ListIdentifiers or ListRecords request (§4.3, §4.5)."""

    verb: str
    metadata_prefix: str
    set_spec: str | None = None
    from_: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class ResumptionToken:
    query: ListQuery
    after: tuple[str, str]
    """(datestamp, identifier) of the last item already returned."""


def _check(payload: str) -> str:
    digest = hashlib.blake2b(payload.encode("ascii"), key=_CHECK_KEY, digest_size=9).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def encode_token(token: ResumptionToken) -> str:
    q = token.query
    document = [q.verb, q.metadata_prefix, q.set_spec, q.from_, q.until, *token.after]
    data = json.dumps(document, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    payload = base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
    return f"{_VERSION}.{payload}.{_check(payload)}"


def decode_token(text: str) -> ResumptionToken | None:
    """The token, or None when it is malformed, damaged, or not one this server wrote."""
    parts = text.split(".")
    if len(parts) != 3 or parts[0] != _VERSION or not text.isascii():
        return None
    _, payload, check = parts
    if check != _check(payload):
        return None
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        document = json.loads(data)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(document, list) or len(document) != 7:
        return None
    verb, prefix, set_spec, from_, until, stamp, identifier = document
    if (
        verb not in _LIST_VERBS
        or not isinstance(prefix, str)
        or not all(v is None or isinstance(v, str) for v in (set_spec, from_, until))
        or not isinstance(stamp, str)
        or not _STAMP.match(stamp)
        or not isinstance(identifier, str)
        or any(v is not None and parse_bound(v) is None for v in (from_, until))
    ):
        return None
    return ResumptionToken(ListQuery(verb, prefix, set_spec, from_, until), (stamp, identifier))
