"""Request arguments into one typed verb, or the errors the spec names (OAI-PMH 2.0 §3.1, §4).

Every argument value is checked for syntax here, so what the response echoes in its `request`
element (§3.2) is always valid against the OAI-PMH schema.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from advocacy_ld.publish.oai.dates import parse_bound
from advocacy_ld.publish.oai.errors import ErrorCode, OaiError
from advocacy_ld.publish.oai.tokens import ListQuery


@dataclass(frozen=True)
class Identify:
    pass


@dataclass(frozen=True)
class ListMetadataFormats:
    identifier: str | None


@dataclass(frozen=True)
class ListSets:
    resumption_token: str | None


@dataclass(frozen=True)
class GetRecord:
    identifier: str
    metadata_prefix: str


@dataclass(frozen=True)
class ListItems:
    """ListIdentifiers or ListRecords: a new query, or the raw token that resumes one."""

    verb: str
    query: ListQuery | None
    resumption_token: str | None


Verb = Identify | ListMetadataFormats | ListSets | GetRecord | ListItems


@dataclass(frozen=True)
class Parsed:
    verb: Verb
    arguments: dict[str, str]
    """The request's arguments, all of valid syntax: echoed in `request` (§3.2)."""


@dataclass(frozen=True)
class Refused:
    error: OaiError


# §4: required and optional arguments of each verb; a resumption token is exclusive.
_REQUIRED = {
    "Identify": (),
    "ListMetadataFormats": (),
    "ListSets": (),
    "GetRecord": ("identifier", "metadataPrefix"),
    "ListIdentifiers": ("metadataPrefix",),
    "ListRecords": ("metadataPrefix",),
}
_OPTIONAL = {
    "Identify": (),
    "ListMetadataFormats": ("identifier",),
    "ListSets": (),
    "GetRecord": (),
    "ListIdentifiers": ("from", "until", "set"),
    "ListRecords": ("from", "until", "set"),
}
_RESUMABLE = ("ListSets", "ListIdentifiers", "ListRecords")
VERBS = tuple(_REQUIRED)

# §2.4: an identifier is a URI; here an absolute one by RFC 3986 §3 (so it is a valid
# xs:anyURI to echo). §3.4, §2.7.1: the schema's patterns for prefixes and set specs.
_PCT = "%[0-9A-Fa-f]{2}"
_PLAIN = "[A-Za-z0-9\\-._~!$&'()*+,;=]"
_PCHAR = f"(?:{_PLAIN}|{_PCT}|[:@])"
_SEGMENT = f"{_PCHAR}*"
_HOST = f"(?:\\[[0-9A-Fa-f:.]+\\]|(?:{_PLAIN}|{_PCT})*)"
_AUTHORITY = f"(?:(?:{_PLAIN}|{_PCT}|:)*@)?{_HOST}(?::[0-9]+)?"
_HIER = (
    f"(?://{_AUTHORITY}(?:/{_SEGMENT})*|/(?:{_PCHAR}+(?:/{_SEGMENT})*)?|{_PCHAR}+(?:/{_SEGMENT})*|)"
)
_TAIL = f"(?:{_PCHAR}|[/?])*"
_IDENTIFIER = re.compile(f"\\A[A-Za-z][A-Za-z0-9+\\-.]*:{_HIER}(?:\\?{_TAIL})?(?:#{_TAIL})?\\Z")
_PREFIX = re.compile(r"\A[A-Za-z0-9\-_.!~*'()]+\Z")
_SET_SPEC = re.compile(r"\A[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*\Z")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _valid(name: str, value: str) -> bool:
    if name == "identifier":
        return _IDENTIFIER.match(value) is not None
    if name == "metadataPrefix":
        return _PREFIX.match(value) is not None
    if name == "set":
        return _SET_SPEC.match(value) is not None
    if name in ("from", "until"):
        return parse_bound(value) is not None
    return bool(value) and _NOT_XML.search(value) is None  # resumptionToken


def _bad(message: str) -> Refused:
    return Refused(OaiError(ErrorCode.BAD_ARGUMENT, message))


def parse_request(items: Sequence[tuple[str, str]]) -> Parsed | Refused:
    """Check the verb, then the arguments, in the order §3.6 lists the conditions."""
    verbs = [value for name, value in items if name == "verb"]
    if not verbs:
        return Refused(OaiError(ErrorCode.BAD_VERB, "the request has no verb argument"))
    if len(verbs) > 1:
        return Refused(OaiError(ErrorCode.BAD_VERB, "the verb argument is repeated"))
    verb = verbs[0]
    if verb not in _REQUIRED:
        return Refused(OaiError(ErrorCode.BAD_VERB, "the verb argument is not an OAI-PMH verb"))
    arguments: dict[str, str] = {}
    for name, value in items:
        if name == "verb":
            continue
        if name in arguments:
            return _bad(f"the argument {name} is repeated")
        arguments[name] = value
    allowed = {*_REQUIRED[verb], *_OPTIONAL[verb]}
    if verb in _RESUMABLE:
        allowed.add("resumptionToken")
    illegal = sorted(name for name in arguments if name not in allowed)
    if illegal:
        return _bad(f"{verb} does not take the argument(s) {', '.join(map(repr, illegal))}")
    if "resumptionToken" in arguments and len(arguments) > 1:
        return _bad("resumptionToken is an exclusive argument")
    if "resumptionToken" not in arguments:
        missing = [name for name in _REQUIRED[verb] if name not in arguments]
        if missing:
            return _bad(f"{verb} requires the argument(s) {', '.join(missing)}")
    for name, value in arguments.items():
        if not _valid(name, value):
            return _bad(f"the value of {name} has an illegal syntax")
    parsed = _verb(verb, arguments)
    if isinstance(parsed, Refused):
        return parsed
    return Parsed(parsed, {"verb": verb, **arguments})


def _verb(verb: str, arguments: dict[str, str]) -> Verb | Refused:
    token = arguments.get("resumptionToken")
    if verb == "Identify":
        return Identify()
    if verb == "ListMetadataFormats":
        return ListMetadataFormats(arguments.get("identifier"))
    if verb == "ListSets":
        return ListSets(token)
    if verb == "GetRecord":
        return GetRecord(arguments["identifier"], arguments["metadataPrefix"])
    if token is not None:
        return ListItems(verb, None, token)
    from_, until = arguments.get("from"), arguments.get("until")
    if from_ is not None and until is not None:
        # §3.3.1: both bounds at the same granularity, and not an empty range.
        low, high = parse_bound(from_), parse_bound(until)
        assert low is not None
        assert high is not None
        if low.granularity is not high.granularity:
            return _bad("from and until have different granularities")
        if low.lowest > high.highest:
            return _bad("from is later than until")
    query = ListQuery(verb, arguments["metadataPrefix"], arguments.get("set"), from_, until)
    return ListItems(verb, query, None)
