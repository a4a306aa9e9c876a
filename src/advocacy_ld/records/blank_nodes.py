"""The blank-node shapes a submitted record may have: small trees hanging from IRIs.

Content hashes canonicalize with RDFC-1.0 (`store.terms.content_hash`), whose work explodes for
blank nodes that look alike: a clique of ten blank nodes (100 triples) runs for minutes, a
ring of 500 for seconds, a chain of a thousand overflows the native stack and kills the
process. Records need none of that (an anchor is an IRI's target with two selectors, see
docs/model.md), so anything else is refused before it reaches the canonicalizer.

Why these rules suffice (RDFC-1.0 §4.8): the expensive step permutes, for one blank node, each
group of its blank-node neighbours that share a first-degree hash through the same predicate
and direction. In a tree hanging from IRIs whose blank-node siblings under a blank node all
differ, every such group has one member, and the recursion is bounded by the tree's size and
depth.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import BNode, Graph
from rdflib.term import Node

from advocacy_ld.errors import InputError

MAX_DEPTH = 8
"""Blank nodes below the IRI they hang from (a record's anchors need 2)."""
MAX_TREE = 256
"""Blank nodes in one tree (an anchor's tree has 3)."""


class BlankNodeShapeError(InputError):
    """The record's blank nodes are not small trees hanging from IRIs."""


def check_blank_nodes(graph: Graph) -> None:
    """Raise `BlankNodeShapeError` unless every blank node is the value of exactly one triple,
    lies at most MAX_DEPTH below an IRI, and differs from its blank-node siblings."""
    parent: dict[BNode, tuple[Node, Node]] = {}
    nodes: set[BNode] = set()
    for s, p, o in graph:
        if isinstance(s, BNode):
            nodes.add(s)
        if isinstance(o, BNode):
            nodes.add(o)
            if o in parent:
                raise BlankNodeShapeError(
                    "a blank node is the value of more than one triple; give it an IRI"
                )
            parent[o] = (s, p)
    roots: dict[BNode, BNode] = {}
    for node in nodes:
        roots[node] = _root(node, parent)
    sizes: dict[BNode, int] = defaultdict(int)
    for root in roots.values():
        sizes[root] += 1
        if sizes[root] > MAX_TREE:
            raise BlankNodeShapeError(
                f"more than {MAX_TREE} blank nodes hang together; give some of them IRIs"
            )
    _check_siblings(graph, parent)


def _root(node: BNode, parent: dict[BNode, tuple[Node, Node]]) -> BNode:
    """The top blank node of `node`'s tree, checking that an IRI holds it within MAX_DEPTH."""
    current = node
    for _ in range(MAX_DEPTH):
        if current not in parent:
            raise BlankNodeShapeError("a blank node is not the value of any triple of an IRI")
        holder = parent[current][0]
        if not isinstance(holder, BNode):
            return current
        current = holder
    raise BlankNodeShapeError(
        f"blank nodes nest more than {MAX_DEPTH} deep (or in a cycle); give some of them IRIs"
    )


def _check_siblings(graph: Graph, parent: dict[BNode, tuple[Node, Node]]) -> None:
    siblings: dict[tuple[Node, Node], list[BNode]] = defaultdict(list)
    for child, (holder, predicate) in parent.items():
        if isinstance(holder, BNode):
            siblings[(holder, predicate)].append(child)
    for group in siblings.values():
        if len(group) > 1:
            signatures = {_first_degree(graph, node) for node in group}
            if len(signatures) < len(group):
                raise BlankNodeShapeError(
                    "a blank node has two identical blank-node values for one property"
                )


def _first_degree(graph: Graph, node: BNode) -> tuple[tuple[str, str, str], ...]:
    """The node's triples with itself as `_:a` and other blank nodes as `_:z` (RDFC-1.0 §4.6)."""

    def label(term: Node) -> str:
        if term == node:
            return "_:a"
        return "_:z" if isinstance(term, BNode) else term.n3()

    triples = [*graph.triples((node, None, None)), *graph.triples((None, None, node))]
    return tuple(sorted((label(s), label(p), label(o)) for s, p, o in triples))
