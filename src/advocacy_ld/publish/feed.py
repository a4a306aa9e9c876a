"""The change feed as a Linked Data Event Stream: the stream's root node and its fixed-size pages.

Plain data in, RDF out (LDES, https://w3id.org/ldes/specification; TREE,
https://w3id.org/tree/specification). A member's metadata lives in the default graph and its
content (the version's record graph) in a named graph named by the member, which is where the
TREE member extraction algorithm looks (LDES §2, example 2). Content arrives as N-Triples bytes
copied by the store, so a page costs no Python object per content triple.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

import pyoxigraph as ox
from rdflib.namespace import RDF, XSD

from advocacy_ld.model.namespaces import ADV, PREFIXES

LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
AS = "https://www.w3.org/ns/activitystreams#"
_PROV = "http://www.w3.org/ns/prov#"
_DCTERMS = "http://purl.org/dc/terms/"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")

TIMESTAMP_PATH = ox.NamedNode(f"{_PROV}generatedAtTime")
VERSION_OF_PATH = ox.NamedNode(f"{_DCTERMS}isVersionOf")
SEQUENCE_PATH = ox.NamedNode(str(ADV.sequence))
DELETE_OBJECT = ox.NamedNode(f"{AS}Delete")
MEMBER = ox.NamedNode(f"{TREE}member")

PAGES_PATH = "/feed/pages/"
MEMBERS_PATH = "/feed/members/"
_FEED_PREFIXES = {"ldes": LDES, "tree": TREE, "as": AS, "prov": _PROV, "dcterms": _DCTERMS,
                  "adv": str(ADV), "rdf": str(RDF), "xsd": str(XSD)}  # fmt: skip
_CONTENT_PREFIXES = {
    **{name: str(namespace) for name, namespace in PREFIXES.items()},
    **_FEED_PREFIXES,
}


class FeedFormat(Enum):
    """The feed's representations, in the server's order of preference (ties in `Accept`).

    The dataset formats carry each member's content in its named graph; Turtle and N-Triples
    can only carry the default graph: the stream, its pages and the members' metadata.
    """

    TRIG = ("application/trig", "trig", True)
    N_QUADS = ("application/n-quads", "nq", True)
    JSON_LD = ("application/ld+json", "jsonld", True)
    TURTLE = ("text/turtle", "ttl", False)
    N_TRIPLES = ("application/n-triples", "nt", False)

    @property
    def media_type(self) -> str:
        media_type: str = self.value[0]
        return media_type

    @property
    def suffix(self) -> str:
        suffix: str = self.value[1]
        return suffix

    @property
    def carries_content(self) -> bool:
        carries: bool = self.value[2]
        return carries

    @property
    def content_type(self) -> str:
        """The Content-Type header value (UTF-8 for the text formats)."""
        if self is FeedFormat.JSON_LD:
            return self.media_type
        return f"{self.media_type}; charset=utf-8"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        found: ox.RdfFormat | None = ox.RdfFormat.from_media_type(self.media_type)
        assert found is not None
        return found

    @classmethod
    def by_suffix(cls, suffix: str) -> FeedFormat | None:
        return next((f for f in cls if f.suffix == suffix), None)

    @classmethod
    def by_name(cls, name: str) -> FeedFormat | None:
        """`_format=` accepts a suffix (`nq`), a media type, or a common name (`n-quads`)."""
        lowered = name.strip().lower()
        aliases = {"turtle": "ttl", "json-ld": "jsonld", "json": "jsonld", "ntriples": "nt",
                   "n-triples": "nt", "nquads": "nq", "n-quads": "nq"}  # fmt: skip
        lowered = aliases.get(lowered, lowered)
        return cls.by_suffix(lowered) or next((f for f in cls if f.media_type == lowered), None)


@dataclass(frozen=True)
class FeedEntry:
    """One change-feed event as the feed shows it: a version made public, or a withdrawal."""

    sequence: int
    record: str
    version: int
    time: datetime
    deleted: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class PageSummary:
    """What the root says of one page: the range of its timestamps, and whether it is full."""

    number: int
    earliest: datetime
    latest: datetime
    members: int
    complete: bool


@dataclass(frozen=True)
class FeedLayout:
    """Where the stream, its pages and its members live, and which events each page holds.

    Page paths name their range of sequence numbers (`/feed/pages/101-200`), so a change of
    page size gives new URLs and no cache or harvester state can mistake one page for another.
    """

    base: str
    page_size: int

    @property
    def stream(self) -> str:
        return f"{self.base}/feed"

    def page_count(self, length: int) -> int:
        return -(-length // self.page_size)

    def span(self, number: int) -> tuple[int, int]:
        """Sequence numbers of the first and last event page `number` holds once it is full."""
        first = (number - 1) * self.page_size + 1
        return first, first + self.page_size - 1

    def page_path(self, number: int) -> str:
        first, last = self.span(number)
        return f"{PAGES_PATH}{first}-{last}"

    def page_iri(self, number: int) -> str:
        return f"{self.base}{self.page_path(number)}"

    def member_iri(self, sequence: int) -> str:
        return f"{self.base}{MEMBERS_PATH}{sequence}"

    def page_of(self, sequence: int) -> int:
        return (sequence - 1) // self.page_size + 1

    def page_named(self, name: str) -> int | None:
        """The page whose path ends in `name` (`101-200`); None for any other name."""
        first, dash, last = name.partition("-")
        if not (dash and first.isdigit() and last.isdigit()) or int(first) < 1:
            return None
        number = self.page_of(int(first))
        return number if self.span(number) == (int(first), int(last)) else None


def summarize(number: int, entries: Sequence[FeedEntry], complete: bool) -> PageSummary:
    """The root's view of a page; bounds over the events themselves, so they hold even if the
    clock that stamped them ever stepped back (TREE §relations: a relation must be true)."""
    times = [e.time for e in entries]
    return PageSummary(number, min(times), max(times), len(entries), complete)


@dataclass(frozen=True)
class FeedDocument:
    """One feed resource: its default graph (stream, node, members' metadata) and each
    member's content as the N-Triples of the named graph named by the member."""

    metadata: list[ox.Triple]
    contents: list[tuple[str, bytes]] = field(default_factory=list)

    def nquads(self) -> bytes:
        """N-Quads: an N-Triples line becomes an N-Quads line by naming its graph before the
        final " ." (N-Triples escapes line breaks, so " .\\n" only ever ends a line)."""
        parts = [ox.serialize(self.metadata, format=ox.RdfFormat.N_TRIPLES) or b""]
        for member, content in self.contents:
            parts.append(content.replace(b" .\n", f" <{member}> .\n".encode()))
        return b"".join(parts)

    def trig(self) -> bytes:
        """TriG: the default graph in Turtle, then each member's N-Triples as the body of its
        graph block (TriG §2: Turtle is TriG, and N-Triples lines are valid in a block)."""
        parts = [
            ox.serialize(self.metadata, format=ox.RdfFormat.TURTLE, prefixes=_FEED_PREFIXES) or b""
        ]
        for member, content in self.contents:
            parts += [f"\n<{member}> {{\n".encode(), content, b"}\n"]
        return b"".join(parts)

    def render(self, feed_format: FeedFormat) -> bytes:
        """Every format from the same quads, so that they cannot disagree; the two that
        harvesters read are put together from the members' stored N-Triples as they are."""
        if feed_format is FeedFormat.N_QUADS:
            return self.nquads()
        if feed_format is FeedFormat.TRIG:
            return self.trig()
        if feed_format.carries_content:
            return transcode(self.nquads(), FeedFormat.N_QUADS, feed_format)
        data = ox.serialize(self.metadata, format=feed_format.rdf_format, prefixes=_FEED_PREFIXES)
        return data or b""


def transcode(body: bytes, source: FeedFormat, target: FeedFormat) -> bytes:
    """A rendered document in another format that carries content, by pyoxigraph's native
    parser and serializer: far cheaper than reading the members' content again."""
    if not (source.carries_content and target.carries_content):
        raise ValueError("only the formats that carry members' content convert to each other")
    if source is target:
        return body
    prefixes = None if target is FeedFormat.JSON_LD else _CONTENT_PREFIXES
    quads = ox.parse(body, format=source.rdf_format)
    return ox.serialize(quads, format=target.rdf_format, prefixes=prefixes) or b""


def root_document(layout: FeedLayout, pages: Sequence[PageSummary]) -> FeedDocument:
    """The root node at `/feed`: the stream, and one pair of relations to every page.

    Every page hangs off the root (no page links another), so a client that skips the full
    pages it has already fetched still reaches every newer page in one hop.
    """
    stream = ox.NamedNode(layout.stream)
    triples = [*_stream_description(stream), ox.Triple(stream, _RDF_TYPE, _tree("Node"))]
    relations = []
    for page in pages:
        node = ox.NamedNode(layout.page_iri(page.number))
        # TREE §relations: every member reachable through a relation satisfies it; the bounds
        # let a client that wants only what changed after (or before) a time prune pages.
        bounds = [("GreaterThanOrEqualToRelation", "from", page.earliest)]
        if page.complete:
            bounds.append(("LessThanOrEqualToRelation", "until", page.latest))
        for kind, name, value in bounds:
            relation = ox.BlankNode(f"{name}{page.number}")
            triples.append(ox.Triple(stream, _tree("relation"), relation))
            relations += [
                ox.Triple(relation, _RDF_TYPE, _tree(kind)),
                ox.Triple(relation, _tree("node"), node),
                ox.Triple(relation, _tree("path"), TIMESTAMP_PATH),
                ox.Triple(relation, _tree("value"), _datetime(value)),
                ox.Triple(relation, _tree("remainingItems"), _integer(page.members)),
            ]
    return FeedDocument(triples + relations)


def page_document(
    layout: FeedLayout,
    number: int,
    entries: Sequence[FeedEntry],
    contents: Mapping[int, bytes],
) -> FeedDocument:
    """Page `number`: its members in sequence order, each with the content `contents` holds
    for its sequence number (a withheld or deleted member has none)."""
    stream = ox.NamedNode(layout.stream)
    node = ox.NamedNode(layout.page_iri(number))
    triples = [*_stream_description(stream), ox.Triple(node, _RDF_TYPE, _tree("Node"))]
    if len(entries) == layout.page_size:
        # LDES vocabulary: refetching this node will never give new members.
        triples.append(ox.Triple(node, ox.NamedNode(f"{LDES}immutable"), _boolean(True)))
    members = [ox.NamedNode(layout.member_iri(entry.sequence)) for entry in entries]
    triples += [ox.Triple(stream, MEMBER, member) for member in members]
    documents = []
    for member, entry in zip(members, entries, strict=True):
        triples += _member_metadata(member, entry)
        content = contents.get(entry.sequence)
        if content and not entry.deleted:
            documents.append((member.value, content))
    return FeedDocument(triples, documents)


def members_of(document: Iterable[ox.Triple | ox.Quad], stream: str) -> list[str]:
    """The member IRIs a parsed feed document lists (what a harvester counts)."""
    return [
        t.object.value
        for t in document
        if t.predicate == MEMBER and t.subject == ox.NamedNode(stream)
        if isinstance(t.object, ox.NamedNode)
    ]


def _stream_description(stream: ox.NamedNode) -> list[ox.Triple]:
    """What a client reads from the stream before any member (LDES §2 and §3.1): how members
    are ordered, which record each is a version of, and how a deletion is recognised."""
    return [
        ox.Triple(stream, _RDF_TYPE, ox.NamedNode(f"{LDES}EventStream")),
        ox.Triple(stream, _RDF_TYPE, _tree("Collection")),
        ox.Triple(stream, ox.NamedNode(f"{LDES}timestampPath"), TIMESTAMP_PATH),
        ox.Triple(stream, ox.NamedNode(f"{LDES}sequencePath"), SEQUENCE_PATH),
        ox.Triple(stream, ox.NamedNode(f"{LDES}versionOfPath"), VERSION_OF_PATH),
        ox.Triple(stream, ox.NamedNode(f"{LDES}versionDeletePath"), _RDF_TYPE),
        ox.Triple(stream, ox.NamedNode(f"{LDES}versionDeleteObject"), DELETE_OBJECT),
        ox.Triple(stream, _tree("view"), stream),
        ox.Triple(
            stream,
            ox.NamedNode(f"{_DCTERMS}title"),
            ox.Literal("advocacy-ld change feed", language="en"),
        ),
    ]


def _member_metadata(member: ox.NamedNode, entry: FeedEntry) -> list[ox.Triple]:
    triples = []
    if entry.deleted:
        triples.append(ox.Triple(member, _RDF_TYPE, DELETE_OBJECT))
    triples += [
        ox.Triple(member, VERSION_OF_PATH, ox.NamedNode(entry.record)),
        ox.Triple(member, TIMESTAMP_PATH, _datetime(entry.time)),
        ox.Triple(member, SEQUENCE_PATH, _integer(entry.sequence)),
        ox.Triple(member, ox.NamedNode(str(ADV.versionNumber)), _integer(entry.version)),
    ]
    if entry.deleted and entry.reason:
        triples.append(
            ox.Triple(member, ox.NamedNode(str(ADV.retractionReason)), ox.Literal(entry.reason))
        )
    return triples


def _tree(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{TREE}{name}")


def _datetime(value: datetime) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=_XSD_DATETIME)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD_INTEGER)


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_XSD_BOOLEAN)
