"""Anchored spans of a source text, and the text cut into nested highlights for a page.

Anchors are Web Annotations whose TextPositionSelector gives code-point offsets (end
exclusive). Spans may nest or cross; crossing spans are split into pieces so the marks nest
properly, and only an anchor's first piece carries its id (the target of back-links).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from advocacy_ld.model.namespaces import OA


@dataclass(frozen=True)
class Anchor:
    """One highlighted span and what was extracted from it."""

    iri: str
    start: int
    end: int
    body: str
    motivation: str | None
    exact: str | None

    @property
    def fragment(self) -> str:
        """The id of its highlight on the statement page (`anchor-…`)."""
        _, hash_, fragment = self.iri.partition("#")
        return fragment if hash_ else self.iri.rsplit("/", 1)[-1]

    def sort_key(self) -> tuple[int, int, str]:
        """Text order; of two spans starting together, the longer one encloses the other."""
        return (self.start, -self.end, self.iri)


@dataclass
class Mark:
    """One piece of an anchor's highlight; children are text runs and nested pieces."""

    anchor: Anchor
    first: bool
    children: list[Mark | str] = field(default_factory=list)
    needs_link: bool = False
    """True on the last piece of an anchor whose text is all covered by inner anchors."""

    @property
    def has_own_text(self) -> bool:
        return any(isinstance(child, str) for child in self.children)


def anchors_of(graph: Graph, source: URIRef) -> list[Anchor]:
    """The anchors of `graph` that point into `source`, in text order."""
    found = []
    for annotation in graph.subjects(RDF.type, OA.Annotation):
        if not isinstance(annotation, URIRef):
            continue
        bodies = sorted(str(b) for b in graph.objects(annotation, OA.hasBody))
        motivation = min(graph.objects(annotation, OA.motivatedBy), key=str, default=None)
        for target in graph.objects(annotation, OA.hasTarget):
            if (target, OA.hasSource, source) not in graph:
                continue
            start = end = None
            exact = None
            for selector in graph.objects(target, OA.hasSelector):
                start = _integer(graph.value(selector, OA.start), start)
                end = _integer(graph.value(selector, OA.end), end)
                quoted = graph.value(selector, OA.exact)
                exact = str(quoted) if quoted is not None else exact
            if start is None or end is None or not bodies:
                continue
            motivated = str(motivation).rsplit("#", 1)[-1] if motivation is not None else None
            found.append(Anchor(str(annotation), start, end, bodies[0], motivated, exact))
    return sorted(found, key=Anchor.sort_key)


def _integer(value: object, default: int | None) -> int | None:
    if isinstance(value, Literal):
        try:
            return int(str(value))
        except ValueError:
            return default
    return default


def nest(text: str, anchors: list[Anchor]) -> list[Mark | str]:
    """Cut `text` at every anchor boundary and nest the pieces: the page's highlight tree.

    Anchors outside the text or empty are left out (validation refuses them anyway).
    """
    usable = sorted((a for a in anchors if 0 <= a.start < a.end <= len(text)), key=Anchor.sort_key)
    bounds = sorted({0, len(text)} | {a.start for a in usable} | {a.end for a in usable})
    root: list[Mark | str] = []
    stack: list[Mark] = []
    seen: set[str] = set()
    pieces: dict[str, list[Mark]] = {}
    for start, end in pairwise(bounds):
        active = [a for a in usable if a.start <= start and end <= a.end]
        kept = 0
        while kept < min(len(stack), len(active)) and stack[kept].anchor is active[kept]:
            kept += 1
        del stack[kept:]
        for anchor in active[kept:]:
            mark = Mark(anchor, first=anchor.iri not in seen)
            seen.add(anchor.iri)
            pieces.setdefault(anchor.iri, []).append(mark)
            (stack[-1].children if stack else root).append(mark)
            stack.append(mark)
        (stack[-1].children if stack else root).append(text[start:end])
    for marks in pieces.values():
        if not any(m.has_own_text for m in marks):
            marks[-1].needs_link = True
    return root


def count_marks(tree: list[Mark | str]) -> int:
    """How many mark elements the tree renders as (pieces included)."""
    return sum(1 + count_marks(list(node.children)) for node in tree if isinstance(node, Mark))
