"""The `store` setting: which URL names which endpoints, and what is refused at start-up."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from advocacy_ld import cli
from advocacy_ld.errors import StoreError
from advocacy_ld.settings import Settings
from advocacy_ld.store import open_store
from advocacy_ld.store.endpoints import parse_remote, redact

# (setting, query, update, graph store): one row per server the README documents.
ENDPOINTS = [
    (
        "sparql+http://127.0.0.1:7878",
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
    ),
    (
        "sparql+https://fuseki.example.org/archive?graph-store=data",
        "https://fuseki.example.org/archive/query",
        "https://fuseki.example.org/archive/update",
        "https://fuseki.example.org/archive/data",
    ),
    (
        "sparql+http://graphdb:7200/repositories/archive"
        "?query=&update=statements&graph-store=rdf-graphs/service",
        "http://graphdb:7200/repositories/archive",
        "http://graphdb:7200/repositories/archive/statements",
        "http://graphdb:7200/repositories/archive/rdf-graphs/service",
    ),
    (
        "sparql+http://app:secret@virtuoso:8890"
        "?query=/sparql-auth&update=/sparql-auth&graph-store=/sparql-graph-crud-auth&auth=digest",
        "http://virtuoso:8890/sparql-auth",
        "http://virtuoso:8890/sparql-auth",
        "http://virtuoso:8890/sparql-graph-crud-auth",
    ),
    (
        "sparql+http://[::1]:3030/ds/",
        "http://[::1]:3030/ds/query",
        "http://[::1]:3030/ds/update",
        "http://[::1]:3030/ds/store",
    ),
]


@pytest.mark.parametrize(("setting", "query", "update", "graph_store"), ENDPOINTS)
def test_a_store_url_names_three_endpoints(
    setting: str, query: str, update: str, graph_store: str
) -> None:
    endpoints = parse_remote(setting)
    assert (endpoints.query, endpoints.update, endpoints.graph_store) == (
        query,
        update,
        graph_store,
    )


def test_credentials_auth_and_timeout_come_from_the_url() -> None:
    endpoints = parse_remote("sparql+https://app:p%40ss%3Aword@h/ds?auth=digest&timeout=2.5")
    assert (endpoints.username, endpoints.password) == ("app", "p@ss:word")
    assert endpoints.auth == "digest"
    assert endpoints.timeout == 2.5
    assert "p@ss" not in repr(endpoints)
    assert redact("sparql+https://app:p%40ss@h/ds") == "sparql+https://app:***@h/ds"
    assert parse_remote("sparql+http://h").auth == "basic"


REFUSED = {
    "cassandra": "unknown store",
    "http://127.0.0.1:7878": "unknown store",
    "sparql+ftp://127.0.0.1": "unknown store",
    "sparql+http:///query": "no host",
    "sparql+http://h:99999": "invalid port",
    "sparql+http://h?querry=/sparql": "unknown parameter.*querry",
    "sparql+http://h?auth=oauth": "auth='oauth'",
    "sparql+http://h?timeout=soon": "not a number",
    "sparql+http://h?timeout=0": "more than 0",
    "sparql+http://h?query=/a&query=/b": "given twice",
    "sparql+http://h#x": "fragment",
}


@pytest.mark.parametrize(("setting", "reason"), REFUSED.items(), ids=REFUSED.keys())
def test_a_wrong_store_setting_stops_the_settings(setting: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        Settings(store=setting, public_store="memory")
    with pytest.raises(ValidationError, match=reason):
        Settings(public_store=setting)


def test_open_store_refuses_an_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown store"):
        open_store("cassandra", tmp_path)


def test_a_remote_archive_needs_a_public_store_of_its_own() -> None:
    with pytest.raises(ValidationError, match="set public_store"):
        Settings(store="sparql+http://127.0.0.1:7878")
    with pytest.raises(ValidationError, match="two datasets"):
        Settings(store="sparql+http://h:1/ds", public_store="sparql+http://h:1/ds?query=/q")
    both = Settings(store="sparql+http://h:1/archive", public_store="sparql+http://h:1/public")
    assert both.public_store_setting == "sparql+http://h:1/public"
    assert Settings(store="memory").public_store_setting == "memory"


def test_the_command_line_names_the_wrong_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("ADVOCACY_LD_DATA", str(tmp_path))
    monkeypatch.setenv("ADVOCACY_LD_STORE", "sparql+http://127.0.0.1:7878?querry=/x")
    monkeypatch.setattr(sys, "argv", ["advocacy-ld", "stats"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 2
    message = capsys.readouterr().err
    assert "invalid setting: ADVOCACY_LD_STORE" in message
    assert "querry" in message
