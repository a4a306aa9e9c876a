"""The keyword scan that refuses SERVICE and updates before anything evaluates a query.

A SERVICE the scan misses is a request to anywhere, so the table leans on hiding places:
strings, comments, IRIs, prefixed names, variables, escapes, case, missing spaces.
"""

from __future__ import annotations

import pytest

from advocacy_ld.publish.sparql.lexer import (
    DatasetClauses,
    QueryForm,
    dataset_clauses,
    inspect_query,
)

REMOTE = "<http://127.0.0.1:9/sparql>"

USES_SERVICE = [
    f"SELECT * WHERE {{ SERVICE {REMOTE} {{ ?s ?p ?o }} }}",
    f"select * where {{ service silent {REMOTE} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o SERVICE{REMOTE}{{}} }}",
    "SELECT * WHERE { VALUES ?e { <http://x/> } SERVICE ?e { ?s ?p ?o } }",
    f'SELECT * WHERE {{ ?s ?p "a\\"b" SERVICE {REMOTE} {{}} }}',
    f"SELECT * WHERE {{ ?s ?p '''x''' SERVICE {REMOTE} {{}} }}",
    f"SELECT * WHERE {{ FILTER(?a <?b) SERVICE {REMOTE} {{}} }}",
    f"SELECT * WHERE {{ FILTER(?a < 3) SERVICE {REMOTE} {{}} }}",
    f"SELECT * WHERE {{ # a comment\n SERVICE {REMOTE} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p 'x'@en SERVICE {REMOTE} {{}} }}",
    # \u escapes: Oxigraph decodes them only in strings and IRIs, but §19.2 allows everywhere.
    f"SELECT * WHERE {{ SERV\\u0049CE {REMOTE} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p '\\u0027' SERVICE {REMOTE} {{}} }}",
]

NO_SERVICE = [
    "SELECT ?service WHERE { ?service ?p ?o }",
    "PREFIX service: <http://e/> SELECT * WHERE { ?s service:SERVICE ?o }",
    "PREFIX : <http://e/> SELECT * WHERE { ?s :SERVICE _:service }",
    "SELECT * WHERE { ?s ?p 'SERVICE <http://x/> {}' }",
    'SELECT * WHERE { ?s ?p """\nSERVICE <http://x/> {}\n""" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> {}",
    "SELECT * WHERE { ?s <http://e/SERVICE> ?o }",
    "SELECT * WHERE { ?s ?p 'x'@service }",
]


@pytest.mark.parametrize("query", USES_SERVICE)
def test_service_is_found(query: str) -> None:
    assert inspect_query(query).uses_service


@pytest.mark.parametrize("query", NO_SERVICE)
def test_service_is_not_imagined(query: str) -> None:
    assert not inspect_query(query).uses_service


@pytest.mark.parametrize(
    ("query", "form", "first"),
    [
        ("SELECT * WHERE {}", QueryForm.SELECT, "SELECT"),
        ("ask {}", QueryForm.ASK, "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT, "CONSTRUCT"),
        ("DESCRIBE <http://e/x>", QueryForm.DESCRIBE, "DESCRIBE"),
        ("BASE <http://e/> PREFIX a: <b#> PREFIX : <c#> SELECT * {}", QueryForm.SELECT, "SELECT"),
        ("# SELECT\nINSERT DATA { <a> <b> <c> }", QueryForm.UPDATE, "INSERT"),
        ("PREFIX x: <y#> DELETE WHERE { ?s ?p ?o }", QueryForm.UPDATE, "DELETE"),
        ("LOAD <http://e/x>", QueryForm.UPDATE, "LOAD"),
        ("clear all", QueryForm.UPDATE, "CLEAR"),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE {}", QueryForm.UPDATE, "WITH"),
        ("hello", None, "HELLO"),
        ("", None, None),
        ("<http://e/x> ?p ?o", None, None),
    ],
)
def test_form_is_the_first_keyword_after_the_prologue(
    query: str, form: QueryForm | None, first: str | None
) -> None:
    shape = inspect_query(query)
    assert shape.form is form
    assert shape.first_keyword == first


@pytest.mark.parametrize(
    ("query", "has_from"),
    [
        ("SELECT * FROM <http://e/g> WHERE {}", True),
        ("SELECT * FROM NAMED <http://e/g> WHERE {}", True),
        ("SELECT * WHERE { ?from ?p 'FROM' }", False),
        ("SELECT * WHERE { ?s <http://e/from> ?o }", False),
    ],
)
def test_dataset_clause(query: str, has_from: bool) -> None:
    assert inspect_query(query).has_dataset_clause is has_from


# The graphs a query's FROM clauses name, for a remote server (None: send the query as it is).
DATASET_CLAUSES: list[tuple[str, DatasetClauses | None]] = [
    ("SELECT * FROM <http://e/g> WHERE {}", DatasetClauses(("http://e/g",), ())),
    (
        "select * from <http://e/a> FROM <http://e/b> from named <http://e/n> where {}",
        DatasetClauses(("http://e/a", "http://e/b"), ("http://e/n",)),
    ),
    (
        "PREFIX ex: <http://e/> PREFIX : <http://d/> SELECT * FROM ex:g FROM NAMED :h {}",
        DatasetClauses(("http://e/g",), ("http://d/h",)),
    ),
    (
        "BASE <http://e/base/> SELECT * FROM <g> FROM NAMED <../h> WHERE {}",
        DatasetClauses(("http://e/base/g",), ("http://e/h",)),
    ),
    ("# FROM <http://e/c>\nSELECT * WHERE { ?s ?p 'FROM <http://e/s>' }", None),
    ("SELECT * WHERE { ?s ?p ?o }", None),
    ("SELECT * FROM <g> WHERE {}", None),  # relative, no BASE: the server says what it is
    ("SELECT * FROM ex:g WHERE {}", None),  # unknown prefix
    ("SELECT * FROM <http://e/\\u0067> WHERE {}", None),  # escapes: left to the server
    ("SELECT * FROM", None),
]


@pytest.mark.parametrize(("query", "expected"), DATASET_CLAUSES)
def test_dataset_clauses_are_read_when_certain(query: str, expected: DatasetClauses | None) -> None:
    assert dataset_clauses(query) == expected


@pytest.mark.parametrize("text", ["'", '"""', "<", "\\", "'\\", "\\U0011FFFF SERVICE"])
def test_never_raises(text: str) -> None:
    inspect_query(text)
    dataset_clauses(text)
