"""Capped answers read back by pyoxigraph: the same solutions come out.

pyoxigraph's own result parsers are the reference: whatever `evaluate` writes in JSON, XML or
TSV (cut at the cap, then written again) must parse to exactly the solutions a direct query
gives.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from advocacy_ld.publish.sparql.evaluate import _JsonRowSink, evaluate, turtle_triple_count
from advocacy_ld.publish.sparql.formats import GraphFormat, ResultFormat
from advocacy_ld.publish.sparql.job import DatasetSpec, OutcomeStatus, QueryJob, ResultKind

EX = "http://example.org/"
QUERY = "SELECT ?s ?o ?extra WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/none> ?extra } }"


def _node(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{EX}{name}")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """Every kind of term, and the characters each format must escape."""
    objects: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
        _node("iri?with=query&amp"),
        ox.BlankNode("b1"),
        ox.Literal("plain"),
        ox.Literal('with\ttab, comma "quotes"\nnewline <xml> & amp'),
        ox.Literal("سجن صيدنايا", language="ar"),
        ox.Literal("Sednaya", language="en-GB"),
        ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("2018-12-25", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ]
    store = ox.Store()
    graph = _node("g")
    for i, term in enumerate(objects):
        store.add(ox.Quad(_node(f"s{i}"), _node("p"), term, graph))
    return store


def _job(result_format: ResultFormat | None, cap: int = 100, query: str = QUERY) -> QueryJob:
    return QueryJob(query, DatasetSpec(), result_format, GraphFormat.TURTLE, row_cap=cap)


def _rows(solutions: ox.QuerySolutions) -> list[tuple[str | None, ...]]:
    return sorted(tuple(str(t) if t is not None else None for t in row) for row in solutions)


@pytest.mark.parametrize("result_format", [ResultFormat.JSON, ResultFormat.XML, ResultFormat.TSV])
def test_written_solutions_read_back_the_same(store: ox.Store, result_format: ResultFormat) -> None:
    outcome = evaluate(store, _job(result_format))
    assert outcome.status is OutcomeStatus.OK
    assert outcome.kind is ResultKind.SOLUTIONS
    parsed = ox.parse_query_results(outcome.body, result_format.oxigraph)
    direct = store.query(QUERY, use_default_graph_as_union=True)
    assert isinstance(parsed, ox.QuerySolutions)
    assert isinstance(direct, ox.QuerySolutions)
    assert [v.value for v in parsed.variables] == ["s", "o", "extra"]
    assert _rows(parsed) == _rows(direct)


def test_csv_is_rfc_4180_with_bare_terms(store: ox.Store) -> None:
    outcome = evaluate(store, _job(ResultFormat.CSV))
    text = outcome.body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["s", "o", "extra"]
    values = {row[1] for row in rows[1:]}
    assert 'with\ttab, comma "quotes"\nnewline <xml> & amp' in values
    assert "_:b1" in values
    assert f"{EX}iri?with=query&amp" in values
    assert "42" in values
    assert all(row[2] == "" for row in rows[1:])
    assert text.endswith("\r\n")


def test_cap_keeps_the_first_rows_and_says_it_cut(store: ox.Store) -> None:
    capped = evaluate(store, _job(ResultFormat.JSON, cap=3))
    assert capped.truncated
    assert capped.rows == 3
    assert len(json.loads(capped.body)["results"]["bindings"]) == 3
    exact = evaluate(store, _job(ResultFormat.JSON, cap=8))
    assert not exact.truncated
    assert exact.rows == 8


def test_graph_cap_and_format(store: ox.Store) -> None:
    job = _job(None, cap=2, query="CONSTRUCT WHERE { ?s ?p ?o }")
    outcome = evaluate(store, job)
    assert outcome.kind is ResultKind.GRAPH
    assert outcome.truncated
    assert len(list(ox.parse(outcome.body, ox.RdfFormat.TURTLE))) == 2


def test_ask_in_each_format(store: ox.Store) -> None:
    for result_format in ResultFormat:
        outcome = evaluate(store, _job(result_format, query="ASK { ?s ?p 'plain' }"))
        assert outcome.kind is ResultKind.BOOLEAN
        assert b"true" in outcome.body


def test_unacceptable_kind_is_reported_not_raised(store: ox.Store) -> None:
    outcome = evaluate(store, _job(None))
    assert outcome.status is OutcomeStatus.NOT_ACCEPTABLE
    assert outcome.kind is ResultKind.SOLUTIONS


def test_syntax_error_keeps_the_parser_position(store: ox.Store) -> None:
    outcome = evaluate(store, _job(ResultFormat.JSON, query="SELECT *\nWHERE { ?s }"))
    assert outcome.status is OutcomeStatus.SYNTAX_ERROR
    assert outcome.message.startswith("error at 2:")


@pytest.mark.parametrize(("cap", "truncated"), [(2, True), (7, True), (8, False), (9, False)])
def test_ntriples_and_tsv_answers_stop_at_the_cap(
    store: ox.Store, cap: int, truncated: bool
) -> None:
    """Both line-per-row answers are cut natively: exactly `cap` rows, and a flag."""
    graph = QueryJob(
        "CONSTRUCT WHERE { ?s ?p ?o }",
        DatasetSpec(),
        None,
        GraphFormat.N_TRIPLES,
        row_cap=cap,
    )
    outcome = evaluate(store, graph)
    assert outcome.truncated is truncated
    assert len(list(ox.parse(outcome.body, ox.RdfFormat.N_TRIPLES))) == min(cap, 8)
    assert outcome.rows == min(cap, 8)
    solutions = evaluate(store, _job(ResultFormat.TSV, cap=cap))
    assert solutions.truncated is truncated
    assert len(solutions.body.decode("utf-8").splitlines()) == min(cap, 8) + 1


@pytest.fixture(scope="module")
def crowded() -> ox.Store:
    """Subjects with several objects per predicate (written ` , ` on one line) and literals
    holding what ends or separates triples in Turtle: ` , `, ` ;`, ` .`, quotes, line breaks."""
    store = ox.Store()
    graph = _node("g")
    tricky = ["a , b", "x ;\ny .\n", 'q " , " q', "\\ , ", "tab\t, ", "end ."]
    for i, text in enumerate(tricky):
        store.add(ox.Quad(_node("s"), _node("p"), ox.Literal(text), graph))
        store.add(ox.Quad(_node(f"s{i}"), _node("p"), ox.Literal(text, language="en"), graph))
        store.add(ox.Quad(_node(f"s{i}"), _node("q"), _node(f"o{i}"), graph))
        store.add(ox.Quad(_node(f"s{i}"), _node("q"), ox.BlankNode(f"b{i}"), graph))
    return store


def test_turtle_triple_count_matches_the_triples_written(crowded: ox.Store) -> None:
    body = crowded.query("CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    turtle = body.serialize(format=ox.RdfFormat.TURTLE) or b""
    assert b" , " in turtle  # objects sharing a line: the case that needs counting
    assert turtle_triple_count(turtle) == len(crowded) == 24
    assert turtle_triple_count(b"") == 0


@pytest.mark.parametrize(("cap", "truncated"), [(1, True), (6, True), (23, True), (24, False)])
def test_turtle_answers_are_cut_at_exactly_the_cap(
    crowded: ox.Store, cap: int, truncated: bool
) -> None:
    """Natively written when the result fits, evaluated again and cut when it does not."""
    job = QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", DatasetSpec(), None, GraphFormat.TURTLE, cap)
    outcome = evaluate(crowded, job)
    assert outcome.truncated is truncated
    assert outcome.rows == min(cap, 24)
    parsed = list(ox.parse(outcome.body, ox.RdfFormat.TURTLE))
    assert len(parsed) == min(cap, 24)
    whole = crowded.query("CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    named = {str(t) for t in whole if not isinstance(t.object, ox.BlankNode)}
    assert {str(ox.Triple(q.subject, q.predicate, q.object)) for q in parsed} - named <= {
        str(ox.Triple(q.subject, q.predicate, q.object))
        for q in parsed
        if isinstance(q.object, ox.BlankNode)
    }


class CountingStore:
    """The real store, counting evaluations: a JSON answer cut natively takes one."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.queries = 0

    def query(self, query: str, **options: object) -> object:
        self.queries += 1
        return self.store.query(query, **options)  # type: ignore[arg-type]


# Values holding what separates rows in SPARQL JSON, and one long enough (9 KB) that rows
# straddle the writer's buffer edges.
BRACING = ["},{", '},{"o":{"type":"', "]}}", '"bindings":[{"', "\\},{", "x" * 9000 + "},{"]
ROWS = 300


@pytest.fixture(scope="module")
def bracing() -> ox.Store:
    store = ox.Store()
    graph = _node("g")
    for i in range(ROWS):
        text = BRACING[i % len(BRACING)] + str(i)
        store.add(ox.Quad(_node(f"s{i:03d}"), _node("p"), ox.Literal(text), graph))
    store.add(ox.Quad(_node("odd"), _node("q"), ox.Literal("a {} in a value"), graph))
    return store


SPO = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s"


def _json_rows(body: bytes) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(body)["results"]["bindings"]
    return rows


@pytest.mark.parametrize("cap", [1, 2, 7, 150, ROWS - 1, ROWS, ROWS + 1, 10_000])
def test_json_answers_are_cut_natively_at_exactly_the_cap(bracing: ox.Store, cap: int) -> None:
    """Written by pyoxigraph and cut where a row starts, in one evaluation, whatever the
    values hold; the same rows, in order, as the whole answer."""
    counting = CountingStore(bracing)
    outcome = evaluate(counting, _job(ResultFormat.JSON, cap=cap, query=SPO))  # type: ignore[arg-type]
    direct = bracing.query(SPO, use_default_graph_as_union=True)
    whole = _json_rows(direct.serialize(format=ox.QueryResultsFormat.JSON) or b"")
    assert counting.queries == 1
    assert outcome.rows == min(cap, ROWS)
    assert outcome.truncated is (cap < ROWS)
    assert _json_rows(outcome.body) == whole[:cap]


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ("SELECT ?s ?o WHERE { ?s ?p ?o }", ROWS + 1),  # a value holds `{}`
        ("SELECT ?x WHERE { ?s ?p ?o }", ROWS + 1),  # every row binds nothing: `{}`
        ("SELECT ?o WHERE { ?s <http://example.org/none> ?o }", 0),
    ],
)
@pytest.mark.parametrize("cap", [3, 10_000])
def test_json_answers_with_rows_it_cannot_tell_apart_are_counted_exactly(
    bracing: ox.Store, query: str, rows: int, cap: int
) -> None:
    counting = CountingStore(bracing)
    outcome = evaluate(counting, _job(ResultFormat.JSON, cap=cap, query=query))  # type: ignore[arg-type]
    assert outcome.status is OutcomeStatus.OK
    assert outcome.rows == min(cap, rows)
    assert outcome.truncated is (cap < rows)
    assert len(_json_rows(outcome.body)) == min(cap, rows)
    assert counting.queries == (1 if rows == 0 else 2)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8192])
def test_rows_are_counted_whatever_the_writes_cut(bracing: ox.Store, size: int) -> None:
    """pyoxigraph writes through a buffer; a row's start may be cut between two writes."""
    direct = bracing.query(SPO, use_default_graph_as_union=True)
    body = direct.serialize(format=ox.QueryResultsFormat.JSON) or b""
    sink = _JsonRowSink(10 * ROWS)
    for start in range(0, len(body), size):
        sink.write(body[start : start + size])
    assert sink.boundaries == ROWS - 1  # the first row follows `[`
    assert bytes(sink.data) == body
