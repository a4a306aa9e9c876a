"""The building blocks that statement and entity pages share: values, fields and passages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from advocacy_ld.publish.anchors import Anchor
from advocacy_ld.publish.labels import Labels, Text
from advocacy_ld.publish.links import Link, Linker

Value = Link | Text


@dataclass(frozen=True)
class Field:
    """One labelled line of a page: a property and its values."""

    label: Text
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Passage:
    """A back-link to a highlighted span of a statement's text."""

    href: str
    exact: str | None
    number: int


@dataclass(frozen=True)
class PageContext:
    """What every view builder needs: the reader's language, labels and links."""

    lang: str
    labels: Labels
    linker: Linker

    def link(self, iri: Node) -> Link:
        return self.linker.link(str(iri), self.labels.label(iri, self.lang))

    def value(self, node: Node) -> Value | None:
        """A value as a page shows it; blank nodes (selectors, targets) are not shown."""
        if isinstance(node, URIRef):
            return self.link(node)
        if isinstance(node, Literal):
            return Text(str(node), node.language)
        return None

    def field(self, label: Text, graph: Graph, subject: Node, predicate: URIRef) -> Field | None:
        """The field for one property of `subject`, or None when it has no shown value."""
        values = tuple(
            v
            for v in (self.value(o) for o in sorted(graph.objects(subject, predicate), key=str))
            if v is not None
        )
        return Field(label, values) if values else None


def passages(anchors: list[Anchor], body: str, linker: Linker, same_page: bool) -> list[Passage]:
    """Back-links to the spans anchored to `body`: on this page, or on the statement's page."""
    found = [a for a in anchors if a.body == body]
    return [
        Passage(f"#{a.fragment}" if same_page else linker.href(a.iri), a.exact, n)
        for n, a in enumerate(found, start=1)
    ]


_TRAILING_NUMBER = re.compile(r"-(\d+)$")


def natural_key(iri: str) -> tuple[str, int]:
    """Sort `…-2` before `…-10`."""
    match = _TRAILING_NUMBER.search(iri)
    return (iri[: match.start()], int(match.group(1))) if match else (iri, 0)


def ordinal(iri: str) -> str | None:
    """The `n` of `/id/allegation/{statement}-{n}`."""
    match = _TRAILING_NUMBER.search(iri)
    return match.group(1) if match else None
