"""What a statement page shows: the document, its highlighted text and what was extracted.

Built from the statement's record graph plus the labels of what it links to; the template only
lays it out. Allegations and demands are the issuer's reported speech and are shown as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.term import Node

from advocacy_ld.model.namespaces import ADV, CITO, SCHEMA
from advocacy_ld.publish.anchors import Anchor, Mark, anchors_of, count_marks, nest
from advocacy_ld.publish.labels import Text, pick_text
from advocacy_ld.publish.links import Link
from advocacy_ld.publish.ui_text import ui
from advocacy_ld.publish.view_parts import (
    Field,
    PageContext,
    Passage,
    natural_key,
    ordinal,
    passages,
)


@dataclass(frozen=True)
class ExtractedItem:
    """An allegation, demand, mentioned entity or cited report, beside the text."""

    element_id: str
    link: Link
    description: Text | None
    fields: tuple[Field, ...]
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class StatementView:
    """Everything the statement template lays out."""

    title: Text
    date: str | None
    issuers: tuple[Link, ...]
    document_type: Link | None
    text_language: str | None
    sha256: str | None
    text: list[Mark | str] | None
    anchors: tuple[Anchor, ...]
    bodies: dict[str, Link]
    """The link of each anchor's body, by body IRI: what a highlight leads to."""
    allegations: tuple[ExtractedItem, ...]
    demands: tuple[ExtractedItem, ...]
    mentions: tuple[ExtractedItem, ...]
    cited: tuple[ExtractedItem, ...]

    @property
    def mark_count(self) -> int:
        return count_marks(self.text or [])


def statement_view(graph: Graph, iri: str, page: PageContext) -> StatementView:
    """Build the view of statement `iri` from its record graph."""
    document = URIRef(iri)
    lang = page.lang
    source = graph.value(document, ADV.sourceText)
    text_literal = graph.value(source, SCHEMA.text) if source is not None else None
    anchors = anchors_of(graph, source) if isinstance(source, URIRef) else []
    text = nest(str(text_literal), anchors) if text_literal is not None else None
    issuers = tuple(
        page.link(i) for i in sorted(graph.objects(document, SCHEMA.publisher), key=str)
    )
    document_type = graph.value(document, ADV.documentType)

    allegations = _numbered(graph, document, ADV.makesAllegation, "allegation", page, anchors)
    demands = _numbered(graph, document, ADV.makesDemand, "demand", page, anchors)
    extracted = {item_iri for item_iri, _ in allegations} | {item_iri for item_iri, _ in demands}
    cited_iris: set[Node] = set(graph.objects(document, CITO.citesAsEvidence))
    for allegation, _ in allegations:
        cited_iris.update(graph.objects(URIRef(allegation), CITO.citesAsEvidence))
    mentioned: set[Node] = set(graph.objects(document, SCHEMA.mentions)) | {
        URIRef(a.body) for a in anchors if a.body not in extracted
    }
    mentions = _by_kind(
        [_entity_item(m, page, anchors, "mention") for m in _sorted_iris(mentioned)]
    )
    cited = [_entity_item(c, page, anchors, "cited") for c in _sorted_iris(cited_iris)]

    bodies = {item_iri: item.link for item_iri, item in allegations + demands}
    for entity in _sorted_iris(mentioned | cited_iris):
        bodies.setdefault(str(entity), page.link(entity))
    return StatementView(
        title=pick_text(graph.objects(document, SCHEMA.headline), lang) or Text(iri),
        date=_string(graph.value(document, SCHEMA.datePublished)),
        issuers=issuers,
        document_type=page.link(document_type) if document_type is not None else None,
        text_language=_string(graph.value(source, SCHEMA.inLanguage)) if source else None,
        sha256=_string(graph.value(source, ADV.sha256)) if source else None,
        text=text,
        anchors=tuple(anchors),
        bodies=bodies,
        allegations=tuple(item for _, item in allegations),
        demands=tuple(item for _, item in demands),
        mentions=tuple(mentions),
        cited=tuple(cited),
    )


def _numbered(
    graph: Graph,
    document: URIRef,
    predicate: URIRef,
    kind: str,
    page: PageContext,
    anchors: list[Anchor],
) -> list[tuple[str, ExtractedItem]]:
    """Allegations or demands in number order, each with its fields and passages."""
    lang = page.lang
    items = []
    for node in sorted(
        (n for n in graph.objects(document, predicate) if isinstance(n, URIRef)),
        key=lambda n: natural_key(str(n)),
    ):
        number = ordinal(str(node)) or ""
        heading = Text(f"{ui(kind, lang)} {number}".strip(), lang)
        link = Link(page.linker.href(str(node)), heading, kind)
        fields = _fields(graph, node, kind, page)
        items.append(
            (
                str(node),
                ExtractedItem(
                    element_id=f"{kind}-{number}" if number else kind,
                    link=link,
                    description=pick_text(graph.objects(node, SCHEMA.description), lang),
                    fields=fields,
                    passages=tuple(passages(anchors, str(node), page.linker, same_page=True)),
                ),
            )
        )
    return items


_ALLEGATION_FIELDS = (
    ("violation_types", ADV.violationType),
    ("legal_characterizations", ADV.legalCharacterization),
    ("perpetrators", ADV.allegedPerpetrator),
    ("at_facility", ADV.atFacility),
    ("period", SCHEMA.temporalCoverage),
    ("evidence", CITO.citesAsEvidence),
)
_DEMAND_FIELDS = (
    ("addressees", ADV.addressee),
    ("demand_types", ADV.demandType),
)


def _fields(graph: Graph, node: URIRef, kind: str, page: PageContext) -> tuple[Field, ...]:
    spec = _ALLEGATION_FIELDS if kind == "allegation" else _DEMAND_FIELDS
    found = (
        page.field(Text(ui(key, page.lang), page.lang), graph, node, predicate)
        for key, predicate in spec
    )
    return tuple(f for f in found if f is not None)


def _entity_item(
    entity: URIRef, page: PageContext, anchors: list[Anchor], prefix: str
) -> ExtractedItem:
    """A mentioned entity or cited report: its name, its type and where the text names it."""
    link = page.link(entity)
    types = tuple(page.link(t).capitalized() for t in page.labels.types(entity))
    fields = (Field(Text(ui("type", page.lang), page.lang), types),) if types else ()
    slug = str(entity).rstrip("/").rsplit("/", 1)[-1]
    return ExtractedItem(
        element_id=f"{prefix}-{link.kind or 'entity'}-{slug}",
        link=link,
        description=None,
        fields=fields,
        passages=tuple(passages(anchors, str(entity), page.linker, same_page=True)),
    )


_KIND_ORDER = ("org", "facility", "place", "report", "person")


def _by_kind(items: list[ExtractedItem]) -> list[ExtractedItem]:
    """Organizations, then facilities, places, reports and persons; by name within each."""

    def key(item: ExtractedItem) -> tuple[int, str]:
        kind = item.link.kind
        rank = _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)
        return (rank, item.link.text.value.casefold())

    return sorted(items, key=key)


def _sorted_iris(nodes: set[Node]) -> list[URIRef]:
    return sorted((n for n in nodes if isinstance(n, URIRef)), key=str)


def _string(node: object) -> str | None:
    return str(node) if node is not None else None
