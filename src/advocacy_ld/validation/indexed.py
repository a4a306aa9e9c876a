"""Read-only graphs indexed by plain dictionaries, for the lookups a validation makes.

rdflib's default store keeps, for every triple, the contexts it belongs to, and each lookup pays
for that bookkeeping: most of a record's validation went there. The graphs pySHACL reads (the
context with the record, the shapes) do not change while it runs, so three dictionaries of sets
(by subject, by predicate, by object) answer every pattern with no bookkeeping at all.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping
from typing import Any, NoReturn, overload

from rdflib import Graph
from rdflib.graph import (
    _ObjectType,
    _PredicateType,
    _SubjectType,
    _TripleChoiceType,
    _TripleOrTriplePathType,
    _TriplePathPatternType,
    _TriplePathType,
    _TriplePatternType,
    _TripleSelectorType,
    _TripleType,
)
from rdflib.namespace import NamespaceManager
from rdflib.paths import Path
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.store import Store
from rdflib.term import Identifier, Node

_Nested = dict[Node, dict[Node, set[Node]]]


class TripleIndex:
    """A set of triples indexed by subject, by predicate and by object."""

    __slots__ = ("_osp", "_pos", "_size", "_spo")

    def __init__(self, triples: Iterable[_TripleType] = ()) -> None:
        self._spo: _Nested = {}
        self._pos: _Nested = {}
        self._osp: _Nested = {}
        self._size = 0
        for triple in triples:
            self.add(triple)

    def add(self, triple: _TripleType) -> None:
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, set())
        if o not in objects:
            objects.add(o)
            self._pos.setdefault(p, {}).setdefault(o, set()).add(s)
            self._osp.setdefault(o, {}).setdefault(s, set()).add(p)
            self._size += 1

    def __len__(self) -> int:
        return self._size

    def __contains__(self, triple: _TripleType) -> bool:
        s, p, o = triple
        by_predicate = self._spo.get(s)
        return by_predicate is not None and o in by_predicate.get(p, ())

    def objects(self, s: Node, p: Node) -> Iterable[Node]:
        """The objects of `s` by `p` (the lookup pySHACL makes most)."""
        by_predicate = self._spo.get(s)
        return () if by_predicate is None else by_predicate.get(p, ())

    def subjects(self, p: Node, o: Node) -> Iterable[Node]:
        """The subjects with `p` to `o`."""
        by_object = self._pos.get(p)
        return () if by_object is None else by_object.get(o, ())

    def match(
        self, s: Node | None, p: Node | None, o: Node | None
    ) -> Generator[_TripleType, None, None]:
        """The triples matching a pattern, `None` standing for any term."""
        if s is not None and p is not None:
            if o is None:
                for x in self.objects(s, p):
                    yield s, p, x
            elif (s, p, o) in self:
                yield s, p, o
        elif s is not None:
            if o is None:
                for q, objects in self._spo.get(s, {}).items():
                    for x in objects:
                        yield s, q, x
            else:
                for q in self._osp.get(o, {}).get(s, ()):
                    yield s, q, o
        elif p is not None:
            if o is None:
                for x, subjects in self._pos.get(p, {}).items():
                    for r in subjects:
                        yield r, p, x
            else:
                for r in self.subjects(p, o):
                    yield r, p, o
        elif o is not None:
            for r, predicates in self._osp.get(o, {}).items():
                for q in predicates:
                    yield r, q, o
        else:
            for r, by_predicate in self._spo.items():
                for q, objects in by_predicate.items():
                    for x in objects:
                        yield r, q, x


class IndexedGraph(Graph):
    """A read-only graph over a `TripleIndex`, with an overlay index that can be swapped.

    The overlay holds only what the base lacks (`overlay`), so that the two never share a
    triple and a lookup is the lookup in each. Every method of `Graph` that reads its store is
    answered from the indexes, and so is the store (`_GraphStore`); the namespace bindings are
    those of the namespace manager given.
    """

    def __init__(self, base: TripleIndex, namespace_manager: NamespaceManager) -> None:
        store = _GraphStore()
        super().__init__(store=store, namespace_manager=namespace_manager)
        store.graph = self
        self._base = base
        self._layers: tuple[TripleIndex, ...] = (base,)

    def overlay(self, triples: Iterable[_TripleType]) -> TripleIndex:
        """Lay `triples` over the base, in place of any overlay; returns the new overlay:
        those of `triples` the base lacks."""
        added = TripleIndex(t for t in triples if t not in self._base)
        self._layers = (self._base, added) if len(added) else (self._base,)
        return added

    def clear_overlay(self) -> None:
        self._layers = (self._base,)

    @overload
    def triples(self, triple: _TriplePatternType) -> Generator[_TripleType, None, None]: ...

    @overload
    def triples(self, triple: _TriplePathPatternType) -> Generator[_TriplePathType, None, None]: ...

    @overload
    def triples(
        self, triple: _TripleSelectorType
    ) -> Generator[_TripleOrTriplePathType, None, None]: ...

    def triples(
        self, triple: _TripleSelectorType
    ) -> Generator[_TripleOrTriplePathType, None, None]:
        s, p, o = triple
        if isinstance(p, Path):  # a property path, evaluated as `Graph.triples` does
            for ps, po in p.eval(self, s, o):
                yield ps, p, po
            return
        for layer in self._layers:
            yield from layer.match(s, p, o)

    def triples_choices(
        self, triple: _TripleChoiceType, context: Graph | None = None
    ) -> Generator[_TripleType, None, None]:
        s, p, o = triple
        for cs in s if isinstance(s, list) else [s]:
            for cp in p if isinstance(p, list) else [p]:
                for co in o if isinstance(o, list) else [o]:
                    for layer in self._layers:
                        yield from layer.match(cs, cp, co)

    def __len__(self) -> int:
        return sum(len(layer) for layer in self._layers)

    def __contains__(self, triple: _TripleSelectorType) -> bool:
        s, p, o = triple
        if s is None or p is None or o is None or isinstance(p, Path):
            return any(True for _ in self.triples(triple))
        return any((s, p, o) in layer for layer in self._layers)

    def objects(
        self,
        subject: _SubjectType | list[_SubjectType] | None = None,
        predicate: Path | _PredicateType | None = None,
        unique: bool = False,
    ) -> Generator[_ObjectType, None, None]:
        if (
            subject is None
            or predicate is None
            or isinstance(subject, list)
            or isinstance(predicate, Path)
        ):
            yield from super().objects(subject, predicate, unique)
        else:  # one subject, one predicate: no object twice, even with `unique` off
            for layer in self._layers:
                yield from layer.objects(subject, predicate)

    def subjects(
        self,
        predicate: Path | _PredicateType | None = None,
        object: _ObjectType | list[_ObjectType] | None = None,  # rdflib names it so
        unique: bool = False,
    ) -> Generator[_SubjectType, None, None]:
        if (
            predicate is None
            or object is None
            or isinstance(predicate, Path)
            or isinstance(object, list)
        ):
            yield from super().subjects(predicate, object, unique)
        else:  # one predicate, one object: no subject twice, even with `unique` off
            for layer in self._layers:
                yield from layer.subjects(predicate, object)

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """`Graph.query`, evaluated by rdflib over the indexes (the store answers triple
        patterns, not queries)."""
        return super().query(query_object, processor, result, initNs, initBindings, False, **kwargs)

    def add(self, triple: _TripleType) -> NoReturn:
        raise TypeError("an IndexedGraph is read-only")

    def addN(self, quads: Iterable[object]) -> NoReturn:  # noqa: N802 (rdflib's name)
        raise TypeError("an IndexedGraph is read-only")

    def remove(self, triple: _TriplePatternType) -> NoReturn:
        raise TypeError("an IndexedGraph is read-only")


class _GraphStore(Store):
    """The store of an `IndexedGraph`: its triples, each in the graph itself as context.

    Some read a graph's store rather than the graph: pySHACL, to write out a blank node of the
    data graph, looks for the graph holding it among the contexts of the store's triples
    (`find_node_named_graph`), and must find the record's nodes there.
    """

    # What an rdflib dataset asks of its store: pySHACL wraps its data graph in one.
    context_aware = True  # each triple in one context, the graph
    graph_aware = True

    def __init__(self) -> None:
        super().__init__()
        self.graph: IndexedGraph | None = None

    def triples(
        self, triple_pattern: _TriplePatternType, context: Graph | None = None
    ) -> Iterator[tuple[_TripleType, Iterator[Graph | None]]]:
        graph = self._graph()
        for triple in graph.triples(triple_pattern):
            yield triple, iter((graph,))

    def __len__(self, context: Graph | None = None) -> int:
        return len(self._graph())

    def contexts(self, triple: _TripleType | None = None) -> Generator[Graph, None, None]:
        graph = self._graph()
        if triple is None or triple in graph:
            yield graph

    def _graph(self) -> IndexedGraph:
        assert self.graph is not None, "the store of an IndexedGraph not yet built"
        return self.graph


def frozen(graph: Graph) -> IndexedGraph:
    """`graph` as it is now, indexed, with its namespace bindings."""
    return IndexedGraph(TripleIndex(graph), graph.namespace_manager)
