"""Statement pages: every anchor highlighted and linked, text verbatim, items linked back.

Expectations are read from the example records themselves, so a new anchor in an example is
checked without touching this file. Also home for `parse_html`, which the other page tests use.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from advocacy_ld.model.namespaces import ADV, OA, SCHEMA
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS

from ..conftest import BASE, statement_files

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class Element:
    """A parsed HTML element: enough of a DOM to check structure without a browser."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.iter(tag) if all(e.has(k, v) for k, v in wanted.items())]

    def has(self, name: str, value: str) -> bool:
        """`class` matches one of the element's classes; other attributes match exactly."""
        if name == "class":
            return value in self.classes()
        return self.attrs.get(name) == value

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}>"
        return found[0]

    def text(self, skip_class: str | None = None) -> str:
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif skip_class is None or skip_class not in child.attrs.get("class", "").split():
                parts.append(child.text(skip_class))
        return "".join(parts)

    def children_of(self, tag: str) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element) and c.tag == tag]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(body: bytes | str) -> Element:
    """Parse a page, checking that every element is closed where it should be."""
    builder = _TreeBuilder()
    builder.feed(body.decode("utf-8") if isinstance(body, bytes) else body)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def page(client: TestClient, path: str, **headers: str) -> Element:
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return parse_html(response.content)


@dataclass(frozen=True)
class Expected:
    """What a statement record says its page must show."""

    path: str
    text: str
    anchors: dict[str, str]
    """Anchor fragment -> path of its body."""
    spans: dict[str, tuple[int, int]]
    extracted: list[str]


def expected(statement: Path) -> Expected:
    graph = Graph().parse(statement, format="turtle", publicID=f"{BASE}/")
    document = next(s for s in graph.subjects(SCHEMA.headline, None) if isinstance(s, URIRef))
    source = graph.value(document, ADV.sourceText)
    anchors = {}
    spans = {}
    for annotation in graph.subjects(OA.hasBody, None):
        fragment = str(annotation).partition("#")[2]
        anchors[fragment] = str(graph.value(annotation, OA.hasBody)).removeprefix(BASE)
        target = graph.value(annotation, OA.hasTarget)
        for selector in graph.objects(target, OA.hasSelector):
            start = graph.value(selector, OA.start)
            if start is not None:
                spans[fragment] = (int(start), int(graph.value(selector, OA.end)))  # type: ignore[arg-type]
    extracted = [
        str(o).removeprefix(BASE)
        for p in (ADV.makesAllegation, ADV.makesDemand)
        for o in graph.objects(document, p)
    ]
    return Expected(
        str(document).removeprefix(BASE),
        str(graph.value(source, SCHEMA.text)),
        anchors,
        spans,
        extracted,
    )


STATEMENTS = [pytest.param(expected(p), id=p.parent.name) for p in statement_files()]


def marks_of(root: Element, fragment: str) -> list[Element]:
    return [m for m in root.iter("mark") if m.attrs.get("data-anchor") == fragment]


def own_links(mark: Element) -> list[str]:
    """Links that are direct children of a mark (nested marks have their own)."""
    return [c.attrs["href"] for c in mark.children if isinstance(c, Element) and c.tag == "a"]


@pytest.mark.parametrize("record", STATEMENTS)
def test_every_anchor_is_highlighted_once_with_its_id(client: TestClient, record: Expected) -> None:
    root = page(client, record.path)
    with_id = [m.attrs["id"] for m in root.iter("mark") if "id" in m.attrs]
    assert sorted(with_id) == sorted(record.anchors)
    assert len(list(root.iter("mark"))) >= len(record.anchors)


@pytest.mark.parametrize("record", STATEMENTS)
def test_each_highlight_links_to_what_was_extracted_from_it(
    client: TestClient, record: Expected
) -> None:
    root = page(client, record.path)
    for fragment, body in record.anchors.items():
        links = [href for mark in marks_of(root, fragment) for href in own_links(mark)]
        assert links, f"{fragment} has no link"
        assert set(links) == {body}, fragment
        assert {m.attrs["data-body"] for m in marks_of(root, fragment)} == {body}


@pytest.mark.parametrize("record", STATEMENTS)
def test_highlights_cover_exactly_their_spans(client: TestClient, record: Expected) -> None:
    """The page shows the text verbatim, and each highlight holds exactly its span."""
    root = page(client, record.path)
    source = root.one("div", class_="source-text")
    assert source.text(skip_class="hl-ref") == record.text
    for fragment, (start, end) in record.spans.items():
        pieces = "".join(m.text(skip_class="hl-ref") for m in marks_of(root, fragment))
        assert pieces == record.text[start:end], fragment


@pytest.mark.parametrize(
    ("outer", "inner"),
    [
        ("anchor-mention-washington-post-report", "anchor-mention-washington-post"),
        ("anchor-demand-4-protect", "anchor-allegation-6-arbitrary-arrest"),
        ("anchor-demand-4-protect", "anchor-allegation-7-enforced-disappearance"),
    ],
)
def test_sednaya_overlapping_spans_are_nested(client: TestClient, outer: str, inner: str) -> None:
    """The newspaper inside the report, two allegations inside a demand: inner in outer."""
    root = page(client, "/id/statement/sednaya-2018-12-25")
    outer_mark = root.one("mark", id=outer)
    assert inner in [m.attrs["id"] for m in outer_mark.iter("mark") if "id" in m.attrs]
    assert own_links(outer_mark), "the outer span keeps a link of its own"


@pytest.mark.parametrize("record", STATEMENTS)
def test_extracted_items_link_to_their_pages_and_back_to_their_spans(
    client: TestClient, record: Expected
) -> None:
    root = page(client, record.path)
    ids = {e.attrs["id"] for e in root.iter() if "id" in e.attrs}
    for item_path in record.extracted:
        [item] = [li for li in root.iter("li") if li.find("a", href=item_path)]
        spans = [a.attrs["href"] for a in item.find("a", class_="passage")]
        own = sorted(f for f, body in record.anchors.items() if body == item_path)
        assert sorted(href.removeprefix("#") for href in spans) == own
        assert all(href.removeprefix("#") in ids for href in spans)


def test_extracted_items_show_their_properties_by_label(client: TestClient) -> None:
    root = page(client, "/id/statement/sednaya-2018-12-25")
    allegation = root.one("li", id="allegation-2")
    text = allegation.text()
    for label in ("Mass execution", "War crimes", "Crimes against humanity", "Sednaya Prison"):
        assert label in text
    assert allegation.find("a", href="/id/org/syrian-government")
    demand = root.one("li", id="demand-1")
    assert demand.find("a", href="/id/org/un-security-council")
    assert "Cessation of violations" in demand.text()
    cited = root.one("section", id="cited")
    assert cited.find("a", href="/id/report/washington-post-2018-12-23-sednaya-executions")
    mentions = root.one("section", id="mentions")
    assert mentions.find("a", href="/id/place/syria")
    header = root.one("header", class_="page-head")
    assert "Atrocities in Notorious Sednaya Prison Continue Unabated" in header.text()
    assert header.find("time", datetime="2018-12-25")
    assert header.find("a", href="/id/org/national-commission-detainees-missing-persons")
    assert "Press release" in header.text()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Accept-Language": "ar"}],
    ids=["query", "accept-language"],
)
def test_arabic_statement_page(client: TestClient, headers: dict[str, str]) -> None:
    path = "/id/statement/sednaya-2018-12-25"
    root = page(client, path if headers else f"{path}?lang=ar", **headers)
    html = root.one("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("ar", "rtl")
    assert root.one("h2", id="source-heading").text() == "النص المصدر"
    source = root.one("div", class_="source-text")
    assert (source.attrs["lang"], source.attrs["dir"]) == ("en", "ltr")
    allegation = root.one("li", id="allegation-1").text()
    assert "الإعدام الجماعي" in allegation  # violation type by its Arabic prefLabel
    assert "Mass execution" not in allegation
    assert "سجن صيدنايا" in allegation  # the facility by its Arabic name
    description = root.one("li", id="allegation-1").one("p", class_="description")
    assert (description.attrs["lang"], description.attrs["dir"]) == ("en", "ltr")
    # Links keep the reader in Arabic.
    assert root.one("mark", id="anchor-mention-icrc").find("a", href="/id/org/icrc?lang=ar")


def test_english_is_the_default(client: TestClient) -> None:
    root = page(client, "/id/statement/sednaya-2018-12-25", **{"Accept-Language": "fr, de"})
    html = root.one("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("en", "ltr")


@pytest.mark.parametrize(
    "path",
    [
        "/id/statement/sednaya-2018-12-25",
        "/id/org/icrc",
        "/id/allegation/sednaya-2018-12-25-1",
        "/id/facility/sednaya-prison",
    ],
)
def test_embedded_jsonld_is_the_jsonld_representation(client: TestClient, path: str) -> None:
    for lang in ("en", "ar"):
        root = page(client, f"{path}?lang={lang}")
        [script] = root.find("script", type="application/ld+json")
        embedded = json.loads(script.text())
        assert embedded == client.get(f"{path}.jsonld").json()
        document = {**embedded, "@context": client.get("/context.jsonld").json()["@context"]}
        graph = Graph().parse(data=json.dumps(document), format="json-ld")
        assert (URIRef(f"{BASE}{path}"), None, None) in graph
        # No script runs: the page works without JavaScript.
        assert {s.attrs.get("type") for s in root.iter("script")} == {"application/ld+json"}


@pytest.mark.parametrize("path", ["/id/statement/sednaya-2018-12-25", "/id/org/icrc"])
def test_alternates_link_each_rdf_format(client: TestClient, path: str) -> None:
    root = page(client, f"{path}.html")
    alternates = {
        link.attrs["type"]: link.attrs["href"]
        for link in root.find("link", rel="alternate")
        if "type" in link.attrs
    }
    assert alternates == {r.media_type: f"{path}.{r.suffix}" for r in RDF_REPRESENTATIONS}
    for media_type, href in alternates.items():
        response = client.get(href)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
    assert root.one("link", rel="canonical").attrs["href"] == path
