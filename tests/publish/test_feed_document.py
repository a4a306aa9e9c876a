"""The feed's RDF from plain data: page layout, the root's relations, members, every format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
import pytest

from advocacy_ld.publish.feed import (
    AS,
    LDES,
    TREE,
    FeedDocument,
    FeedEntry,
    FeedFormat,
    FeedLayout,
    members_of,
    page_document,
    root_document,
    summarize,
)

BASE = "http://127.0.0.1:8000"
LAYOUT = FeedLayout(BASE, 3)
T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
STREAM = ox.NamedNode(f"{BASE}/feed")
# Literals that an N-Triples line trick could trip over: a line break, " ." and "> ." inside.
TRICKY = (
    b'<http://x/a> <http://x/p> "two\\nlines ." .\n'
    b'<http://x/a> <http://x/p> "ends with > . <http://x/g> ." .\n'
    b'_:b1 <http://x/p> "x"@en .\n'
    b"<http://x/a> <http://x/q> _:b1 .\n"
)


def entry(sequence: int, record: str = "a", **fields: object) -> FeedEntry:
    return FeedEntry(
        sequence=sequence,
        record=f"{BASE}/id/org/{record}",
        version=int(str(fields.pop("version", 1))),
        time=T0 + timedelta(seconds=sequence),
        **fields,  # type: ignore[arg-type]
    )


def at(seconds: int) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat()


def quads(document: FeedDocument, feed_format: FeedFormat) -> list[ox.Quad]:
    return list(ox.parse(document.render(feed_format), format=feed_format.rdf_format))


def canonical(found: list[ox.Quad]) -> set[str]:
    dataset = ox.Dataset(found)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


@pytest.mark.parametrize(
    ("name", "page"),
    [("1-3", 1), ("4-6", 2), ("301-303", 101), ("0-2", None), ("2-4", None), ("1-4", None),
     ("4-3", None), ("a-b", None), ("1", None), ("-1-3", None), ("1-3-5", None), ("", None)],
)  # fmt: skip
def test_only_aligned_ranges_name_pages(name: str, page: int | None) -> None:
    assert LAYOUT.page_named(name) == page


def test_the_layout_numbers_pages_from_one() -> None:
    assert [LAYOUT.page_count(n) for n in (0, 1, 3, 4, 6, 7)] == [0, 1, 1, 2, 2, 3]
    assert LAYOUT.span(2) == (4, 6)
    assert LAYOUT.page_iri(2) == f"{BASE}/feed/pages/4-6"
    assert LAYOUT.member_iri(5) == f"{BASE}/feed/members/5"
    assert [LAYOUT.page_of(n) for n in (1, 3, 4, 7)] == [1, 1, 2, 3]
    # Another page size gives other page IRIs: no cache can mix the two layouts up.
    assert FeedLayout(BASE, 4).page_iri(2) != LAYOUT.page_iri(2)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("nq", FeedFormat.N_QUADS), ("n-quads", FeedFormat.N_QUADS), ("trig", FeedFormat.TRIG),
     ("application/trig", FeedFormat.TRIG), ("turtle", FeedFormat.TURTLE),
     ("JSON-LD", FeedFormat.JSON_LD), ("nt", FeedFormat.N_TRIPLES), ("rdf", None), ("html", None)],
)  # fmt: skip
def test_format_names(name: str, expected: FeedFormat | None) -> None:
    assert FeedFormat.by_name(name) is expected


def test_a_member_carries_its_record_graph_in_its_named_graph() -> None:
    document = page_document(LAYOUT, 1, [entry(1), entry(2, "b")], {1: TRICKY, 2: TRICKY})
    found = quads(document, FeedFormat.N_QUADS)
    member = ox.NamedNode(LAYOUT.member_iri(1))
    content = [q for q in found if q.graph_name == member]
    assert canonical([ox.Quad(q.subject, q.predicate, q.object) for q in content]) == canonical(
        list(ox.parse(TRICKY, format=ox.RdfFormat.N_TRIPLES))
    )
    metadata = {(q.predicate.value, q.object.value) for q in found if q.subject == member}
    assert metadata == {
        ("http://purl.org/dc/terms/isVersionOf", f"{BASE}/id/org/a"),
        ("http://www.w3.org/ns/prov#generatedAtTime", at(1)),
        ("https://w3id.org/advocacy-ld/ns#sequence", "1"),
        ("https://w3id.org/advocacy-ld/ns#versionNumber", "1"),
    }
    assert members_of(found, STREAM.value) == [LAYOUT.member_iri(1), LAYOUT.member_iri(2)]


def test_a_tombstone_is_an_as_delete_member_without_content() -> None:
    tombstone = entry(2, deleted=True, reason="duplicate record")
    document = page_document(LAYOUT, 1, [entry(1), tombstone], {1: TRICKY, 2: TRICKY})
    found = quads(document, FeedFormat.N_QUADS)
    member = ox.NamedNode(LAYOUT.member_iri(2))
    assert ox.Quad(member, RDF_TYPE, ox.NamedNode(f"{AS}Delete")) in found
    assert not [q for q in found if q.graph_name == member]
    reasons = [q.object.value for q in found if q.subject == member and "retraction" in str(q)]
    assert reasons == ["duplicate record"]
    stream = {(q.predicate.value, q.object.value) for q in found if q.subject == STREAM}
    assert (f"{LDES}versionDeleteObject", f"{AS}Delete") in stream
    assert (f"{LDES}versionOfPath", "http://purl.org/dc/terms/isVersionOf") in stream
    assert (f"{LDES}timestampPath", "http://www.w3.org/ns/prov#generatedAtTime") in stream
    rdf_type = RDF_TYPE.value
    assert (rdf_type, f"{LDES}EventStream") in stream
    assert (rdf_type, "https://w3id.org/tree#Collection") in stream


def test_a_withheld_member_keeps_its_metadata_only() -> None:
    document = page_document(LAYOUT, 1, [entry(1), entry(2, "b")], {2: TRICKY})
    found = quads(document, FeedFormat.N_QUADS)
    first, second = (ox.NamedNode(LAYOUT.member_iri(n)) for n in (1, 2))
    assert {q.graph_name for q in found} == {ox.DefaultGraph(), second}
    assert any(q.subject == first for q in found)


def test_only_a_full_page_says_it_is_immutable() -> None:
    immutable = ox.NamedNode(f"{LDES}immutable")
    full = quads(page_document(LAYOUT, 1, [entry(1), entry(2), entry(3)], {}), FeedFormat.N_QUADS)
    latest = quads(page_document(LAYOUT, 2, [entry(4)], {}), FeedFormat.N_QUADS)
    assert [q.object.value for q in full if q.predicate == immutable] == ["true"]
    assert not [q for q in latest if q.predicate == immutable]


def test_the_root_bounds_every_page_by_its_timestamps() -> None:
    full = [entry(3), entry(1), entry(2)]  # out of order on purpose: bounds are min and max
    pages = [summarize(1, full, complete=True), summarize(2, [entry(4)], complete=False)]
    found = quads(root_document(LAYOUT, pages), FeedFormat.N_QUADS)
    relations = [
        q.object for q in found if q.subject == STREAM and q.predicate.value.endswith("relation")
    ]

    def about(relation: ox.NamedNode | ox.BlankNode | ox.Literal, name: str) -> str:
        return next(
            q.object.value
            for q in found
            if q.subject == relation and q.predicate.value.endswith(name)
        )

    described = sorted(
        (about(r, "node"), about(r, "type").removeprefix(TREE), about(r, "value"),
         about(r, "remainingItems"))
        for r in relations
    )  # fmt: skip
    assert described == [
        (LAYOUT.page_iri(1), "GreaterThanOrEqualToRelation", at(1), "3"),
        (LAYOUT.page_iri(1), "LessThanOrEqualToRelation", at(3), "3"),
        (LAYOUT.page_iri(2), "GreaterThanOrEqualToRelation", at(4), "1"),
    ]
    assert all(about(r, "path") == "http://www.w3.org/ns/prov#generatedAtTime" for r in relations)
    assert ox.Quad(STREAM, ox.NamedNode(f"{TREE}view"), STREAM) in found
    assert members_of(found, STREAM.value) == []


def test_every_format_says_the_same() -> None:
    entries = [entry(1), entry(2, "b", deleted=True), entry(3, "c", version=2)]
    document = page_document(LAYOUT, 1, entries, {1: TRICKY, 3: TRICKY})
    dataset = canonical(quads(document, FeedFormat.N_QUADS))
    default_graph = canonical(
        [q for q in quads(document, FeedFormat.N_QUADS) if q.graph_name == ox.DefaultGraph()]
    )
    for feed_format in FeedFormat:
        expected = dataset if feed_format.carries_content else default_graph
        assert canonical(quads(document, feed_format)) == expected, feed_format


def test_rendering_is_deterministic() -> None:
    """Equal inputs, equal bytes: the ETag is a digest of the bytes."""
    entries = [entry(1), entry(2, "b")]
    for feed_format in FeedFormat:
        first = page_document(LAYOUT, 1, entries, {1: TRICKY}).render(feed_format)
        again = page_document(LAYOUT, 1, entries, {1: TRICKY}).render(feed_format)
        assert first == again, feed_format
