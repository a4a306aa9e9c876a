"""One OAI-PMH request in, one response document out (OAI-PMH 2.0 §3, §4).

`respond` is the whole protocol over plain data: the harvestable entries, the public store
(through `MetadataSource`) and a few deployment facts. Errors are documents too (§3.6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advocacy_ld.publish.oai.dates import GRANULARITY, parse_bound
from advocacy_ld.publish.oai.entries import EntryIndex, OaiEntry, Selection
from advocacy_ld.publish.oai.errors import ErrorCode, OaiError
from advocacy_ld.publish.oai.formats import FORMATS
from advocacy_ld.publish.oai.metadata import MetadataSource
from advocacy_ld.publish.oai.requests import (
    GetRecord,
    Identify,
    ListItems,
    ListMetadataFormats,
    ListSets,
    Parsed,
    parse_request,
)
from advocacy_ld.publish.oai.sets import OaiSet
from advocacy_ld.publish.oai.tokens import ListQuery, ResumptionToken, decode_token, encode_token
from advocacy_ld.publish.oai.writer import element, envelope, errors, header, record
from advocacy_ld.publish.oai.writer import resumption_token as token_element


@dataclass(frozen=True)
class OaiContext:
    """What a response needs to know about the deployment, as plain data."""

    base_url: str
    repository_name: str
    admin_email: str
    response_date: str
    index: EntryIndex
    sets: Sequence[OaiSet]
    page_size: int
    metadata: MetadataSource


class _Failure(Exception):  # noqa: N818 - carries the errors of one response
    def __init__(self, *found: OaiError) -> None:
        self.errors = found


_NO_ID = "no item of this repository has this identifier"
_NO_FORMAT = "this repository does not disseminate this metadata format"


def respond(items: Sequence[tuple[str, str]], context: OaiContext) -> bytes:
    """The response document (UTF-8 XML) to the request whose arguments are `items`."""
    parsed = parse_request(items)
    if not isinstance(parsed, Parsed):
        # §3.6: badVerb or badArgument; the request element then carries no attributes.
        assert not parsed.error.code.echoes_arguments
        return envelope(context.response_date, context.base_url, {}, [errors([parsed.error])])
    try:
        body = _answer(parsed, context)
    except _Failure as failure:
        body = errors(failure.errors)
    return envelope(context.response_date, context.base_url, parsed.arguments, [body])


def _answer(parsed: Parsed, context: OaiContext) -> bytes:
    verb = parsed.verb
    if isinstance(verb, Identify):
        return _identify(context)
    if isinstance(verb, ListMetadataFormats):
        return _list_metadata_formats(verb.identifier, context)
    if isinstance(verb, ListSets):
        if verb.resumption_token is not None:
            # This repository never splits ListSets, so no token is one of its tokens.
            raise _Failure(OaiError(ErrorCode.BAD_RESUMPTION_TOKEN, "unknown resumption token"))
        return _list_sets(context)
    if isinstance(verb, GetRecord):
        return _get_record(verb, context)
    assert isinstance(verb, ListItems)
    return _list_items(verb, context)


def _identify(context: OaiContext) -> bytes:
    """§4.2; deletedRecord persistent: a record withdrawn after it was public stays listed."""
    earliest = context.index.earliest or context.response_date
    return (
        "<Identify>"
        + element("repositoryName", context.repository_name)
        + element("baseURL", context.base_url)
        + "<protocolVersion>2.0</protocolVersion>"
        + element("adminEmail", context.admin_email)
        + f"<earliestDatestamp>{earliest}</earliestDatestamp>"
        + "<deletedRecord>persistent</deletedRecord>"
        + f"<granularity>{GRANULARITY}</granularity>"
        + "</Identify>\n"
    ).encode("utf-8")


def _entry(identifier: str, context: OaiContext) -> OaiEntry:
    # A record that was never public is not an entry: it answers like one that never existed.
    entry = context.index.get(identifier)
    if entry is None:
        raise _Failure(OaiError(ErrorCode.ID_DOES_NOT_EXIST, _NO_ID))
    return entry


def _list_metadata_formats(identifier: str | None, context: OaiContext) -> bytes:
    """§4.4: every item (deleted ones too) is available in every format."""
    if identifier is not None:
        _entry(identifier, context)
    formats = "".join(
        "<metadataFormat>"
        + element("metadataPrefix", f.prefix)
        + element("schema", f.schema)
        + element("metadataNamespace", f.namespace)
        + "</metadataFormat>"
        for f in FORMATS.values()
    )
    return f"<ListMetadataFormats>{formats}</ListMetadataFormats>\n".encode()


def _list_sets(context: OaiContext) -> bytes:
    """§4.6: the whole (short) list at once, never a resumption token."""
    sets = "".join(
        f"<set>{element('setSpec', s.spec)}{element('setName', s.name)}</set>" for s in context.sets
    )
    return f"<ListSets>{sets}</ListSets>\n".encode()


def _get_record(verb: GetRecord, context: OaiContext) -> bytes:
    """§4.1; an unknown identifier and an unknown format are both reported."""
    found = []
    fmt = FORMATS.get(verb.metadata_prefix)
    if fmt is None:
        found.append(OaiError(ErrorCode.CANNOT_DISSEMINATE_FORMAT, _NO_FORMAT))
    entry = context.index.get(verb.identifier)
    if entry is None:
        found.append(OaiError(ErrorCode.ID_DOES_NOT_EXIST, _NO_ID))
    if found:
        raise _Failure(*found)
    assert fmt is not None
    assert entry is not None
    metadata = context.metadata.render([entry], fmt).get(entry.identifier)
    return b"".join([b"<GetRecord>", record(entry, metadata), b"</GetRecord>\n"])


def _list_items(verb: ListItems, context: OaiContext) -> bytes:
    """§4.3 ListIdentifiers, §4.5 ListRecords: a page in (datestamp, identifier) order."""
    query, after = _query_of(verb)
    fmt = FORMATS.get(query.metadata_prefix)
    if fmt is None:
        raise _Failure(OaiError(ErrorCode.CANNOT_DISSEMINATE_FORMAT, _NO_FORMAT))
    low = parse_bound(query.from_) if query.from_ is not None else None
    high = parse_bound(query.until) if query.until is not None else None
    selection = context.index.select(
        set_spec=query.set_spec,
        lowest=low.lowest if low else None,
        highest=high.highest if high else None,
        after=after,
        size=context.page_size,
    )
    if not selection.page:
        raise _Failure(
            OaiError(ErrorCode.NO_RECORDS_MATCH, "no item matches these arguments")
            if after is None
            else OaiError(ErrorCode.NO_RECORDS_MATCH, "no item is left in this list")
        )
    if query.verb == "ListIdentifiers":
        items = [f"{header(e)}\n".encode() for e in selection.page]
    else:
        metadata = context.metadata.render(selection.page, fmt)
        items = [record(e, metadata.get(e.identifier)) for e in selection.page]
    tail = _token(query, selection, resumed=after is not None)
    return b"".join([f"<{query.verb}>\n".encode(), *items, tail, f"</{query.verb}>\n".encode()])


def _query_of(verb: ListItems) -> tuple[ListQuery, tuple[str, str] | None]:
    if verb.query is not None:
        return verb.query, None
    assert verb.resumption_token is not None
    token = decode_token(verb.resumption_token)
    if token is None or token.query.verb != verb.verb:
        raise _Failure(
            OaiError(ErrorCode.BAD_RESUMPTION_TOKEN, "the resumption token is not valid")
        )
    return token.query, token.after


def _token(query: ListQuery, selection: Selection, *, resumed: bool) -> bytes:
    """§3.5: a token while more is left; an empty one ends a list that took several pages."""
    if selection.more:
        value = encode_token(ResumptionToken(query, selection.page[-1].key))
        return token_element(value, selection.complete_size, selection.cursor)
    if resumed:
        return token_element("", selection.complete_size, selection.cursor)
    return b""
